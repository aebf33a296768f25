"""Dutch explanations for a selection, and the cost of forcing a rejected one in.

Every registrant gets reasons the stuurgroep can read out to a municipality:

* not a candidate: incomplete, or excluded by a pin;
* selected: pin, safety-net priority, its side of the balance, the spread it
  brings (only one from its province / size class / variant), earlier
  participation, late but places remained;
* rejected: the rule that decided it, found by checking in plain Python what
  the nearest alternative would break or cost — a hard rule (places, nobody
  twice, late registrations last, balance limit, pins) or the soft criteria
  that get worse when it is swapped with the weakest selected registrant of
  the same balance side (``balans tekort vol``, ``lagere voorrang dan …``,
  ``ruilen met X kost: spreiding provincies −6``).

For every rejected candidate the selection is also re-solved with it pinned
(:func:`forcing_costs`): objective change and who drops out, within the total
deterministic budget ``solver.forcing_cost_budget``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from leernetwerk.domain import Registrations, SafetyNet
from leernetwerk.proposal import ForcingCost, SelectionEntry, SolveStatus
from matching.errors import SelectionInfeasible, SelectionOutOfTime
from matching.selection_criteria import SOFT_CRITERIA, criterion_raws
from matching.selection_model import Solution, run_stages
from matching.selection_problem import (
    DEFICIT_LABEL,
    OTHER_LABEL,
    SCALE,
    Candidate,
    NotCandidate,
    Progress,
    SelectionProblem,
    deficit_places,
    other_places,
)

SAFETY_NET_TEXT = {
    SafetyNet.ADDITIONAL: "aanvullend vangnet",
    SafetyNet.REGULAR: "regulier vangnet",
    SafetyNet.NONE: "geen vangnet",
}


@dataclass(frozen=True)
class Explained:
    entries: tuple[SelectionEntry, ...]
    warnings: tuple[str, ...]
    wall_time: float
    deterministic_time: float
    """Spent on forcing costs."""


def points(value: float) -> str:
    """A signed number of points, Dutch-readable: '+6', '−30', '−2,5'."""
    text = f"{value:+.6g}".replace(".", ",")
    return text.replace("-", "−")


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
                f"(grens {solution.balance_limit})",
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
) -> list[str]:
    """Why a selected registrant is in (Dutch)."""
    reasons = []
    if c.pinned:
        reasons.append("vastgepind door de stuurgroep")
    if len(chosen) == len(problem.candidates):
        reasons.append("alle selecteerbare aanmeldingen passen binnen de plaatsen")
    if c.priority:
        reasons.append(f"voorrang: {SAFETY_NET_TEXT[c.safety_net]}")
    else:
        reasons.append("geen vangnet (geen voorrang)")
    reasons.append(
        f"saldo {c.group}; balans van de selectie: {deficit_places(chosen)} {DEFICIT_LABEL} "
        f"tegen {other_places(chosen)} {OTHER_LABEL}"
    )
    for attribute, text in (
        ("province", "enige uit {} (spreiding provincies)"),
        ("size_class", "enige in grootteklasse {} (spreiding grootteklassen)"),
        ("variant", "enige met uitvoeringsvariant {} (spreiding uitvoeringsvarianten)"),
    ):
        value = getattr(c, attribute)
        if sum(1 for o in chosen if getattr(o, attribute) == value) == 1:
            reasons.append(text.format(value))
    if c.earlier:
        reasons.append(f"eerder deelgenomen ({', '.join(c.earlier)}): lagere prioriteit")
    if c.late:
        reasons.append("te laat aangemeld; geselecteerd omdat er plaatsen over waren")
    if c.places > 1:
        reasons.append(f"uitvoeringsorganisatie: neemt {c.places} plaatsen in")
    return reasons


def reasons_rejected(
    problem: SelectionProblem, solution: Solution, r: Candidate, chosen: list[Candidate]
) -> list[str]:
    """Why a selectable registrant is out (Dutch): the rule or criterion that decided it."""
    overlap = [s for s in chosen if set(s.represents) & set(r.represents)]
    if overlap:
        return [
            f"niet geselecteerd: al vertegenwoordigd via {s.name} (niemand neemt dubbel deel)"
            for s in overlap
        ]
    free = problem.places - sum(c.places for c in chosen)
    reasons: list[str] = []
    if r.late:
        if solution.timely_places + r.places > problem.places:
            return ["te laat aangemeld; alle plaatsen waren al vergeven"]
        reasons.append("te laat aangemeld; tijdige aanmeldingen gingen voor")
    if r.earlier:
        reasons.append(f"eerder deelgenomen ({', '.join(r.earlier)}): lagere prioriteit")

    if free >= r.places:
        broken = hard_violations(problem, solution, [*chosen, r])
        if broken:
            reasons.append("niet geselecteerd: " + "; ".join(v.text for v in broken))
            if breaks_balance(broken):
                reasons.append(f"balans {r.group} vol")
        else:
            reasons.append(_delta_sentence(problem, chosen, [*chosen, r], "erbij nemen"))
        return reasons

    peers = [s for s in chosen if not s.pinned and s.late == r.late]
    same = [s for s in peers if s.deficit == r.deficit]
    if same and r.priority < min(s.priority for s in same):
        target = weakest(problem, same)
        assert target is not None
        reasons.append(
            f"niet geselecteerd: lagere prioriteit dan {target.name} "
            f"({SAFETY_NET_TEXT[target.safety_net]}) en alle anderen met saldo {r.group}; "
            "alle plaatsen bezet"
        )
        cheaper_other = weakest(
            problem, (o for o in peers if o.deficit != r.deficit and o.priority < r.priority)
        )
        if cheaper_other is not None:
            reasons.append(_swap_sentence(problem, solution, chosen, r, cheaper_other))
        return reasons
    lower = [s for s in same if s.priority < r.priority]
    pool = lower or same or peers
    if not pool:
        reasons.append("niet geselecteerd: alle plaatsen zijn vastgepind of al vergeven")
        return reasons
    target = best_swap(problem, solution, chosen, r, pool)
    reasons.append(_swap_sentence(problem, solution, chosen, r, target))
    cheaper_other = weakest(
        problem, (o for o in peers if o.deficit != r.deficit and o.priority < r.priority)
    )
    if cheaper_other is not None and target.deficit == r.deficit:
        reasons.append(_swap_sentence(problem, solution, chosen, r, cheaper_other))
    return reasons


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


def _swap_sentence(
    problem: SelectionProblem,
    solution: Solution,
    chosen: list[Candidate],
    r: Candidate,
    s: Candidate,
) -> str:
    """What swapping rejected ``r`` for selected ``s`` would break or cost."""
    after = [c for c in chosen if c.index != s.index] + [r]
    relation = (
        "hogere voorrang dan"
        if r.priority > s.priority
        else "lagere voorrang dan"
        if r.priority < s.priority
        else "dezelfde voorrang als"
    )
    lead = f"niet geselecteerd; {relation} {s.name} ({SAFETY_NET_TEXT[s.safety_net]})"
    broken = hard_violations(problem, solution, after)
    if broken:
        text = f"{lead}, maar ruilen kan niet: " + "; ".join(v.text for v in broken)
        if breaks_balance(broken):
            text += f" (balans {r.group} vol)"
        return text
    return f"{lead}: " + _delta_sentence(problem, chosen, after, f"ruilen met {s.name}")


def _delta_sentence(
    problem: SelectionProblem, before: list[Candidate], after: list[Candidate], action: str
) -> str:
    deltas = criterion_deltas(problem, before, after)
    total = sum(d for _, d in deltas)
    if total < 0:
        losses = ", ".join(f"{label} {points(d)}" for label, d in deltas if d < 0)
        gains = ", ".join(f"{label} {points(d)}" for label, d in deltas if d > 0)
        text = f"{action} kost {points(total)} punten: {losses}"
        return text + (f" (winst: {gains})" if gains else "")
    if total == 0:
        return (
            f"{action} levert evenveel op (gelijke stand); bij gelijke stand gaat een "
            "eerdere aanmelddatum voor, dan de naam (alfabetisch)"
        )
    return (
        f"{action} zou {points(total)} punten opleveren; de oplosser vond binnen de "
        "tijdslimiet geen bewezen optimum"
    )


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
            costs[r.index] = ForcingCost(
                note="niet berekend: het tijdsbudget voor de kosten van inpassen "
                "(solver.forcing_cost_budget) was op"
            )
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
            costs[r.index] = ForcingCost(
                note="niet berekend: het tijdsbudget voor de kosten van inpassen "
                "(solver.forcing_cost_budget) raakte op tijdens deze berekening"
            )
            continue
        except SelectionInfeasible:
            costs[r.index] = ForcingCost(
                note="kan niet worden ingepast: dat botst met de vastgepinde aanmeldingen"
            )
            continue
        used += forced.deterministic_time
        wall += forced.wall_time
        costs[r.index] = _forcing_cost(problem, solution, chosen, forced, late=r.late)
        if progress is not None:
            progress("kosten van inpassen", k, len(order))
    return costs, uncosted, wall, used


def _forcing_cost(
    problem: SelectionProblem,
    solution: Solution,
    chosen: list[Candidate],
    forced: Solution,
    *,
    late: bool = False,
) -> ForcingCost:
    after = problem.by_index(forced.chosen)
    drop_out = tuple(c.name for c in chosen if c.index not in forced.chosen)
    notes = []
    losses = [(label, d) for label, d in criterion_deltas(problem, chosen, after) if d < 0]
    if losses:
        notes.append("verslechtering: " + ", ".join(f"{lab} {points(d)}" for lab, d in losses))
    if forced.best_balance > max(problem.tolerance, solution.best_balance):
        notes.append(
            f"de balans zou breken: beste mogelijke verschil {forced.best_balance} "
            f"(grens {problem.tolerance})"
        )
    change = (forced.objective - solution.objective) / SCALE
    if change > 0 and late:
        notes.append(
            "hoger op de criteria, maar een te late aanmelding krijgt alleen een plaats "
            "die tijdige aanmeldingen niet vullen"
        )
    elif change > 0:
        notes.append("beter dan het voorstel: het voorstel is niet bewezen optimaal")
    if forced.status is not SolveStatus.OPTIMAL:
        notes.append("benadering: niet bewezen optimaal binnen het tijdsbudget")
    return ForcingCost(objective_change=change, drop_out=drop_out, note="; ".join(notes))


# --------------------------------------------------------------------------- all together


def explain(
    problem: SelectionProblem,
    solution: Solution,
    registrations: Registrations,
    not_candidates: Mapping[str, NotCandidate],
    progress: Progress | None = None,
) -> Explained:
    """Reasons for every registrant and forcing costs for every rejected candidate."""
    chosen = problem.by_index(solution.chosen)
    rejected = [c for c in problem.candidates if c.index not in solution.chosen]
    costs, uncosted, wall, det = forcing_costs(problem, solution, rejected, progress)
    by_name = {c.name: c for c in problem.candidates}
    entries = []
    for registration in registrations:
        c = by_name.get(registration.name)
        if c is None:
            entries.append(
                SelectionEntry(
                    name=registration.name,
                    selected=False,
                    reasons=(not_candidates[registration.name].reason,),
                )
            )
        elif c.index in solution.chosen:
            entries.append(
                SelectionEntry(
                    name=c.name,
                    selected=True,
                    reasons=tuple(reasons_selected(problem, solution, c, chosen)),
                )
            )
        else:
            entries.append(
                SelectionEntry(
                    name=c.name,
                    selected=False,
                    reasons=tuple(reasons_rejected(problem, solution, c, chosen)),
                    forcing_cost=costs.get(c.index),
                )
            )
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
            f"kosten van inpassen niet berekend voor {uncosted} aanmelding(en): "
            "tijdsbudget (solver.forcing_cost_budget) op"
        )
    return Explained(tuple(entries), tuple(warnings), wall, det)
