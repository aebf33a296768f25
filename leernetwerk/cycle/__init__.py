"""The yearly cycle: phases, milestones, decisions, the session plan and status.

Every date of a cycle follows from its budget year T through one table,
:data:`leernetwerk.timeline.CYCLE_TABLE` (phases, rounds and milestones).
The package:

- :mod:`~leernetwerk.cycle.folder`: where a cycle folder keeps its files; ``load_cycle``;
- :mod:`~leernetwerk.cycle.plan`: the session plan ``sessies.csv``;
- :mod:`~leernetwerk.cycle.decisions`: the stuurgroep's immutable decisions;
- :mod:`~leernetwerk.cycle.steering`: the setup (opzet) and adjustment (bijsturing) decisions;
- :mod:`~leernetwerk.cycle.evaluation_data`: reading the cycle's ``evaluatie.json``;
- :mod:`~leernetwerk.cycle.next_cycle`: ``leernetwerk init NEXT --from CYCLE``;
- :mod:`~leernetwerk.cycle.status`: milestones and ``leernetwerk status``;
- :mod:`~leernetwerk.cycle.init`: ``leernetwerk init`` and the documented ``cycle.toml``.

Everything public is re-exported here, so ``from leernetwerk.cycle import X`` works.
"""

from leernetwerk.cycle.decisions import (
    AdjustmentDecision,
    AdjustmentMoment,
    Decision,
    DecisionKind,
    DecisionResult,
    SetupDecision,
    adjustments,
    all_decisions,
    decided_proposal,
    decisions_dir,
    latest_decision,
    latest_setup,
    list_decisions,
    list_steering,
    record_decision,
)
from leernetwerk.cycle.folder import (
    CONFIG_FILE,
    DECISIONS_DIR,
    PLAN_FILE,
    REGISTRATIONS_FILE,
    TEMPLATE_FILE,
    config_path,
    cycle_dir_of,
    load_cycle,
)
from leernetwerk.cycle.init import (
    COMMENTS,
    MISSING_COMMENT,
    InitResult,
    config_fields,
    config_toml,
    cycle_toml,
    init_cycle,
    toml_value,
)
from leernetwerk.cycle.plan import (
    PLAN_COLUMNS,
    SESSION_HOURS,
    Meeting,
    parse_date,
    plan_rows_for,
    read_plan,
    write_plan,
)
from leernetwerk.cycle.status import (
    CycleState,
    Milestone,
    MilestoneState,
    Status,
    cycle_status,
    format_status,
    milestones,
)
from leernetwerk.timeline import (
    CYCLE_TABLE,
    CycleTable,
    Evidence,
    Held,
    MeetingKind,
    MilestoneSpec,
    Phase,
    PhaseSpec,
    PhaseWindow,
    RoundSpec,
    current_phases,
    format_date,
    phase_windows,
    round_window,
)

__all__ = [
    "AdjustmentDecision",
    "AdjustmentMoment",
    "SetupDecision",
    "adjustments",
    "all_decisions",
    "latest_setup",
    "list_steering",
    "COMMENTS",
    "CONFIG_FILE",
    "CYCLE_TABLE",
    "DECISIONS_DIR",
    "MISSING_COMMENT",
    "PLAN_COLUMNS",
    "PLAN_FILE",
    "REGISTRATIONS_FILE",
    "SESSION_HOURS",
    "TEMPLATE_FILE",
    "CycleState",
    "CycleTable",
    "Decision",
    "DecisionKind",
    "DecisionResult",
    "Evidence",
    "Held",
    "InitResult",
    "Meeting",
    "MeetingKind",
    "Milestone",
    "MilestoneSpec",
    "MilestoneState",
    "Phase",
    "PhaseSpec",
    "PhaseWindow",
    "RoundSpec",
    "Status",
    "config_fields",
    "config_path",
    "config_toml",
    "current_phases",
    "cycle_dir_of",
    "cycle_status",
    "cycle_toml",
    "decided_proposal",
    "decisions_dir",
    "format_date",
    "format_status",
    "init_cycle",
    "latest_decision",
    "list_decisions",
    "load_cycle",
    "milestones",
    "parse_date",
    "phase_windows",
    "plan_rows_for",
    "read_plan",
    "record_decision",
    "round_window",
    "toml_value",
    "write_plan",
]
