"""The session model: two rounds of 2–3-member learning sessions inside one club.

Formulation (set partitioning over enumerated candidates): every subset of
the club of an allowed size is a candidate session; for each candidate the
best theme choices (one or two themes from what its members chose) are
precomputed, keeping only the non-dominated ones (score versus whose first
choice they cover). A Boolean per (round, candidate, theme choice) says the
session takes place; hard rules are linear constraints over those Booleans.
A club of 12 has 286 candidates of size 2–3, so the model is small and
CP-SAT usually proves optimality in about a second, where a compact
member-to-slot model did not within 30 s (measured by the team).

The hard rules and penalties are added from the rule table
(:data:`matching.rules.RULES`, functions in :mod:`matching.session_rules`);
this module adds the soft criteria (session scores, first choices,
stability) and the symmetry breaking between rounds.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from leernetwerk.proposal import Reason
from leernetwerk.reasons import render_session_format
from matching.conflicts import NamedRules, conflicting_rules
from matching.criteria import candidate_themes, recommend_format, session_score
from matching.errors import RuleConflict
from matching.rules import RULES, Stage
from matching.solver import SolverSettings, SolveStatus, solve

SCALE = 100
"""Objective coefficients are weights × 100, rounded: two decimals of precision."""


@dataclass(frozen=True)
class Candidate:
    """A possible session: members (indices into the club), themes, its score."""

    members: tuple[int, ...]
    themes: tuple[str, ...]
    score: float
    covers_first_choice: frozenset[int]


@dataclass(frozen=True)
class SessionPins:
    """The stuurgroep's pins that concern this club (names)."""

    together: tuple[tuple[str, str, int], ...] = ()
    apart: tuple[tuple[str, str], ...] = ()
    host: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class SessionProblem:
    club: int
    members: tuple[Registration, ...]
    config: CycleConfig
    pins: SessionPins = SessionPins()
    met_before: frozenset[frozenset[str]] = frozenset()
    keep: tuple[tuple[int, frozenset[str]], ...] = ()
    """With --keep: (round, member names) of the earlier proposal's sessions in this club."""

    @property
    def rounds(self) -> tuple[int, ...]:
        return tuple(range(1, self.config.sessions.rounds + 1))

    def index(self, name: str) -> int:
        return [m.name for m in self.members].index(name)


def enumerate_candidates(problem: SessionProblem) -> list[Candidate]:
    """All allowed sessions with their non-dominated theme choices."""
    members = problem.members
    catalogue = problem.config.catalogue.names
    apart = {frozenset(p) for p in problem.pins.apart}
    lo, hi = problem.config.sessions.min_size, problem.config.sessions.max_size
    candidates = []
    for size in range(lo, hi + 1):
        for combo in itertools.combinations(range(len(members)), size):
            group = [members[i] for i in combo]
            names = {m.name for m in group}
            if any(pair <= names for pair in apart):
                continue
            options = candidate_themes(group, catalogue)
            theme_sets = (
                [()]
                if not options
                else [tuple(ts) for k in (1, 2) for ts in itertools.combinations(options, k)]
            )
            scored = []
            for themes in theme_sets:
                covers = frozenset(
                    i for i, m in zip(combo, group, strict=True) if m.first_choice in themes
                )
                scored.append((session_score(group, themes, problem.config), covers, themes))
            for score, covers, themes in _non_dominated(scored):
                candidates.append(Candidate(combo, themes, round(score, 4), covers))
    return candidates


def _non_dominated(scored):
    """Keep theme choices not beaten on both score and first-choice coverage."""
    scored = sorted(scored, key=lambda s: (-s[0], -len(s[1]), s[2]))
    kept = []
    for score, covers, themes in scored:
        if any(k[0] >= score and k[1] >= covers for k in kept):
            continue
        kept.append((score, covers, themes))
    return kept


@dataclass
class SessionModel:
    """CP-SAT model of one club's sessions over all rounds."""

    problem: SessionProblem
    with_assumptions: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    candidates: list[Candidate] = field(default_factory=list)
    take: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    rule: NamedRules = field(init=False)
    """Enforcement literal per named hard rule (only when explaining conflicts)."""
    objective_terms: list[tuple[cp_model.LinearExprT, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rule = NamedRules(self.model, self.with_assumptions)
        self.candidates = enumerate_candidates(self.problem)
        for r in self.problem.rounds:
            for c, cand in enumerate(self.candidates):
                self.take[r, c] = self.model.new_bool_var(
                    f"club{self.problem.club}_r{r}_s{'-'.join(map(str, cand.members))}_{c}"
                )
        self.terms: dict[str, list[tuple[Any, int]]] = {}
        for rule in RULES:
            if rule.sessions is not None:
                self.terms[rule.key] = rule.sessions(self)
                self.objective_terms.extend(self.terms[rule.key])
        self.rounds_symmetry_breaking()
        self.first_choice_terms()
        self.stability_terms()
        self.session_score_terms()

    # -- helpers -----------------------------------------------------------

    def name(self, i: int) -> str:
        return self.problem.members[i].name

    @staticmethod
    def scaled(weight: float) -> int:
        """A weight in model units (two decimals of precision)."""
        return round(weight * SCALE)

    def containing(self, r: int, *members: int) -> list[cp_model.IntVar]:
        return [
            self.take[r, c]
            for c, cand in enumerate(self.candidates)
            if all(m in cand.members for m in members)
        ]

    def rounds_symmetry_breaking(self) -> None:
        """Not a rule: swapping the two rounds gives an equally good layout, so
        fix their order (the first member's partner with the lowest index is
        lower in round 1). Only when nothing is tied to a specific round."""
        p = self.problem
        if len(p.rounds) != 2 or p.pins.together or p.pins.host or p.keep:
            return
        first = [
            sum(
                min(m for m in cand.members if m != 0) * self.take[r, c]
                for c, cand in enumerate(self.candidates)
                if 0 in cand.members
            )
            for r in p.rounds
        ]
        self.model.add(first[0] < first[1])

    # -- soft rules --------------------------------------------------------

    def session_score_terms(self) -> None:
        """Soft: the precomputed weighted score of each chosen session."""
        for (_r, c), take in self.take.items():
            coefficient = round(self.candidates[c].score * SCALE)
            if coefficient:
                self.objective_terms.append((take, coefficient))

    def first_choice_terms(self) -> None:
        """Soft: every member gets its first-choice theme in at least one of its sessions."""
        weight = self.problem.config.weights.sessions.first_choice
        if not weight:
            return
        for i in range(len(self.problem.members)):
            covering = [
                self.take[r, c]
                for r in self.problem.rounds
                for c, cand in enumerate(self.candidates)
                if i in cand.covers_first_choice
            ]
            if not covering:
                continue
            got = self.model.new_bool_var(f"first_choice_{i}")
            self.model.add(got <= sum(covering))
            self.objective_terms.append((got, round(weight * SCALE)))

    def stability_terms(self) -> None:
        """Soft (with --keep): a session of the earlier proposal that stays as it was."""
        weight = self.problem.config.weights.sessions.stability
        if not self.problem.keep or not weight:
            return
        names = [m.name for m in self.problem.members]
        for r, old in self.problem.keep:
            matching = [
                c
                for c, cand in enumerate(self.candidates)
                if frozenset(names[i] for i in cand.members) == old and (r, c) in self.take
            ]
            for c in matching:
                self.objective_terms.append((self.take[r, c], round(weight * len(old) * SCALE)))
            if matching:  # start the search from the earlier session (best theme choice)
                self.model.add_hint(self.take[r, matching[0]], 1)

    def set_objective(self) -> None:
        self.model.maximize(sum(coef * var for var, coef in self.objective_terms))


@dataclass(frozen=True)
class PlannedSession:
    round: int
    members: tuple[str, ...]
    """Host first."""
    host: str | None
    themes: tuple[str, ...]
    format: str
    reason: str
    codes: tuple[Reason, ...] = ()
    """Why this werkvorm, as data (``reason`` is its Dutch text)."""


@dataclass(frozen=True)
class SessionResult:
    status: SolveStatus
    sessions: tuple[PlannedSession, ...]
    objective: float | None
    bound: float | None
    wall_time: float
    deterministic_time: float
    met_before_violations: int = 0
    double_hosts: int = 0


def solve_sessions(
    problem: SessionProblem, *, seed: int, max_deterministic_time: float, num_workers: int = 1
) -> SessionResult:
    """Solve one club's sessions; objective and bound are in score units."""
    sm = SessionModel(problem)
    sm.set_objective()
    settings = SolverSettings(
        seed=seed, num_workers=num_workers, max_deterministic_time=max_deterministic_time
    )
    result = solve(sm.model, settings)
    if not result.has_solution:
        return SessionResult(
            result.status, (), None, None, result.wall_time, result.deterministic_time
        )
    chosen = [
        (r, sm.candidates[c]) for (r, c), take in sm.take.items() if result.boolean_value(take)
    ]
    hosts, double_hosts = assign_hosts(problem, chosen)
    planned = []
    for (r, cand), host in zip(chosen, hosts, strict=True):
        order = [host] + [i for i in cand.members if i != host]
        group = [problem.members[i] for i in cand.members]
        fmt, why = recommend_format(group, cand.themes)
        planned.append(
            PlannedSession(
                round=r,
                members=tuple(problem.members[i].name for i in order),
                host=problem.members[host].name,
                themes=cand.themes,
                format=fmt,
                reason=render_session_format([why]),
                codes=(why,),
            )
        )
    planned.sort(key=lambda s: (s.round, s.members))
    met = sum(result.value(v) for v, _ in sm.terms.get("met_before", []))
    assert result.objective is not None and result.bound is not None
    return SessionResult(
        status=result.status,
        sessions=tuple(planned),
        objective=result.objective / SCALE,
        bound=result.bound / SCALE,
        wall_time=result.wall_time,
        deterministic_time=result.deterministic_time,
        met_before_violations=met,
        double_hosts=double_hosts,
    )


def explain_infeasible_sessions(problem: SessionProblem, context: str = "") -> RuleConflict:
    """The named rules that together make this club's sessions impossible;
    ``context`` names the club (Dutch)."""
    sm = SessionModel(problem, with_assumptions=True)
    rules = conflicting_rules(sm.rule)
    lines = [context] if context else []
    if not rules:
        lines.append("de bijeenkomsten zijn onmogelijk, maar de oorzaak kon niet worden bepaald")
    return RuleConflict(rules or [], lines, stage=Stage.SESSIONS)


def assign_hosts(
    problem: SessionProblem, sessions: Sequence[tuple[int, Candidate]]
) -> tuple[list[int], int]:
    """Choose one host per session: only members who may host, pinned hosts
    honoured, nobody hosting twice when the club has enough hosts.

    Hosting does not change a session's score, so it is decided after the
    sessions (a tiny assignment model) instead of inside the session model,
    which keeps that model small. Returns the host per session (member index)
    and how many members host more than once. Ties go to the member listed
    first in the club; the solve is exact and deterministic.
    """
    model = cp_model.CpModel()
    var: dict[tuple[int, int], cp_model.IntVar] = {}
    for s, (_r, cand) in enumerate(sessions):
        options = [i for i in cand.members if problem.members[i].can_host]
        for i in options:
            var[s, i] = model.new_bool_var(f"session{s}_host{i}")
        model.add_exactly_one(var[s, i] for i in options)
    pinned = {(problem.index(name), r) for name, r in problem.pins.host}
    for s, (r, cand) in enumerate(sessions):
        for i in cand.members:
            if (i, r) in pinned and (s, i) in var:
                model.add(var[s, i] == 1)
    extra = []
    for i in range(len(problem.members)):
        hosted = [v for (s, m), v in var.items() if m == i]
        if len(hosted) > 1:
            e = model.new_int_var(0, len(hosted) - 1, f"extra_{i}")
            model.add(sum(hosted) <= 1 + e)
            extra.append(e)
    tie_break = sum(i * v for (s, i), v in var.items())
    model.minimize(1000 * sum(extra) + tie_break)
    result = solve(model, SolverSettings(num_workers=1, max_deterministic_time=10.0))
    if not result.has_solution:  # pragma: no cover - the model is always feasible
        raise RuntimeError("host assignment failed although every session has a possible host")
    hosts = []
    for s, (_r, cand) in enumerate(sessions):
        hosts.append(
            next(i for i in cand.members if (s, i) in var and result.boolean_value(var[s, i]))
        )
    twice = sum(1 for e in extra if result.value(e) > 0)
    return hosts, twice
