"""The stuurgroep's edits to ``proposal.xlsx``, read back as pins.

:func:`load_edits` reads an edited proposal workbook (:mod:`leernetwerk.layout_io`)
and compares it with the ``proposal.json`` it was written from; :class:`Edits` holds
every change as a pin of cycle.toml (see :mod:`leernetwerk.repair` for the rules
and for the re-planning around them).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from leernetwerk.config import ClubPin, CycleConfig, HostPin, TogetherPin
from leernetwerk.domain import Registrations
from leernetwerk.errors import Problem, UserError, did_you_mean
from leernetwerk.layout_io import EditedLayout, read_edited_workbook
from leernetwerk.proposal import (
    Club,
    Layout,
    Proposal,
    Round,
    Session,
    SessionFormat,
    load_proposal,
)


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
    styles: tuple[tuple[int, frozenset[str], tuple[str, ...], SessionFormat], ...] = ()
    """(round, members, themes, format) of unchanged sessions whose themes or format
    the stuurgroep changed: kept when the repair keeps the session."""
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
        lines += [
            f"ronde {r}, bijeenkomst van {', '.join(sorted(m))}: thema's "
            f"{' en '.join(themes) or '(geen)'}, werkvorm {fmt.value}"
            for r, m, themes, fmt in self.styles
        ]
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
    before_style = {
        (r, frozenset(s.members)): (s.themes, s.format) for r, s in original.layout.sessions()
    }
    styles = tuple(
        (r, frozenset(s.members), s.themes, s.format)
        for r, s in edited.layout.sessions()
        if before_style.get((r, frozenset(s.members)), (s.themes, s.format)) != (s.themes, s.format)
    )
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
        styles=styles,
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
