"""Mutation test of the rule table: loosen each hard rule and see whether a test fails.

For every hard rule of :data:`matching.rules.RULES` two mutants:

* **model**: the rule is no longer enforced where the engine enforces it (its
  ``clubs``/``sessions`` function becomes a no-op; for rules enforced
  elsewhere, that place is patched: the selection model's criteria, the
  grouping core, the session candidates, the per-club session problems);
* **check**: its plain-Python check finds nothing.

Each mutant runs a targeted subset of the tests in a fresh pytest process with
``LEERNETWERK_MUTANT=model:KEY`` or ``check:KEY``; ``tests/conftest.py`` then
calls :func:`apply` before any test runs. A mutant is *caught* when at least
one test fails. The results go into ``docs/rules.md`` between the markers,
together with the rule table (``--table`` prints only that table, which is
deterministic and cheap; ``tests/test_rules.py`` compares it with the docs).

    .venv/bin/python benchmarks/mutants.py --table         # print the rule table
    .venv/bin/python benchmarks/mutants.py --write-doc     # run every mutant, update docs
    .venv/bin/python benchmarks/mutants.py model:club_balance   # run one mutant
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "rules.md"
ENV = "LEERNETWERK_MUTANT"

Setter = Callable[[Any, str, Any], None]
"""``setattr``, or pytest's ``monkeypatch.setattr`` (undone after the test)."""

# --------------------------------------------------------------------------- model mutants


def _without_model_function(key: str, setter: Setter) -> None:
    """The rule's clubs/sessions functions become no-ops. The club and session models
    import ``RULES`` by name, so the table is replaced in those modules; the checker's
    table (``matching.rules.RULES``) is left alone."""
    import matching.clubs
    import matching.sessions
    from matching.rules import RULES

    table = tuple(
        dataclasses.replace(rule, clubs=None, sessions=None) if rule.key == key else rule
        for rule in RULES
    )
    setter(matching.clubs, "RULES", table)
    setter(matching.sessions, "RULES", table)


def _without_selection_criterion(name: str, setter: Setter) -> None:
    """A hard criterion of the selection model adds nothing."""
    import matching.selection_criteria
    import matching.selection_model

    criteria = tuple(
        dataclasses.replace(c, build=lambda m: []) if c.name == name else c
        for c in matching.selection_criteria.CRITERIA
    )
    # The model module imported the table by name: replace it where it is read.
    setter(matching.selection_model, "CRITERIA", criteria)


def _places(setter: Setter) -> None:
    _without_selection_criterion("places_limit", setter)


def _selection_pins(setter: Setter) -> None:
    _without_selection_criterion("pins", setter)


def _in_one_club(setter: Setter) -> None:
    """The grouping core no longer puts every element in exactly one group."""
    from matching.grouping import GroupingModel

    setter(GroupingModel, "_one_group_per_element", lambda self: None)


def _club_size(setter: Setter) -> None:
    """The grouping core no longer bounds the group sizes."""
    from matching.grouping import GroupingModel

    setter(GroupingModel, "_group_sizes", lambda self: None)


def _session_size(setter: Setter) -> None:
    """Session candidates may have one member more than allowed."""
    import matching.sessions

    original = matching.sessions.enumerate_candidates

    def wider(problem: Any) -> Any:
        config = problem.config
        sessions = config.sessions.model_copy(update={"max_size": config.sessions.max_size + 1})
        looser = config.model_copy(update={"sessions": sessions})
        return original(dataclasses.replace(problem, config=looser))

    setter(matching.sessions, "enumerate_candidates", wider)


def _session_in_club(setter: Setter) -> None:
    """Sessions are no longer formed inside the clubs: each club's session problem
    trades its last member for the last member of the previous club."""
    import matching.engine

    solve_clubs, session_problem = matching.engine.solve_clubs, matching.engine.session_problem
    seen: dict[str, Any] = {}

    def remember(problem: Any, **kwargs: Any) -> Any:
        result = solve_clubs(problem, **kwargs)
        seen["people"] = {p.name: p for p in problem.participants}
        seen["clubs"] = result.clubs
        return result

    def mixed(club_id: int, members: Any, *args: Any) -> Any:
        clubs = seen["clubs"]
        if len(clubs) > 1 and members:
            guest = seen["people"][clubs[(club_id - 2) % len(clubs)][-1]]
            members = [*members[:-1], guest]
        return session_problem(club_id, members, *args)

    setter(matching.engine, "solve_clubs", remember)
    setter(matching.engine, "session_problem", mixed)


ELSEWHERE: dict[str, Callable[[Setter], None]] = {
    "places": _places,
    "selection_pins": _selection_pins,
    "in_one_club": _in_one_club,
    "club_size": _club_size,
    "session_size": _session_size,
    "session_in_club": _session_in_club,
}
"""Model mutants of the hard rules that no clubs/sessions function enforces."""


def loosen_model(key: str, setter: Setter = setattr) -> None:
    """Stop enforcing rule ``key`` in the engine (see the module docstring)."""
    from matching.rules import BY_KEY

    rule = BY_KEY[key]
    if rule.clubs is not None or rule.sessions is not None:
        _without_model_function(key, setter)
    elif key in ELSEWHERE:
        ELSEWHERE[key](setter)
    else:
        raise KeyError(f"no model mutant for rule {key!r}")


# --------------------------------------------------------------------------- checker mutants


def _finds_nothing(facts: Any) -> Iterator[Any]:
    return iter(())


def loosen_check(key: str, setter: Setter = setattr) -> None:
    """Rule ``key``'s plain-Python check finds nothing (engine self-check, report, check)."""
    import matching.rules

    table = tuple(
        dataclasses.replace(rule, check=_finds_nothing) if rule.key == key else rule
        for rule in matching.rules.RULES
    )
    setter(matching.rules, "RULES", table)
    setter(matching.rules, "BY_KEY", {rule.key: rule for rule in table})


def apply(mutant: str, setter: Setter = setattr) -> None:
    """Apply ``model:KEY`` or ``check:KEY`` (the value of LEERNETWERK_MUTANT)."""
    where, _, key = mutant.partition(":")
    if where == "model":
        loosen_model(key, setter)
    elif where == "check":
        loosen_check(key, setter)
    else:
        raise ValueError(f"{ENV} must be model:KEY or check:KEY, not {mutant!r}")


# --------------------------------------------------------------------------- running


def tests_for(key: str) -> list[str]:
    """The targeted tests for a rule: the rule tests plus the stage's own test file."""
    from matching.rules import BY_KEY, Stage

    stage_tests = {
        Stage.SELECTION: "tests/test_selection.py",
        Stage.CLUBS: "tests/test_clubs.py",
        Stage.SESSIONS: "tests/test_sessions.py",
    }
    return ["tests/test_rules.py", stage_tests[BY_KEY[key].stage]]


@dataclasses.dataclass(frozen=True)
class Outcome:
    mutant: str
    caught: bool
    example: str
    """The first failing test (empty when none failed)."""
    seconds: float


def run_mutant(mutant: str) -> Outcome:
    """Run the targeted tests with the mutant applied; stop at the first failure."""
    key = mutant.partition(":")[2]
    command = [
        sys.executable,
        "-m",
        "pytest",
        *tests_for(key),
        "-x",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
    ]
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, env=os.environ | {ENV: mutant}, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", done.stdout, flags=re.MULTILINE)
    if done.returncode not in (0, 1):  # usage or collection errors count as not caught
        failed = []
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
    return Outcome(mutant, bool(failed), failed[0] if failed else "", seconds)


# --------------------------------------------------------------------------- tables


def where_enforced(rule: Any) -> str:
    places = []
    if rule.clubs is not None:
        places.append(f"`club_rules.{rule.clubs.__name__}`")
    if rule.sessions is not None:
        places.append(f"`session_rules.{rule.sessions.__name__}`")
    if rule.model:
        places.append(rule.model)
    return "; ".join(places) or "—"


def rule_table() -> str:
    """The rule table as markdown, in display order (deterministic)."""
    from matching.rules import rules_in_display_order

    lines = [
        "| key | label (Dutch) | kind | stage | weight key | check "
        "| where the engine enforces it |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules_in_display_order():
        lines.append(
            f"| `{rule.key}` | {rule.label} | {rule.kind.name.lower()} | {rule.stage.value} "
            f"| {f'`{rule.weight}`' if rule.weight else '—'} "
            f"| `checks.{rule.check.__name__}` | {where_enforced(rule)} |"
        )
    return "\n".join(lines)


def hard_keys() -> list[str]:
    from matching.rules import rules_in_display_order

    return [rule.key for rule in rules_in_display_order() if rule.hard]


def mutation_table(outcomes: Iterable[Outcome]) -> str:
    from matching.rules import BY_KEY

    by_mutant = {o.mutant: o for o in outcomes}
    lines = [
        "| key | label (Dutch) | model mutant caught? | check mutant caught? "
        "| failing test (model) | failing test (check) |",
        "|---|---|---|---|---|---|",
    ]
    for key in hard_keys():
        model, check = by_mutant[f"model:{key}"], by_mutant[f"check:{key}"]
        lines.append(
            f"| `{key}` | {BY_KEY[key].label} | {'yes' if model.caught else '**NO**'} "
            f"| {'yes' if check.caught else '**NO**'} "
            f"| `{short(model.example)}` | `{short(check.example)}` |"
        )
    return "\n".join(lines)


def short(nodeid: str) -> str:
    return nodeid.removeprefix("tests/") or "—"


BEGIN = "<!-- generated by benchmarks/mutants.py: begin -->"
END = "<!-- generated by benchmarks/mutants.py: end -->"
TABLE_BEGIN = "<!-- generated by benchmarks/mutants.py --table: begin -->"
TABLE_END = "<!-- generated by benchmarks/mutants.py --table: end -->"


def replace_between(text: str, begin: str, end: str, body: str) -> str:
    head, found, rest = text.partition(begin)
    _, found_end, tail = rest.partition(end)
    if not found or not found_end:
        raise SystemExit(f"{DOC}: markers {begin!r} … {end!r} not found")
    return f"{head}{begin}\n\n{body}\n\n{end}{tail}"


def between(text: str, begin: str, end: str) -> str:
    """The text between two markers (without the newlines next to them)."""
    return text.partition(begin)[2].partition(end)[0].strip("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants", nargs="*", help="model:KEY or check:KEY (default: all)")
    parser.add_argument("--table", action="store_true", help="print the rule table and stop")
    parser.add_argument("--write-doc", action="store_true", help=f"update {DOC.name}")
    args = parser.parse_args(argv)
    if args.table:
        print(rule_table())
        return 0
    mutants = args.mutants or [f"{w}:{k}" for k in hard_keys() for w in ("model", "check")]
    outcomes = []
    for mutant in mutants:
        outcome = run_mutant(mutant)
        outcomes.append(outcome)
        verdict = f"caught by {outcome.example}" if outcome.caught else "NOT CAUGHT"
        print(f"{mutant:32} {verdict} ({outcome.seconds:.0f} s)", file=sys.stderr, flush=True)
    if args.write_doc:
        text = DOC.read_text(encoding="utf-8")
        text = replace_between(text, TABLE_BEGIN, TABLE_END, rule_table())
        text = replace_between(text, BEGIN, END, mutation_table(outcomes))
        DOC.write_text(text, encoding="utf-8")
    else:  # the block's content, as benchmarks/docblocks.py expects it on stdout
        print(mutation_table(outcomes))
    return 0 if all(o.caught for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
