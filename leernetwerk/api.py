"""A small Python API for analysts: load, vary settings, run, and read the
results as pandas DataFrames in a notebook.

Everything here goes through the same code as the command line: a
:meth:`Study.run` is exactly what ``leernetwerk run`` computes
(:func:`leernetwerk.pipeline.run_pipeline`, deterministic for the same
workbook, ``cycle.toml`` and overrides), :meth:`Result.save` writes the same
files, and :func:`compare` is ``leernetwerk compare`` as tables. Problems with
the input (a wrong workbook, an unknown setting, a bad value) raise
:class:`~leernetwerk.errors.UserError` with the same Dutch messages the
command line prints, all problems at once.

Import it as a module (pandas is only loaded then, so the command line stays
fast)::

    >>> import leernetwerk.api as ln
    >>> study = ln.load("examples/pilot-2025/aanmeldingen.xlsx", "examples/pilot-2025/cycle.toml")
    >>> base = study.run()
    >>> variant = study.run({"weights.clubs.shared_themes": 0})
    >>> bool(round(base.breakdown()["contribution"].sum(), 4) == base.objective)
    True
    >>> changes = ln.compare(base, variant)
    >>> list(changes.scores.columns[:3])
    ['key', 'label', 'weight_a']

Column names are English snake_case; the values (criterion labels, reasons,
messages) are the tool's Dutch texts. See ``docs/api.md`` and the worked
example ``examples/analyse-nationaal.ipynb``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from leernetwerk.compare import Comparison, compare_proposals, render_comparison, weight_effect
from leernetwerk.config import CycleConfig, load_cycle_config, setting_keys, with_overrides
from leernetwerk.domain import Registrations
from leernetwerk.errors import UserError
from leernetwerk.fsutil import check_out_dir
from leernetwerk.intake import load_registrations
from leernetwerk.pipeline import (
    Progress,
    RunInputs,
    RunOutput,
    check_matching_pins,
    run_pipeline,
    write_run,
)
from leernetwerk.proposal import Proposal
from leernetwerk.reports.checks import proposal_facts
from matching.rules import Stage, rules_in_display_order
from matching.scoring import score_layout

__all__ = ["Differences", "Result", "Study", "UserError", "compare", "load"]

BASE_LABEL = "base"
"""The label of a run without overrides."""

CRITERION = ["key", "label", "weight", "raw", "contribution"]
REGISTRANT = [
    "registrant",
    "kind",
    "province",
    "inhabitants",
    "size_class",
    "balance",
    "safety_net",
    "execution_variant",
    "can_host",
    "complete",
    "first_choice",
    "themes",
]
SESSION = ["round", "club", "session", "members"]
SESSION_DETAIL = [*SESSION, "host", "themes", "format", "format_label", "reason"]
SELECTION = ["registrant", "selected", "reasons", "forcing_objective_change", "forcing_drop_out"]
CHECK = ["key", "label", "kind", "stage", "hard", "ok", "message", "names"]
SCORE_CHANGE = [
    "key",
    "label",
    "weight_a",
    "weight_b",
    "raw_a",
    "raw_b",
    "contribution_a",
    "contribution_b",
    "difference",
    "by_weight",
    "by_layout",
]


def _setting(config: CycleConfig, key: str) -> Any:
    value: Any = config
    for part in key.split("."):
        value = getattr(value, part)
    return value.value if isinstance(value, Enum) else value


def _label(overrides: Mapping[str, Any]) -> str:
    if not overrides:
        return BASE_LABEL
    return ", ".join(f"{key}={value}" for key, value in sorted(overrides.items()))


@dataclass(frozen=True)
class Study:
    """A registrations workbook with its cycle configuration, validated.

    Made by :func:`load`. :meth:`run` solves it (with settings overridden if
    you like); :meth:`registrants` and :meth:`settings` show what went in.
    """

    workbook: Path
    cycle: Path | None
    """The ``cycle.toml`` (None: the default settings)."""
    config: CycleConfig
    registrations: Registrations

    def __repr__(self) -> str:
        cycle = self.cycle.name if self.cycle else "standaardinstellingen"
        return (
            f"<Study {self.workbook.name}: {len(self.registrations)} registrants, "
            f"cycle {self.config.cycle.name} ({cycle})>"
        )

    def run(
        self,
        overrides: Mapping[str, Any] | None = None,
        places: int | None = None,
        *,
        progress: Progress | None = None,
    ) -> Result:
        """Select and match, exactly as ``leernetwerk run`` would.

        ``overrides`` replaces settings by dotted key on top of the cycle
        config (see :meth:`settings` for the keys), e.g.
        ``{"weights.clubs.region": 2}``; ``places`` overrides the number of
        places. The workbook and ``cycle.toml`` are read again, as the command
        does. The same inputs give the same result. An unknown key raises
        :class:`~leernetwerk.errors.UserError` with a "Bedoelde u …?"
        suggestion, a bad value one with the Dutch reason; nothing is solved
        then. ``progress(phase, seconds, best)`` is called as the run goes.

            >>> study = load("examples/pilot-2025/aanmeldingen.xlsx",
            ...              "examples/pilot-2025/cycle.toml")
            >>> study.run({"weights.clubs.shared_theme": 2})  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            leernetwerk.errors.UserError: ... Bedoelde u 'weights.clubs.shared_themes'?
        """
        chosen = dict(overrides or {})
        if chosen:  # named as the API's argument; run_pipeline validates them again
            with_overrides(self.config, chosen, source="overrides")
        inputs = RunInputs(self.workbook, self.cycle, places=places, overrides=chosen)
        return Result(run_pipeline(inputs, progress=progress), inputs)

    def registrants(self) -> pd.DataFrame:
        """One row per registrant of the workbook, in workbook order: ``registrant``,
        ``kind``, ``province``, ``inhabitants``, ``size_class``, ``balance``,
        ``safety_net``, ``execution_variant``, ``can_host``, ``complete``,
        ``first_choice``, ``themes`` (tuple, in rank order). Join it to
        :meth:`Result.clubs` on ``participant``/``registrant`` for pivots."""
        rows = [
            {
                "registrant": r.name,
                "kind": r.kind.value,
                "province": r.province,
                "inhabitants": r.inhabitants,
                "size_class": r.size_class,
                "balance": r.balance.value,
                "safety_net": r.safety_net.value,
                "execution_variant": r.execution_variant,
                "can_host": r.can_host,
                "complete": r.is_complete,
                "first_choice": r.first_choice,
                "themes": tuple(c.theme for c in sorted(r.themes, key=lambda c: c.rank)),
            }
            for r in self.registrations
        ]
        return pd.DataFrame(rows, columns=REGISTRANT)

    def settings(self, prefix: str = "") -> pd.DataFrame:
        """Every setting you can override (``key``, ``value``), optionally only the
        keys starting with ``prefix``, e.g. ``study.settings("weights.clubs")``."""
        rows = [
            {"key": key, "value": _setting(self.config, key)}
            for key in setting_keys()
            if key.startswith(prefix)
        ]
        return pd.DataFrame(rows, columns=["key", "value"])


def load(workbook: Path | str, cycle: Path | str | None = None) -> Study:
    """Read and validate a registrations workbook and its ``cycle.toml``.

    Raises :class:`~leernetwerk.errors.UserError` (Dutch, every problem with
    its sheet, row and column) exactly where ``leernetwerk run`` would stop.

        >>> study = load("examples/pilot-2025/aanmeldingen.xlsx",
        ...              "examples/pilot-2025/cycle.toml")
        >>> len(study.registrants())
        8
    """
    path = Path(workbook)
    cycle_path = Path(cycle) if cycle is not None else None
    if not path.is_file():
        raise UserError(f"Aanmeldingen '{path}' bestaat niet.")
    config = load_cycle_config(cycle_path)
    registrations = load_registrations(path, config)
    check_matching_pins(registrations, config)
    return Study(path, cycle_path, config, registrations)


@dataclass(frozen=True)
class Result:
    """One run: the proposal and its tables. Made by :meth:`Study.run`."""

    output: RunOutput
    """What :func:`leernetwerk.pipeline.run_pipeline` returned."""
    inputs: RunInputs = field(repr=False)

    @property
    def proposal(self) -> Proposal:
        return self.output.proposal

    @property
    def config(self) -> CycleConfig:
        """The effective config (the cycle config with the overrides applied)."""
        return self.output.config

    @property
    def overrides(self) -> dict[str, Any]:
        return dict(self.inputs.overrides)

    @property
    def label(self) -> str:
        """``"base"``, or the overrides as ``key=value, …``."""
        return _label(self.inputs.overrides)

    @property
    def objective(self) -> float | None:
        """The matching's objective (the breakdown's total)."""
        return self.proposal.quality.objective

    def __repr__(self) -> str:
        p = self.proposal
        sessions = sum(len(r.sessions) for r in p.rounds)
        return (
            f"<Result {self.label}: objective {self.objective} ({p.quality.status.value}), "
            f"{len(p.selected)} selected, {len(p.clubs)} clubs, {sessions} sessions>"
        )

    # --- tables ---------------------------------------------------------------

    def breakdown(self, by: Literal["criterion", "club", "session"] = "criterion") -> pd.DataFrame:
        """The score, criterion by criterion: ``key`` (the weight's key in
        cycle.toml), ``label``, ``weight``, ``raw``, ``contribution`` (weight ×
        raw; penalties have a negative raw value). The contributions add up to
        the objective.

        ``by="club"`` gives the same per club (a ``club`` column first),
        ``by="session"`` per session (``round``, ``club``, ``session``,
        ``members``); the club and session rows together add up to the
        objective as well.
        """
        breakdown = self.proposal.breakdown
        rows: list[dict[str, Any]] = []
        if breakdown is None:
            pass
        elif by == "criterion":
            rows = [_criterion_row(c) for c in breakdown.criteria]
        elif by == "club":
            rows = [
                {"club": g.club} | _criterion_row(c) for g in breakdown.clubs for c in g.criteria
            ]
        elif by == "session":
            number = self._session_numbers()
            rows = [
                {
                    "round": g.round,
                    "club": g.club,
                    "session": number[(g.round or 0, g.club, g.members)],
                    "members": g.members,
                }
                | _criterion_row(c)
                for g in breakdown.sessions
                for c in g.criteria
            ]
        else:
            raise ValueError(f"by must be 'criterion', 'club' or 'session', not {by!r}")
        columns = {"criterion": CRITERION, "club": ["club", *CRITERION]}.get(by)
        return pd.DataFrame(rows, columns=columns or [*SESSION, *CRITERION])

    def breakdown_of(self, other: Result) -> pd.DataFrame:
        """The breakdown ``other``'s layout gets under *this* run's settings (the
        columns of :meth:`breakdown`), scored with the engine's own criteria
        (:func:`matching.scoring.score_layout`).

        A run that stops at its time limit (status "tijdslimiet bereikt") is not
        proven best. When another run's layout scores higher under this run's
        weights than this run's own layout, part of the difference between the
        two runs is the search, not the weights::

            variant.breakdown_of(base)["contribution"].sum() > variant.objective
        """
        registrations = other.output.registrations.by_name()
        participants = {n: registrations[n] for n in other.proposal.selected}
        scored = score_layout(
            other.proposal.layout, participants, self.config, self.output.met_before
        )
        return pd.DataFrame([_criterion_row(c) for c in scored.criteria], columns=CRITERION)

    def _session_numbers(self) -> dict[tuple[int, int, tuple[str, ...]], int]:
        """(round, club, members) → the session's number within its club and round."""
        numbers: dict[tuple[int, int, tuple[str, ...]], int] = {}
        counts: dict[tuple[int, int], int] = {}
        for rnd, session in self.proposal.layout.sessions():
            counts[(rnd, session.club)] = counts.get((rnd, session.club), 0) + 1
            numbers[(rnd, session.club, session.members)] = counts[(rnd, session.club)]
        return numbers

    def clubs(self) -> pd.DataFrame:
        """One row per participant: ``participant``, ``club``, in club order."""
        rows = [
            {"participant": name, "club": club.id}
            for club in self.proposal.clubs
            for name in club.members
        ]
        return pd.DataFrame(rows, columns=["participant", "club"])

    def sessions(self) -> pd.DataFrame:
        """One row per session: ``round``, ``club``, ``session`` (number within the
        club and round), ``members`` (tuple, host first), ``host``, ``themes``
        (tuple: block 1 and optionally block 2), ``format`` (i/ii/iii),
        ``format_label`` and ``reason`` (Dutch)."""
        number = self._session_numbers()
        rows = [
            {
                "round": rnd,
                "club": s.club,
                "session": number[(rnd, s.club, s.members)],
                "members": s.members,
                "host": s.host,
                "themes": s.themes,
                "format": s.format.value,
                "format_label": s.format.label,
                "reason": s.reason,
            }
            for rnd, s in self.proposal.layout.sessions()
        ]
        return pd.DataFrame(rows, columns=SESSION_DETAIL)

    def selection(self) -> pd.DataFrame:
        """One row per registrant: ``registrant``, ``selected``, ``reasons`` (Dutch,
        joined with "; "), and for rejected registrants what forcing them in would
        cost (``forcing_objective_change``, ``forcing_drop_out``) when known."""
        rows = [
            {
                "registrant": e.name,
                "selected": e.selected,
                "reasons": "; ".join(e.reasons),
                "forcing_objective_change": (
                    e.forcing_cost.objective_change if e.forcing_cost else None
                ),
                "forcing_drop_out": e.forcing_cost.drop_out if e.forcing_cost else (),
            }
            for e in self.proposal.selection
        ]
        return pd.DataFrame(rows, columns=SELECTION)

    def checks(self) -> pd.DataFrame:
        """Every rule of the rule table on this proposal (the report's "Controle"):
        ``key``, ``label``, ``kind`` (hard/penalised/warning), ``stage``, ``hard``,
        ``ok``, ``message`` and ``names``; one row per violation, one row with
        ``ok=True`` and an empty message for a rule that holds."""
        facts = proposal_facts(
            self.proposal, self.output.registrations, self.config, self.output.met_before
        )
        rows = []
        for rule in rules_in_display_order():
            if not self.proposal.clubs and rule.stage is not Stage.SELECTION:
                continue
            head = {
                "key": rule.key,
                "label": rule.label,
                "kind": rule.kind.name.lower(),
                "stage": rule.stage.name.lower(),
                "hard": rule.hard,
            }
            found = list(rule.check(facts))
            rows += [head | {"ok": False, "message": v.message, "names": v.names} for v in found]
            if not found:
                rows.append(head | {"ok": True, "message": "", "names": ()})
        return pd.DataFrame(rows, columns=CHECK)

    def quality(self) -> pd.DataFrame:
        """One row (indexed by :attr:`label`, so runs concatenate into a table):
        the matching's ``status``, ``objective``, ``bound``, ``gap``,
        ``baseline`` (the simple layout's score), ``deterministic_time``; the
        selection's ``selection_status`` and ``selection_objective``; the counts
        ``selected``, ``clubs``, ``sessions``; and ``hard_rules_ok``."""
        p = self.proposal
        q, sq = p.quality, p.selection_quality
        checks = self.checks()
        row = {
            "status": q.status.value,
            "objective": q.objective,
            "bound": q.bound,
            "gap": q.gap,
            "baseline": q.baseline_objective,
            "deterministic_time": q.deterministic_time,
            "selection_status": sq.status.value if sq else None,
            "selection_objective": sq.objective if sq else None,
            "selected": len(p.selected),
            "clubs": len(p.clubs),
            "sessions": sum(len(r.sessions) for r in p.rounds),
            "hard_rules_ok": bool(checks[checks["hard"]]["ok"].all()),
        }
        return pd.DataFrame([row], index=pd.Index([self.label], name="run"))

    # --- files ------------------------------------------------------------------

    def save(self, out_dir: Path | str, *, force: bool = False) -> list[Path]:
        """Write the files ``leernetwerk run`` writes (proposal.json, proposal.xlsx,
        report.html, cycle.toml, run.json) into a new or empty folder, all or
        nothing; ``force`` replaces the output in a non-empty folder. A run with
        overrides writes its whole effective cycle.toml, so it can be rerun."""
        target = Path(out_dir)
        protected = tuple(p for p in (self.inputs.workbook, self.inputs.cycle_path) if p)
        check_out_dir(target, force=force, inputs=protected)
        return write_run(self.output, target, force=force, inputs=protected)


def _criterion_row(c: Any) -> dict[str, Any]:
    return {
        "key": c.key,
        "label": c.label,
        "weight": c.weight,
        "raw": c.raw,
        "contribution": c.contribution,
    }


@dataclass(frozen=True)
class Differences:
    """What differs between two runs A and B, as tables (made by :func:`compare`)."""

    comparison: Comparison
    """The comparison itself (:mod:`leernetwerk.compare`), as ``leernetwerk compare``."""
    moves: pd.DataFrame
    """Participants whose club differs: ``participant``, ``club_a``, ``club_b``
    (missing: not selected in that run)."""
    selection: pd.DataFrame
    """Registrants selected in only one run: ``registrant``, ``selected_in`` (a/b)."""
    partners: pd.DataFrame
    """Per round, participants whose session partners differ: ``round``,
    ``participant``, ``partners_a``, ``partners_b``."""
    scores: pd.DataFrame
    """Per criterion: ``key``, ``label``, ``weight_a``/``weight_b``, ``raw_a``/``raw_b``,
    ``contribution_a``/``contribution_b``, ``difference``, and the difference split
    into ``by_weight`` and ``by_layout`` (:func:`leernetwerk.compare.weight_effect`)."""
    quality: pd.DataFrame
    """Every quality figure: ``figure`` (Dutch), ``a``, ``b``, ``changed``."""

    def text(self) -> str:
        """The comparison as ``leernetwerk compare`` prints it (Dutch)."""
        return render_comparison(self.comparison)

    def __repr__(self) -> str:
        c = self.comparison
        return (
            f"<Differences {c.a} → {c.b}: {len(self.moves)} club moves, "
            f"{len(self.partners)} partner changes, objective "
            f"{c.scores.total_before} → {c.scores.total_after}>"
        )


def compare(a: Result, b: Result) -> Differences:
    """Who moved and how the score changed between run ``a`` and run ``b``.

    >>> study = load("examples/pilot-2025/aanmeldingen.xlsx",
    ...              "examples/pilot-2025/cycle.toml")
    >>> base = study.run()
    >>> compare(base, base).moves.empty
    True
    """
    c = compare_proposals(a.proposal, b.proposal, a_name=a.label, b_name=b.label)
    moves = pd.DataFrame(
        {
            "participant": [m.name for m in c.club_moves],
            "club_a": pd.array([m.before for m in c.club_moves], dtype="Int64"),
            "club_b": pd.array([m.after for m in c.club_moves], dtype="Int64"),
        }
    )
    selection = pd.DataFrame(
        [{"registrant": n, "selected_in": "a"} for n in c.selected_out]
        + [{"registrant": n, "selected_in": "b"} for n in c.selected_in],
        columns=["registrant", "selected_in"],
    )
    partners = pd.DataFrame(
        [
            {"round": p.round, "participant": p.name, "partners_a": p.before, "partners_b": p.after}
            for p in c.partner_changes
        ],
        columns=["round", "participant", "partners_a", "partners_b"],
    )
    score_rows = []
    for x in c.scores.criteria:
        split = weight_effect(x)
        score_rows.append(
            {
                "key": x.key,
                "label": x.label,
                "weight_a": x.weight_before,
                "weight_b": x.weight_after,
                "raw_a": x.raw_before,
                "raw_b": x.raw_after,
                "contribution_a": x.before,
                "contribution_b": x.after,
                "difference": x.difference,
                "by_weight": split[0] if split else None,
                "by_layout": split[1] if split else None,
            }
        )
    quality = pd.DataFrame(
        [{"figure": f.label, "a": f.before, "b": f.after, "changed": f.changed} for f in c.quality],
        columns=["figure", "a", "b", "changed"],
    )
    return Differences(
        comparison=c,
        moves=moves,
        selection=selection,
        partners=partners,
        scores=pd.DataFrame(score_rows, columns=SCORE_CHANGE),
        quality=quality,
    )
