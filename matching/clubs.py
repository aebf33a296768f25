"""The club model: partition participants into clubs of comparable peers.

Built on the domain-neutral grouping core (:mod:`matching.grouping`): the
pairwise weights are the weighted club criteria of :mod:`matching.criteria`;
this module adds the domain rules (deficit/surplus balance per club, pins,
forbidden pairs, stability against an earlier proposal).

Club sizes: the number of clubs k follows from the participants (closest to
the target size within min..max), and clubs are as equal in size as
possible (⌊n/k⌋ or ⌈n/k⌉). Without that, a pairwise objective would favour
lopsided clubs (12 + 10 + 8 has more pairs than 10 + 10 + 10).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from matching.conflicts import NamedRules, conflicting_rules
from matching.criteria import club_pair_weight
from matching.grouping import GroupingModel, GroupingProblem
from matching.local_search import local_search
from matching.solver import SolveStatus


class MatchingConflict(Exception):
    """The hard rules cannot all hold; ``reasons`` say which, in Dutch."""

    def __init__(self, reasons: Sequence[str], advice: Sequence[str] = ()):
        self.reasons = list(reasons)
        self.advice = list(advice)
        super().__init__("; ".join(self.reasons))


HOST_SHORTFALL_PENALTY = 100.0
"""Per host a club lacks for one host per session over the cycle: hard unless
impossible (nobody should host twice when hosts can be spread that way)."""


def host_need(size: int, config: CycleConfig) -> int:
    """Hosts a club of this size needs for nobody to host twice: one per session
    over all rounds, with sessions as large as allowed."""
    return config.sessions.rounds * math.ceil(size / config.sessions.max_size)


def club_count(n: int, config: CycleConfig) -> int:
    """The number of clubs for n participants, or a conflict when none fits."""
    lo, hi, target = config.clubs.min_size, config.clubs.max_size, config.clubs.target_size
    fewest, most = math.ceil(n / hi), n // lo
    if n == 0 or fewest > most:
        raise MatchingConflict(
            [f"{n} deelnemers passen niet in clubs van {lo}–{hi}"],
            [
                f"verander de clubgrootte in cycle.toml ([clubs] min_size/max_size), "
                f"of selecteer meer of minder deelnemers (mogelijk: bijvoorbeeld {lo} of {hi})"
            ],
        )
    return min(max(round(n / target), fewest), most)


def club_bounds(n: int, k: int) -> tuple[tuple[int, int], ...]:
    """Size bounds per club: as equal as possible."""
    low, high = n // k, math.ceil(n / k)
    return tuple((low, high) for _ in range(k))


def balance_feasible(
    sizes_bounds: Sequence[tuple[int, int]], n: int, deficits: int, tol: int
) -> bool:
    """Whether clubs with these size bounds can each hold |2·deficit − size| ≤ tol."""
    # Dynamic programme over clubs: reachable (members used, deficits used).
    reachable = {(0, 0)}
    for lo, hi in sizes_bounds:
        nxt = set()
        for used, dused in reachable:
            for size in range(lo, hi + 1):
                for d in range(0, size + 1):
                    if abs(2 * d - size) <= tol and used + size <= n and dused + d <= deficits:
                        nxt.add((used + size, dused + d))
        reachable = nxt
    return (n, deficits) in reachable


@dataclass(frozen=True)
class ClubProblem:
    participants: tuple[Registration, ...]
    config: CycleConfig
    keep: Mapping[str, int] = field(default_factory=dict)
    """With --keep: the earlier club (1-based) of each participant."""

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.participants]

    def index(self, name: str) -> int:
        return self.names.index(name)

    @property
    def has_club_specific_rules(self) -> bool:
        return bool(self.config.pins.club or self.keep)


@dataclass(frozen=True)
class ClubResult:
    status: SolveStatus
    clubs: tuple[tuple[str, ...], ...]
    objective: float | None
    """The pairwise club score (without stability), recomputed in plain Python."""
    bound: float | None
    wall_time: float
    deterministic_time: float
    balance_tolerance: int
    warnings: tuple[str, ...] = ()


@dataclass
class ClubModel:
    problem: ClubProblem
    tolerance: int
    with_assumptions: bool = False

    def __post_init__(self) -> None:
        p = self.problem
        n = len(p.participants)
        self.k = club_count(n, p.config)
        weights = tuple(
            tuple(
                0.0 if i == j else club_pair_weight(a, b, p.config)
                for j, b in enumerate(p.participants)
            )
            for i, a in enumerate(p.participants)
        )
        self.grouping = GroupingProblem(n=n, weights=weights, bounds=club_bounds(n, self.k))
        self.core = GroupingModel(self.grouping, symmetry_breaking=not p.has_club_specific_rules)
        self.model = self.core.model
        self.rule = NamedRules(self.model, self.with_assumptions)
        self.deficit_surplus_balance()
        self.pinned_club()
        self.kept_apart()
        self.together_in_a_session()
        self.enough_hosts()
        self.stability()

    def deficit_surplus_balance(self) -> None:
        """Hard: in every club |2·deficit − size| ≤ tolerance (deficit vs surplus/neutral)."""
        p = self.problem
        description = f"balans tekort/overschot per club (verschil hooguit {self.tolerance})"
        for g in range(self.k):
            size = sum(self.core.assign(i, g) for i in range(len(p.participants)))
            deficit = sum(
                self.core.assign(i, g) for i, r in enumerate(p.participants) if r.balance.is_deficit
            )
            self.model.add(2 * deficit - size <= self.tolerance).only_enforce_if(
                self.rule(description)
            )
            self.model.add(size - 2 * deficit <= self.tolerance).only_enforce_if(
                self.rule(description)
            )

    def pinned_club(self) -> None:
        """Pin: X in club k."""
        for pin in self.problem.config.pins.club:
            if pin.name not in self.problem.names:
                continue
            description = f"pin: {pin.name} in club {pin.club}"
            if pin.club > self.k:
                description += f" (er zijn maar {self.k} clubs)"
                self.model.add_bool_or([]).only_enforce_if(self.rule(description))
                continue
            i = self.problem.index(pin.name)
            self.model.add(self.core.assign(i, pin.club - 1) == 1).only_enforce_if(
                self.rule(description)
            )

    def kept_apart(self) -> None:
        """Pin: X and Y never in the same club."""
        for a, b in self.problem.config.pins.apart:
            if a in self.problem.names and b in self.problem.names:
                i, j = self.problem.index(a), self.problem.index(b)
                self.model.add(self.core.same_group(i, j) == 0).only_enforce_if(
                    self.rule(f"pin: {a} en {b} nooit samen")
                )

    def enough_hosts(self) -> None:
        """Hard: every club has enough members who may host to give every session
        of a round a host (at least one per largest session size)."""
        p = self.problem
        per = p.config.sessions.max_size
        description = (
            f"iedere club heeft genoeg deelnemers die mogen hosten (minstens 1 op de {per})"
        )
        n = len(p.participants)
        for g in range(self.k):
            size = sum(self.core.assign(i, g) for i in range(n))
            hosts = sum(self.core.assign(i, g) for i, r in enumerate(p.participants) if r.can_host)
            self.model.add(per * hosts >= size).only_enforce_if(self.rule(description))
        if self.with_assumptions:
            return
        need = host_need(self.grouping.bounds[0][0], p.config)
        for g in range(self.k):
            hosts = sum(self.core.assign(i, g) for i, r in enumerate(p.participants) if r.can_host)
            shortfall = self.model.new_int_var(0, need, f"club_{g}_host_shortfall")
            self.model.add(shortfall >= need - hosts)
            self.core.add_objective_term(shortfall, -HOST_SHORTFALL_PENALTY)

    def together_in_a_session(self) -> None:
        """Pin: X and Y in one session in round r, so they must share a club."""
        for pin in self.problem.config.pins.together:
            a, b = pin.members
            if a in self.problem.names and b in self.problem.names:
                i, j = self.problem.index(a), self.problem.index(b)
                self.model.add(self.core.same_group(i, j) == 1).only_enforce_if(
                    self.rule(f"pin: {a} en {b} samen in ronde {pin.round}")
                )

    def stability(self) -> None:
        """Soft (with --keep): a participant stays in its earlier club."""
        weight = self.problem.config.weights.clubs.stability
        if not weight:
            return
        for name, club in self.problem.keep.items():
            if name in self.problem.names and 1 <= club <= self.k:
                self.core.add_objective_term(
                    self.core.assign(self.problem.index(name), club - 1), weight
                )


def choose_tolerance(problem: ClubProblem) -> tuple[int, list[str]]:
    """The configured balance tolerance, or the best achievable one (reported)."""
    n = len(problem.participants)
    k = club_count(n, problem.config)
    deficits = sum(1 for r in problem.participants if r.balance.is_deficit)
    tol = problem.config.clubs.balance_tolerance
    bounds = club_bounds(n, k)
    if balance_feasible(bounds, n, deficits, tol):
        return tol, []
    best = next(t for t in range(tol + 1, n + 1) if balance_feasible(bounds, n, deficits, t))
    return best, [
        f"Balans per club binnen {tol} is niet haalbaar met {deficits} tekortgemeenten en "
        f"{n - deficits} overschot/neutraal in {k} clubs; best mogelijke verschil: {best}."
    ]


HINT_ROUNDS_PER_PARTICIPANT = 2
"""Perturbation rounds of the hint's iterated local search, per participant."""


class _SwapSearch:
    """Swap moves on a club layout with incremental scores (for the hint)."""

    def __init__(
        self,
        weights,
        groups: list[int],
        k: int,
        frozen: set[int],
        sign: list[int],
        host: list[int],
    ) -> None:
        self.w = weights
        self.n = len(groups)
        self.k = k
        self.frozen = frozen
        self.sign = sign
        """+1 for a deficit member, −1 otherwise: a club's excess is 2·deficit − size."""
        self.host = host
        """1 for a member who may host, else 0."""
        self.reset(groups)

    def reset(self, groups: list[int]) -> None:
        self.groups = list(groups)
        self.excess = [0] * self.k
        self.hosts = [0] * self.k
        for i, g in enumerate(self.groups):
            self.excess[g] += self.sign[i]
            self.hosts[g] += self.host[i]
        self.contrib = [[0.0] * self.k for _ in range(self.n)]
        for i in range(self.n):
            row = self.w[i]
            for j in range(self.n):
                if i != j:
                    self.contrib[i][self.groups[j]] += row[j]

    def delta(self, i: int, j: int) -> float:
        gi, gj, w = self.groups[i], self.groups[j], self.w[i][j]
        c = self.contrib
        return c[i][gj] - w - c[i][gi] + c[j][gi] - w - c[j][gj]

    def swap(self, i: int, j: int) -> None:
        gi, gj = self.groups[i], self.groups[j]
        for m in range(self.n):
            if m != i:
                self.contrib[m][gi] -= self.w[m][i]
                self.contrib[m][gj] += self.w[m][i]
            if m != j:
                self.contrib[m][gj] -= self.w[m][j]
                self.contrib[m][gi] += self.w[m][j]
        self.excess[gi] += self.sign[j] - self.sign[i]
        self.excess[gj] += self.sign[i] - self.sign[j]
        self.hosts[gi] += self.host[j] - self.host[i]
        self.hosts[gj] += self.host[i] - self.host[j]
        self.groups[i], self.groups[j] = gj, gi

    def movable(self, i: int) -> bool:
        return i not in self.frozen

    def score(self) -> float:
        return sum(self.contrib[i][self.groups[i]] for i in range(self.n)) / 2

    def descend(self, same_kind) -> None:
        """Best-improvement swaps of two members of the same kind until none helps."""
        while True:
            best = (1e-9, -1, -1)
            for i in range(self.n):
                if not self.movable(i):
                    continue
                for j in range(i + 1, self.n):
                    if self.groups[i] != self.groups[j] and same_kind(i, j) and self.movable(j):
                        d = self.delta(i, j)
                        if d > best[0]:
                            best = (d, i, j)
            if best[1] < 0:
                return
            self.swap(best[1], best[2])


def balanced_hint(cm: ClubModel, seed: int) -> list[int]:
    """A good layout that already meets the balance rule and the club pins.

    The core's local search ignores domain rules, and CP-SAT starting from an
    infeasible hint loses much of its value. So: the core's local search, then
    pins and balance repaired by the cheapest swaps, then an iterated local
    search with swaps of two members of the same kind (deficit with deficit,
    other with other), which keep every club's size and balance. Seeded and
    with a fixed number of rounds, so deterministic.
    """
    p = cm.problem
    n = len(p.participants)
    deficit = [r.balance.is_deficit for r in p.participants]
    if p.keep and all(1 <= p.keep.get(name, 0) <= cm.k for name in p.names):
        groups = [p.keep[name] - 1 for name in p.names]
        if cm.grouping.is_feasible(groups):
            return groups
    start, _ = local_search(cm.grouping, seed=seed, iterations=200)
    pinned = {
        p.index(pin.name): pin.club - 1
        for pin in p.config.pins.club
        if pin.name in p.names and pin.club <= cm.k
    }
    sign = [1 if d else -1 for d in deficit]
    host = [1 if r.can_host else 0 for r in p.participants]
    search = _SwapSearch(cm.grouping.weights, list(start), cm.k, set(pinned), sign, host)

    for i, g in sorted(pinned.items()):
        if search.groups[i] != g:
            options = [j for j in range(n) if search.groups[j] == g and search.movable(j)]
            if options:
                search.swap(i, max(options, key=lambda j: (search.delta(i, j), -j)))

    def excess(g: int) -> int:
        """2·deficit − size of club g."""
        return search.excess[g]

    for _ in range(n * n):
        bad = [g for g in range(cm.k) if abs(excess(g)) > cm.tolerance]
        if not bad:
            break
        g = bad[0]
        sign = 1 if excess(g) > 0 else -1
        options = [
            (search.delta(i, j), -i, -j, i, j)
            for i in range(n)
            if search.groups[i] == g and deficit[i] == (sign > 0) and search.movable(i)
            for j in range(n)
            if search.groups[j] != g
            and deficit[j] != deficit[i]
            and search.movable(j)
            and sign * excess(search.groups[j]) < 0
        ]
        if not options:
            break
        *_, i, j = max(options)
        search.swap(i, j)

    sizes = [search.groups.count(g) for g in range(cm.k)]
    need = [host_need(size, p.config) for size in sizes]

    def shortfall(g: int, hosts: int) -> int:
        return max(0, need[g] - hosts)

    def host_change(i: int, j: int) -> int:
        """Change of the total host shortfall if i and j swap clubs."""
        gi, gj = search.groups[i], search.groups[j]
        d = search.host[j] - search.host[i]
        return (
            shortfall(gi, search.hosts[gi] + d)
            + shortfall(gj, search.hosts[gj] - d)
            - shortfall(gi, search.hosts[gi])
            - shortfall(gj, search.hosts[gj])
        )

    def balance_ok(i: int, j: int) -> bool:
        if deficit[i] == deficit[j]:
            return True
        d, o = (i, j) if deficit[i] else (j, i)
        gd, go = search.groups[d], search.groups[o]
        return abs(excess(gd) - 2) <= cm.tolerance and abs(excess(go) + 2) <= cm.tolerance

    for _ in range(n):  # spread hosts: nobody should need to host twice
        options = [
            (host_change(i, j), -search.delta(i, j), i, j)
            for i in range(n)
            if search.movable(i)
            and not search.host[i]
            and shortfall(search.groups[i], search.hosts[search.groups[i]]) > 0
            for j in range(n)
            if search.movable(j)
            and search.host[j]
            and search.groups[j] != search.groups[i]
            and balance_ok(i, j)
        ]
        best = min(options, default=None)
        if best is None or best[0] >= 0:
            break
        search.swap(best[2], best[3])

    def same_kind(i: int, j: int) -> bool:
        """Swaps that keep every club within the balance tolerance (same kind, or a
        deficit and another member between clubs with room on both sides) and do
        not make the host shortfall worse."""
        if not balance_ok(i, j):
            return False
        return search.host[i] == search.host[j] or host_change(i, j) <= 0

    rng = random.Random(seed)
    search.descend(same_kind)
    best, best_score = list(search.groups), search.score()
    movable = [i for i in range(n) if search.movable(i)]
    for _ in range(HINT_ROUNDS_PER_PARTICIPANT * n):
        for _kick in range(3):
            i = rng.choice(movable)
            partners = [
                j for j in movable if search.groups[j] != search.groups[i] and same_kind(i, j)
            ]
            if partners:
                search.swap(i, rng.choice(partners))
        search.descend(same_kind)
        score = search.score()
        if score > best_score + 1e-9:
            best, best_score = list(search.groups), score
        else:
            search.reset(best)
    return best


def solve_clubs(
    problem: ClubProblem,
    *,
    seed: int,
    max_deterministic_time: float,
    num_workers: int = 1,
    hint: Sequence[int] | None = None,
    progress: Callable[[float, float], None] | None = None,
) -> ClubResult:
    tolerance, warnings = choose_tolerance(problem)
    cm = ClubModel(problem, tolerance)
    if hint is None:
        hint = balanced_hint(cm, seed)
    result = cm.core.solve(
        seed=seed,
        max_deterministic_time=max_deterministic_time,
        num_workers=num_workers,
        hint=hint,
        progress=progress,
    )
    if result.groups is None:
        if result.status is SolveStatus.INFEASIBLE:
            reasons = explain_infeasible_clubs(problem, tolerance)
            raise MatchingConflict(reasons, club_advice(reasons))
        raise MatchingConflict(
            ["de clubindeling vond binnen de rekentijd geen oplossing"],
            ["verhoog [solver] max_deterministic_time in cycle.toml"],
        )
    clubs = tuple(
        tuple(problem.names[i] for i in range(len(result.groups)) if result.groups[i] == g)
        for g in range(cm.k)
    )
    objective = cm.grouping.objective(result.groups)
    bound = result.bound
    if bound is not None and result.objective is not None:
        bound -= result.objective - objective  # remove stability terms from the bound
    return ClubResult(
        status=result.status,
        clubs=clubs,
        objective=objective,
        bound=bound,
        wall_time=result.wall_time,
        deterministic_time=result.deterministic_time,
        balance_tolerance=tolerance,
        warnings=tuple(warnings),
    )


def club_advice(reasons: Sequence[str]) -> list[str]:
    """What to relax, in Dutch, for the rules named in a club conflict."""
    advice = []
    if any(r.startswith("pin:") for r in reasons):
        advice.append("laat één van de genoemde pins vallen of pas hem aan in cycle.toml ([pins])")
    if any("balans" in r for r in reasons):
        advice.append("verruim [clubs] balance_tolerance in cycle.toml")
    if any("hosten" in r for r in reasons):
        advice.append(
            "vraag meer deelnemers om te hosten ('Host mogelijk' = ja in de aanmeldingen)"
        )
    advice.append("of verander de clubgrootte ([clubs] min_size/max_size)")
    return advice


def explain_infeasible_clubs(problem: ClubProblem, tolerance: int) -> list[str]:
    """Named rules that together make the club layout impossible (with the club sizes)."""
    cm = ClubModel(problem, tolerance, with_assumptions=True)
    reasons = conflicting_rules(cm.rule)
    if reasons is None:
        return ["de clubindeling is onmogelijk, maar de oorzaak kon niet worden bepaald"]
    lo, hi = cm.grouping.bounds[0]
    return [f"{cm.k} clubs van {lo}–{hi} deelnemers"] + reasons
