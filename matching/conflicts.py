"""Named hard rules as assumption literals, and the conflict core between them.

Every hard rule and pin of the club and session models is added with
``only_enforce_if(rules(key, "<Dutch description>"))``, ``key`` being the
rule's key in :data:`matching.rules.RULES`. In a normal solve the literals
are not created (the call returns ``[]``: the rule is plainly hard). To
explain infeasibility the model is rebuilt with literals, solved for
feasibility only with one worker (CP-SAT's cores over assumptions are only
reliable that way), and the rules in
``sufficient_assumptions_for_infeasibility`` are named.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from matching.errors import ConflictingRule
from matching.solver import SolverSettings, SolveStatus, solve


class NamedRules:
    """(rule key, Dutch description) → enforcement literal, created on first use."""

    def __init__(self, model: cp_model.CpModel, explaining: bool) -> None:
        self.model = model
        self.explaining = explaining
        self.literals: dict[ConflictingRule, cp_model.IntVar] = {}

    def __call__(self, key: str, description: str) -> list[cp_model.IntVar]:
        if not self.explaining:
            return []
        rule = ConflictingRule(key, description)
        if rule not in self.literals:
            self.literals[rule] = self.model.new_bool_var(f"rule: {description}")
        return [self.literals[rule]]


def conflicting_rules(
    rules: NamedRules, max_deterministic_time: float = 30.0
) -> list[ConflictingRule] | None:
    """The named rules that together are infeasible; None when the model is feasible
    or the core could not be found in time."""
    model = rules.model
    model.clear_objective()
    model.clear_assumptions()
    model.add_assumptions(list(rules.literals.values()))
    settings = SolverSettings(num_workers=1, max_deterministic_time=max_deterministic_time)
    result = solve(model, settings)
    if result.status is not SolveStatus.INFEASIBLE:
        return None
    core = set(result.solver.sufficient_assumptions_for_infeasibility())
    return [rule for rule, lit in rules.literals.items() if lit.index in core]
