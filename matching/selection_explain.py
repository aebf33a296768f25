"""Why each registrant is in or out, and what forcing a rejected one in would do.

Every decision is recorded as reason codes with their facts
(:class:`~leernetwerk.proposal.Reason`, codes in :class:`leernetwerk.reasons.Code`,
deciding first); :mod:`leernetwerk.reasons` renders the one or two Dutch
sentences the stuurgroep can read out to a municipality:

* not a candidate: incomplete, or excluded by a pin;
* selected: pin, safety-net priority, the spread it brings (only one from its
  province / size class / variant), its side of the balance, earlier
  participation, late but places remained;
* rejected: the rule that decided it, found by checking in plain Python what
  the nearest alternative would break or cost — a hard rule (places, nobody
  twice, late registrations last, balance limit, pins) or the soft criteria
  that get worse when it is swapped with the weakest selected registrant of
  the same balance side (``tie``, ``lower_priority``, ``balance_full``,
  ``worse_selection`` …).

For every rejected candidate the selection is also re-solved with it pinned
(:func:`forcing_costs`): who drops out and what gets worse (``forced`` codes,
the score change kept for analysts), within the total deterministic budget
``solver.forcing_cost_budget``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from leernetwerk.domain import Registrations
from leernetwerk.proposal import Fact, ForcingCost, Reason, SelectionEntry, SolveStatus
from leernetwerk.reasons import Code, reason, render_selection, render_what_if
from matching.errors import SelectionInfeasible, SelectionOutOfTime
from matching.selection_criteria import SOFT_CRITERIA, criterion_raws
from matching.selection_model import Solution, run_stages
from matching.selection_problem import (
    SCALE,
    Candidate,
    NotCandidate,
    Progress,
    SelectionProblem,
    deficit_places,
    other_places,
)


@dataclass(frozen=True)
class Explained:
    entries: tuple[SelectionEntry, ...]
    warnings: tuple[str, ...]
    wall_time: float
    deterministic_time: float
    """Spent on forcing costs."""


# ------------------------------------------------------------- hard rules, in plain Python


BALANCE_LIMIT = "balance_limit"
"""Key of the hard balance limit set by the balance stage."""
TIMELY_FIRST = "timely_first"
"""Key of 'late registrations only take places that timely ones cannot fill' (the fill stage)."""


@dataclass(frozen=True)
class Violation:
    """A hard rule a selection breaks: the rule's key (a hard criterion's name in
    :data:`~matching.selection_criteria.CRITERIA`, or a stage's limit) and a Dutch text."""

    key: str
    text: str


def hard_violations(
    problem: SelectionProblem, solution: Solution, chosen: list[Candidate]
) -> list[Violation]:
    """The hard rules a selection breaks, with Dutch descriptions (empty: none)."""
    problems = []
    taken = sum(c.places for c in chosen)
    if taken > problem.places:
        problems.append(
            Violation(
                "places_limit", f"te weinig plaatsen ({taken} nodig, {problem.places} beschikbaar)"
            )
        )
    seen: dict[str, str] = {}
    for c in chosen:
        for municipality in c.represents:
            if municipality in seen and seen[municipality] != c.name:
                problems.append(
                    Violation(
                        "one_representation",
                        f"{seen[municipality]} en {c.name} zouden samen dubbel deelnemen "
                        "(niemand neemt dubbel deel)",
                    )
                )
            seen[municipality] = c.name
    imbalance = abs(deficit_places(chosen) - other_places(chosen))
    if imbalance > solution.balance_limit:
        problems.append(
            Violation(
                BALANCE_LIMIT,
                f"de balans zou breken: verschil {imbalance} tekort/overig "
                f"(toegestaan: {solution.balance_limit})",
            )
        )
    timely = sum(c.places for c in chosen if not c.late)
    if timely < solution.timely_places:
        problems.append(
            Violation(TIMELY_FIRST, "een te late aanmelding zou de plaats van een tijdige innemen")
        )
    names = {c.name for c in chosen}
    for c in problem.candidates:
        if c.pinned and c.name not in names:
            problems.append(Violation("pins", f"{c.name} is vastgepind door de stuurgroep"))
    return problems


def breaks_balance(violations: Iterable[Violation]) -> bool:
    return any(v.key == BALANCE_LIMIT for v in violations)


def criterion_deltas(
    problem: SelectionProblem, before: list[Candidate], after: list[Candidate]
) -> list[tuple[str, float]]:
    """Per soft criterion the weighted change from ``before`` to ``after`` (non-zero only)."""
    raw_before, raw_after = criterion_raws(before), criterion_raws(after)
    deltas = []
    for criterion in SOFT_CRITERIA:
        weight = problem.weights.get(criterion.weight_key or "", 0)
        change = weight * (raw_after[criterion.name] - raw_before[criterion.name]) / SCALE
        if change:
            deltas.append((criterion.label, change))
    return deltas


def individual_value(problem: SelectionProblem, c: Candidate) -> int:
    """What one registrant adds on its own: priority reward minus earlier-participation penalty."""
    w = problem.weights
    return w.get("safety_net", 0) * c.priority - (
        w.get("earlier_participation", 0) if c.earlier else 0
    )


def weakest(problem: SelectionProblem, candidates: Iterable[Candidate]) -> Candidate | None:
    """The selected registrant that would most easily give way: lowest own value,
    then the last in tie-break order."""
    pool = list(candidates)
    if not pool:
        return None
    return min(pool, key=lambda c: (individual_value(problem, c), -c.tie_rank))


# --------------------------------------------------------------------------- reasons


def reasons_selected(
    problem: SelectionProblem, solution: Solution, c: Candidate, chosen: list[Candidate]
) -> list[Reason]:
    """Why a selected registrant is in, as reason codes (deciding first)."""
    reasons = []
    if c.pinned:
        reasons.append(reason(Code.PINNED))
    if len(chosen) == len(problem.candidates):
        reasons.append(reason(Code.ALL_FIT, places=problem.places))
    if c.priority:
        reasons.append(reason(Code.PRIORITY, safety_net=c.safety_net.value))
    for attribute in ("province", "size_class", "variant"):
        value = getattr(c, attribute)
        if sum(1 for o in chosen if getattr(o, attribute) == value) == 1:
            reasons.append(reason(Code.ONLY_IN, attribute=attribute, value=value))
    reasons.append(
        reason(
            Code.BALANCE_SIDE,
            side=c.group,
            deficit=deficit_places(chosen),
            other=other_places(chosen),
        )
    )
    if c.earlier:
        reasons.append(reason(Code.EARLIER, cycles=c.earlier))
    if c.late:
        reasons.append(reason(Code.LATE_PLACES_LEFT))
    if c.places > 1:
        reasons.append(reason(Code.ORGANISATION_PLACES, places=c.places))
    return reasons


def reasons_rejected(
    problem: SelectionProblem,
    solution: Solution,
    r: Candidate,
    chosen: list[Candidate],
    dates: Mapping[str, dt.date | None] | None = None,
) -> list[Reason]:
    """Why a selectable registrant is out, as reason codes: the rule or criterion that
    decided it first, then the facts that also count against it."""
    overlap = [s for s in chosen if set(s.represents) & set(r.represents)]
    if overlap:
        return [reason(Code.ALREADY_REPRESENTED, via=tuple(s.name for s in overlap))]
    if r.late and solution.timely_places + r.places > problem.places:
        return [reason(Code.LATE_NO_PLACES, places=problem.places)]
    further: list[Reason] = []
    if r.late:
        further.append(reason(Code.LATE))
    if r.earlier:
        further.append(reason(Code.EARLIER, cycles=r.earlier))

    dates = dates or {}
    free = problem.places - sum(c.places for c in chosen)
    if free >= r.places:
        return [_change_reason(problem, solution, chosen, r, None, dates), *further]

    peers = [s for s in chosen if not s.pinned and s.late == r.late]
    same = [s for s in peers if s.deficit == r.deficit]
    cheaper_other = weakest(
        problem, (o for o in peers if o.deficit != r.deficit and o.priority < r.priority)
    )
    if same and r.priority < min(s.priority for s in same):
        target = weakest(problem, same)
        assert target is not None
        deciding = reason(
            Code.LOWER_PRIORITY,
            safety_net=r.safety_net.value,
            side=r.group,
            than=target.name,
            than_safety_net=target.safety_net.value,
        )
    else:
        lower = [s for s in same if s.priority < r.priority]
        pool = lower or same or peers
        if not pool:
            return [reason(Code.PLACES_TAKEN), *further]
        target = best_swap(problem, solution, chosen, r, pool)
        deciding = _change_reason(problem, solution, chosen, r, target, dates)
        if target.deficit != r.deficit:
            cheaper_other = None
    if cheaper_other is not None:
        further.append(
            reason(
                Code.OTHER_SIDE,
                with_=cheaper_other.name,
                safety_net=cheaper_other.safety_net.value,
                blocked=int(_swap_breaks_balance(problem, solution, chosen, r, cheaper_other)),
            )
        )
    return [deciding, *further]


def best_swap(
    problem: SelectionProblem,
    solution: Solution,
    chosen: list[Candidate],
    r: Candidate,
    pool: list[Candidate],
) -> Candidate:
    """The selected registrant in ``pool`` whose place ``r`` could take most cheaply:
    swaps that keep every hard rule first, then the smallest loss, then the weakest."""

    def key(s: Candidate) -> tuple[bool, float, int, int]:
        after = [c for c in chosen if c.index != s.index] + [r]
        broken = bool(hard_violations(problem, solution, after))
        total = sum(d for _, d in criterion_deltas(problem, chosen, after))
        return (broken, -total, individual_value(problem, s), -s.tie_rank)

    return min(pool, key=key)


def _swap_breaks_balance(
    problem: SelectionProblem,
    solution: Solution,
    chosen: list[Candidate],
    r: Candidate,
    s: Candidate,
) -> bool:
    after = [c for c in chosen if c.index != s.index] + [r]
    return breaks_balance(hard_violations(problem, solution, after))


def _change_reason(
    problem: SelectionProblem,
    solution: Solution,
    chosen: list[Candidate],
    r: Candidate,
    s: Candidate | None,
    dates: Mapping[str, dt.date | None],
) -> Reason:
    """What taking ``r`` in (in place of ``s``, or on a free place) would break or cost."""
    after = [c for c in chosen if s is None or c.index != s.index] + [r]
    swap: dict[str, Fact] = {"with_": s.name} if s is not None else {}
    broken = hard_violations(problem, solution, after)
    if breaks_balance(broken):
        return reason(
            Code.BALANCE_FULL,
            side=r.group,
            deficit=deficit_places(after),
            other=other_places(after),
            **swap,
        )
    if broken:
        return reason(Code.PLACES_TAKEN, rules=tuple(v.key for v in broken))
    deltas = criterion_names_deltas(problem, chosen, after)
    total = sum(d for _, d in deltas)
    if total < 0:
        worse = tuple(name for name, d in sorted(deltas, key=lambda nd: nd[1]) if d < 0)
        extra: dict[str, Fact] = {"safety_net": r.safety_net.value}
        if s is not None:
            extra["with_safety_net"] = s.safety_net.value
        if worse[0] == "earlier_participation" and r.earlier:
            extra["cycles"] = r.earlier
        return reason(Code.WORSE, criteria=worse, **swap, **extra)
    if total > 0:
        return reason(Code.NOT_PROVEN, **swap)
    if s is None:
        return reason(Code.PLACES_TAKEN)
    return reason(
        Code.TIE,
        with_=s.name,
        safety_net=r.safety_net.value,
        same_priority=int(r.priority == s.priority),
        same_date=int(dates.get(r.name) == dates.get(s.name)),
    )


def criterion_names_deltas(
    problem: SelectionProblem, before: list[Candidate], after: list[Candidate]
) -> list[tuple[str, float]]:
    """Per soft criterion (by name) the weighted change from ``before`` to ``after``."""
    labels = {c.label: c.name for c in SOFT_CRITERIA}
    return [(labels[label], d) for label, d in criterion_deltas(problem, before, after)]


# --------------------------------------------------------------------------- forcing costs


def forcing_order(problem: SelectionProblem, rejected: Iterable[Candidate]) -> list[Candidate]:
    """Costed first: the nearest misses (highest own value), then tie-break order."""
    return sorted(rejected, key=lambda c: (-individual_value(problem, c), c.tie_rank))


def forcing_costs(
    problem: SelectionProblem,
    solution: Solution,
    rejected: list[Candidate],
    progress: Progress | None = None,
) -> tuple[dict[int, ForcingCost], int, float, float]:
    """Re-solve with each rejected candidate pinned, within the total deterministic
    budget; returns costs by candidate index, how many were not costed because the
    budget ran out, and the wall and deterministic time used."""
    budget = problem.settings.forcing_cost_budget
    used = wall = 0.0
    uncosted = 0
    costs: dict[int, ForcingCost] = {}
    chosen = problem.by_index(solution.chosen)
    order = forcing_order(problem, rejected)
    for k, r in enumerate(order, start=1):
        if budget - used <= 1e-9:
            uncosted += 1
            costs[r.index] = _cost(r.name, (reason(Code.FORCED_NOT_COMPUTED),))
            continue
        try:
            forced = run_stages(
                problem,
                forced=frozenset({r.index}),
                hint=solution.chosen,
                budget=budget - used,
                tie_break=False,
                stay_close_to=frozenset(solution.chosen),
            )
        except SelectionOutOfTime as exc:
            used += exc.deterministic_time
            uncosted += 1
            costs[r.index] = _cost(r.name, (reason(Code.FORCED_NOT_COMPUTED),))
            continue
        except SelectionInfeasible:
            costs[r.index] = _cost(r.name, (reason(Code.FORCED_IMPOSSIBLE),))
            continue
        used += forced.deterministic_time
        wall += forced.wall_time
        costs[r.index] = _forcing_cost(problem, solution, chosen, forced, r)
        if progress is not None:
            progress("kosten van inpassen", k, len(order))
    return costs, uncosted, wall, used


def _cost(
    name: str,
    codes: tuple[Reason, ...],
    change: float | None = None,
    drop_out: tuple[str, ...] = (),
) -> ForcingCost:
    return ForcingCost(
        objective_change=change,
        drop_out=drop_out,
        note=render_what_if(name, codes),
        codes=codes,
    )


def _forcing_cost(
    problem: SelectionProblem,
    solution: Solution,
    chosen: list[Candidate],
    forced: Solution,
    r: Candidate,
) -> ForcingCost:
    after = problem.by_index(forced.chosen)
    drop_out = tuple(c.name for c in chosen if c.index not in forced.chosen)
    change = (forced.objective - solution.objective) / SCALE
    deltas = criterion_names_deltas(problem, chosen, after)
    worse = tuple(name for name, d in sorted(deltas, key=lambda nd: nd[1]) if d < 0)
    codes = [
        reason(Code.FORCED, drop_out=drop_out, change=change, criteria=worse, late=int(r.late))
    ]
    if forced.best_balance > max(problem.tolerance, solution.best_balance):
        codes.append(
            reason(
                Code.FORCED_UNBALANCED,
                difference=forced.best_balance,
                tolerance=problem.tolerance,
            )
        )
    if forced.status is not SolveStatus.OPTIMAL:
        codes.append(reason(Code.FORCED_APPROXIMATE))
    return _cost(r.name, tuple(codes), change, drop_out)


# --------------------------------------------------------------------------- all together


def not_candidate_codes(
    registration_missing: tuple[str, ...], late: bool, incomplete: bool
) -> list[Reason]:
    """Reason codes of a registrant that could not be selected at all."""
    if not incomplete:
        return [reason(Code.EXCLUDED)]
    codes = [reason(Code.INCOMPLETE, missing=registration_missing)]
    if late:
        codes.append(reason(Code.LATE))
    return codes


def _entry(
    name: str, selected: bool, codes: list[Reason], cost: ForcingCost | None = None
) -> SelectionEntry:
    return SelectionEntry(
        name=name,
        selected=selected,
        reasons=(render_selection(name, selected, codes),),
        codes=tuple(codes),
        forcing_cost=cost,
    )


def explain(
    problem: SelectionProblem,
    solution: Solution,
    registrations: Registrations,
    not_candidates: Mapping[str, NotCandidate],
    progress: Progress | None = None,
    deadline: dt.date | None = None,
) -> Explained:
    """Reasons for every registrant and forcing costs for every rejected candidate."""
    chosen = problem.by_index(solution.chosen)
    rejected = [c for c in problem.candidates if c.index not in solution.chosen]
    costs, uncosted, wall, det = forcing_costs(problem, solution, rejected, progress)
    by_name = {c.name: c for c in problem.candidates}
    dates = {r.name: r.registered_on for r in registrations}
    entries = []
    for registration in registrations:
        c = by_name.get(registration.name)
        if c is None:
            late = deadline is not None and registration.is_late(deadline)
            codes = not_candidate_codes(
                registration.missing, late, not_candidates[registration.name].incomplete
            )
            entries.append(_entry(registration.name, False, codes))
        elif c.index in solution.chosen:
            entries.append(_entry(c.name, True, reasons_selected(problem, solution, c, chosen)))
        else:
            codes = reasons_rejected(problem, solution, c, chosen, dates)
            entries.append(_entry(c.name, False, codes, costs.get(c.index)))
    warnings = []
    incomplete = sum(1 for n in not_candidates.values() if n.incomplete)
    if incomplete:
        warnings.append(f"{incomplete} onvolledige aanmelding(en) niet selecteerbaar")
    late_in = [c.name for c in chosen if c.late]
    if late_in:
        warnings.append(
            "te laat aangemeld maar geselecteerd (plaatsen over): " + ", ".join(late_in)
        )
    if uncosted:
        warnings.append(
            f"voor {uncosted} niet geselecteerde aanmelding(en) is niet berekend wat er gebeurt "
            "als ze toch meedoen: de rekentijd daarvoor was op (solver.forcing_cost_budget "
            "in cycle.toml)"
        )
    return Explained(tuple(entries), tuple(warnings), wall, det)
