"""The variants compared: criteria, moves and stability, as pandas tables.

Clubs have numbers, but a number means nothing across variants: the same
members may be club 2 in one variant and club 3 in another. A variant's clubs
are therefore **aligned** to the base's: pairs (base club, variant club) are
matched by the most shared members first (ties: lowest base number, then
lowest variant number), each club at most once; a variant club left over gets
a number after the base's. A participant *moves* when its aligned club differs
from its base club (or it enters or leaves the selection).

Stability, over all variants (the base included):

* a pair's share: the fraction of variants in which both are in one club
  (a plain count over the variants' club lists; no alignment involved);
* a participant's share: the fraction of variants in which it keeps its base
  club (aligned);
* the clubs (and sessions) that hold: member sets found in every variant.

Non-dominated variants: every criterion is oriented by the sign of its weight in
the base (in the first variant with a non-zero weight when the base's is 0;
a criterion weighted 0 everywhere is left out), so that higher is better; a
variant is dominated when another is at least as good on every criterion and
better on one. Raw values are compared, not contributions: a contribution
changes with the weight even when the layout does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from leernetwerk.compare import session_partners
from leernetwerk.proposal import Proposal


@dataclass(frozen=True)
class Change:
    """What differs in ``other`` from ``base`` (names in base order, then the others)."""

    selection_in: tuple[str, ...]
    selection_out: tuple[str, ...]
    club_moved: tuple[str, ...]
    """Selected in both, in a different (aligned) club."""
    sessions_changed: tuple[str, ...]
    """Selected in both, with other session partners in some round."""

    @property
    def moved(self) -> tuple[str, ...]:
        """Everyone whose place differs: club moves and selection changes."""
        return (*self.club_moved, *self.selection_in, *self.selection_out)

    @property
    def is_empty(self) -> bool:
        return not (self.moved or self.sessions_changed)


def aligned_clubs(base: Proposal, other: Proposal) -> dict[int, int]:
    """Club number in ``other`` → the base club number it is aligned to (see module doc)."""
    base_sets = {c.id: set(c.members) for c in base.clubs}
    pairs = sorted(
        (-len(base_sets[b] & set(o.members)), b, o.id)
        for b in base_sets
        for o in other.clubs
        if base_sets[b] & set(o.members)
    )
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for _, b, o in pairs:
        if o not in mapping and b not in used:
            mapping[o] = b
            used.add(b)
    extra = max(base_sets, default=0)
    for o in sorted(c.id for c in other.clubs):
        if o not in mapping:
            extra += 1
            mapping[o] = extra
    return mapping


def club_of(base: Proposal, other: Proposal) -> dict[str, int]:
    """Participant → its club in ``other``, numbered as the aligned base club."""
    mapping = aligned_clubs(base, other)
    return {name: mapping[c.id] for c in other.clubs for name in c.members}


def aligned_club_lists(base: Proposal, other: Proposal) -> list[list[str]]:
    """``other``'s clubs ordered by aligned number (base club 1 first)."""
    mapping = aligned_clubs(base, other)
    return [list(c.members) for c in sorted(other.clubs, key=lambda c: mapping[c.id])]


def change(base: Proposal, other: Proposal) -> Change:
    """Who moved from ``base`` to ``other``."""
    before, after = base.layout.club_of(), club_of(base, other)
    both = [n for n in before if n in after]
    rounds = sorted({r.round for r in base.rounds} | {r.round for r in other.rounds})
    partners = [(session_partners(base, r), session_partners(other, r)) for r in rounds]
    return Change(
        selection_in=tuple(n for n in other.selected if n not in set(base.selected)),
        selection_out=tuple(n for n in base.selected if n not in set(other.selected)),
        club_moved=tuple(n for n in both if before[n] != after[n]),
        sessions_changed=tuple(n for n in both if any(a.get(n) != b.get(n) for a, b in partners)),
    )


def layout_signature(proposal: Proposal) -> tuple[object, ...]:
    """Equal for equal layouts whatever the numbering: selection, clubs and sessions."""
    return (
        frozenset(proposal.selected),
        frozenset(frozenset(c.members) for c in proposal.clubs),
        frozenset((r, frozenset(s.members)) for r, s in proposal.layout.sessions()),
    )


def participants(proposals: Sequence[Proposal]) -> list[str]:
    """Everyone in a club in some variant: by base club, then the others in first-seen order."""
    base = proposals[0]
    names = [n for club in sorted(base.clubs, key=lambda c: c.id) for n in club.members]
    for proposal in proposals[1:]:
        names += [n for club in proposal.clubs for n in club.members]
    return list(dict.fromkeys(names))


def criteria_frame(labels: Sequence[str], proposals: Sequence[Proposal]) -> pd.DataFrame:
    """Variants × criteria: the raw value of every criterion (criteria in first-seen order)."""
    rows = [
        {c.key: c.raw for c in (p.breakdown.criteria if p.breakdown else ())} for p in proposals
    ]
    return pd.DataFrame(rows, index=pd.Index(labels, name="variant")).fillna(0.0)


def frame_of(labels: Sequence[str], proposals: Sequence[Proposal], field: str) -> pd.DataFrame:
    """Variants × criteria of one field of the breakdown (``contribution`` or ``weight``)."""
    rows = [
        {c.key: getattr(c, field) for c in (p.breakdown.criteria if p.breakdown else ())}
        for p in proposals
    ]
    return pd.DataFrame(rows, index=pd.Index(labels, name="variant")).fillna(0.0)


def membership(proposals: Sequence[Proposal], names: Sequence[str]) -> pd.DataFrame:
    """Participants × variants: the aligned club number (NA when not selected)."""
    base = proposals[0]
    columns = {i: club_of(base, p) for i, p in enumerate(proposals)}
    frame = pd.DataFrame(columns, index=pd.Index(list(names), name="deelnemer"))
    return frame.astype("Int64")


def together_counts(proposals: Sequence[Proposal], names: Sequence[str]) -> pd.DataFrame:
    """Participants × participants: in how many variants the two share a club."""
    total = pd.DataFrame(0, index=list(names), columns=list(names), dtype="int64")
    for proposal in proposals:
        rows = {n: c.id for c in proposal.clubs for n in c.members}
        onehot = pd.get_dummies(pd.Series(rows).reindex(list(names))).astype("int64")
        total += onehot @ onehot.T
    return total


def pair_stability(proposals: Sequence[Proposal], names: Sequence[str]) -> pd.DataFrame:
    """One row per pair (a before b in ``names``): together (count) and share."""
    counts = together_counts(proposals, names)
    n = len(proposals)
    rows = [
        {"a": a, "b": b, "together": int(counts.at[a, b]), "share": int(counts.at[a, b]) / n}
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    ]
    return pd.DataFrame(rows, columns=["a", "b", "together", "share"])


def participant_stability(proposals: Sequence[Proposal], names: Sequence[str]) -> pd.DataFrame:
    """Per participant: base club and the share of variants in which it keeps it."""
    clubs = membership(proposals, names)
    base = clubs[0]
    kept = clubs.apply(lambda column: (column == base) | (column.isna() & base.isna()))
    frame = pd.DataFrame({"base_club": base, "share": kept.fillna(False).mean(axis=1)})
    return frame.reset_index()


def stable_clubs(proposals: Sequence[Proposal]) -> list[list[str]]:
    """Base clubs whose exact member set is a club in every variant."""
    sets = [{frozenset(c.members) for c in p.clubs} for p in proposals[1:]]
    return [
        list(c.members)
        for c in sorted(proposals[0].clubs, key=lambda c: c.id)
        if all(frozenset(c.members) in s for s in sets)
    ]


def stable_sessions(proposals: Sequence[Proposal]) -> list[tuple[int, list[str]]]:
    """Base sessions (round, members) found in the same round in every variant."""
    sets = [{(r, frozenset(s.members)) for r, s in p.layout.sessions()} for p in proposals[1:]]
    return [
        (r, list(s.members))
        for r, s in proposals[0].layout.sessions()
        if all((r, frozenset(s.members)) in x for x in sets)
    ]


def orientation(weights: pd.DataFrame) -> pd.Series:
    """Per criterion +1 / −1 (higher raw is better / worse), 0 when weighted 0 everywhere."""
    signs = {}
    for key in weights.columns:
        nonzero = [w for w in weights[key] if w != 0]
        signs[key] = (1 if nonzero[0] > 0 else -1) if nonzero else 0
    return pd.Series(signs, dtype="int64")


def non_dominated(values: pd.DataFrame, signs: pd.Series) -> list[bool]:
    """Per variant (row): True when no other row is as good everywhere and better somewhere."""
    used = [k for k in values.columns if signs.get(k, 0) != 0]
    oriented = values[used].mul(signs[used], axis=1).to_numpy() if used else None
    result = []
    for i in range(len(values)):
        if oriented is None:
            result.append(True)
            continue
        dominated = any(
            (oriented[j] >= oriented[i]).all() and (oriented[j] > oriented[i]).any()
            for j in range(len(values))
            if j != i
        )
        result.append(not dominated)
    return result
