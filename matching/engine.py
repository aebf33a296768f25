"""The matching engine: clubs, then two rounds of sessions per club.

Staged, not joint: the club model is a pairwise grouping problem on all
participants (hard for CP-SAT to bound, so it leans on a good heuristic
start), while sessions are small exact set-partitioning problems per club
that CP-SAT proves optimal in seconds. Solving them jointly would put the
session candidates of every possible club into one model (millions of
candidates at 30 participants); staging keeps each part exact or
near-exact, and the score is still reported for the whole layout.

The result always checks itself: the layout is re-scored in plain Python
(:func:`matching.scoring.score_layout`) and re-checked
(:func:`matching.scoring.check_layout`) before it is returned.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from leernetwerk.proposal import (
    Breakdown,
    Club,
    Layout,
    Quality,
    Round,
    Session,
    SessionFormat,
    SolveStatus,
    StageQuality,
    relative_gap,
)
from leernetwerk.reasons import render_session_format
from matching.club_sizes import club_bounds, club_count
from matching.clubs import ClubProblem, solve_clubs
from matching.criteria import candidate_themes, recommend_format, session_score
from matching.errors import NoSolutionInTime
from matching.rules import Violation, check_layout
from matching.scoring import score_layout
from matching.sessions import (
    SessionPins,
    SessionProblem,
    explain_infeasible_sessions,
    solve_sessions,
)
from matching.whole_bound import session_upper_bound

Progress = Callable[[str, float, float | None], None]
"""progress(phase, elapsed seconds, best objective so far or None)."""


@dataclass(frozen=True)
class MatchResult:
    layout: Layout
    quality: Quality
    breakdown: Breakdown
    baseline: Breakdown
    warnings: tuple[str, ...]
    moved: tuple[str, ...]
    violations: tuple[Violation, ...]
    """Soft-rule violations that could not be avoided (reported)."""
    settings: dict[str, float | int | str]


def match(
    participants: Sequence[Registration],
    config: CycleConfig,
    *,
    met_before: Iterable[frozenset[str]] = (),
    keep: Layout | None = None,
    progress: Progress | None = None,
) -> MatchResult:
    """Propose clubs and sessions for the selected participants.

    Raises :class:`matching.errors.RuleConflict` (the rules that clash, by key,
    with Dutch descriptions) when the hard rules and pins cannot all hold, and
    :class:`matching.errors.NoSolutionInTime` when a stage finds nothing in time.
    """
    start = time.perf_counter()
    met = frozenset(met_before)
    people = {p.name: p for p in participants}
    solver = config.solver
    warnings = list(pin_warnings(people, config))

    def report(phase: str, best: float | None = None) -> None:
        if progress is not None:
            progress(phase, time.perf_counter() - start, best)

    keep_clubs = keep.club_of() if keep is not None else {}
    club_problem = ClubProblem(tuple(participants), config, keep=keep_clubs)
    report("clubs")
    clubs = solve_clubs(
        club_problem,
        seed=solver.seed,
        max_deterministic_time=solver.club_deterministic_time,
        num_workers=solver.num_workers,
        progress=lambda elapsed, best: report("clubs", best),
        phase=lambda step: report(f"clubs: {step}"),
    )
    warnings.extend(clubs.warnings)

    rounds: dict[int, list[Session]] = {r: [] for r in range(1, config.sessions.rounds + 1)}
    session_bound = 0.0
    session_statuses: list[SolveStatus] = []
    det_time = clubs.deterministic_time
    for club_id, members in enumerate(clubs.clubs, start=1):
        report(f"bijeenkomsten club {club_id}")
        problem = session_problem(club_id, [people[n] for n in members], config, met, keep)
        result = solve_sessions(
            problem,
            seed=solver.seed,
            max_deterministic_time=solver.session_deterministic_time,
            num_workers=solver.num_workers,
        )
        det_time += result.deterministic_time
        if not result.sessions:
            if result.status is SolveStatus.INFEASIBLE:
                raise explain_infeasible_sessions(problem, f"club {club_id} ({', '.join(members)})")
            raise NoSolutionInTime(
                f"de bijeenkomsten van club {club_id}", "session_deterministic_time"
            )
        session_statuses.append(result.status)
        session_bound += result.bound or 0.0
        for s in result.sessions:
            rounds[s.round].append(
                Session(
                    club=club_id,
                    members=s.members,
                    host=s.host,
                    themes=s.themes,
                    format=SessionFormat(s.format),
                    reason=s.reason,
                    codes=s.codes,
                )
            )

    layout = Layout(
        clubs=tuple(Club(id=i, members=m) for i, m in enumerate(clubs.clubs, start=1)),
        rounds=tuple(Round(round=r, sessions=tuple(ss)) for r, ss in rounds.items()),
    )
    violations = check_layout(layout, people, config, met)
    hard = [v for v in violations if v.hard]
    if hard:  # pragma: no cover - the models enforce these; a bug if reached
        raise RuntimeError(
            "engine produced a layout that breaks hard rules: " + "; ".join(map(str, hard))
        )
    warnings.extend(
        v.message + " (niet te vermijden in deze clubindeling)" for v in violations if not v.hard
    )

    breakdown = score_layout(layout, people, config, met)
    baseline_layout = baseline(participants, config, seed=solver.seed)
    baseline_breakdown = score_layout(baseline_layout, people, config, met)
    club_score, session_score = stage_scores(breakdown)
    session_status = (
        SolveStatus.OPTIMAL
        if all(s is SolveStatus.OPTIMAL for s in session_statuses)
        else SolveStatus.TIME_LIMIT
    )
    stages = {
        # With --keep the club objective also rewards staying put: no bound on the score alone.
        "clubs": stage_quality(clubs.status, club_score, clubs.bound if not keep else None),
        # Likewise the session models reward keeping earlier sessions under --keep.
        "sessions": stage_quality(
            session_status, session_score, session_bound if not keep else None
        ),
    }
    whole_bound = whole_problem_bound(len(clubs.clubs), stages)
    if whole_bound is None and not keep:
        whole_bound = layout_independent_bound(stages, participants, config)
    whole_optimal = whole_bound is not None and whole_bound <= breakdown.total + 1e-6
    quality = Quality(
        # Clubs are chosen before sessions: both stages being optimal on their own
        # proves nothing for the whole problem unless a whole-problem bound says so.
        status=SolveStatus.OPTIMAL if whole_optimal else SolveStatus.TIME_LIMIT,
        objective=breakdown.total,
        bound=whole_bound,
        gap=relative_gap(breakdown.total, whole_bound),
        stages=stages,
        baseline_objective=baseline_breakdown.total,
        wall_time=round(time.perf_counter() - start, 3),
        deterministic_time=round(det_time, 3),
    )
    report("klaar", breakdown.total)
    return MatchResult(
        layout=layout,
        quality=quality,
        breakdown=breakdown,
        baseline=baseline_breakdown,
        warnings=tuple(warnings),
        moved=tuple(moved_lines(keep, layout, config)) if keep is not None else (),
        violations=tuple(v for v in violations if not v.hard),
        settings={
            "seed": solver.seed,
            "num_workers": solver.num_workers,
            "club_deterministic_time": solver.club_deterministic_time,
            "session_deterministic_time": solver.session_deterministic_time,
            "club_status": clubs.status.value,
            "balance_tolerance": clubs.balance_tolerance,
        },
    )


def whole_problem_bound(n_clubs: int, stages: Mapping[str, StageQuality]) -> float | None:
    """An upper bound on the score of any layout, or None when none is known.

    With a single club there is only one club layout, so the session stage's
    bound for that club is a bound for the whole problem.
    """
    clubs, sessions = stages["clubs"], stages["sessions"]
    if n_clubs != 1 or clubs.objective is None or sessions.bound is None:
        return None
    return round(clubs.objective + sessions.bound, 4)


def layout_independent_bound(
    stages: Mapping[str, StageQuality],
    participants: Sequence[Registration],
    config: CycleConfig,
) -> float | None:
    """The club stage's bound (over every club layout) plus a session bound that
    holds for every club layout (:mod:`matching.whole_bound`, docs/quality.md)."""
    clubs = stages["clubs"]
    if clubs.bound is None:
        return None
    sessions = session_upper_bound(participants, config)
    if sessions is None:
        return None
    return round(clubs.bound + sessions, 4)


def stage_scores(breakdown: Breakdown) -> tuple[float, float]:
    """The club stage's and the session stage's share of the layout's score."""
    clubs = sum(c.contribution for c in breakdown.criteria if c.key.startswith("clubs."))
    sessions = sum(c.contribution for c in breakdown.criteria if c.key.startswith("sessions."))
    return clubs, sessions


def stage_quality(status: SolveStatus, objective: float, bound: float | None) -> StageQuality:
    """A stage's figures; a bound below the score found (rounding) is lifted to it."""
    if bound is not None:
        bound = round(max(bound, objective), 4)
    return StageQuality(
        status=status,
        objective=round(objective, 4),
        bound=bound,
        gap=relative_gap(objective, bound),
    )


def pin_warnings(people: Mapping[str, Registration], config: CycleConfig) -> list[str]:
    """Matching pins that name someone who is not a participant are ignored, with a warning."""
    pins = config.pins
    named = [p.name for p in pins.club] + [p.name for p in pins.host]
    named += [n for pair in pins.apart for n in pair]
    named += [n for p in pins.together for n in p.members]
    return [
        f"Pin over {name} genegeerd: {name} is geen deelnemer van deze indeling."
        for name in dict.fromkeys(named)
        if name not in people
    ]


def session_problem(
    club_id: int,
    members: Sequence[Registration],
    config: CycleConfig,
    met_before: frozenset[frozenset[str]],
    keep: Layout | None,
) -> SessionProblem:
    names = {m.name for m in members}
    pins = config.pins
    together = tuple(
        (p.members[0], p.members[1], p.round) for p in pins.together if set(p.members) <= names
    )
    apart = tuple((a, b) for a, b in pins.apart if {a, b} <= names)
    host = tuple((p.name, p.round) for p in pins.host if p.name in names)
    kept: tuple[tuple[int, frozenset[str]], ...] = ()
    if keep is not None:
        kept = tuple(
            (r, frozenset(s.members)) for r, s in keep.sessions() if set(s.members) <= names
        )
    return SessionProblem(
        club=club_id,
        members=tuple(members),
        config=config,
        pins=SessionPins(together=together, apart=apart, host=host),
        met_before=frozenset(p for p in met_before if p <= names),
        keep=kept,
    )


def moved_lines(keep: Layout, layout: Layout, config: CycleConfig) -> list[str]:
    """Dutch lines: who changed club or session partners relative to ``keep``, and why."""
    pinned: dict[str, list[str]] = {}
    for club_pin in config.pins.club:
        pinned.setdefault(club_pin.name, []).append(f"pin: in club {club_pin.club}")
    for a, b in config.pins.apart:
        pinned.setdefault(a, []).append(f"pin: nooit samen met {b}")
        pinned.setdefault(b, []).append(f"pin: nooit samen met {a}")
    for together in config.pins.together:
        a, b = together.members
        pinned.setdefault(a, []).append(f"pin: samen met {b} in ronde {together.round}")
        pinned.setdefault(b, []).append(f"pin: samen met {a} in ronde {together.round}")
    for host in config.pins.host:
        pinned.setdefault(host.name, []).append(f"pin: host in ronde {host.round}")

    def why(name: str) -> str:
        if name in pinned:
            return "; ".join(pinned[name])
        return "betere score met de huidige gewichten en pins"

    old_club, new_club = keep.club_of(), layout.club_of()
    lines = []
    for name in sorted(new_club):
        if name not in old_club:
            lines.append(f"{name}: nieuw in club {new_club[name]}")
        elif old_club[name] != new_club[name]:
            lines.append(
                f"{name}: van club {old_club[name]} naar club {new_club[name]} ({why(name)})"
            )

    def partners(lay: Layout) -> dict[tuple[str, int], frozenset[str]]:
        return {(n, r): frozenset(s.members) - {n} for r, s in lay.sessions() for n in s.members}

    old_p, new_p = partners(keep), partners(layout)
    for (name, r), now in sorted(new_p.items()):
        before = old_p.get((name, r))
        if before is not None and before != now and old_club.get(name) == new_club.get(name):
            lines.append(
                f"{name}, ronde {r}: nu met {', '.join(sorted(now))} "
                f"(was {', '.join(sorted(before))}) ({why(name)})"
            )
    return lines


def baseline(participants: Sequence[Registration], config: CycleConfig, *, seed: int) -> Layout:
    """A simple seeded random layout that meets the size and no-repeat rules.

    What a quick manual split would give: shuffled clubs of equal size,
    random sessions per round (retried until no pair repeats), each session
    taking the two themes most chosen by its members. Used to show how
    much better the engine's proposal is.
    """
    rng = random.Random(seed)
    people = list(participants)
    n = len(people)
    k = club_count(n, config)
    rng.shuffle(people)
    sizes = [hi if i < n - k * lo else lo for i, (lo, hi) in enumerate(club_bounds(n, k))]
    clubs, pos = [], 0
    for size in sizes:
        clubs.append(people[pos : pos + size])
        pos += size
    rounds: dict[int, list[Session]] = {r: [] for r in range(1, config.sessions.rounds + 1)}
    for club_id, members in enumerate(clubs, start=1):
        for _attempt in range(200):
            plan = _random_sessions(members, config, rng)
            pairs = [
                frozenset((a.name, b.name))
                for _, g in plan
                for a in g
                for b in g
                if a.name < b.name
            ]
            hosts_ok = all(any(m.can_host for m in g) for _, g in plan)
            if len(pairs) == len(set(pairs)) and hosts_ok:
                break
        for r, group in plan:
            options = candidate_themes(group, config.catalogue.names)
            counts = sorted(
                options, key=lambda t: (-sum(1 for m in group if m.theme_rank(t)), options.index(t))
            )
            themes = tuple(counts[:2])
            host = next((m for m in group if m.can_host), group[0])
            order = [host] + [m for m in group if m is not host]
            fmt, why = recommend_format(group, themes)
            rounds[r].append(
                Session(
                    club=club_id,
                    members=tuple(m.name for m in order),
                    host=host.name,
                    themes=themes,
                    format=SessionFormat(fmt),
                    reason=render_session_format([why]),
                    codes=(why,),
                )
            )
    return Layout(
        clubs=tuple(Club(id=i, members=tuple(m.name for m in c)) for i, c in enumerate(clubs, 1)),
        rounds=tuple(Round(round=r, sessions=tuple(s)) for r, s in rounds.items()),
    )


def _random_sessions(members, config, rng):
    lo, hi = config.sessions.min_size, config.sessions.max_size
    plan = []
    for r in range(1, config.sessions.rounds + 1):
        order = list(members)
        rng.shuffle(order)
        sizes = _split(len(order), lo, hi)
        pos = 0
        for size in sizes:
            plan.append((r, order[pos : pos + size]))
            pos += size
    return plan


def _split(n: int, lo: int, hi: int) -> list[int]:
    """Session sizes for n members: as many of size hi as possible, all within lo..hi."""
    for big in range(n // hi, -1, -1):
        rest = n - big * hi
        if rest == 0:
            return [hi] * big
        if lo <= rest <= hi:
            return [hi] * big + [rest]
        if rest % lo == 0:
            return [hi] * big + [lo] * (rest // lo)
    return [n]


__all__ = ["MatchResult", "baseline", "match", "session_score"]
