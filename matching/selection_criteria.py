"""Selection, step 2: the rules, each registered once in :data:`CRITERIA`.

A rule is a :class:`Criterion`: its Dutch label, hard or soft, the weight key
in ``[weights.selection]``, the function that adds it to the CP-SAT model
(:class:`SelectionModel`) and, for a soft criterion, the plain-Python
recomputation of its raw value from any selection. The breakdown and the
explanations loop over this table, never over the rules by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from ortools.sat.python import cp_model

from leernetwerk.proposal import CriterionScore
from matching.selection_problem import (
    SCALE,
    Candidate,
    SelectionProblem,
    deficit_places,
    other_places,
)


@dataclass
class SelectionModel:
    """A CP-SAT model over the candidates: one Boolean per candidate."""

    problem: SelectionProblem
    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    imbalance: cp_model.IntVar
    forced: frozenset[int] = frozenset()

    def places_taken(self, candidates: Iterable[Candidate]) -> cp_model.LinearExpr:
        # A sum of Booleans (an int 0 only for no candidates, which CP-SAT accepts alike).
        return cast(
            cp_model.LinearExpr, sum((c.places * self.x[c.index] for c in candidates), start=0)
        )


Terms = list[tuple[int, cp_model.LinearExprT]]
"""(raw coefficient, expression) pairs: raw value = Σ coef × expr; objective adds weight × raw."""


def places_limit(m: SelectionModel) -> Terms:
    """Hard: the selected take at most ``places`` places."""
    m.model.add(m.places_taken(m.problem.candidates) <= m.problem.places)
    return []


def pins(m: SelectionModel) -> Terms:
    """Hard: 'always select X' pins (and a forced registrant when costing) are selected.
    'Never select X' pins are not candidates at all."""
    for c in m.problem.candidates:
        if c.pinned or c.index in m.forced:
            m.model.add(m.x[c.index] == 1)
    return []


def one_representation(m: SelectionModel) -> Terms:
    """Hard: no municipality takes part twice (on its own and inside an organisation,
    or inside two organisations)."""
    by_municipality: dict[str, list[int]] = {}
    for c in m.problem.candidates:
        for municipality in c.represents:
            by_municipality.setdefault(municipality, []).append(c.index)
    for indices in by_municipality.values():
        if len(indices) > 1:
            m.model.add_at_most_one(m.x[i] for i in indices)
    return []


def safety_net_priority(m: SelectionModel) -> Terms:
    """Soft, reward: per selected registrant its safety-net priority (aanvullend 2,
    regulier 1, geen 0)."""
    return [(c.priority, m.x[c.index]) for c in m.problem.candidates if c.priority]


def deficit_surplus_balance(m: SelectionModel) -> Terms:
    """Soft, penalty: |deficit places − surplus-or-neutral places| among the selected.
    (Its hard part, the tolerance, is added by the balance stage.)"""
    deficit = m.places_taken(c for c in m.problem.candidates if c.deficit)
    other = m.places_taken(c for c in m.problem.candidates if not c.deficit)
    m.model.add_abs_equality(m.imbalance, deficit - other)
    return [(-1, m.imbalance)]


def _spread(m: SelectionModel, attribute: str, label: str) -> Terms:
    """Reward one per distinct value of ``attribute`` among the selected."""
    groups: dict[str, list[int]] = {}
    for c in m.problem.candidates:
        groups.setdefault(getattr(c, attribute), []).append(c.index)
    terms: Terms = []
    for value, indices in sorted(groups.items()):
        present = m.model.new_bool_var(f"{label}_{value}_represented")
        m.model.add(present <= sum(m.x[i] for i in indices))
        terms.append((1, present))
    return terms


def province_spread(m: SelectionModel) -> Terms:
    """Soft, reward: per distinct province represented (an organisation's members
    count with the organisation's province)."""
    return _spread(m, "province", "province")


def size_spread(m: SelectionModel) -> Terms:
    """Soft, reward: per distinct size class represented."""
    return _spread(m, "size_class", "size")


def variant_spread(m: SelectionModel) -> Terms:
    """Soft, reward: per distinct execution variant represented."""
    return _spread(m, "variant", "variant")


def earlier_participation(m: SelectionModel) -> Terms:
    """Soft, penalty: per selected registrant that took part in an earlier cycle."""
    return [(-1, m.x[c.index]) for c in m.problem.candidates if c.earlier]


# Plain-Python recomputation of each soft criterion's raw value from a selection.


def _raw_safety_net(chosen: list[Candidate]) -> int:
    return sum(c.priority for c in chosen)


def _raw_balance(chosen: list[Candidate]) -> int:
    return -abs(deficit_places(chosen) - other_places(chosen))


def _raw_spread(attribute: str) -> Callable[[list[Candidate]], int]:
    return lambda chosen: len({getattr(c, attribute) for c in chosen})


def _raw_earlier(chosen: list[Candidate]) -> int:
    return -sum(1 for c in chosen if c.earlier)


@dataclass(frozen=True)
class Criterion:
    """One rule, registered once: its function, Dutch name, hard/soft and weight key."""

    name: str
    label: str
    hard: bool
    weight_key: str | None
    build: Callable[[SelectionModel], Terms]
    raw: Callable[[list[Candidate]], int] | None = None

    @property
    def config_key(self) -> str:
        return f"weights.selection.{self.weight_key}" if self.weight_key else ""


CRITERIA: tuple[Criterion, ...] = (
    Criterion("places_limit", "maximaal aantal plaatsen", True, None, places_limit),
    Criterion("pins", "pins van de stuurgroep", True, None, pins),
    Criterion("one_representation", "niemand dubbel", True, None, one_representation),
    Criterion(
        "safety_net_priority",
        "voorrang vangnet",
        False,
        "safety_net",
        safety_net_priority,
        _raw_safety_net,
    ),
    Criterion(
        "deficit_surplus_balance",
        "balans tekort/overschot",
        False,
        "balance",
        deficit_surplus_balance,
        _raw_balance,
    ),
    Criterion(
        "province_spread",
        "spreiding provincies",
        False,
        "province_spread",
        province_spread,
        _raw_spread("province"),
    ),
    Criterion(
        "size_spread",
        "spreiding grootteklassen",
        False,
        "size_spread",
        size_spread,
        _raw_spread("size_class"),
    ),
    Criterion(
        "variant_spread",
        "spreiding uitvoeringsvarianten",
        False,
        "variant_spread",
        variant_spread,
        _raw_spread("variant"),
    ),
    Criterion(
        "earlier_participation",
        "eerdere deelname",
        False,
        "earlier_participation",
        earlier_participation,
        _raw_earlier,
    ),
)
"""Hard rules first, then soft criteria. The balance tolerance and 'late only when
places remain' are the lexicographic stages 'balance' and 'fill' (see module doc)."""

SOFT_CRITERIA = tuple(c for c in CRITERIA if not c.hard)


def criterion_raws(chosen: list[Candidate]) -> dict[str, int]:
    """Raw value of every soft criterion for any selection (the solver's or not)."""
    return {c.name: c.raw(chosen) for c in SOFT_CRITERIA if c.raw is not None}


def scaled_objective(problem: SelectionProblem, chosen: list[Candidate]) -> int:
    raws = criterion_raws(chosen)
    return sum(problem.weights.get(c.weight_key or "", 0) * raws[c.name] for c in SOFT_CRITERIA)


def score_breakdown(
    problem: SelectionProblem, chosen: list[Candidate]
) -> tuple[CriterionScore, ...]:
    """Per soft criterion: weight, raw and contribution (= weight × raw); the
    contributions add up to the objective of the main stage."""
    raws = criterion_raws(chosen)
    scores = []
    for criterion in SOFT_CRITERIA:
        weight = problem.weights.get(criterion.weight_key or "", 0) / SCALE
        raw = raws[criterion.name]
        scores.append(
            CriterionScore(
                key=criterion.config_key,
                label=criterion.label,
                weight=weight,
                raw=float(raw),
                contribution=problem.weights.get(criterion.weight_key or "", 0) * raw / SCALE,
            )
        )
    return tuple(scores)
