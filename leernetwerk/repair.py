"""Repair a proposal the stuurgroep edited in ``proposal.xlsx``.

``leernetwerk run … --keep EDITED.xlsx`` and ``leernetwerk check EDITED.xlsx
--repair`` read the edited workbook, compare it with the proposal it was written
from (``proposal.json`` beside it) and turn every change into a pin of cycle.toml
(:mod:`leernetwerk.edits`):

- a participant in another club (sheet ``Clubs``) → ``pins.club``;
- a session with a pair that was not together in that round before (sheets
  ``Ronde n``) → ``pins.together`` for every pair of that session, which also
  keeps apart the pairs the edit split (their two pinned sessions cannot merge
  within the maximum session size);
- a member who hosts in a round where they did not host before → ``pins.host``;
- a registrant added to or removed from the selection (column ``Geselecteerd``
  of sheet ``Selectie``, or a row added to or removed from ``Clubs``) →
  ``pins.select`` / ``pins.exclude``;
- new themes or format of a session that kept its members: carried over when the
  repair keeps that session (themes and formats are not pins).

The rest is re-planned with the edited layout as ``keep`` and stability weights
(:data:`REPAIR_STABILITY`) so high that staying put beats any score gain. When
the edited clubs keep every club rule, every participant is pinned to their
edited club, so nobody else changes club; otherwise the club rules the edits
break are the stated reason for each other move. Edits that no repair can make
keep the rules raise the engine's conflict explanation, naming the edits' pins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from leernetwerk.config import ClubPin, CycleConfig
from leernetwerk.domain import Registration, Registrations
from leernetwerk.edits import Edits, restricted
from leernetwerk.errors import Problem, UserError
from leernetwerk.proposal import (
    Layout,
    Quality,
    SolveStatus,
)
from leernetwerk.solver_errors import conflict_problems
from matching.club_sizes import club_bounds, club_count
from matching.engine import MatchResult, Progress, match, stage_scores
from matching.errors import MatchingError, RuleConflict
from matching.rules import BY_KEY, Stage, check_layout
from matching.scoring import score_layout
from matching.selection import SelectionResult, select

REPAIR_STABILITY = 1000.0
"""Stability weight per participant (clubs and sessions) while repairing: far above
what any participant adds to the score, so the repair moves only what the rules need."""


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
    lines = conflict_problems(exc)
    advice = Problem(
        message="  - of maak in het werkboek één van de wijzigingen hierboven ongedaan en "
        "herstel opnieuw"
    )
    return UserError(head + lines[:-1] + [advice, lines[-1]])


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
    """``result`` with the stuurgroep's themes and formats, and ``moved``: every change
    beyond the edits, each with its reason.

    Bounds are dropped: with the repair's stability weights the models' bounds are
    not bounds on the score alone (as for clubs with keep), nor is "optimaal" proven.
    """
    layout, lost = styled(result.layout, edits)
    breakdown = score_layout(layout, people, config, met) if layout != result.layout else None
    quality = result.quality
    stages = dict(quality.stages)
    for key, stage in stages.items():
        stages[key] = stage.model_copy(update={"bound": None, "gap": None})
    if breakdown is not None and "sessions" in stages:
        sessions = stage_scores(breakdown)[1]
        stages["sessions"] = stages["sessions"].model_copy(update={"objective": round(sessions, 4)})
    quality = quality.model_copy(
        update={
            "stages": stages,
            "bound": None,
            "gap": None,
            "status": SolveStatus.FEASIBLE
            if quality.status is SolveStatus.OPTIMAL
            else quality.status,
            "objective": breakdown.total if breakdown is not None else quality.objective,
        }
    )
    lines = moved_lines(edits, keep, layout, club_reasons, people, config, met)
    return dataclasses.replace(
        result,
        layout=layout,
        breakdown=breakdown or result.breakdown,
        quality=quality,
        moved=tuple(lines + lost),
    )


def styled(layout: Layout, edits: Edits) -> tuple[Layout, list[str]]:
    """``layout`` with the themes and format the stuurgroep gave sessions it kept; Dutch
    lines for those the repair had to change (their themes were chosen anew)."""
    wanted = {(r, members): (themes, fmt) for r, members, themes, fmt in edits.styles}
    found = set()
    rounds = []
    for rnd in layout.rounds:
        sessions = []
        for s in rnd.sessions:
            key = (rnd.round, frozenset(s.members))
            if key in wanted:
                found.add(key)
                themes, fmt = wanted[key]
                s = s.model_copy(
                    update={
                        "themes": themes,
                        "format": fmt,
                        "reason": "thema's en werkvorm gekozen door de stuurgroep",
                    }
                )
            sessions.append(s)
        rounds.append(rnd.model_copy(update={"sessions": tuple(sessions)}))
    lost = [
        f"ronde {r}, bijeenkomst van {', '.join(sorted(members))}: bestaat niet meer, dus "
        "gelden de thema's en werkvorm van de stuurgroep niet meer"
        for (r, members) in wanted
        if (r, members) not in found
    ]
    return layout.model_copy(update={"rounds": tuple(rounds)}), lost


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
    why_club = "; ".join(r.rstrip(".") for r in club_reasons) or "een harde regel van de clubs"
    lines = []
    for name in sorted(after):
        if name not in before:
            lines.append(
                f"{name}: ingedeeld in club {after[name]} (toegevoegd aan de selectie zonder club)"
            )
        elif before[name] != after[name]:
            lines.append(
                f"{name}: van club {before[name]} naar club {after[name]}; nodig omdat het "
                f"werkboek anders een harde regel breekt: {why_club}"
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
            why = "de bijeenkomst in het werkboek brak een harde regel: " + "; ".join(
                r.rstrip(".") for r in reasons
            )
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
