"""Settings overridden by dotted key (the analyst's "what if"), validated like cycle.toml."""

from __future__ import annotations

import pytest

from leernetwerk.config import CycleConfig, config_from_dict, setting_keys, with_overrides
from leernetwerk.errors import UserError


def test_overrides_replace_exactly_the_named_settings() -> None:
    base = CycleConfig()
    changed = with_overrides(base, {"weights.clubs.shared_themes": 2.5, "solver.seed": 3})
    assert changed.weights.clubs.shared_themes == 2.5 and changed.solver.seed == 3
    assert changed.model_copy(update={"weights": base.weights, "solver": base.solver}) == base
    assert base.weights.clubs.shared_themes == 3.0  # the original is untouched


def test_every_scalar_setting_has_a_key() -> None:
    keys = setting_keys()
    assert "weights.sessions.met_before" in keys and "cycle.places" in keys
    assert not any(key in ("weights", "weights.clubs") for key in keys)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"weights.clubs.shared_theme": 1},
            "--vary weights.clubs.shared_theme=1: onbekende instelling "
            "'weights.clubs.shared_theme'. Bedoelde u 'weights.clubs.shared_themes'?",
        ),
        (
            {"weights.clubs.shared_themes": -1},
            "--vary weights.clubs.shared_themes=-1: ongeldige waarde: moet minstens 0.0 zijn.",
        ),
        (
            {"weights.clubs.shared_themes": "veel"},
            "--vary weights.clubs.shared_themes=veel: ongeldige waarde: dit is geen getal.",
        ),
    ],
)
def test_a_wrong_override_is_a_dutch_problem(overrides: dict[str, object], expected: str) -> None:
    with pytest.raises(UserError) as info:
        with_overrides(CycleConfig(), overrides)
    assert [p.message for p in info.value.problems] == [expected]


def test_all_problems_at_once() -> None:
    with pytest.raises(UserError) as info:
        with_overrides(CycleConfig(), {"clubs.min_size": 2.5, "clubs.max_size": "x"})
    assert len(info.value.problems) == 2


def test_cycle_toml_errors_are_dutch_too() -> None:
    with pytest.raises(UserError) as info:
        config_from_dict({"clubs": {"min_size": 0}})
    (problem,) = info.value.problems
    assert "moet minstens 2 zijn" in problem.message and "Input should" not in problem.message


def test_a_run_with_overrides_records_the_effective_config() -> None:
    """The run folder's cycle.toml reproduces the variant: it loads back to the
    config the run used, and its fingerprint is that of the effective config."""
    import tomllib
    from pathlib import Path

    from leernetwerk.pipeline import RunInputs, run_pipeline

    root = Path(__file__).resolve().parents[1] / "examples" / "pilot-2025"
    inputs = RunInputs(
        root / "aanmeldingen.xlsx",
        root / "cycle.toml",
        overrides={"weights.sessions.balance_mix": 7.0},
    )
    output = run_pipeline(inputs)
    assert output.config.weights.sessions.balance_mix == 7.0
    assert config_from_dict(tomllib.loads(output.config_text)) == output.config
    plain = run_pipeline(RunInputs(root / "aanmeldingen.xlsx", root / "cycle.toml"))
    assert output.proposal.config_sha256 != plain.proposal.config_sha256
    mix = {c.key: c.weight for c in output.proposal.breakdown.criteria}  # type: ignore[union-attr]
    assert mix["sessions.balance_mix"] == 7.0
