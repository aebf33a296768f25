"""Repair a proposal the stuurgroep edited in ``proposal.xlsx``.

``leernetwerk run … --keep EDITED.xlsx`` and ``leernetwerk check EDITED.xlsx
--repair`` read the edited workbook (:mod:`leernetwerk.layout_io`), compare it
with the proposal it was written from (``proposal.json`` beside it) and turn
every change into a pin of cycle.toml:

- a participant in another club (sheet ``Clubs``) → ``pins.club``;
- a session with a pair that was not together in that round before (sheets
  ``Ronde n``) → ``pins.together`` for every pair of that session, which also
  keeps apart the pairs the edit split (their two pinned sessions cannot merge
  within the maximum session size);
- a member who hosts in a round where they did not host before → ``pins.host``;
- a registrant added to or removed from the selection (column ``Geselecteerd``
  of sheet ``Selectie``, or a row added to or removed from ``Clubs``) →
  ``pins.select`` / ``pins.exclude``.

The rest is re-planned with the edited layout as ``keep`` and stability weights
(:data:`REPAIR_STABILITY`) so high that staying put beats any score gain. When
the edited clubs keep every club rule, every participant is pinned to their
edited club, so nobody else changes club; otherwise the club rules the edits
break are the stated reason for each other move. Edits that no repair can make
keep the rules raise the engine's conflict explanation, naming the edits' pins.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from leernetwerk.config import ClubPin, CycleConfig, HostPin, TogetherPin
from leernetwerk.domain import Registration, Registrations
from leernetwerk.errors import Problem, UserError, did_you_mean
from leernetwerk.layout_io import EditedLayout, read_edited_workbook
from leernetwerk.proposal import Club, Layout, Proposal, Quality, Round, Session, load_proposal
from leernetwerk.solver_errors import conflict_problems
from matching.club_sizes import club_bounds, club_count
from matching.engine import MatchResult, Progress, match
from matching.errors import MatchingError, RuleConflict
from matching.rules import BY_KEY, Stage, check_layout
from matching.selection import SelectionResult, select

REPAIR_STABILITY = 1000.0
"""Stability weight per participant (clubs and sessions) while repairing: far above
what any participant adds to the score, so the repair moves only what the rules need."""

PROPOSAL_FILE = "proposal.json"


def is_edited_workbook(path: Path | None) -> bool:
    """Whether ``--keep`` names an edited proposal workbook (not a run or proposal.json)."""
    return path is not None and path.suffix.lower() in (".xlsx", ".xlsm")


Pair = frozenset[str]


def _pairs(layout: Layout, round_number: int) -> set[Pair]:
    return {
        frozenset(p)
        for r, s in layout.sessions()
        if r == round_number
        for p in itertools.combinations(sorted(set(s.members)), 2)
    }


@dataclass(frozen=True)
class Edits:
    """The stuurgroep's changes to a proposal, as pins, and the edited layout to keep."""

    workbook: Path
    proposal_path: Path
    original: Proposal
    layout: Layout
    """The edited layout with only the (edited) selection in it: what the repair keeps."""
    selected: tuple[str, ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    club: tuple[ClubPin, ...] = ()
    together: tuple[TogetherPin, ...] = ()
    host: tuple[HostPin, ...] = ()
    split: tuple[tuple[str, str, int], ...] = ()
    """Pairs the edit split in a round that the together pins do not keep apart."""
    notes: tuple[str, ...] = ()
    """Dutch: edits that were not taken over as pins, and why."""

    @property
    def selection_changed(self) -> bool:
        return bool(self.added or self.removed)

    @property
    def any(self) -> bool:
        return bool(self.selection_changed or self.club or self.together or self.host)

    def lines(self) -> list[str]:
        """Dutch, one line per edit."""
        old = self.original.layout.club_of()
        lines = [f"{n}: toegevoegd aan de selectie" for n in self.added]
        lines += [f"{n}: uit de selectie gehaald" for n in self.removed]
        lines += [
            f"{p.name}: in club {p.club}" + (f" (was club {old[p.name]})" if p.name in old else "")
            for p in self.club
        ]
        groups: list[tuple[int, set[str]]] = []
        for t in self.together:  # the pins of one session are all its pairs: merge them
            group = next((g for r, g in groups if r == t.round and g & set(t.members)), None)
            if group is None:
                groups.append((t.round, set(t.members)))
            else:
                group.update(t.members)
        lines += [f"ronde {r}: {', '.join(sorted(g))} samen in één bijeenkomst" for r, g in groups]
        lines += [f"{p.name}: host in ronde {p.round}" for p in self.host]
        return lines

    def pinned(self, config: CycleConfig) -> CycleConfig:
        """``config`` with the edits added to its pins (weights unchanged)."""
        pins = config.pins
        clash = [n for n in self.added if n in pins.exclude]
        clash += [n for n in self.removed if n in pins.select]
        if clash:
            raise UserError(
                [
                    Problem(
                        sheet="cycle.toml",
                        column="pins.select/pins.exclude",
                        value=name,
                        message=f"het bewerkte werkboek {verb(name, self.added)} {name}, maar "
                        "cycle.toml zegt het omgekeerde; pas één van beide aan.",
                    )
                    for name in clash
                ]
            )
        return config.model_copy(
            update={
                "pins": pins.model_copy(
                    update={
                        "select": tuple(dict.fromkeys(pins.select + self.added)),
                        "exclude": tuple(dict.fromkeys(pins.exclude + self.removed)),
                        "club": pins.club + self.club,
                        "together": pins.together + self.together,
                        "host": pins.host + self.host,
                    }
                )
            }
        )


def verb(name: str, added: Sequence[str]) -> str:
    return "selecteert" if name in added else "schrapt"


def restricted(layout: Layout, keep: set[str]) -> Layout:
    """``layout`` with only the names in ``keep`` (a host who left: no host)."""

    def session(s: Session) -> Session:
        members = tuple(m for m in s.members if m in keep)
        return s.model_copy(
            update={"members": members, "host": s.host if s.host in members else None}
        )

    return Layout(
        clubs=tuple(
            Club(id=c.id, members=tuple(m for m in c.members if m in keep)) for c in layout.clubs
        ),
        rounds=tuple(
            Round(round=r.round, sessions=tuple(session(s) for s in r.sessions if s.members))
            for r in layout.rounds
        ),
    )


def find_edits(
    workbook: Path,
    proposal_path: Path,
    original: Proposal,
    edited: EditedLayout,
    registrations: Registrations,
    config: CycleConfig,
) -> Edits:
    """Every change of the edited workbook against ``original``, as pins."""
    known = [r.name for r in registrations]
    club_of = edited.layout.club_of()
    unknown = [
        Problem(
            sheet="Clubs",
            column="Deelnemer",
            value=name,
            message=f"'{name}' staat niet in de aanmeldingen." + did_you_mean(name, known),
        )
        for name in club_of
        if name not in known
    ]
    if unknown:
        raise UserError(unknown)
    before = set(original.selected)
    in_sessions = {n for _, s in edited.layout.sessions() for n in s.members}
    sheet = edited.selection or {}
    notes: list[str] = []
    added = tuple(n for n in known if n not in before and (sheet.get(n) is True or n in club_of))
    removed = tuple(
        n
        for n in original.selected
        if sheet.get(n) is False or (n not in club_of and n not in in_sessions)
    )
    notes += [
        f"{n} staat in blad 'Selectie' op nee maar nog in blad 'Clubs'; {n} doet niet mee."
        for n in removed
        if n in club_of
    ]
    chosen = (before - set(removed)) | set(added)
    layout = restricted(edited.layout, chosen)
    club = layout.club_of()
    old_club = original.layout.club_of()
    club_pins = tuple(
        ClubPin(name=n, club=club[n]) for n in known if n in club and old_club.get(n) != club[n]
    )

    together: list[TogetherPin] = []
    group_size: dict[tuple[str, int], int] = {}
    for rnd in layout.rounds:
        r, old = rnd.round, _pairs(original.layout, rnd.round)
        for s in rnd.sessions:
            by_club: dict[int, list[str]] = defaultdict(list)
            for m in dict.fromkeys(s.members):
                if m in club:
                    by_club[club[m]].append(m)
            for group in by_club.values():
                pairs = list(itertools.combinations(sorted(group), 2))
                if all(frozenset(p) in old for p in pairs):
                    continue  # unchanged or only left by someone: kept, not pinned
                together += [TogetherPin(members=p, round=r) for p in pairs]
                group_size.update({(m, r): len(group) for m in group})
            notes += [
                f"Ronde {r}: {a} en {b} staan samen in een bijeenkomst, maar in blad 'Clubs' "
                f"in verschillende clubs ({club[a]} en {club[b]}); blad 'Clubs' telt."
                for a, b in itertools.combinations(sorted(set(s.members) & set(club)), 2)
                if club[a] != club[b] and frozenset((a, b)) not in old
            ]
    split = []
    for rnd in original.layout.rounds:
        r, now = rnd.round, _pairs(layout, rnd.round)
        for pair in sorted(map(sorted, _pairs(original.layout, r))):
            a, b = pair
            if a in club and b in club and club[a] == club[b] and frozenset(pair) not in now:
                size = group_size.get((a, r), 1) + group_size.get((b, r), 1)
                if size <= config.sessions.max_size:
                    split.append((a, b, r))
    old_hosts = {(s.host, r) for r, s in original.layout.sessions() if s.host}
    hosts = tuple(
        HostPin(name=s.host, round=r)
        for r, s in layout.sessions()
        if s.host and (s.host, r) not in old_hosts and club.get(s.host) == s.club
    )
    return Edits(
        workbook=workbook,
        proposal_path=proposal_path,
        original=original,
        layout=layout,
        selected=tuple(n for n in known if n in chosen),
        added=added,
        removed=removed,
        club=club_pins,
        together=tuple(together),
        host=hosts,
        split=tuple(split),
        notes=tuple(dict.fromkeys(notes)),
    )


def load_edits(
    workbook: Path,
    proposal: Path | None,
    registrations: Registrations,
    config: CycleConfig,
) -> Edits:
    """Read an edited workbook and the proposal it came from; Dutch errors for both."""
    from leernetwerk.check import find_proposal  # check imports the report layer lazily

    proposal_path = find_proposal(workbook, proposal)
    original = load_proposal(proposal_path)
    edited = read_edited_workbook(
        workbook, catalogue=config.catalogue, rounds=config.sessions.rounds
    )
    if edited.errors:
        head = Problem(message=f"Het bewerkte werkboek '{workbook}' is niet te lezen:")
        raise UserError([head, *edited.errors])
    if edited.input_sha256 and edited.input_sha256 != original.input_sha256:
        raise UserError(
            f"Het bewerkte werkboek '{workbook}' hoort niet bij voorstel '{proposal_path}' "
            "(SHA-256 invoer in blad 'Overzicht' wijkt af). Geef het juiste voorstel op."
        )
    return find_edits(workbook, proposal_path, original, edited, registrations, config)


# --- re-planning ---------------------------------------------------------------


def stable(config: CycleConfig) -> CycleConfig:
    """``config`` with stability weights that make staying put beat any score gain."""
    weights = config.weights
    return config.model_copy(
        update={
            "weights": weights.model_copy(
                update={
                    "clubs": weights.clubs.model_copy(
                        update={"stability": max(weights.clubs.stability, REPAIR_STABILITY)}
                    ),
                    "sessions": weights.sessions.model_copy(
                        update={"stability": max(weights.sessions.stability, REPAIR_STABILITY)}
                    ),
                }
            )
        }
    )


def broken_rules(
    layout: Layout,
    participants: Mapping[str, Registration],
    config: CycleConfig,
    stage: Stage,
    met_before: Iterable[frozenset[str]] = (),
) -> list[tuple[str, tuple[str, ...]]]:
    """Hard rules of ``stage`` that ``layout`` breaks: (Dutch message, names)."""
    return [
        (v.message, tuple(v.names))
        for v in check_layout(layout, participants, config, frozenset(met_before))
        if v.hard and BY_KEY[v.rule].stage is stage
    ]


def size_reasons(keep: Layout, n: int, config: CycleConfig) -> list[str]:
    """Dutch: the edited clubs are not as equal in size as the engine makes them.

    The engine keeps clubs as equal as possible (:mod:`matching.club_sizes`, so a
    pairwise score does not favour lopsided clubs), which is stricter than the
    ``club_size`` rule ``check`` applies; a move between two clubs of equal size then
    needs a move back.
    """
    try:
        k = club_count(n, config)
    except RuleConflict:
        return []  # no club layout fits at all: the engine explains that
    (lo, hi), *_ = club_bounds(n, k)
    sizes = {c.id: len(c.members) for c in keep.clubs if c.members}
    odd = {c: size for c, size in sorted(sizes.items()) if not lo <= size <= hi}
    if not odd and len(sizes) == k:
        return []
    span = f"{lo}" if lo == hi else f"{lo}–{hi}"
    listed = ", ".join(f"club {c} {size}" for c, size in odd.items())
    return [
        f"de clubs zijn zo gelijk mogelijk van grootte ({k} clubs van {span} bij {n} "
        f"deelnemers), in het werkboek: {listed or f'{len(sizes)} clubs'}"
    ]


def conflict_error(exc: RuleConflict, edits: Edits) -> UserError:
    """The edits cannot all hold: which edits (as pins), then the engine's conflict."""
    head = [
        Problem(
            message=f"De wijzigingen in '{edits.workbook}' zijn samen niet uit te voeren; "
            "de pins hieronder komen uit die wijzigingen:"
        ),
        *(Problem(message=f"  - {line}") for line in edits.lines()),
    ]
    return UserError(head + conflict_problems(exc))


@dataclass(frozen=True)
class RepairedSelection(SelectionResult):
    """A selection for a repair, with the changes beyond the edits (Dutch)."""

    moved: tuple[str, ...] = ()


def repair_selection(
    edits: Edits,
    registrations: Registrations,
    config: CycleConfig,
    *,
    places: int | None,
    participation: Mapping[str, tuple[str, ...]],
) -> RepairedSelection:
    """The edited selection, and Dutch lines for any other change a hard rule forced.

    Without selection edits the original proposal's selection is taken over as is.
    Otherwise the selection is re-run with the edits as pins; when that does not
    give exactly the edited selection, with the whole edited selection pinned; and
    only when that breaks a hard rule (e.g. too few places) the first result is used,
    each further change with the rule that forced it.
    """
    original = edits.original
    if not edits.selection_changed:
        settings = {k: v for k, v in original.solver.items() if not k.startswith("matching_")}
        return RepairedSelection(
            entries=original.selection,
            quality=original.selection_quality or Quality(),
            breakdown=(),
            selected=original.selected,
            warnings=(),
            settings=settings,
        )
    wanted = set(edits.selected)

    def run(cfg: CycleConfig, moved: Sequence[str] = ()) -> RepairedSelection:
        result = select(registrations, cfg, places=places, participation=participation)
        fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
        return RepairedSelection(**fields, moved=tuple(moved))

    try:
        loose = run(config)
    except MatchingError as exc:
        raise selection_conflict(edits, registrations, config, str(exc)) from None
    if set(loose.selected) == wanted:
        return loose
    everyone = config.model_copy(
        update={
            "pins": config.pins.model_copy(
                update={
                    "select": tuple(edits.selected),
                    "exclude": tuple(r.name for r in registrations if r.name not in wanted),
                }
            )
        }
    )
    try:
        return run(everyone)
    except MatchingError:
        pass
    why = "; ".join(selection_breaks(edits, registrations, config)) or (
        "de selectie zonder verdere wijziging breekt een harde regel"
    )
    lines = [f"{n}: ook geselecteerd ({why})" for n in loose.selected if n not in wanted]
    lines += [
        f"{n}: niet meer geselecteerd ({why})" for n in edits.selected if n not in loose.selected
    ]
    return dataclasses.replace(loose, moved=tuple(lines))


def selection_breaks(edits: Edits, registrations: Registrations, config: CycleConfig) -> list[str]:
    """Dutch messages of the selection rules the edited selection breaks."""
    by_name = registrations.by_name()
    return [
        v.message
        for v in check_layout(Layout(), {}, config, selected=edits.selected, registrations=by_name)
        if v.hard and BY_KEY[v.rule].stage is Stage.SELECTION
    ]


def selection_conflict(
    edits: Edits, registrations: Registrations, config: CycleConfig, detail: str
) -> UserError:
    lines = [
        Problem(
            message=f"De wijzigingen in de selectie in '{edits.workbook}' zijn samen niet uit "
            "te voeren:"
        ),
        *(Problem(message=f"  - {line}") for line in edits.lines()),
        Problem(message="Samen botsen:"),
        *(
            Problem(message=f"  - {m}")
            for m in selection_breaks(edits, registrations, config) or [detail]
        ),
        Problem(message="Er is niets weggeschreven."),
    ]
    return UserError(lines)


def repair_match(
    participants: Sequence[Registration],
    config: CycleConfig,
    edits: Edits,
    *,
    met_before: Iterable[frozenset[str]] = (),
    progress: Progress | None = None,
) -> MatchResult:
    """Match with the edits pinned, moving only what the hard rules need (see module)."""
    met = frozenset(met_before)
    people = {p.name: p for p in participants}
    keep = restricted(edits.layout, set(people))
    solve_config = stable(config)
    reasons = size_reasons(keep, len(people), config)
    reasons += [m for m, _ in broken_rules(keep, people, config, Stage.CLUBS)]
    edited_pins = {p.name for p in edits.club}
    if not reasons:
        others = tuple(
            ClubPin(name=n, club=c) for n, c in keep.club_of().items() if n not in edited_pins
        )
        strict = solve_config.model_copy(
            update={
                "pins": solve_config.pins.model_copy(update={"club": config.pins.club + others})
            }
        )
        try:
            result = match(participants, strict, met_before=met, keep=keep, progress=progress)
            return with_moved(result, edits, keep, [], people, config, met)
        except RuleConflict as exc:
            own = {f"pin: {p.name} in club {p.club}" for p in others}
            reasons = [line for line in exc.reasons if line not in own]
    try:
        result = match(participants, solve_config, met_before=met, keep=keep, progress=progress)
    except RuleConflict as exc:
        raise conflict_error(exc, edits) from None
    return with_moved(result, edits, keep, reasons, people, config, met)


def with_moved(
    result: MatchResult,
    edits: Edits,
    keep: Layout,
    club_reasons: list[str],
    people: Mapping[str, Registration],
    config: CycleConfig,
    met: frozenset[frozenset[str]],
) -> MatchResult:
    """``result`` with ``moved``: every change beyond the edits, each with its reason.

    The session stage's bound is dropped: with the repair's stability weights the
    session models' bound is not a bound on the score alone (as for clubs with keep).
    """
    stages = dict(result.quality.stages)
    if "sessions" in stages:
        stages["sessions"] = stages["sessions"].model_copy(update={"bound": None, "gap": None})
    return dataclasses.replace(
        result,
        quality=result.quality.model_copy(update={"stages": stages}),
        moved=tuple(moved_lines(edits, keep, result.layout, club_reasons, people, config, met)),
    )


def moved_lines(
    edits: Edits,
    keep: Layout,
    layout: Layout,
    club_reasons: list[str],
    people: Mapping[str, Registration],
    config: CycleConfig,
    met: frozenset[frozenset[str]],
) -> list[str]:
    """Dutch: who changed club or session partners relative to the edited workbook, why."""
    before, after = keep.club_of(), layout.club_of()
    why_club = "; ".join(club_reasons) or "een harde regel van de clubs"
    lines = []
    for name in sorted(after):
        if name not in before:
            lines.append(
                f"{name}: ingedeeld in club {after[name]} (toegevoegd aan de selectie zonder club)"
            )
        elif before[name] != after[name]:
            lines.append(
                f"{name}: van club {before[name]} naar club {after[name]}; nodig omdat "
                f"anders: {why_club}"
            )
    broken = broken_rules(keep, people, config, Stage.SESSIONS, met)

    def broke(name: str, r: int) -> list[str]:
        """What the edited workbook's session of ``name`` in round ``r`` broke."""
        return list(
            dict.fromkeys(
                m
                for m, names in broken
                if name in names and (f"Ronde {r}" in m or "Ronde " not in m)
            )
        )

    def partners(lay: Layout) -> dict[tuple[str, int], frozenset[str]]:
        return {(n, r): frozenset(s.members) - {n} for r, s in lay.sessions() for n in s.members}

    old, new = partners(keep), partners(layout)
    changed = {n for n in after if before.get(n) != after[n]}
    movers = changed | {p.name for p in edits.club} | set(edits.added) | set(edits.removed)
    for (name, r), now in sorted(new.items()):
        was = old.get((name, r))
        if was is None or was == now or name in changed or (was ^ now) <= movers:
            continue  # unchanged, or only joined or left by someone who changed club
        if reasons := broke(name, r):
            why = "de bijeenkomst in het werkboek brak een harde regel: " + "; ".join(reasons)
        elif moving := sorted((was | now) & movers):
            why = f"gevolg van de verschuiving van {', '.join(moving)}"
        else:
            why = f"de bijeenkomsten van club {after[name]} zijn opnieuw sluitend gemaakt"
        lines.append(
            f"{name}, ronde {r}: nu met {', '.join(sorted(now))} "
            f"(was {', '.join(sorted(was)) or 'niemand'}); {why}"
        )
    together = {(frozenset(s.members), r) for r, s in layout.sessions()}
    for a, b, r in edits.split:
        if any({a, b} <= members and rr == r for members, rr in together):
            lines.append(
                f"{a} en {b}, ronde {r}: toch samen; hun scheiding was geen harde regel te maken "
                "(een bijeenkomst van één deelnemer kan niet)"
            )
    return lines


def repair_record(edits: Edits, moved: Sequence[str]) -> dict[str, object]:
    """What run.json records of a repair: the sources, the edits and what else moved."""
    return {
        "edited_workbook": str(edits.workbook),
        "proposal": str(edits.proposal_path),
        "edits": edits.lines(),
        "notes": list(edits.notes),
        "moved": list(moved),
    }


def repaired_config_text(cycle_path: Path | None, config: CycleConfig, edits: Edits) -> str:
    """The cycle.toml of a repaired run: the whole config with the edits as pins."""
    from leernetwerk.cycle import config_toml

    origin = str(cycle_path) if cycle_path is not None else "de standaardinstellingen"
    return (
        f"# {origin} met de wijzigingen uit '{edits.workbook}' als pins ([pins]).\n"
        + config_toml(config)
    )
