"""An upper bound on the session stage that holds for every club layout.

The session score of a layout is (``matching.scoring``): per round, per session
``M`` with themes ``T`` (one or two), ``session_score(M, T)``; plus the
first-choice weight per participant whose first choice is covered in some
session; minus penalties (a pair that met before, hosting twice), which are
never positive when their weights are not negative.

Every session criterion is a sum over the themes of ``T`` of a sum over the
pairs of ``M`` (shared themes, learner–bringer in both directions, same level),
plus two theme-free terms (mix of deficit and surplus, size gap). So with
``ψ_t(a, b)`` the pair's score on theme ``t``::

    session_score(M, T) = Σ_{t∈T} φ_t(M) + free(M),   φ_t(M) = Σ_{pairs ⊂ M} ψ_t(a, b)
                        ≤ top-2 of max(0, φ_t(M)) over t + free(M) =: UB(M)

Give every member of a session the share ``UB(M)/|M|``. A participant is in
exactly one session per round, so one round's session score is at most
``Σ_a β_a`` with ``β_a = max over all sessions M ∋ a (any participants, sizes
min..max) of UB(M)/|M|``: the maximum over *all* participants, hence over
every club layout. Over ``R`` rounds, plus the first choices::

    session score ≤ R·Σ_a β_a + max(0, w_first)·#(participants with a first choice)

With two rounds a participant's two sessions have no partner in common (a pair
meets at most once), so ``2·β_a`` is replaced by the best sum of two
partner-disjoint sessions' shares.

and the whole objective (club score + session score) is at most the club bound
plus this. It ignores that sessions stay inside a club and that pairs do not
meet twice, so it is loose; it is valid for any layout, which the session
stage's own bound (per club, for the chosen clubs) is not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from matching.criteria import candidate_themes, session_score


def _pair_theme_scores(
    participants: Sequence[Registration], config: CycleConfig
) -> tuple[np.ndarray, np.ndarray]:
    """``psi[t, a, b]`` (pair score on theme t) and ``free[a, b]`` (theme-free part
    of the pair session)."""
    catalogue = list(config.catalogue.names)
    n = len(participants)
    psi = np.zeros((len(catalogue), n, n))
    free = np.zeros((n, n))
    position = {t: i for i, t in enumerate(catalogue)}
    for a in range(n):
        for b in range(a + 1, n):
            pair = [participants[a], participants[b]]
            base = session_score(pair, (), config)
            free[a, b] = free[b, a] = base
            for t in candidate_themes(pair, catalogue):
                value = session_score(pair, (t,), config) - base
                psi[position[t], a, b] = psi[position[t], b, a] = value
    return psi, free


def _top2_positive(phi: np.ndarray) -> np.ndarray:
    """Sum of the two largest non-negative entries along axis 0."""
    if phi.shape[0] == 0:
        return np.zeros(phi.shape[1:])
    clipped = np.maximum(phi, 0.0)
    if phi.shape[0] == 1:
        return clipped[0]
    part = np.partition(clipped, phi.shape[0] - 2, axis=0)
    return part[-1] + part[-2]


def _sessions_of(
    participants: Sequence[Registration], config: CycleConfig
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per participant ``a``: every session containing ``a`` as (share ``UB(M)/|M|``,
    first partner, second partner or −1), best share first."""
    n = len(participants)
    psi, free = _pair_theme_scores(participants, config)
    deficit = np.array([p.balance.is_deficit for p in participants], dtype=bool)
    w_mix = config.weights.sessions.balance_mix
    lo, hi = config.sessions.min_size, config.sessions.max_size
    mixed_pair = deficit[:, None] != deficit[None, :]
    # The theme-free part of a triple: size gaps are pairwise; the mix is 1 when
    # the triple is mixed (each pair part carries its own mix, taken out here).
    gap = free - w_mix * mixed_pair.astype(float)
    upper_b, upper_c = np.triu_indices(n, 1)
    result = []
    for a in range(n):
        shares, first, second = [], [], []
        others = np.flatnonzero(np.arange(n) != a)
        if lo <= 2 <= hi:
            pair = (_top2_positive(psi[:, a, :]) + free[a, :]) / 2
            shares.append(pair[others])
            first.append(others)
            second.append(np.full(len(others), -1))
        if lo <= 3 <= hi and n >= 3:
            # phi[t, b, c] = psi[t, a, b] + psi[t, a, c] + psi[t, b, c]
            phi = psi[:, a, :, None] + psi[:, a, None, :] + psi
            mixed = mixed_pair[a][:, None] | mixed_pair[a][None, :] | mixed_pair
            triple_free = gap[a, :, None] + gap[a, None, :] + gap + w_mix * mixed
            value = (_top2_positive(phi) + triple_free) / 3
            keep = (upper_b != a) & (upper_c != a)
            b, c = upper_b[keep], upper_c[keep]
            shares.append(value[b, c])
            first.append(b)
            second.append(c)
        share = np.concatenate(shares) if shares else np.zeros(0)
        order = np.argsort(-share, kind="stable")
        result.append(
            (
                share[order],
                np.concatenate(first)[order] if first else np.zeros(0, dtype=int),
                np.concatenate(second)[order] if second else np.zeros(0, dtype=int),
            )
        )
    return result


def participant_shares(participants: Sequence[Registration], config: CycleConfig) -> np.ndarray:
    """``β_a``: the best share of any session containing ``a`` (one round)."""
    return np.array([s[0] if len(s) else -np.inf for s, _, _ in _sessions_of(participants, config)])


def _best_two_disjoint(share: np.ndarray, first: np.ndarray, second: np.ndarray) -> float:
    """The best sum of two sessions' shares whose partner sets do not overlap
    (a pair meets at most once over the rounds), −inf when there are none."""
    best = -np.inf
    m = len(share)
    for i in range(m):
        if share[i] + share[0] <= best:
            break
        mates = {int(first[i]), int(second[i])} - {-1}
        for j in range(m):
            if j == i:
                continue
            if share[i] + share[j] <= best:
                break
            if not ({int(first[j]), int(second[j])} & mates):
                best = float(share[i] + share[j])
                break
    return best


def participant_round_bounds(
    participants: Sequence[Registration], config: CycleConfig
) -> np.ndarray:
    """Per participant, a bound on its shares over all rounds: with two rounds the
    best two partner-disjoint sessions, otherwise rounds × the best share."""
    rounds = config.sessions.rounds
    bounds = []
    for share, first, second in _sessions_of(participants, config):
        if not len(share):
            bounds.append(-np.inf)
        elif rounds == 2:
            bounds.append(_best_two_disjoint(share, first, second))
        else:
            bounds.append(rounds * float(share[0]))
    return np.array(bounds)


def session_upper_bound(participants: Sequence[Registration], config: CycleConfig) -> float | None:
    """An upper bound on the session score of any layout of these participants
    (None when a penalty weight is negative, so penalties could add score)."""
    weights = config.weights.sessions
    if weights.met_before < 0 or weights.host_twice < 0:
        return None
    if len(participants) < config.sessions.min_size:
        return None
    per_participant = participant_round_bounds(participants, config)
    if not np.isfinite(per_participant).all():
        return None
    first = sum(1 for p in participants if p.first_choice)
    return float(per_participant.sum() + max(0.0, weights.first_choice) * first)
