"""The selection engine: who takes part when more register than there are places.

docs/domain.md §5 and §8, GitHub issue 3. Data moves forward only:

``Registrations`` + ``CycleConfig`` → :class:`SelectionProblem` (index-based
candidates, validated pins) → CP-SAT model built from the named rules in
:data:`CRITERIA` → solved in four lexicographic stages → explained
:class:`SelectionResult`.

The stages (each a CP-SAT solve on the same model, hinted with the previous
solution, all with a fixed seed and a *deterministic* time limit):

1. **fill** – fill as many places as possible, timely registrations first:
   late registrations only take places that timely ones cannot fill.
2. **balance** – with that fill fixed, the smallest possible
   |deficit − (surplus + neutral)|. When it is within the configured
   tolerance the tolerance becomes a hard limit; otherwise the best possible
   value is the limit and a warning says so.
3. **main** – maximise the weighted soft criteria (safety-net priority,
   balance, spread, earlier participation). This objective is the one
   reported, broken down and recomputed in plain Python.
4. **tie-break** – with the main objective fixed at its stage-3 value, prefer
   earlier registration dates, then names in alphabetical order (see
   :func:`tie_break_order`), so ties are never decided by list order.

Explanations (Dutch reasons) and the cost of forcing a rejected registrant in
are computed in :mod:`matching.selection_explain`.
"""

from __future__ import annotations

import datetime as dt
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from leernetwerk.config import CycleConfig, SolverSection
from leernetwerk.domain import Registration, Registrations, SafetyNet
from leernetwerk.errors import Problem, UserError, did_you_mean
from leernetwerk.proposal import CriterionScore, Quality, SelectionEntry, SolveStatus, relative_gap

SCALE = 1000
"""Weights are floats in cycle.toml; CP-SAT needs integers: weight × 1000, rounded."""

DEFICIT_LABEL = "tekort"
OTHER_LABEL = "overschot/neutraal"

Progress = Callable[[str, float, float | None], None]


def normalise(name: str) -> str:
    """Case-, accent-width- and whitespace-insensitive key for matching names."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


# --------------------------------------------------------------------------- problem data


@dataclass(frozen=True)
class Candidate:
    """A selectable registrant, as the model sees it (index-based)."""

    index: int
    name: str
    places: int
    """Places it takes: 1 for a municipality, ``organisation_places`` for an organisation."""
    deficit: bool
    safety_net: SafetyNet
    province: str
    size_class: str
    variant: str
    late: bool
    earlier: tuple[str, ...]
    """Cycles it (or one of its members) took part in before."""
    represents: tuple[str, ...]
    """Normalised municipality names it stands for (itself, or an organisation's members)."""
    tie_rank: int
    """0 = wins a tie first (earliest registration date, then name)."""
    pinned: bool = False

    @property
    def priority(self) -> int:
        return self.safety_net.priority

    @property
    def group(self) -> str:
        return DEFICIT_LABEL if self.deficit else OTHER_LABEL


@dataclass(frozen=True)
class SelectionProblem:
    """Everything the model needs, validated; no pydantic, no solver."""

    candidates: tuple[Candidate, ...]
    places: int
    tolerance: int
    weights: Mapping[str, int]
    """Scaled integer weights (× :data:`SCALE`) by weight key."""
    settings: SolverSection

    def by_index(self, indices: Iterable[int]) -> list[Candidate]:
        return [self.candidates[i] for i in sorted(indices)]


def tie_break_order(registrations: Iterable[Registration]) -> list[str]:
    """Names in tie-break order: earlier registration date first (no date last), then
    name (case-insensitive, then exact), so ties never depend on workbook order."""
    return [
        r.name
        for r in sorted(
            registrations,
            key=lambda r: (r.registered_on or dt.date.max, normalise(r.name), r.name),
        )
    ]


def earlier_participation_of(
    registration: Registration, participation: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """Earlier cycles of a registrant: its own column plus the history mapping
    (looked up by name, and for an organisation also by each member's name)."""
    history = {normalise(k): v for k, v in participation.items()}
    cycles = list(registration.previous_cycles)
    keys = [registration.name]
    if registration.is_organisation:
        keys += list(registration.members)
    for key in keys:
        cycles += history.get(normalise(key), ())
    return tuple(dict.fromkeys(c for c in cycles if c.strip()))


def is_selectable(registration: Registration, config: CycleConfig) -> bool:
    return registration.is_complete or config.cycle.allow_incomplete


def scaled_weights(config: CycleConfig) -> dict[str, int]:
    weights = config.weights.selection.model_dump()
    return {key: int(round(float(value) * SCALE)) for key, value in weights.items()}


# --------------------------------------------------------------------------- pins


def resolve_pin_names(
    names: Iterable[str], registrations: Registrations, key: str
) -> tuple[list[str], list[Problem]]:
    """Map pin names to registrant names (case/whitespace-insensitive); unknown → problems."""
    known = {normalise(r.name): r.name for r in registrations}
    resolved, problems = [], []
    for name in names:
        match = known.get(normalise(name))
        if match is None:
            problems.append(
                Problem(
                    sheet="cycle.toml",
                    column=key,
                    value=name,
                    message="deze naam staat niet bij de aanmeldingen."
                    + did_you_mean(name, [r.name for r in registrations]),
                )
            )
        else:
            resolved.append(match)
    return resolved, problems


def check_pins(
    registrations: Registrations,
    config: CycleConfig,
    places: int,
    select_names: list[str],
    exclude_names: list[str],
) -> list[Problem]:
    """Plain-Dutch problems with the pins that make any selection impossible."""
    problems: list[Problem] = []
    by_name = registrations.by_name()
    for name in sorted(set(select_names) & set(exclude_names), key=normalise):
        problems.append(
            Problem(
                sheet="cycle.toml",
                column="pins.select / pins.exclude",
                value=name,
                message="staat zowel bij 'altijd selecteren' als bij 'nooit selecteren'; "
                "kies één van beide.",
            )
        )
    for name in select_names:
        registration = by_name[name]
        if not is_selectable(registration, config):
            problems.append(
                Problem(
                    sheet="cycle.toml",
                    column="pins.select",
                    value=name,
                    message="is vastgepind maar onvolledig ("
                    + "; ".join(registration.missing)
                    + "). Vul de aanmelding aan, of zet cycle.allow_incomplete = true.",
                )
            )
    taken = sum(_places_of(by_name[n], config) for n in dict.fromkeys(select_names))
    if taken > places:
        problems.append(
            Problem(
                sheet="cycle.toml",
                column="pins.select",
                message=f"de vastgepinde aanmeldingen nemen {taken} plaatsen in, "
                f"maar er zijn er maar {places}. Haal pins weg of verhoog het aantal plaatsen.",
            )
        )
    represented: dict[str, str] = {}
    for name in dict.fromkeys(select_names):
        for municipality in by_name[name].municipalities():
            other = represented.get(normalise(municipality))
            if other is not None and other != name:
                problems.append(
                    Problem(
                        sheet="cycle.toml",
                        column="pins.select",
                        value=name,
                        message=f"{municipality} zou twee keer deelnemen: via '{other}' en via "
                        f"'{name}'. Pin er maar één van beide.",
                    )
                )
            represented[normalise(municipality)] = name
    return problems


def _places_of(registration: Registration, config: CycleConfig) -> int:
    return config.cycle.organisation_places if registration.is_organisation else 1


def build_problem(
    registrations: Registrations,
    config: CycleConfig,
    *,
    places: int | None = None,
    participation: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[SelectionProblem, dict[str, str]]:
    """Validate pins and turn the selectable registrations into model candidates.

    Returns the problem and, for every registrant that is *not* a candidate,
    why not (Dutch), keyed by name. Raises :class:`UserError` for pins that
    name unknown registrants or make every selection impossible.
    """
    places = config.cycle.places if places is None else places
    if places < 1:
        raise UserError(f"Het aantal plaatsen moet minstens 1 zijn (nu {places}).")
    select_names, problems = resolve_pin_names(config.pins.select, registrations, "pins.select")
    exclude_names, more = resolve_pin_names(config.pins.exclude, registrations, "pins.exclude")
    problems += more
    if not problems:
        problems += check_pins(registrations, config, places, select_names, exclude_names)
    if problems:
        raise UserError(problems)

    participation = participation or {}
    pinned, excluded = set(select_names), set(exclude_names)
    rank = {name: i for i, name in enumerate(tie_break_order(registrations))}
    not_candidates: dict[str, str] = {}
    candidates: list[Candidate] = []
    for registration in registrations:
        if registration.name in excluded:
            not_candidates[registration.name] = (
                "uitgesloten door de stuurgroep (pin: nooit selecteren)"
            )
            continue
        if not is_selectable(registration, config):
            not_candidates[registration.name] = (
                "niet selecteerbaar: onvolledig (" + "; ".join(registration.missing) + ")"
            ) + (
                "; bovendien te laat aangemeld"
                if registration.is_late(config.cycle.deadline)
                else ""
            )
            continue
        candidates.append(
            Candidate(
                index=len(candidates),
                name=registration.name,
                places=_places_of(registration, config),
                deficit=registration.balance.is_deficit,
                safety_net=registration.safety_net,
                province=registration.province,
                size_class=registration.size_class,
                variant=registration.execution_variant,
                late=registration.is_late(config.cycle.deadline),
                earlier=earlier_participation_of(registration, participation),
                represents=tuple(normalise(m) for m in registration.municipalities()),
                tie_rank=rank[registration.name],
                pinned=registration.name in pinned,
            )
        )
    problem = SelectionProblem(
        candidates=tuple(candidates),
        places=places,
        tolerance=config.selection.balance_tolerance,
        weights=scaled_weights(config),
        settings=config.solver,
    )
    return problem, not_candidates


# --------------------------------------------------------------------------- model and rules


@dataclass
class SelectionModel:
    """A CP-SAT model over the candidates: one Boolean per candidate."""

    problem: SelectionProblem
    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    imbalance: cp_model.IntVar
    forced: frozenset[int] = frozenset()

    def places_taken(self, candidates: Iterable[Candidate]) -> cp_model.LinearExprT:
        return sum((c.places * self.x[c.index] for c in candidates), start=0)


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


def deficit_places(chosen: Iterable[Candidate]) -> int:
    return sum(c.places for c in chosen if c.deficit)


def other_places(chosen: Iterable[Candidate]) -> int:
    return sum(c.places for c in chosen if not c.deficit)


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


@dataclass
class BuiltModel:
    sm: SelectionModel
    objective: cp_model.LinearExprT
    """Σ scaled weight × raw over the soft criteria (zero weights skipped)."""


def build_model(problem: SelectionProblem, forced: frozenset[int] = frozenset()) -> BuiltModel:
    """The CP-SAT model: variables, every hard rule, and the weighted objective expression."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"select_{c.index}") for c in problem.candidates]
    total = sum(c.places for c in problem.candidates)
    imbalance = model.new_int_var(0, max(total, 0), "imbalance")
    sm = SelectionModel(problem, model, x, imbalance, forced)
    objective: cp_model.LinearExprT = 0
    for criterion in CRITERIA:
        terms = criterion.build(sm)
        weight = problem.weights.get(criterion.weight_key or "", 0)
        if weight and terms:
            objective += sum(weight * coef * expr for coef, expr in terms)
    return BuiltModel(sm, objective)


# --------------------------------------------------------------------------- scoring in plain Python


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


# --------------------------------------------------------------------------- solving


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
}


def solver_parameters(settings: SolverSection, limit: float) -> cp_model.CpSolver:
    """A solver with a fixed seed and only a deterministic time limit (never wall clock).

    With more than one worker ``interleave_search`` is switched on: CP-SAT's
    parallel portfolio is otherwise not reproducible by seed alone (OR-Tools
    issue 2793)."""
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = settings.seed
    solver.parameters.num_workers = settings.selection_num_workers
    solver.parameters.max_deterministic_time = max(limit, 1e-3)
    if settings.selection_num_workers > 1:
        solver.parameters.interleave_search = True
    return solver


@dataclass
class StageOutcome:
    status: SolveStatus
    values: list[int] | None
    objective: float | None
    bound: float | None
    wall_time: float
    deterministic_time: float


def solve_stage(built: BuiltModel, limit: float, hint: Iterable[int] | None) -> StageOutcome:
    """Solve the model's current objective; hint with a selection (indices) if given."""
    sm = built.sm
    sm.model.clear_hints()
    if hint is not None:
        chosen = set(hint)
        for c in sm.problem.candidates:
            sm.model.add_hint(sm.x[c.index], 1 if c.index in chosen else 0)
    solver = solver_parameters(sm.problem.settings, limit)
    started = time.perf_counter()
    code = solver.solve(sm.model)
    wall = time.perf_counter() - started
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return StageOutcome(status, None, None, None, wall, solver.deterministic_time)
    values = [int(solver.value(v)) for v in sm.x]
    return StageOutcome(
        status,
        values,
        solver.objective_value,
        solver.best_objective_bound,
        wall,
        solver.deterministic_time,
    )


@dataclass(frozen=True)
class Solution:
    """The outcome of the stages for one problem (the proposal or a forcing run)."""

    chosen: frozenset[int]
    status: SolveStatus
    objective: int
    """Main-stage objective, scaled (divide by SCALE)."""
    bound: float | None
    best_balance: int
    balance_limit: int
    timely_places: int
    late_places: int
    wall_time: float
    deterministic_time: float
    exhausted: bool = False
    """True when a limit stopped a stage before it had a solution."""


class OutOfTime(Exception):
    """A stage found no solution within its deterministic time limit."""

    def __init__(self, stage: str, deterministic_time: float):
        super().__init__(stage)
        self.stage = stage
        self.deterministic_time = deterministic_time


def run_stages(
    problem: SelectionProblem,
    *,
    forced: frozenset[int] = frozenset(),
    hint: Iterable[int] | None = None,
    budget: float | None = None,
    tie_break: bool = True,
    stay_close_to: frozenset[int] | None = None,
    progress: Progress | None = None,
) -> Solution:
    """Solve fill → balance → main → tie-break on one model (see module doc).

    ``budget`` caps the deterministic time of all stages together (forcing
    runs); otherwise each stage gets ``solver.max_deterministic_time``.
    Raises :class:`OutOfTime` when a stage has no solution within its limit.
    With ``stay_close_to`` (forcing runs) the last stage keeps as many of
    those candidates as possible instead of the tie-break, so the reported
    drop-outs are the fewest that forcing really requires.
    """
    limit = problem.settings.max_deterministic_time
    if not problem.candidates:
        return Solution(frozenset(), SolveStatus.OPTIMAL, 0, 0.0, 0, problem.tolerance, 0, 0, 0, 0)
    built = build_model(problem, forced)
    sm, model = built.sm, built.sm.model
    candidates = problem.candidates
    timely = [c for c in candidates if not c.late]
    late = [c for c in candidates if c.late]
    wall = det = 0.0
    hint_values: Iterable[int] | None = hint

    def run(stage: str, step: int) -> StageOutcome:
        nonlocal wall, det, hint_values
        stage_limit = limit if budget is None else min(limit, budget - det)
        if stage_limit <= 0:
            raise OutOfTime(stage, det)
        outcome = solve_stage(built, stage_limit, hint_values)
        wall += outcome.wall_time
        det += outcome.deterministic_time
        if progress is not None:
            progress(stage, step, 4 if tie_break else 3)
        if outcome.values is None:
            if outcome.status is SolveStatus.INFEASIBLE:
                raise UserError(
                    "De selectie is onmogelijk met deze pins en dit aantal plaatsen "
                    f"(fase '{stage}'). Controleer pins.select en pins.exclude."
                )
            raise OutOfTime(stage, det)
        hint_values = [i for i, v in enumerate(outcome.values) if v]
        return outcome

    # Stage 1: fill, timely first (lexicographic in one objective: timely × (P+1) + late).
    timely_taken = sm.places_taken(timely)
    late_taken = sm.places_taken(late)
    model.maximize(timely_taken * (problem.places + 1) + late_taken)
    fill = run("vullen", 1)
    chosen = [candidates[i] for i, v in enumerate(fill.values or []) if v]
    timely_places = sum(c.places for c in chosen if not c.late)
    late_places = sum(c.places for c in chosen if c.late)
    if fill.status is SolveStatus.OPTIMAL:
        model.add(timely_taken == timely_places)
        model.add(late_taken == late_places)
    else:  # not proven: keep at least what was found
        model.add(timely_taken >= timely_places)
        model.add(timely_taken + late_taken >= timely_places + late_places)

    # Stage 2: the best possible balance with that fill.
    model.minimize(sm.imbalance)
    balance = run("balans", 2)
    best_balance = int(round(balance.objective or 0))
    balance_limit = max(problem.tolerance, best_balance)
    model.add(sm.imbalance <= balance_limit)

    # Stage 3: the weighted criteria.
    model.maximize(built.objective)
    main = run("criteria", 3)
    values = main.values or []
    objective = int(round(main.objective or 0))

    # Stage 4: tie-break among equally good selections (or: stay close to the proposal).
    if (tie_break or stay_close_to is not None) and candidates:
        if not isinstance(built.objective, int):
            model.add(built.objective == objective)
        n = len(candidates)
        if stay_close_to is not None:
            model.maximize(
                sum(sm.x[c.index] for c in candidates if c.index in stay_close_to) * (n + 1)
                + sum((n - c.tie_rank) * sm.x[c.index] for c in candidates)
            )
        else:
            model.maximize(sum((n - c.tie_rank) * sm.x[c.index] for c in candidates))
        try:
            tie = run("gelijke stand", 4)
            values = tie.values or values
        except OutOfTime:
            pass  # the stage-3 selection stands; it is just as good

    chosen_set = frozenset(i for i, v in enumerate(values) if v)
    return Solution(
        chosen=chosen_set,
        status=main.status,
        objective=objective,
        bound=main.bound,
        best_balance=best_balance,
        balance_limit=balance_limit,
        timely_places=timely_places,
        late_places=late_places,
        wall_time=wall,
        deterministic_time=det,
    )


# --------------------------------------------------------------------------- the API


@dataclass(frozen=True)
class SelectionResult:
    """The explained selection proposal."""

    entries: tuple[SelectionEntry, ...]
    """One per registrant, in workbook order."""
    quality: Quality
    breakdown: tuple[CriterionScore, ...]
    selected: tuple[str, ...]
    """Selected names in workbook order."""
    warnings: tuple[str, ...]
    """Dutch."""
    settings: dict[str, float | int | str] = field(default_factory=dict)
    """Seed, limits and figures that make the run reproducible and auditable."""
    balance: tuple[int, int] = (0, 0)
    """Places taken by deficit and by surplus-or-neutral selected registrants."""


def select(
    registrations: Registrations,
    config: CycleConfig,
    *,
    places: int | None = None,
    participation: Mapping[str, tuple[str, ...]] | None = None,
    progress: Progress | None = None,
) -> SelectionResult:
    """Propose who takes part, explain every decision and cost every rejection.

    ``places`` overrides ``config.cycle.places``; ``participation`` maps a
    registrant (or member municipality) name to the cycles it took part in
    (from the history of decided cycles) and adds to ``previous_cycles``.
    ``progress(stage, done, total)`` is called after each solve.
    Raises :class:`UserError` (Dutch) for pins that cannot be honoured.
    """
    from matching.selection_explain import explain, hard_violations  # builds on this module

    problem, not_candidates = build_problem(
        registrations, config, places=places, participation=participation
    )
    try:
        solution = run_stages(problem, progress=progress)
    except OutOfTime as exc:
        raise UserError(
            f"Geen selectie gevonden binnen de tijdslimiet (fase '{exc.stage}'). Verhoog "
            "solver.max_deterministic_time in cycle.toml."
        ) from None
    chosen = problem.by_index(solution.chosen)
    explained = explain(problem, solution, registrations, not_candidates, progress=progress)

    warnings = list(explained.warnings)
    if solution.best_balance > problem.tolerance:
        warnings.insert(
            0,
            f"balans binnen {problem.tolerance} niet haalbaar; beste mogelijke: "
            f"{solution.best_balance}",
        )
    objective = solution.objective / SCALE
    bound = solution.bound / SCALE if solution.bound is not None else None
    if solution.status is not SolveStatus.OPTIMAL:
        warnings.append(
            "de selectie is niet bewezen optimaal binnen de tijdslimiet "
            f"(solver.max_deterministic_time = {problem.settings.max_deterministic_time})"
        )
    baseline = baseline_selection(problem, solution.balance_limit)
    baseline_objective = (
        None
        if hard_violations(problem, solution, baseline)
        else scaled_objective(problem, baseline) / SCALE
    )
    quality = Quality(
        status=solution.status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        baseline_objective=baseline_objective,
        wall_time=round(solution.wall_time + explained.wall_time, 3),
        deterministic_time=round(solution.deterministic_time + explained.deterministic_time, 3),
    )
    settings: dict[str, float | int | str] = {
        "seed": problem.settings.seed,
        "num_workers": problem.settings.selection_num_workers,
        "interleave_search": str(problem.settings.selection_num_workers > 1).lower(),
        "max_deterministic_time": problem.settings.max_deterministic_time,
        "forcing_cost_budget": problem.settings.forcing_cost_budget,
        "forcing_cost_deterministic_time": round(explained.deterministic_time, 3),
        "places": problem.places,
        "balance_tolerance": problem.tolerance,
        "balance_limit": solution.balance_limit,
        "ortools": _ortools_version(),
    }
    by_name = {e.name: e for e in explained.entries}
    return SelectionResult(
        entries=tuple(by_name[r.name] for r in registrations),
        quality=quality,
        breakdown=score_breakdown(problem, chosen),
        selected=tuple(r.name for r in registrations if by_name[r.name].selected),
        warnings=tuple(warnings),
        settings=settings,
        balance=(deficit_places(chosen), other_places(chosen)),
    )


def baseline_selection(problem: SelectionProblem, balance_limit: int) -> list[Candidate]:
    """A simple greedy baseline for comparison: pins first, then timely before late,
    safety-net priority, no earlier participation, tie-break order; a candidate is
    skipped when it would push |deficit − other| past the limit (a second pass fills
    what is left). Spread is ignored. Reported only when it keeps every hard rule."""
    order = sorted(
        problem.candidates,
        key=lambda c: (not c.pinned, c.late, -c.priority, bool(c.earlier), c.tie_rank),
    )
    chosen: list[Candidate] = []
    used: set[str] = set()
    room = problem.places
    for balance_aware in (True, False):
        for c in order:
            if c in chosen or c.places > room or used & set(c.represents):
                continue
            after = [*chosen, c]
            if balance_aware and not c.pinned:
                if abs(deficit_places(after) - other_places(after)) > max(balance_limit, 1):
                    continue
            chosen.append(c)
            used |= set(c.represents)
            room -= c.places
    return chosen


def _ortools_version() -> str:
    import ortools

    return str(ortools.__version__)
