"""Club arithmetic shared by the club model and the checks: how many clubs,
their size bounds, the balance they can reach, the hosts they need.

Club sizes: the number of clubs k follows from the participants (closest to
the target size within min..max), and clubs are as equal in size as
possible (⌊n/k⌋ or ⌈n/k⌉). Without that, a pairwise objective would favour
lopsided clubs (12 + 10 + 8 has more pairs than 10 + 10 + 10).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from leernetwerk.config import CycleConfig
from matching.errors import ConflictingRule, RuleConflict


def club_count(n: int, config: CycleConfig) -> int:
    """The number of clubs for n participants; a :class:`RuleConflict` when none fits."""
    lo, hi, target = config.clubs.min_size, config.clubs.max_size, config.clubs.target_size
    fewest, most = math.ceil(n / hi), n // lo
    if n == 0 or fewest > most:
        if n < lo:
            need = f"er zijn minstens {lo} deelnemers nodig"
        else:
            fits = [m for m in range(lo, 2 * n + hi) if math.ceil(m / hi) <= m // lo]
            below = max((m for m in fits if m < n), default=None)
            above = min(m for m in fits if m > n)
            options = f"{below} of {above}" if below is not None else f"{above}"
            need = f"wel mogelijk: {options} deelnemers"
        description = f"{n} deelnemers passen niet in clubs van {lo}–{hi} ({need})"
        raise RuleConflict([ConflictingRule("club_size", description)], stage="clubs")
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


def smallest_balance_tolerance(
    bounds: Sequence[tuple[int, int]], n: int, deficits: int, tolerance: int
) -> int:
    """``tolerance`` when clubs with these bounds can meet it, else the best achievable."""
    return next(
        t
        for t in range(tolerance, max(n, tolerance) + 1)
        if balance_feasible(bounds, n, deficits, t)
    )


def host_need(size: int, config: CycleConfig) -> int:
    """Hosts a club of this size needs for nobody to host twice: one per session
    over all rounds, with sessions as large as allowed."""
    return config.sessions.rounds * math.ceil(size / config.sessions.max_size)
