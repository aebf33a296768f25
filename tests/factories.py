"""Small builders of domain objects for matching tests (seeded, deterministic)."""

from __future__ import annotations

import random

from leernetwerk.domain import (
    DEFAULT_THEMES,
    PROVINCES,
    Balance,
    Registration,
    SafetyNet,
    SelfEvaluation,
    ThemeChoice,
)

THEMES = [t.name for t in DEFAULT_THEMES]


def registration(
    name: str,
    *,
    balance: Balance = Balance.DEFICIT,
    themes: tuple[str, ...] = (),
    scores: dict[str, float] | None = None,
    inhabitants: int = 50_000,
    province: str = "Utrecht",
    variant: str = "gemeentelijk",
    can_host: bool = True,
    safety_net: SafetyNet = SafetyNet.NONE,
) -> Registration:
    """A complete registration; unscored themes default to 2."""
    scores = {t: 2.0 for t in THEMES} | (scores or {})
    chosen = themes or tuple(THEMES[:3])
    return Registration(
        name=name,
        province=province,
        inhabitants=inhabitants,
        balance=balance,
        safety_net=safety_net,
        execution_variant=variant,
        can_host=can_host,
        self_evaluation=SelfEvaluation(scores=scores),
        themes=tuple(ThemeChoice(rank=i + 1, theme=t) for i, t in enumerate(chosen)),
    )


def random_participants(n: int, seed: int = 0, *, hosts: float = 0.9) -> list[Registration]:
    """n plausible participants, half deficit, with random themes and scores."""
    rng = random.Random(seed)
    people = []
    for i in range(n):
        chosen = tuple(rng.sample(THEMES, 3))
        people.append(
            registration(
                f"Gemeente {i:03d}",
                balance=Balance.DEFICIT
                if i % 2 == 0
                else rng.choice([Balance.SURPLUS, Balance.NEUTRAL]),
                themes=chosen,
                scores={t: float(rng.randint(0, 4)) for t in THEMES}
                | {t: float(rng.choice([1, 2, 2, 3])) for t in chosen},
                inhabitants=rng.choice([12_000, 30_000, 45_000, 80_000, 150_000, 400_000]),
                province=rng.choice(PROVINCES),
                variant=rng.choice(["gemeentelijk", "regionaal"]),
                can_host=rng.random() < hosts,
            )
        )
    return people
