"""The yearly cycle: phases, milestones, decisions, the session plan and status.

A cycle folder (``cycles/<name>/``) holds ``cycle.toml``, the registrations
``aanmeldingen.xlsx``, the runs (:mod:`leernetwerk.runs`), the stuurgroep's
decisions (``decisions/<timestamp>-<kind>.json``, immutable) and the session
plan ``sessies.csv``. Every date of the cycle follows from the budget year T
(docs/domain.md §3): werving Jan – 1 May T+1, selectie and matching decided before the
summer holiday (15 Jul T+1), uitvoering Sep T+1 – Mar T+2, afronding
Mar – Apr T+2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from leernetwerk.config import CycleConfig, load_cycle_config
from leernetwerk.errors import Problem, Severity, UserError, did_you_mean
from leernetwerk.fsutil import Writer, sha256_file, write_new_file, write_outputs
from leernetwerk.proposal import Proposal
from leernetwerk.runs import RUN_FILE, load_run_proposal, resolve_run

CONFIG_FILE = "cycle.toml"
REGISTRATIONS_FILE = "aanmeldingen.xlsx"
TEMPLATE_FILE = "aanmeldingen-template.xlsx"
DECISIONS_DIR = "decisions"
PLAN_FILE = "sessies.csv"


# --------------------------------------------------------------------------- phases


class Phase(StrEnum):
    """The phases of a cycle (docs/domain.md §3), valued by their Dutch name."""

    RECRUITMENT = "werving"
    SELECTION = "selectie"
    MATCHING = "matching"
    EXECUTION = "uitvoering"
    CLOSING = "afronding"


DayInCycle = tuple[int, int, int]
"""(years after the budget year T, month, day)."""


@dataclass(frozen=True)
class PhaseSpec:
    phase: Phase
    start: DayInCycle
    end: DayInCycle
    activities: str
    deliverables: tuple[str, ...]


PHASES: tuple[PhaseSpec, ...] = (
    PhaseSpec(
        Phase.RECRUITMENT,
        (1, 1, 1),
        (1, 5, 1),
        "aanmeldingen komen binnen (deadline 1 mei, inclusief)",
        ("aanmeldingen (aanmeldingen.xlsx)",),
    ),
    PhaseSpec(
        Phase.SELECTION,
        (1, 5, 2),
        (1, 7, 15),
        "volledigheidscontrole, selectievoorstel, besluit stuurgroep",
        ("selectiebesluit", "toelatings- en afwijzingsbrieven"),
    ),
    PhaseSpec(
        Phase.MATCHING,
        (1, 5, 2),
        (1, 7, 15),
        "voorstel clubs en leerbijeenkomsten, besloten vóór de zomervakantie",
        ("matchingbesluit",),
    ),
    PhaseSpec(
        Phase.EXECUTION,
        (1, 9, 1),
        (2, 3, 31),
        "startbijeenkomst per club (sep), ronde 1 (sep–dec), tussenevaluatie "
        "met de begeleidingscommissie (vóór 31 dec), ronde 2 (jan–mrt)",
        ("sessieplanning", "draaiboeken", "reflectieverslagen"),
    ),
    PhaseSpec(
        Phase.CLOSING,
        (2, 3, 1),
        (2, 4, 30),
        "terugkommoment per club, algehele evaluatie, kennisdocument, "
        "lessen voor de volgende cyclus",
        ("cyclusrapport", "historie voor de volgende cyclus"),
    ),
)
"""The phase table of docs/domain.md §3, relative to the budget year T."""


def _day(budget_year: int, day: DayInCycle) -> dt.date:
    years, month, dom = day
    return dt.date(budget_year + years, month, dom)


@dataclass(frozen=True)
class PhaseWindow:
    phase: Phase
    start: dt.date
    end: dt.date
    """Inclusive."""
    activities: str
    deliverables: tuple[str, ...]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def phase_windows(budget_year: int, deadline: dt.date | None = None) -> tuple[PhaseWindow, ...]:
    """The phases with their dates; a configured registration deadline moves the
    end of werving and the start of selectie and matching."""
    windows = []
    for spec in PHASES:
        start, end = _day(budget_year, spec.start), _day(budget_year, spec.end)
        if deadline is not None and spec.phase is Phase.RECRUITMENT:
            end = deadline
        if deadline is not None and spec.phase in (Phase.SELECTION, Phase.MATCHING):
            start = deadline + dt.timedelta(days=1)
        windows.append(PhaseWindow(spec.phase, start, end, spec.activities, spec.deliverables))
    return tuple(windows)


def current_phases(windows: tuple[PhaseWindow, ...], today: dt.date) -> tuple[PhaseWindow, ...]:
    """Phases active on ``today`` (selectie and matching overlap, so may the end of
    uitvoering and afronding in March)."""
    return tuple(w for w in windows if w.contains(today))


# --------------------------------------------------------------------------- session plan


class MeetingKind(StrEnum):
    """Kinds of meeting in the session plan (column ``Soort``)."""

    START = "startbijeenkomst"
    SESSION = "leerbijeenkomst"
    MIDTERM = "tussenevaluatie"
    CLUB_EVALUATION = "terugkommoment"
    FINAL_EVALUATION = "eindevaluatie"


PLAN_COLUMNS: tuple[str, ...] = (
    "Soort",
    "Club",
    "Ronde",
    "Deelnemers",
    "Host",
    "Thema's",
    "Datum",
    "Begintijd",
    "Eindtijd",
    "Locatie",
)
SESSION_HOURS = (dt.time(10, 0), dt.time(15, 0))
"""A learning session runs 10:00–15:00 (docs/domain.md §9) unless the plan says otherwise."""


@dataclass(frozen=True)
class Meeting:
    """One row of the session plan."""

    row: int
    kind: MeetingKind
    club: int | None
    round: int | None
    members: tuple[str, ...]
    host: str | None
    themes: tuple[str, ...]
    date: dt.date | None
    start: dt.time | None
    end: dt.time | None
    location: str

    def describe(self) -> str:
        """Short Dutch description, e.g. 'leerbijeenkomst club 1 ronde 2 (A, B)'."""
        parts = [self.kind.value]
        if self.club is not None:
            parts.append(f"club {self.club}")
        if self.round is not None:
            parts.append(f"ronde {self.round}")
        text = " ".join(parts)
        if self.members:
            text += f" ({', '.join(self.members)})"
        return text

    def times(self) -> tuple[dt.time, dt.time] | None:
        """Start and end time; learning sessions default to 10:00–15:00."""
        if self.start is not None:
            return self.start, self.end or self.start
        if self.kind is MeetingKind.SESSION:
            return SESSION_HOURS
        return None


def _split_names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace(",", ";").split(";") if part.strip())


def parse_date(text: str) -> dt.date:
    """A date as ``2026-09-15``, ``15-9-2026`` or ``15-09-2026``."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    day, month, year = (int(p) for p in text.replace("/", "-").split("-"))
    return dt.date(year, month, day)


def _parse_time(text: str) -> dt.time:
    hours, minutes = text.strip().replace(".", ":").split(":")
    return dt.time(int(hours), int(minutes))


def _delimiter(header: str) -> str:
    """Excel in a Dutch locale saves CSV with ';'; accept that and ','."""
    return ";" if header.count(";") > header.count(",") else ","


def read_plan(path: Path) -> tuple[list[Meeting], list[Problem]]:
    """Read the session plan; every problem located (file, row, column, value)."""
    sheet = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(sheet=sheet, message=f"het bestand is niet te lezen ({exc}).")]
    lines = text.splitlines()
    if not lines:
        return [], [Problem(sheet=sheet, message="het bestand is leeg.")]
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or ()}
    problems = [
        Problem(sheet=sheet, row=1, column=c, message="verplichte kolom ontbreekt.")
        for c in ("Soort", "Datum")
        if c.lower() not in headers
    ]
    if problems:
        return [], problems
    meetings = []
    for number, record in enumerate(reader, start=2):
        cells = {
            c: (record.get(headers.get(c.lower(), ""), "") or "").strip() for c in PLAN_COLUMNS
        }
        if not any(cells.values()):
            continue
        meeting, row_problems = _meeting_from_row(number, cells, sheet)
        problems.extend(row_problems)
        if meeting is not None:
            meetings.append(meeting)
    return meetings, problems


def _meeting_from_row(
    number: int, cells: dict[str, str], sheet: str
) -> tuple[Meeting | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(column: str, message: str) -> None:
        problems.append(
            Problem(sheet=sheet, row=number, column=column, value=cells[column], message=message)
        )

    kind = None
    try:
        kind = MeetingKind(cells["Soort"].lower())
    except ValueError:
        kinds = [k.value for k in MeetingKind]
        bad("Soort", "onbekende soort." + did_you_mean(cells["Soort"], kinds))
    club = _whole(cells, "Club", 1, None, bad)
    round_ = _whole(cells, "Ronde", 1, 2, bad)
    if kind is MeetingKind.SESSION and round_ is None and not cells["Ronde"]:
        bad("Ronde", "een leerbijeenkomst hoort bij ronde 1 of 2.")
    date = None
    if cells["Datum"]:
        try:
            date = parse_date(cells["Datum"])
        except ValueError:
            bad("Datum", "geen geldige datum; gebruik bijvoorbeeld 2026-09-15 of 15-9-2026.")
    times = []
    for column in ("Begintijd", "Eindtijd"):
        value = None
        if cells[column]:
            try:
                value = _parse_time(cells[column])
            except ValueError:
                bad(column, "geen geldige tijd; gebruik bijvoorbeeld 10:00.")
        times.append(value)
    start, end = times
    if start and end and end <= start:
        bad("Eindtijd", "de eindtijd ligt niet na de begintijd.")
    members = _split_names(cells["Deelnemers"])
    host = cells["Host"] or None
    if host and members and host not in members:
        bad("Host", "de host staat niet bij de deelnemers.")
    if problems or kind is None:
        return None, problems
    meeting = Meeting(
        row=number,
        kind=kind,
        club=club,
        round=round_,
        members=members,
        host=host,
        themes=_split_names(cells["Thema's"]),
        date=date,
        start=start,
        end=end,
        location=cells["Locatie"],
    )
    return meeting, problems


def _whole(
    cells: dict[str, str],
    column: str,
    low: int,
    high: int | None,
    bad: Callable[[str, str], None],
) -> int | None:
    text = cells[column]
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        bad(column, "geen geheel getal.")
        return None
    if value < low or (high is not None and value > high):
        bad(column, f"moet tussen {low} en {high} liggen." if high else f"moet ≥ {low} zijn.")
        return None
    return value


def plan_rows_for(proposal: Proposal) -> list[dict[str, str]]:
    """Session plan rows (without dates) for a decided matching: a start meeting
    and an evaluation meeting per club, every session of both rounds, and the
    mid-term and final evaluation with the begeleidingscommissie."""
    rows: list[dict[str, str]] = []

    def add(kind: MeetingKind, **cells: str) -> None:
        rows.append({c: "" for c in PLAN_COLUMNS} | {"Soort": kind.value} | cells)

    for club in proposal.clubs:
        add(MeetingKind.START, Club=str(club.id), Deelnemers="; ".join(club.members))
    for round_ in proposal.rounds:
        for session in round_.sessions:
            add(
                MeetingKind.SESSION,
                Club=str(session.club),
                Ronde=str(round_.round),
                Deelnemers="; ".join(session.members),
                Host=session.host or "",
                **{"Thema's": "; ".join(session.themes)},
            )
    add(MeetingKind.MIDTERM)
    for club in proposal.clubs:
        add(MeetingKind.CLUB_EVALUATION, Club=str(club.id), Deelnemers="; ".join(club.members))
    add(MeetingKind.FINAL_EVALUATION)
    return rows


def write_plan(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write a new session plan (UTF-8 with BOM so Excel shows accents; ';'
    separated as Dutch Excel expects); never overwrites an existing plan."""

    def writer(target: Path) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            out = csv.DictWriter(handle, fieldnames=PLAN_COLUMNS, delimiter=";")
            out.writeheader()
            out.writerows(rows)

    return write_new_file(path, writer)


# --------------------------------------------------------------------------- decisions


class DecisionKind(StrEnum):
    SELECTION = "selection"
    MATCHING = "matching"

    @property
    def label(self) -> str:
        return {"selection": "selectie", "matching": "matching"}[self.value]


class Decision(BaseModel):
    """A stuurgroep decision, stored once and never changed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """File stem: ``<timestamp>-<kind>``; later ids supersede earlier ones."""
    kind: DecisionKind
    cycle: str
    run: str
    decided_by: str
    decided_on: dt.date
    recorded_at: dt.datetime
    note: str = ""
    input_file: str
    input_sha256: str
    proposal_sha256: str
    selected: tuple[str, ...]
    selection_decision: str | None = None
    """For a matching: the id of the selection decision it builds on."""
    supersedes: str | None = None
    """The id of the previous decision of this kind, if any."""


def decisions_dir(cycle_dir: Path) -> Path:
    return Path(cycle_dir) / DECISIONS_DIR


def list_decisions(cycle_dir: Path, kind: DecisionKind | str | None = None) -> list[Decision]:
    """All recorded decisions (of one kind), oldest first."""
    folder = decisions_dir(cycle_dir)
    if not folder.is_dir():
        return []
    wanted = DecisionKind(kind) if kind is not None else None
    decisions = []
    for path in sorted(folder.glob("*.json")):
        try:
            decision = Decision.model_validate_json(path.read_bytes())
        except (ValidationError, ValueError) as exc:
            raise UserError(f"Besluit '{path}' is beschadigd: {exc}") from None
        if wanted is None or decision.kind is wanted:
            decisions.append(decision)
    return sorted(decisions, key=lambda d: d.id)


def latest_decision(
    cycle_dir: Path, kind: DecisionKind | str, as_of: dt.date | None = None
) -> Decision | None:
    """The decision in force: the latest of its kind (decided on or before ``as_of``)."""
    decisions = [
        d for d in list_decisions(cycle_dir, kind) if as_of is None or d.decided_on <= as_of
    ]
    return decisions[-1] if decisions else None


@dataclass
class DecisionResult:
    path: Path
    decision: Decision
    notes: list[str] = field(default_factory=list)
    """Dutch remarks for the user (plan written, input changed, …)."""


def _decision_stamp(cycle_dir: Path, kind: DecisionKind, now: dt.datetime) -> str:
    """A timestamp strictly after every recorded decision, so file order is
    decision order even for two decisions in one second."""
    stamp = now.replace(microsecond=0)
    existing = list_decisions(cycle_dir)
    if existing:
        last = dt.datetime.strptime(existing[-1].id.split("-")[0], "%Y%m%dT%H%M%S")
        stamp = max(stamp, last + dt.timedelta(seconds=1))
    while (decisions_dir(cycle_dir) / f"{stamp:%Y%m%dT%H%M%S}-{kind.value}.json").exists():
        stamp += dt.timedelta(seconds=1)
    return f"{stamp:%Y%m%dT%H%M%S}"


def _check_run_record(run_dir: Path, proposal: Proposal) -> None:
    """The run's run.json, when present, must agree with its proposal."""
    path = run_dir / RUN_FILE
    if not path.is_file():
        return
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"'{path}' is geen geldig JSON-bestand ({exc}).") from None
    recorded = record.get("input_sha256") if isinstance(record, dict) else None
    if recorded and recorded != proposal.input_sha256:
        raise UserError(
            f"Run '{run_dir.name}' is inconsistent: run.json en proposal.json noemen een "
            "andere invoer-hash."
        )


def _require_selection(proposal: Proposal, run: str) -> None:
    if not proposal.selected:
        raise UserError(f"Run '{run}' bevat geen selectie (niemand geselecteerd).")


def _require_matching(proposal: Proposal, run: str) -> None:
    if not proposal.clubs or not proposal.rounds:
        raise UserError(f"Run '{run}' bevat geen matching (geen clubs of rondes).")


def _gate_matching(cycle_dir: Path, proposal: Proposal, run: str) -> Decision:
    """Matching needs a decided selection, and must match exactly that selection."""
    selection = latest_decision(cycle_dir, DecisionKind.SELECTION)
    if selection is None:
        raise UserError(
            "De matching kan pas worden vastgelegd als de selectie is besloten. "
            "Leg eerst het selectiebesluit vast: leernetwerk decide CYCLUS selection --run RUN."
        )
    decided, proposed = set(selection.selected), set(proposal.selected)
    if decided != proposed:
        problems = [
            Problem(message=f"'{name}' is geselecteerd maar zit niet in deze matching.")
            for name in sorted(decided - proposed)
        ] + [
            Problem(message=f"'{name}' zit in deze matching maar is niet geselecteerd.")
            for name in sorted(proposed - decided)
        ]
        problems.insert(
            0,
            Problem(
                message=f"De selectie van run '{run}' wijkt af van het selectiebesluit "
                f"'{selection.id}' (run '{selection.run}')."
            ),
        )
        raise UserError(problems)
    return selection


def _input_note(cycle_dir: Path, proposal: Proposal) -> str | None:
    """A warning when the run's input file still exists but has changed."""
    for candidate in (Path(proposal.input_file), Path(cycle_dir) / proposal.input_file):
        if candidate.is_file():
            if sha256_file(candidate) != proposal.input_sha256:
                return (
                    f"Let op: '{candidate}' is gewijzigd sinds deze run; het besluit "
                    "verwijst naar de invoer zoals die bij de run was (hash vastgelegd)."
                )
            return None
    return None


def record_decision(
    cycle_dir: Path,
    kind: DecisionKind | str,
    run: str,
    *,
    by: str = "stuurgroep",
    note: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DecisionResult:
    """Record a stuurgroep decision as a new immutable file; never overwrites.

    A later decision of the same kind supersedes the earlier one; both remain.
    A matching decision also writes the session plan ``sessies.csv`` (without
    dates) when the cycle has none yet.
    """
    cycle_dir = Path(cycle_dir)
    config = load_cycle(cycle_dir)
    kind = DecisionKind(kind)
    now = now or dt.datetime.now()
    run_dir = resolve_run(cycle_dir, run)
    proposal = load_run_proposal(run_dir)
    _check_run_record(run_dir, proposal)
    selection_id = None
    if kind is DecisionKind.SELECTION:
        _require_selection(proposal, run_dir.name)
    else:
        _require_matching(proposal, run_dir.name)
        selection_id = _gate_matching(cycle_dir, proposal, run_dir.name).id
    notes = []
    if proposal.cycle != config.cycle.name:
        notes.append(
            f"Let op: run '{run_dir.name}' hoort bij cyclus '{proposal.cycle}', "
            f"deze map is cyclus '{config.cycle.name}'."
        )
    changed = _input_note(cycle_dir, proposal)
    if changed:
        notes.append(changed)
    previous = latest_decision(cycle_dir, kind)
    stamp = _decision_stamp(cycle_dir, kind, now)
    decision = Decision(
        id=f"{stamp}-{kind.value}",
        kind=kind,
        cycle=config.cycle.name,
        run=run_dir.name,
        decided_by=by,
        decided_on=today or now.date(),
        recorded_at=now,
        note=note,
        input_file=proposal.input_file,
        input_sha256=proposal.input_sha256,
        proposal_sha256=sha256_file(run_dir / "proposal.json"),
        selected=tuple(sorted(proposal.selected)),
        selection_decision=selection_id,
        supersedes=previous.id if previous else None,
    )
    text = json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    path = write_new_file(
        decisions_dir(cycle_dir) / f"{decision.id}.json",
        lambda target: target.write_text(text, encoding="utf-8"),
    )
    if previous:
        notes.append(f"Dit besluit vervangt besluit '{previous.id}' (dat blijft bewaard).")
    if kind is DecisionKind.MATCHING:
        notes.append(_ensure_plan(cycle_dir, proposal))
    return DecisionResult(path=path, decision=decision, notes=notes)


def _ensure_plan(cycle_dir: Path, proposal: Proposal) -> str:
    plan = cycle_dir / PLAN_FILE
    if plan.exists():
        return (
            f"De bestaande sessieplanning '{plan}' is niet aangepast; controleer of ze "
            "bij deze matching past."
        )
    write_plan(plan, plan_rows_for(proposal))
    return f"Sessieplanning '{plan}' aangemaakt: vul per bijeenkomst de datum in."


def decided_proposal(cycle_dir: Path, decision: Decision) -> Proposal:
    """The proposal a decision refers to, verified against the recorded hash."""
    run_dir = resolve_run(cycle_dir, decision.run)
    path = run_dir / "proposal.json"
    if path.is_file() and sha256_file(path) != decision.proposal_sha256:
        raise UserError(
            f"Het voorstel van run '{decision.run}' in '{cycle_dir}' is gewijzigd na besluit "
            f"'{decision.id}'; een besloten voorstel mag niet veranderen."
        )
    return load_run_proposal(run_dir)


# --------------------------------------------------------------------------- cycle folder


def config_path(cycle: Path | str) -> Path:
    """``cycle.toml`` of a cycle folder (or the file itself); Dutch error if absent."""
    path = Path(cycle)
    if path.is_file() and path.name == CONFIG_FILE:
        return path
    if not path.is_dir():
        raise UserError(f"Cyclusmap '{path}' bestaat niet.")
    candidate = path / CONFIG_FILE
    if not candidate.is_file():
        raise UserError(
            f"'{path}' is geen cyclusmap: {CONFIG_FILE} ontbreekt. "
            "Maak een nieuwe cyclus met: leernetwerk init MAP --budget-year JAAR."
        )
    return candidate


def cycle_dir_of(cycle: Path | str) -> Path:
    return config_path(cycle).parent


def load_cycle(cycle: Path | str) -> CycleConfig:
    return load_cycle_config(config_path(cycle))


# --------------------------------------------------------------------------- milestones and status


class MilestoneState(StrEnum):
    DONE = "gereed"
    OPEN = "nu aan de orde"
    OVERDUE = "te laat"
    PLANNED = "gepland"


@dataclass(frozen=True)
class CycleState:
    """What the cycle folder holds on a given day."""

    today: dt.date
    has_registrations: bool
    selection: Decision | None
    matching: Decision | None
    meetings: tuple[Meeting, ...]
    has_plan: bool

    def meetings_of(self, kind: MeetingKind, round_: int | None = None) -> list[Meeting]:
        return [
            m for m in self.meetings if m.kind is kind and (round_ is None or m.round == round_)
        ]


def _held(state: CycleState, kind: MeetingKind, round_: int | None = None) -> bool:
    """All planned meetings of this kind have a date on or before today."""
    meetings = state.meetings_of(kind, round_)
    return bool(meetings) and all(m.date is not None and m.date <= state.today for m in meetings)


def _all_dated(state: CycleState) -> bool:
    return state.has_plan and all(m.date is not None for m in state.meetings)


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    phase: Phase
    start: dt.date
    due: dt.date
    done: Callable[[CycleState], bool]

    def state(self, cycle: CycleState) -> MilestoneState:
        if self.done(cycle):
            return MilestoneState.DONE
        if cycle.today > self.due:
            return MilestoneState.OVERDUE
        if cycle.today >= self.start:
            return MilestoneState.OPEN
        return MilestoneState.PLANNED


def milestones(config: CycleConfig) -> tuple[Milestone, ...]:
    """The cycle's milestones with their windows and how the tool sees they are done."""
    t = config.cycle.budget_year
    windows = {w.phase: w for w in phase_windows(t, config.cycle.deadline)}
    sel, exe, clo = windows[Phase.SELECTION], windows[Phase.EXECUTION], windows[Phase.CLOSING]
    d = dt.date
    return (
        Milestone(
            "registrations",
            f"aanmeldingen binnen ({REGISTRATIONS_FILE})",
            Phase.RECRUITMENT,
            windows[Phase.RECRUITMENT].start,
            windows[Phase.RECRUITMENT].end,
            lambda s: s.has_registrations,
        ),
        Milestone(
            "selection",
            "selectiebesluit stuurgroep",
            Phase.SELECTION,
            sel.start,
            sel.end,
            lambda s: s.selection is not None,
        ),
        Milestone(
            "matching",
            "matchingbesluit stuurgroep",
            Phase.MATCHING,
            sel.start,
            sel.end,
            lambda s: s.matching is not None,
        ),
        Milestone(
            "plan",
            f"alle bijeenkomsten gedateerd ({PLAN_FILE})",
            Phase.MATCHING,
            sel.start,
            d(t + 1, 8, 31),
            _all_dated,
        ),
        Milestone(
            "start",
            "startbijeenkomst per club",
            Phase.EXECUTION,
            exe.start,
            d(t + 1, 9, 30),
            lambda s: _held(s, MeetingKind.START),
        ),
        Milestone(
            "round1",
            "ronde 1 leerbijeenkomsten",
            Phase.EXECUTION,
            exe.start,
            d(t + 1, 12, 31),
            lambda s: _held(s, MeetingKind.SESSION, 1),
        ),
        Milestone(
            "midterm",
            "tussenevaluatie met de begeleidingscommissie",
            Phase.EXECUTION,
            d(t + 1, 11, 1),
            d(t + 1, 12, 31),
            lambda s: _held(s, MeetingKind.MIDTERM),
        ),
        Milestone(
            "round2",
            "ronde 2 leerbijeenkomsten",
            Phase.EXECUTION,
            d(t + 2, 1, 1),
            exe.end,
            lambda s: _held(s, MeetingKind.SESSION, 2),
        ),
        Milestone(
            "club_evaluation",
            "terugkommoment per club",
            Phase.CLOSING,
            clo.start,
            clo.end,
            lambda s: _held(s, MeetingKind.CLUB_EVALUATION),
        ),
        Milestone(
            "final_evaluation",
            "algehele evaluatie en kennisdocument",
            Phase.CLOSING,
            clo.start,
            clo.end,
            lambda s: _held(s, MeetingKind.FINAL_EVALUATION),
        ),
    )


@dataclass
class Status:
    """The cycle on one day: phases, milestones and what is missing."""

    name: str
    today: dt.date
    phases: tuple[PhaseWindow, ...]
    windows: tuple[PhaseWindow, ...]
    milestones: list[tuple[Milestone, MilestoneState]]
    missing: list[str]
    problems: list[Problem]
    notes: list[str]

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def _registration_findings(path: Path, config: CycleConfig) -> tuple[list[str], list[str]]:
    """Incomplete registrations (missing) and a note on read errors, via the
    intake module when present."""
    try:
        from leernetwerk.intake import read_registrations  # lazily: written separately
    except ImportError:
        return [], ["Volledigheidscontrole van de aanmeldingen is (nog) niet beschikbaar."]
    result = read_registrations(path, config)
    missing = [
        f"aanmelding '{r.name}' is onvolledig: {', '.join(r.missing)}" for r in result.incomplete
    ]
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    notes = []
    if errors:
        notes.append(
            f"{REGISTRATIONS_FILE} bevat {len(errors)} fout(en); zie leernetwerk validate."
        )
    return missing, notes


def round_window(budget_year: int, round_: int) -> tuple[dt.date, dt.date]:
    """Round 1 runs Sep–Dec T+1, round 2 Jan–Mar T+2 (docs/domain.md §3)."""
    if round_ == 1:
        return dt.date(budget_year + 1, 9, 1), dt.date(budget_year + 1, 12, 31)
    return dt.date(budget_year + 2, 1, 1), dt.date(budget_year + 2, 3, 31)


def _dates_outside_rounds(meetings: list[Meeting], budget_year: int, sheet: str) -> list[Problem]:
    """Warn about learning sessions dated outside their round's months."""
    problems = []
    for m in meetings:
        if m.kind is not MeetingKind.SESSION or m.date is None or m.round is None:
            continue
        start, end = round_window(budget_year, m.round)
        if not start <= m.date <= end:
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    sheet=sheet,
                    row=m.row,
                    column="Datum",
                    value=m.date.isoformat(),
                    message=f"ronde {m.round} loopt van {format_date(start)} tot en met "
                    f"{format_date(end)}.",
                )
            )
    return problems


def cycle_status(cycle: Path | str, today: dt.date | None = None) -> Status:
    """Everything ``leernetwerk status`` shows, computed from the cycle folder."""
    cycle_dir = cycle_dir_of(cycle)
    config = load_cycle(cycle_dir)
    today = today or dt.date.today()
    windows = phase_windows(config.cycle.budget_year, config.cycle.deadline)
    missing: list[str] = []
    problems: list[Problem] = []
    notes: list[str] = []

    registrations = cycle_dir / REGISTRATIONS_FILE
    if registrations.is_file():
        found, extra = _registration_findings(registrations, config)
        missing += found
        notes += extra

    selection = latest_decision(cycle_dir, DecisionKind.SELECTION, as_of=today)
    matching = latest_decision(cycle_dir, DecisionKind.MATCHING, as_of=today)
    plan = cycle_dir / PLAN_FILE
    meetings: list[Meeting] = []
    if plan.is_file():
        meetings, plan_problems = read_plan(plan)
        problems += plan_problems

    state = CycleState(
        today=today,
        has_registrations=registrations.is_file(),
        selection=selection,
        matching=matching,
        meetings=tuple(meetings),
        has_plan=plan.is_file(),
    )
    selection_start = windows[1].start
    if today >= selection_start and selection is None:
        missing.append("de selectie is nog niet besloten (leernetwerk decide … selection)")
    if today >= selection_start and matching is None:
        missing.append("de matching is nog niet besloten (leernetwerk decide … matching)")
    if selection and matching and matching.selection_decision != selection.id:
        missing.append(
            f"de matching ('{matching.id}') is gebaseerd op een eerder selectiebesluit; "
            f"besluit opnieuw over de matching bij selectiebesluit '{selection.id}'"
        )
    if matching and not plan.is_file():
        missing.append(f"de sessieplanning {PLAN_FILE} ontbreekt")
    missing += [f"{m.describe()} heeft nog geen datum" for m in meetings if m.date is None]
    problems += _dates_outside_rounds(meetings, config.cycle.budget_year, plan.name)
    statuses = [(m, m.state(state)) for m in milestones(config)]
    return Status(
        name=config.cycle.name,
        today=today,
        phases=current_phases(windows, today),
        windows=windows,
        milestones=statuses,
        missing=missing,
        problems=problems,
        notes=notes,
    )


def format_date(day: dt.date) -> str:
    """Dutch date: '1 mei 2027'."""
    months = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    return f"{day.day} {months[day.month - 1]} {day.year}"


def format_status(status: Status) -> str:
    """Dutch text for ``leernetwerk status``."""
    lines = [f"Cyclus {status.name} — stand op {format_date(status.today)}", ""]
    if status.phases:
        names = " en ".join(w.phase.value for w in status.phases)
        lines.append(f"Huidige fase: {names}")
        for window in status.phases:
            lines.append(
                f"  {window.phase.value}: {format_date(window.start)} – "
                f"{format_date(window.end)}; {window.activities}"
            )
    else:
        lines.append(f"Huidige fase: geen ({_between_phases(status)})")
    for label, wanted in (
        ("Te laat", MilestoneState.OVERDUE),
        ("Nu aan de orde", MilestoneState.OPEN),
        ("Gereed", MilestoneState.DONE),
    ):
        items = [m for m, s in status.milestones if s is wanted]
        if items:
            lines.append("")
            lines.append(f"{label}:")
            lines += [f"  - {m.label} (uiterlijk {format_date(m.due)})" for m in items]
    if status.missing:
        lines.append("")
        lines.append("Ontbreekt:")
        lines += [f"  - {item}" for item in status.missing]
    if status.problems:
        lines.append("")
        lines.append("Problemen:")
        lines += [f"  - {p}" for p in status.problems]
    if status.notes:
        lines.append("")
        lines += status.notes
    return "\n".join(lines)


def _between_phases(status: Status) -> str:
    first, last = status.windows[0], status.windows[-1]
    if status.today < first.start:
        return f"de werving begint op {format_date(first.start)}"
    if status.today > max(w.end for w in status.windows):
        return f"de cyclus is afgelopen op {format_date(last.end)}"
    upcoming = min((w for w in status.windows if w.start > status.today), key=lambda w: w.start)
    return f"zomerperiode; {upcoming.phase.value} begint op {format_date(upcoming.start)}"


# --------------------------------------------------------------------------- init


COMMENTS: dict[str, str] = {
    "cycle": "The cycle itself: name, budget year, places and registration rules.",
    "cycle.name": "Name of the cycle (May of budget_year + 1 until April of budget_year + 2).",
    "cycle.budget_year": "Budget year T; the cycle's dates follow from it (docs/domain.md §3).",
    "cycle.places": "Number of places: at most this many registrants are selected.",
    "cycle.registration_deadline": "Inclusive registration deadline (default 1 May of T + 1).",
    "cycle.execution_variants": "Allowed values of the column 'Uitvoeringsvariant'.",
    "cycle.allow_incomplete": "Whether incomplete registrations may be selected.",
    "cycle.organisation_places": "Places an organisation (uitvoeringsorganisatie) takes.",
    "themes": "The theme catalogue of this cycle (editable).",
    "themes.catalogue": "One [[themes.catalogue]] table per main theme.",
    "themes.catalogue.name": "Name of the main theme.",
    "themes.catalogue.subthemes": "Its subthemes (may be empty).",
    "selection": "Hard rules of the selection.",
    "selection.balance_tolerance": "|deficit - (surplus + neutral)| of the selected at most this.",
    "clubs": "Club sizes and balance.",
    "clubs.min_size": "Smallest club.",
    "clubs.max_size": "Largest club.",
    "clubs.target_size": "Preferred club size.",
    "clubs.balance_tolerance": "|2 x deficit - size| at most this in every club.",
    "sessions": "Learning sessions.",
    "sessions.min_size": "Smallest session.",
    "sessions.max_size": "Largest session (never more than 3).",
    "sessions.rounds": "Number of rounds (1 or 2).",
    "weights": "Weights of the soft criteria; 0 switches a criterion off.",
    "weights.selection": "Selection weights.",
    "weights.selection.safety_net": "Per selected: weight x priority (aanvullend 2, regulier 1).",
    "weights.selection.balance": "Penalty per unit of |deficit - other| among the selected.",
    "weights.selection.province_spread": "Per distinct province represented.",
    "weights.selection.size_spread": "Per distinct size class represented.",
    "weights.selection.variant_spread": "Per distinct execution variant represented.",
    "weights.selection.earlier_participation": "Penalty per selected earlier participant.",
    "weights.clubs": "Club weights.",
    "weights.clubs.shared_themes": "Per pair in a club, per shared chosen theme, weighted by rank.",
    "weights.clubs.similar_profile": "Per pair in a club: similarity of self-evaluations.",
    "weights.clubs.similar_size": "Per pair in a club in the same size class.",
    "weights.clubs.same_variant": "Per pair in a club with the same execution variant.",
    "weights.clubs.region": "Signed, per pair in the same province: > 0 clusters, < 0 spreads.",
    "weights.clubs.stability": "With --keep: per participant that stays in its earlier club.",
    "weights.clubs.host_shortfall": "Penalty per host a club lacks for a host per session.",
    "weights.sessions": "Session weights.",
    "weights.sessions.shared_themes": "Per pair in a session, per shared chosen theme, by rank.",
    "weights.sessions.learner_bringer": "Per (learner, bringer) pair on a theme the learner chose.",
    "weights.sessions.similar_level": "Per pair with equal level on a theme both chose.",
    "weights.sessions.balance_mix": "Per session with a deficit and a surplus/neutral member.",
    "weights.sessions.size_gap": "Penalty per pair two or more size classes apart.",
    "weights.sessions.first_choice": "Per member with its first-choice theme in a session.",
    "weights.sessions.stability": "With --keep: per member that keeps its earlier session.",
    "weights.sessions.met_before": "Penalty per session where a pair meets again (earlier cycle).",
    "weights.sessions.host_twice": "Penalty per extra session with the same only possible host.",
    "pins": "Stuurgroep decisions honoured on every rerun.",
    "pins.select": 'Always select these registrants, e.g. ["Zwolle"].',
    "pins.exclude": "Never select these registrants.",
    "pins.club": 'Put a participant in club k, e.g. [{ name = "Zwolle", club = 1 }].',
    "pins.apart": 'These two never together, e.g. [["Zwolle", "Leeuwarden"]].',
    "pins.together": 'Together in a round, e.g. [{ members = ["A", "B"], round = 1 }].',
    "pins.host": 'Hosts in a round, e.g. [{ name = "Zwolle", round = 2 }].',
    "solver": "CP-SAT settings (deterministic time limit only, so results are reproducible).",
    "solver.seed": "Random seed.",
    "solver.num_workers": "Search workers; more than one runs interleaved, so still reproducible.",
    "solver.selection_num_workers": "Workers for the selection solves (1 is fastest there).",
    "solver.max_deterministic_time": "Per selection solve, in deterministic time units (about seconds).",
    "solver.club_deterministic_time": "For the club model, in deterministic time units.",
    "solver.session_deterministic_time": "Per club, for the session model, in deterministic time units.",
    "solver.forcing_cost_budget": "Deterministic time for all 'cost of forcing X in' re-solves.",
    "capacity": "The executor's hour norms (report appendix E); used by 'leernetwerk capacity'.",
    "capacity.groups": (
        "An activity group: its line items (fixed hours and hours per participant) and the "
        "months (1-12) its hours are spread over."
    ),
}
"""An English comment for every key of ``CycleConfig`` in the generated cycle.toml."""

MISSING_COMMENT = "(no description yet)"


def toml_value(value: Any) -> str:
    """A TOML literal for the plain values a CycleConfig holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value) if value == value.to_integral_value() else str(float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, BaseModel):
        items = ", ".join(f"{k} = {toml_value(v)}" for k, v in value.model_dump().items())
        return "{ " + items + " }"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _comment(key: str) -> str:
    return f"# {COMMENTS.get(key, MISSING_COMMENT)}"


def _is_table_list(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(v, BaseModel) for v in value)


def _emit_table(lines: list[str], key: str, model: BaseModel) -> None:
    """Scalars of a table first, then its sub-tables and arrays of tables (TOML order)."""
    lines += ["", _comment(key), f"[{key}]"] if key else []
    values = {name: getattr(model, name) for name in type(model).model_fields}
    nested = {n: v for n, v in values.items() if isinstance(v, BaseModel) or _is_table_list(v)}
    for name, value in values.items():
        if name in nested:
            continue
        lines += [_comment(f"{key}.{name}"), f"{name} = {toml_value(value)}"]
    for name, value in nested.items():
        path = f"{key}.{name}" if key else name
        if isinstance(value, BaseModel):
            _emit_table(lines, path, value)
            continue
        lines += ["", _comment(path)]
        for item in value:
            lines.append(f"[[{path}]]")
            for item_key, item_value in item.model_dump().items():
                lines.append(f"{item_key} = {toml_value(item_value)}")


def cycle_toml(name: str, budget_year: int, places: int = 30) -> str:
    """A documented cycle.toml: every key of CycleConfig with its value and comment."""
    config = CycleConfig.model_validate(
        {
            "cycle": {
                "name": name,
                "budget_year": budget_year,
                "places": places,
                "registration_deadline": dt.date(budget_year + 1, 5, 1),
            }
        }
    )
    lines = [
        f"# Configuration of learning cycle {name} (budget year {budget_year}).",
        f"# Werving until {config.cycle.deadline}; selection and matching decided before "
        f"{dt.date(budget_year + 1, 7, 15)};",
        f"# execution {dt.date(budget_year + 1, 9, 1)} - {dt.date(budget_year + 2, 3, 31)}; "
        f"closing until {dt.date(budget_year + 2, 4, 30)}.",
        "# Every key is shown with its default; see docs/cycle.md.",
    ]
    _emit_table(lines, "", config)
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


@dataclass
class InitResult:
    folder: Path
    written: list[Path]
    notes: list[str]


def init_cycle(folder: Path, budget_year: int, places: int = 30) -> InitResult:
    """Create a new cycle folder with cycle.toml and the registrations template.

    Refuses a folder that exists and is not empty. The template comes from
    ``leernetwerk.registrations_io.write_template`` (imported lazily, as it is
    written separately); without it only cycle.toml is written, with a note.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError(
            f"'{folder}' bestaat al en is niet leeg; een nieuwe cyclus vraagt een lege of "
            "nieuwe map. Er is niets gewijzigd."
        )
    if not 2020 <= budget_year <= 2100:
        raise UserError(f"Begrotingsjaar {budget_year} is ongeldig (verwacht 2020–2100).")
    if places < 1:
        raise UserError(f"Aantal plaatsen {places} is ongeldig (minstens 1).")
    text = cycle_toml(folder.name, budget_year, places)
    config = CycleConfig.model_validate(tomllib.loads(text))
    notes = []
    expected = f"{budget_year + 1}-{budget_year + 2}"
    if folder.name != expected:
        notes.append(
            f"Let op: de mapnaam '{folder.name}' wijkt af van de gebruikelijke naam "
            f"'{expected}' voor begrotingsjaar {budget_year}."
        )
    writers: dict[str, Writer] = {CONFIG_FILE: lambda p: p.write_text(text, encoding="utf-8")}
    try:
        from leernetwerk.registrations_io import write_template  # lazily: written separately
    except ImportError:
        notes.append(
            f"Het aanmeldsjabloon ({TEMPLATE_FILE}) kon niet worden gemaakt: de sjabloonfunctie "
            "is (nog) niet beschikbaar."
        )
    else:
        writers[TEMPLATE_FILE] = lambda p: write_template(p, config)
    written = write_outputs(folder, writers)
    return InitResult(folder=folder, written=written, notes=notes)
