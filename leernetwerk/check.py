"""``leernetwerk check EDITED.xlsx``: an edited proposal against every rule.

``check`` reads the layout the executor edited in ``proposal.xlsx`` back
(:mod:`leernetwerk.layout_io`), finds the original proposal, its
registrations and its cycle config, reports every broken rule of the rule
table (:func:`matching.rules.check_layout`, the same checks as the report's
"Controle") with the names involved, plus the workbook's own host rows, and
shows the score change per criterion against the proposal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from leernetwerk.compare import ScoreChange, criterion_changes, score_table
from leernetwerk.config import CycleConfig, config_sha256, load_cycle_config
from leernetwerk.domain import Registration, Registrations
from leernetwerk.errors import Problem, UserError
from leernetwerk.fsutil import sha256_file
from leernetwerk.history import load_history
from leernetwerk.intake import load_registrations
from leernetwerk.layout_io import EditedLayout, HostConflict, read_edited_workbook
from leernetwerk.proposal import Proposal, load_proposal
from matching.rules import BY_KEY, check_layout
from matching.scoring import score_layout

PROPOSAL_FILE = "proposal.json"
CONFIG_FILE = "cycle.toml"

UNKNOWN_MEMBER_LABEL = BY_KEY["in_one_club"].label
HOST_LABEL = BY_KEY["session_host"].label


# --- finding the inputs ------------------------------------------------------


@dataclass(frozen=True)
class CheckInputs:
    """The original proposal, registrations and config an edited workbook is checked against."""

    proposal_path: Path
    proposal: Proposal
    registrations_path: Path
    registrations: Registrations
    config_path: Path | None
    """None: the default settings."""
    config: CycleConfig


def find_proposal(edited: Path, given: Path | None) -> Path:
    """``--proposal`` (a run folder or proposal.json), else proposal.json beside the workbook."""
    if given is not None:
        path = given / PROPOSAL_FILE if given.is_dir() else given
        if not path.is_file():
            raise UserError(f"Voorstel '{path}' bestaat niet (opgegeven met --proposal).")
        return path
    beside = edited.parent / PROPOSAL_FILE
    if not beside.is_file():
        raise UserError(
            f"Geen voorstel gevonden: '{beside}' bestaat niet. Geef het oorspronkelijke voorstel "
            "op met --proposal (de uitvoermap van 'leernetwerk run' of het proposal.json daarin)."
        )
    return beside


def registration_candidates(proposal: Proposal, proposal_path: Path) -> list[Path]:
    """Where the recorded input file may be: as given, then in the proposal's folder."""
    recorded = Path(proposal.input_file)
    folder = proposal_path.parent
    candidates = [recorded, folder / recorded, folder / recorded.name]
    return list(dict.fromkeys(candidates))


def find_registrations(proposal: Proposal, proposal_path: Path, given: Path | None) -> Path:
    """``--registrations``, else the ``input_file`` recorded in the proposal."""
    if given is not None:
        if not given.is_file():
            raise UserError(
                f"Aanmeldbestand '{given}' bestaat niet (opgegeven met --registrations)."
            )
        return given
    candidates = registration_candidates(proposal, proposal_path)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(f"'{c}'" for c in candidates)
    raise UserError(
        f"Het aanmeldbestand '{proposal.input_file}' uit het voorstel is niet gevonden "
        f"(gezocht: {tried}). Geef het op met --registrations."
    )


def find_config(proposal_path: Path, given: Path | None) -> Path | None:
    """``--cycle``, else cycle.toml beside the proposal, else None (defaults)."""
    if given is not None:
        if not given.is_file():
            raise UserError(f"Cycleconfiguratie '{given}' bestaat niet (opgegeven met --cycle).")
        return given
    beside = proposal_path.parent / CONFIG_FILE
    return beside if beside.is_file() else None


def load_check_inputs(
    edited: Path,
    proposal: Path | None = None,
    registrations: Path | None = None,
    cycle: Path | None = None,
) -> CheckInputs:
    """Find and load everything ``check`` compares an edited workbook with."""
    proposal_path = find_proposal(edited, proposal)
    loaded = load_proposal(proposal_path)
    config_path = find_config(proposal_path, cycle)
    config = load_cycle_config(config_path)
    registrations_path = find_registrations(loaded, proposal_path, registrations)
    regs = load_registrations(registrations_path, config)
    return CheckInputs(proposal_path, loaded, registrations_path, regs, config_path, config)


def selected_participants(
    proposal: Proposal, registrations: Registrations
) -> dict[str, Registration]:
    """The proposal's selected registrants; all must be in the registrations file."""
    by_name = registrations.by_name()
    missing = [n for n in proposal.selected if n not in by_name]
    if missing:
        raise UserError(
            "Het aanmeldbestand hoort niet bij dit voorstel: deze geselecteerden ontbreken erin: "
            + ", ".join(missing)
            + ". Geef het juiste bestand op met --registrations."
        )
    return {n: by_name[n] for n in proposal.selected}


# --- the check itself ---------------------------------------------------------


class Report(BaseModel):
    model_config = ConfigDict(frozen=True)


class RuleBreak(Report):
    """One broken rule with the names involved."""

    rule: str
    label: str
    message: str
    names: tuple[str, ...]
    hard: bool


def host_conflict_breaks(
    conflicts: tuple[HostConflict, ...], participants: Mapping[str, Registration]
) -> list[RuleBreak]:
    """Hard: a session needs exactly one row with Host = ja (and that one may host)."""
    breaks = []
    for c in conflicts:
        where = f"Ronde {c.round}, sessie {c.number} ({', '.join(c.members)})"
        if not c.hosts:
            message = f"{where}: geen host; zet bij precies één deelnemer Host = ja."
            names = c.members
        else:
            message = (
                f"{where}: {len(c.hosts)} hosts ({' en '.join(c.hosts)}); "
                "precies één deelnemer mag Host = ja hebben."
            )
            names = c.hosts
        breaks.append(
            RuleBreak(
                rule="session_host", label=HOST_LABEL, message=message, names=names, hard=True
            )
        )
        for name in c.hosts:
            reg = participants.get(name)
            if reg is not None and not reg.can_host:
                breaks.append(
                    RuleBreak(
                        rule="session_host",
                        label=HOST_LABEL,
                        hard=True,
                        names=(name,),
                        message=f"{where}: {name} mag niet hosten (Host mogelijk = nee).",
                    )
                )
    return breaks


def earlier_pairs(proposal_path: Path) -> frozenset[frozenset[str]]:
    """Pairs that met in earlier decided cycles, when the proposal is a run record
    inside a cycle folder (``cycles/<name>/runs/<run>/proposal.json``)."""
    run_dir = proposal_path.parent
    cycle_dir = run_dir.parent.parent
    if run_dir.parent.name != "runs" or not (cycle_dir / CONFIG_FILE).is_file():
        return frozenset()
    return frozenset(load_history(cycle_dir.parent, before=cycle_dir.name).met_pairs)


def rule_breaks(
    edited: EditedLayout,
    participants: Mapping[str, Registration],
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
    *,
    selected: tuple[str, ...] | None = None,
    registrations: Mapping[str, Registration] | None = None,
) -> list[RuleBreak]:
    """Every broken rule of the edited layout: the rule table plus the workbook's own.

    The table's "no host" message is replaced by the workbook-specific one
    (which says whether no row or several rows have Host = ja).
    """
    conflicted = {c.members for c in edited.host_conflicts}
    violations = check_layout(
        edited.layout,
        participants,
        config,
        met_before,
        selected=selected,
        registrations=registrations,
    )
    breaks = [
        RuleBreak(
            rule=v.rule,
            label=BY_KEY[v.rule].label,
            message=v.message,
            names=tuple(v.names),
            hard=v.hard,
        )
        for v in violations
        if not (v.rule == "session_host" and tuple(v.names) in conflicted)
    ]
    breaks += host_conflict_breaks(edited.host_conflicts, participants)
    return breaks


class CheckReport(Report):
    """The outcome of ``check``: reading problems, broken rules, score change."""

    workbook: str
    proposal: str
    registrations: str
    cycle: str | None
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    breaks: tuple[RuleBreak, ...] = ()
    scores: ScoreChange | None = None
    """None when the workbook could not be read."""

    @property
    def hard(self) -> list[RuleBreak]:
        return [b for b in self.breaks if b.hard]

    @property
    def soft(self) -> list[RuleBreak]:
        return [b for b in self.breaks if not b.hard]

    @property
    def read_errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not self.read_errors and not self.hard


def config_matches(path: Path | None, config: CycleConfig, recorded: str) -> bool:
    """Whether the config is the one the proposal recorded.

    ``run`` records the SHA-256 of the cycle.toml it was given, or (without
    one) of the default config as canonical JSON; either may match.
    """
    return recorded in {config_sha256(path, config), config_sha256(None, config)}


def consistency_notes(inputs: CheckInputs, edited: EditedLayout) -> list[str]:
    """Dutch notes when the workbook, registrations or config differ from the proposal's."""
    notes = []
    proposal = inputs.proposal
    if edited.input_sha256 and edited.input_sha256 != proposal.input_sha256:
        notes.append(
            "Let op: het bewerkte werkboek hoort bij een ander voorstel (SHA-256 invoer in blad "
            "'Overzicht' wijkt af van het voorstel)."
        )
    if sha256_file(inputs.registrations_path) != proposal.input_sha256:
        notes.append(
            f"Let op: '{inputs.registrations_path}' is gewijzigd sinds het voorstel "
            "(andere SHA-256); de scores gebruiken het huidige bestand."
        )
    if inputs.config_path is None:
        notes.append("Geen cycle.toml gevonden bij het voorstel; de standaardinstellingen gelden.")
    if not config_matches(inputs.config_path, inputs.config, proposal.config_sha256):
        notes.append(
            f"Let op: de configuratie ({inputs.config_path or 'standaard'}) verschilt van die van "
            "het voorstel "
            "(andere SHA-256); regels en gewichten komen uit het huidige bestand."
        )
    return notes


def check_workbook(edited_path: Path, inputs: CheckInputs) -> CheckReport:
    """Check an edited workbook against the proposal it came from."""
    config = inputs.config
    edited = read_edited_workbook(
        edited_path, catalogue=config.catalogue, rounds=config.sessions.rounds
    )
    base = CheckReport(
        workbook=str(edited_path),
        proposal=str(inputs.proposal_path),
        registrations=str(inputs.registrations_path),
        cycle=str(inputs.config_path) if inputs.config_path else None,
        problems=tuple(edited.problems),
    )
    if edited.errors:
        return base
    participants = selected_participants(inputs.proposal, inputs.registrations)
    met = earlier_pairs(inputs.proposal_path)
    before = score_layout(inputs.proposal.layout, participants, config, met)
    after = score_layout(edited.layout, participants, config, met)
    return base.model_copy(
        update={
            "notes": tuple(consistency_notes(inputs, edited)),
            "breaks": tuple(
                rule_breaks(
                    edited,
                    participants,
                    config,
                    met,
                    selected=inputs.proposal.selected,
                    registrations=inputs.registrations.by_name(),
                )
            ),
            "scores": criterion_changes(before, after),
        }
    )


def render_check(report: CheckReport) -> str:
    """The check report as Dutch text."""
    lines = [
        f"Controle van '{report.workbook}'",
        f"  voorstel:      {report.proposal}",
        f"  aanmeldingen:  {report.registrations}",
        f"  configuratie:  {report.cycle or 'standaardinstellingen'}",
    ]
    lines += [f"  {note}" for note in report.notes]
    if report.problems:
        lines += ["", "Het werkboek lezen:"]
        lines += [f"  {p}" for p in report.problems]
    if report.read_errors:
        lines += [
            "",
            f"Uitslag: het werkboek kan niet worden gecontroleerd; herstel eerst de "
            f"{len(report.read_errors)} fout(en) hierboven.",
        ]
        return "\n".join(lines)
    hard = report.hard
    lines.append("")
    if hard:
        lines.append(f"Harde regels: {len(hard)} overtreding(en):")
        lines += [f"  - [{b.label}] {b.message}" for b in hard]
    else:
        lines.append("Harde regels: alle OK.")
    if report.soft:
        lines.append("Waarschuwingen:")
        lines += [f"  - [{b.label}] {b.message}" for b in report.soft]
    if report.scores is not None:
        lines += ["", "Score per criterium (bijdrage = gewicht × ruwe score):"]
        lines += score_table(report.scores, "Voorstel", "Bewerkt")
    lines.append("")
    if report.ok:
        lines.append("Uitslag: de bewerkte indeling houdt zich aan alle harde regels.")
    else:
        names = sorted({n for b in hard for n in b.names})
        lines.append(
            f"Uitslag: NIET akkoord; {len(hard)} harde regel(s) gebroken "
            f"(betrokken: {', '.join(names)})."
        )
    return "\n".join(lines)


def check_json(report: CheckReport) -> dict[str, Any]:
    """The check report as JSON-ready data."""
    scores = None
    if report.scores is not None:
        scores = {
            "criteria": [
                {
                    "key": c.key,
                    "label": c.label,
                    "weight": c.weight_after,
                    "proposal": c.before,
                    "edited": c.after,
                    "difference": c.difference,
                }
                for c in report.scores.criteria
            ],
            "total": {
                "proposal": report.scores.total_before,
                "edited": report.scores.total_after,
                "difference": report.scores.total_difference,
            },
        }
    return {
        "ok": report.ok,
        "workbook": report.workbook,
        "proposal": report.proposal,
        "registrations": report.registrations,
        "cycle": report.cycle,
        "notes": list(report.notes),
        "problems": [
            {
                "severity": "error" if p.is_error else "warning",
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "message": p.message,
            }
            for p in report.problems
        ],
        "hard": [b.model_dump(mode="json") for b in report.hard],
        "soft": [b.model_dump(mode="json") for b in report.soft],
        "scores": scores,
    }
