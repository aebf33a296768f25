"""The rule table, rechecked on the proposal the outputs show.

The outputs state "alle harde regels OK" only when the rule table
(:data:`matching.rules.RULES`) verified it on the very layout they print,
with the same checks as ``leernetwerk check`` and the engine's self-check, so
the report and ``check`` always give the same verdict, rule by rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.proposal import Proposal
from matching.checks import LayoutFacts
from matching.rules import RuleKind, rules_in_display_order


@dataclass(frozen=True)
class CheckResult:
    """One rule checked: its key, Dutch name and what violates it (empty: OK)."""

    label: str
    violations: tuple[str, ...]
    hard: bool = True
    """False for penalised rules and warnings (reported, not a broken hard rule)."""
    key: str = ""

    @property
    def ok(self) -> bool:
        return not self.violations


def proposal_facts(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
) -> LayoutFacts:
    by_name = registrations.by_name()
    participants = {n: by_name[n] for n in proposal.selected if n in by_name}
    return LayoutFacts(
        layout=proposal.layout,
        participants=participants,
        config=config,
        met_before=met_before,
        selected=proposal.selected,
        registrations=by_name,
    )


def check_proposal(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
) -> list[CheckResult]:
    """Every rule of the rule table on the proposal, in display order. Without clubs
    (a selection-only proposal) only the selection rules are checked. ``met_before``:
    pairs that met in an earlier decided cycle (the cycle's history)."""
    facts = proposal_facts(proposal, registrations, config, met_before)
    return [
        CheckResult(
            rule.label,
            tuple(v.message for v in rule.check(facts)),
            rule.kind is RuleKind.HARD,
            rule.key,
        )
        for rule in rules_in_display_order()
        if proposal.clubs or rule.stage == "selectie"
    ]


def checks_summary(results: list[CheckResult]) -> str:
    """One Dutch line: all hard rules OK, or how many are broken, plus warnings."""
    broken = [r for r in results if r.hard and not r.ok]
    warned = [r for r in results if not r.hard and not r.ok]
    head = (
        "alle harde regels OK"
        if not broken
        else f"{len(broken)} harde regel(s) geschonden: " + ", ".join(r.label for r in broken)
    )
    if warned:
        head += "; waarschuwing: " + ", ".join(r.label for r in warned)
    return head
