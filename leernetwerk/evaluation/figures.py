"""The figures of ``evaluatie.json``, computed from the evaluation workbook.

Every figure is defined in docs/evaluatie.md; this module is that definition
in code. Means are rounded to two decimals, shares to four; a mean over no
values is ``None`` (shown as "–").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from statistics import fmean
from typing import Any

from leernetwerk.documents.cycle_data import CycleData
from leernetwerk.domain import BRINGER_SCORES, LEARNER_SCORES, Registration
from leernetwerk.evaluation import model as m
from leernetwerk.evaluation.network import NetworkInput, network_figures, pairs_of
from leernetwerk.evaluation.reader import EvaluationInput, Rating, SessionReport
from leernetwerk.history import History

FIGURES_VERSION = 1
MIX_MIXED = "gemengd (tekort + overschot/neutraal)"
MIX_SAME = "zelfde saldo"
LEARNER_BRINGER = "haler–brenger op een thema"
NO_LEARNER_BRINGER = "geen haler–brenger"
SHARED_FIRST = "gedeelde eerste keus"
NO_SHARED_FIRST = "geen gedeelde eerste keus"


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(fmean(values), 2) if values else None


def rating_stats(values: Iterable[int]) -> dict[str, Any]:
    values = list(values)
    distribution = {str(v): values.count(v) for v in range(m.RATING_MIN, m.RATING_MAX + 1)}
    return {"n": len(values), "mean": mean(values), "distribution": distribution}


def group(
    ratings: list[Rating], keys: Iterable[str], key_of: Callable[[Rating], Iterable[str]]
) -> list[dict[str, Any]]:
    """Usefulness per key; a rating counts once for every key ``key_of`` gives it."""
    buckets: dict[str, list[int]] = {key: [] for key in keys}
    for rating in ratings:
        for key in key_of(rating):
            if rating.useful is not None:
                buckets.setdefault(key, []).append(rating.useful)
    return [{"key": key, **rating_stats(values)} for key, values in buckets.items()]


def mix_of(planned: m.PlannedSession, registrations: dict[str, Registration]) -> str:
    deficit = {registrations[n].balance.is_deficit for n in planned.members if n in registrations}
    return MIX_MIXED if len(deficit) == 2 else MIX_SAME


def learner_bringer(planned: m.PlannedSession, registrations: dict[str, Registration]) -> bool:
    """Some theme of the session has a member scoring it 1–2 and another scoring it 3–4."""
    for theme in planned.session.themes:
        levels = [
            registrations[n].self_evaluation.level(theme)  # type: ignore[union-attr]
            for n in planned.members
            if n in registrations and registrations[n].self_evaluation is not None
        ]
        if any(v in LEARNER_SCORES for v in levels) and any(v in BRINGER_SCORES for v in levels):
            return True
    return False


def shared_first_choice(planned: m.PlannedSession, registrations: dict[str, Registration]) -> bool:
    """At least two members have the same first-choice theme, and it is a theme of the session."""
    firsts = [registrations[n].first_choice for n in planned.members if n in registrations]
    return any(t is not None and firsts.count(t) >= 2 for t in planned.session.themes)


def _usefulness(data: CycleData, ratings: list[Rating]) -> dict[str, Any]:
    regs = data.registrations
    planned = m.planned_sessions(data.proposal)
    scored = [r for r in ratings if r.useful is not None]
    formats = dict.fromkeys(p.session.format.label for p in planned)
    sizes = dict.fromkeys(str(s) for s in sorted({p.size for p in planned}))
    mixes = dict.fromkeys(sorted({mix_of(p, regs) for p in planned}))
    return {
        **rating_stats(r.useful for r in scored if r.useful is not None),
        "by_format": group(scored, formats, lambda r: [r.planned.session.format.label]),
        "by_theme": group(scored, data.config.catalogue.names, lambda r: r.planned.session.themes),
        "by_size": group(scored, sizes, lambda r: [str(r.planned.size)]),
        "by_club": group(
            scored, [str(c.id) for c in data.proposal.clubs], lambda r: [str(r.planned.club)]
        ),
        "by_mix": group(scored, mixes, lambda r: [mix_of(r.planned, regs)]),
        "by_round": group(
            scored, [str(r.round) for r in data.proposal.rounds], lambda r: [str(r.planned.round)]
        ),
    }


def growth_pairs(
    data: CycleData, end_scores: dict[str, dict[str, int]]
) -> Iterator[tuple[str, str, float, int]]:
    """(participant, theme, start, end) where both scores are 1–4 (0 = n.v.t. left out)."""
    for name, scores in end_scores.items():
        registration = data.registrations.get(name)
        if registration is None:
            continue
        for theme, end in scores.items():
            start = registration.score(theme)
            if start >= 1 and 1 <= end <= 4:
                yield name, theme, start, end


def _growth(values: list[tuple[float, int]]) -> dict[str, Any]:
    return {"n": len(values), "growth": mean(end - start for start, end in values)}


def _themes(data: CycleData, end_scores: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    pairs = list(growth_pairs(data, end_scores))
    rows = []
    for theme in data.config.catalogue.names:
        found = [(name, start, end) for name, t, start, end in pairs if t == theme]
        deficit = [(s, e) for n, s, e in found if data.registrations[n].balance.is_deficit]
        other = [(s, e) for n, s, e in found if not data.registrations[n].balance.is_deficit]
        rows.append(
            {
                "theme": theme,
                "n": len(found),
                "mean_start": mean(s for _, s, _ in found),
                "mean_end": mean(e for _, _, e in found),
                "growth": mean(e - s for _, s, e in found),
                "deficit": _growth(deficit),
                "other": _growth(other),
            }
        )
    return rows


def _chosen(data: CycleData, end_scores: dict[str, dict[str, int]]) -> dict[str, Any]:
    chosen: list[tuple[float, int]] = []
    other: list[tuple[float, int]] = []
    for name, theme, start, end in growth_pairs(data, end_scores):
        is_chosen = data.registrations[name].theme_rank(theme) is not None
        (chosen if is_chosen else other).append((start, end))
    return {"chosen": _growth(chosen), "other": _growth(other)}


def _sessions(data: CycleData, evaluation: EvaluationInput) -> dict[str, Any]:
    planned = m.planned_sessions(data.proposal)
    reports = evaluation.sessions
    held = [reports.get(p.key) and reports[p.key].held for p in planned]
    attendance = []
    for p in planned:
        report: SessionReport | None = reports.get(p.key)
        present = report.present if report else {}
        functions = report.functions if report else {}
        useful = [
            r.useful
            for r in evaluation.ratings
            if r.planned.key == p.key and r.useful is not None and report and report.took_place
        ]
        attendance.append(
            {
                "club": p.club,
                "round": p.round,
                "session": p.number,
                "members": list(p.members),
                "themes": list(p.session.themes),
                "format": p.session.format.label,
                "held": report.held if report else None,
                "date": report.date.isoformat() if report and report.date else None,
                "usefulness": mean(useful),
                "present": sum(present.values()),
                "functions": sorted({f for fs in functions.values() for f in fs}),
                "by_member": [
                    {"name": n, "present": present.get(n), "functions": list(functions.get(n, ()))}
                    for n in p.members
                ],
            }
        )
    return {
        "planned": len(planned),
        "held": sum(1 for h in held if h in m.TOOK_PLACE),
        "moved": held.count(m.HELD_MOVED),
        "cancelled": held.count(m.HELD_NO),
        "not_reported": sum(1 for h in held if h is None),
        "attendance": attendance,
    }


def _reflections(data: CycleData, evaluation: EvaluationInput) -> list[dict[str, Any]]:
    rows = []
    for club in data.proposal.clubs:
        received = [
            n
            for n in club.members
            if n in evaluation.reflections and evaluation.reflections[n].report is not None
        ]
        cards = [
            n
            for n in club.members
            if n in evaluation.reflections and evaluation.reflections[n].cards
        ]
        rows.append(
            {
                "club": club.id,
                "expected": len(club.members),
                "received": len(received),
                "missing": [n for n in club.members if n not in received],
                "learning_cards": len(cards),
            }
        )
    return rows


def _promised(data: CycleData, ratings: list[Rating]) -> list[dict[str, Any]]:
    regs = data.registrations
    rows = []
    for yes, no, test in (
        (LEARNER_BRINGER, NO_LEARNER_BRINGER, learner_bringer),
        (SHARED_FIRST, NO_SHARED_FIRST, shared_first_choice),
    ):
        for label, wanted in ((yes, True), (no, False)):
            values = [
                r.useful
                for r in ratings
                if r.useful is not None and test(r.planned, regs) is wanted
            ]
            rows.append({"match": label, "n": len(values), "mean": mean(values)})
    return rows


def _network(data: CycleData, evaluation: EvaluationInput, history: History) -> dict[str, Any]:
    participants = data.proposal.layout.club_of()
    met_now: set[frozenset[str]] = set()
    reached: set[str] = set()
    for report in evaluation.sessions.values():
        if not report.took_place:
            continue
        there = [n for n in report.planned.members if report.present.get(n) != 0]
        reached.update(there)
        met_now |= pairs_of(there)
    return network_figures(
        NetworkInput(
            participants=participants,
            met_now=met_now,
            met_before=set(history.met_pairs),
            reached=reached,
            registrations=list(data.registrations.values()),
        )
    )


def _open_items(data: CycleData, figures: dict[str, Any], evaluation: EvaluationInput) -> list[str]:
    items = []
    unreported = [
        f"club {a['club']} ronde {a['round']} sessie {a['session']}"
        for a in figures["sessions"]["attendance"]
        if a["held"] is None
    ]
    if unreported:
        items.append(
            f"nog niet gemeld of ze zijn gehouden ({len(unreported)} leerbijeenkomsten): "
            + ", ".join(unreported)
        )
    for club in figures["reflections"]:
        if club["missing"]:
            items.append(
                f"club {club['club']}: reflectieverslag nog niet ontvangen van "
                + ", ".join(club["missing"])
            )
    unrated = []
    rated = {(r.planned.key, r.participant) for r in evaluation.ratings if r.useful is not None}
    for report in evaluation.sessions.values():
        if report.took_place:
            missing = [n for n in report.planned.members if (report.planned.key, n) not in rated]
            if missing:
                unrated.append(f"{report.planned.label()} ({', '.join(missing)})")
    if unrated:
        items.append("geen cijfer voor 'Nuttig' bij gehouden bijeenkomsten: " + "; ".join(unrated))
    no_end = [n for c in data.proposal.clubs for n in c.members if n not in evaluation.end_scores]
    if no_end:
        items.append("geen zelfevaluatie aan het eind van: " + ", ".join(no_end))
    return items


def compute_figures(
    data: CycleData, evaluation: EvaluationInput, history: History, today: dt.date
) -> dict[str, Any]:
    """Every figure of ``evaluatie.json`` (docs/evaluatie.md)."""
    ratings = evaluation.ratings
    figures: dict[str, Any] = {
        "version": FIGURES_VERSION,
        "cycle": data.config.cycle.name,
        "generated_on": today.isoformat(),
        "decision": data.decision.id,
        "illustrative": evaluation.illustrative,
        "clubs": [{"club": c.id, "members": list(c.members)} for c in data.proposal.clubs],
        "sessions": _sessions(data, evaluation),
        "usefulness": _usefulness(data, ratings),
        "blocks": {
            "block_1": rating_stats(r.block_1 for r in ratings if r.block_1 is not None),
            "block_2": rating_stats(r.block_2 for r in ratings if r.block_2 is not None),
        },
        "themes": _themes(data, evaluation.end_scores),
        "chosen_themes": _chosen(data, evaluation.end_scores),
        "reflections": _reflections(data, evaluation),
        "network": _network(data, evaluation, history),
        "promised": _promised(data, ratings),
        "lessons": [
            {
                "participant": r.participant,
                "club": data.proposal.layout.club_of()[r.participant],
                "text": r.lessons,
            }
            for r in evaluation.reflections.values()
            if r.lessons
        ],
        "earlier_cycles": list(history.cycles),
    }
    figures["open_items"] = _open_items(data, figures, evaluation)
    return figures
