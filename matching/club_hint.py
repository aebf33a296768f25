"""The club model's heuristic start: a good layout that already meets the rules.

CP-SAT starting from an infeasible or poor hint loses much of its value on the
club model, whose bound is weak; :func:`balanced_hint` gives it a start that
meets the balance rule and the club pins, with hosts spread.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from matching.club_sizes import host_need
from matching.local_search import local_search

if TYPE_CHECKING:
    from matching.clubs import ClubModel


HINT_ROUNDS_PER_PARTICIPANT = 2
"""Perturbation rounds of the hint's iterated local search, per participant."""


class _SwapSearch:
    """Swap moves on a club layout with incremental scores (for the hint)."""

    def __init__(
        self,
        weights: Sequence[Sequence[float]],
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

    def descend(self, same_kind: Callable[[int, int], bool]) -> None:
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
        direction = 1 if excess(g) > 0 else -1
        repairs = [
            (search.delta(i, j), -i, -j, i, j)
            for i in range(n)
            if search.groups[i] == g and deficit[i] == (direction > 0) and search.movable(i)
            for j in range(n)
            if search.groups[j] != g
            and deficit[j] != deficit[i]
            and search.movable(j)
            and direction * excess(search.groups[j]) < 0
        ]
        if not repairs:
            break
        *_, i, j = max(repairs)
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
        spreads = [
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
        spread = min(spreads, default=None)
        if spread is None or spread[0] >= 0:
            break
        search.swap(spread[2], spread[3])

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
    if not movable:  # everyone pinned: nothing to search
        return best
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
