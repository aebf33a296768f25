"""Reasons as data: the codes and the Dutch sentences people read.

The selection engine (:mod:`matching.selection_explain`) records every
decision as :class:`~leernetwerk.proposal.Reason` values: a stable code from
:class:`Code` and its facts, the deciding one first. This module turns them
into at most two short Dutch sentences (≤ :data:`MAX_CHARS` characters) that
name the deciding fact, without solver terms; the proposal, the reports and
the letters all show these same sentences. docs/selection.md lists every code
and its facts.

Bottom layer: imports only :mod:`leernetwerk.proposal`, so both ``matching``
and the writers in ``leernetwerk`` can use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from leernetwerk.proposal import Fact, Reason

MAX_CHARS = 300
"""Longest reason text (both sentences together)."""

DEFICIT = "tekort"
OTHER = "overschot/neutraal"


class Code(StrEnum):
    """Every reason code. Values are what ``proposal.json`` holds; never rename one."""

    # not selectable
    INCOMPLETE = "incomplete"
    EXCLUDED = "excluded"
    # selected
    PINNED = "pinned"
    ALL_FIT = "all_fit"
    PRIORITY = "safety_net_priority"
    ONLY_IN = "only_in"
    BALANCE_SIDE = "balance_side"
    LATE_PLACES_LEFT = "late_places_left"
    ORGANISATION_PLACES = "organisation_places"
    # rejected: the deciding rule
    ALREADY_REPRESENTED = "already_represented"
    LATE_NO_PLACES = "late_no_places"
    LOWER_PRIORITY = "lower_priority"
    TIE = "tie"
    BALANCE_FULL = "balance_full"
    WORSE = "worse_selection"
    PLACES_TAKEN = "places_taken"
    NOT_PROVEN = "not_proven"
    # rejected or selected: further facts
    LATE = "late"
    EARLIER = "earlier_participation"
    OTHER_SIDE = "other_side_blocked"
    # a run on a decided selection (match --selection, run with a decided selection)
    DECIDED = "selection_decision"
    # what if a rejected one is forced in
    FORCED = "forced"
    FORCED_UNBALANCED = "forced_unbalanced"
    FORCED_APPROXIMATE = "forced_approximate"
    FORCED_IMPOSSIBLE = "forced_impossible"
    FORCED_NOT_COMPUTED = "forced_not_computed"
    # matching: why a session has its werkvorm (docs/domain.md §7)
    FORMAT_LEARNER_BRINGER = "format_learner_bringer"
    FORMAT_SMALL_GROUPS = "format_small_groups"
    FORMAT_PLENARY = "format_plenary"


def reason(code: Code, **facts: Fact) -> Reason:
    """A reason with its facts; a trailing underscore is dropped from a fact's name
    (``with_`` → ``with``)."""
    return Reason(code=code.value, facts={key.rstrip("_"): value for key, value in facts.items()})


NET_TEXT = {"aanvullend": "aanvullend vangnet", "regulier": "regulier vangnet", "geen": ""}

CRITERION_CLAUSE = {
    "safety_net_priority": "krijgt een gemeente met meer voorrang (vangnet) geen plaats",
    "deficit_surplus_balance": (
        "raakt de verhouding tussen tekort en overschot/neutraal minder in evenwicht"
    ),
    "province_spread": "is de selectie minder goed gespreid over de provincies",
    "size_spread": "is de selectie minder goed gespreid over de grootteklassen",
    "variant_spread": "is de selectie minder goed gespreid over de uitvoeringsvarianten",
    "earlier_participation": "gaat een plaats van een nieuwe deelnemer naar een eerdere deelnemer",
}
"""Soft criterion name (matching.selection_criteria) → what gets worse, as a Dutch
clause in verb-first order (it follows 'dan' or a leading phrase)."""

ONLY_IN_TEXT = {
    "province": "enige uit {}",
    "size_class": "enige in grootteklasse {}",
    "variant": "enige met uitvoeringsvariant {}",
}


# ------------------------------------------------------------------------------- helpers


def _and(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _text(facts: dict[str, Fact], key: str) -> str:
    value = facts.get(key, "")
    return _and(value) if isinstance(value, tuple) else str(value)


def _names(facts: dict[str, Fact], key: str) -> tuple[str, ...]:
    value = facts.get(key, ())
    return value if isinstance(value, tuple) else (str(value),)


def _int(facts: dict[str, Fact], key: str) -> int:
    value = facts.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def _net(facts: dict[str, Fact], key: str = "safety_net") -> str:
    """'regulier vangnet', or 'geen vangnet' for no safety net."""
    return NET_TEXT.get(_text(facts, key), "") or "geen vangnet"


def _side(facts: dict[str, Fact]) -> str:
    return "een tekort" if _text(facts, "side") == DEFICIT else "een overschot of neutraal saldo"


def _balance(facts: dict[str, Fact]) -> str:
    return f"{_int(facts, 'deficit')} {DEFICIT} tegen {_int(facts, 'other')} {OTHER}"


def _clause(facts: dict[str, Fact]) -> str:
    """What gets worse: the criterion that loses most (the first in ``criteria``)."""
    criteria = _names(facts, "criteria")
    if not criteria:
        return "wordt de selectie minder goed"
    return CRITERION_CLAUSE.get(criteria[0], "wordt de selectie minder goed")


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _fit(sentences: Iterable[str]) -> str:
    """Join sentences, at most two, dropping later ones that would pass MAX_CHARS."""
    kept: list[str] = []
    for s in sentences:
        if not s or len(kept) == 2:
            continue
        candidate = " ".join([*kept, _sentence(s)])
        if len(candidate) <= MAX_CHARS or not kept:
            kept.append(_sentence(s))
    return " ".join(kept)


def _by_code(codes: Iterable[Reason]) -> dict[str, dict[str, Fact]]:
    found: dict[str, dict[str, Fact]] = {}
    for r in codes:
        found.setdefault(r.code, dict(r.facts))
    return found


# ------------------------------------------------------------------------ the sentences


def _deciding_rejected(name: str, r: Reason) -> str:
    f = dict(r.facts)
    code = r.code
    if code == Code.INCOMPLETE:
        missing = _text(f, "missing")
        return "Niet selecteerbaar: de aanmelding is onvolledig" + (
            f" ({missing})" if missing else ""
        )
    if code == Code.EXCLUDED:
        return "Niet geselecteerd: de stuurgroep heeft besloten deze aanmelding niet op te nemen"
    if code == Code.ALREADY_REPRESENTED:
        return (
            f"Niet geselecteerd: {name} doet al mee via {_text(f, 'via')}; "
            "een gemeente neemt maar één keer deel"
        )
    if code == Code.LATE_NO_PLACES:
        return (
            "Niet geselecteerd: te laat aangemeld, en de tijdige aanmeldingen vulden "
            f"alle {_int(f, 'places')} plaatsen"
        )
    if code == Code.LOWER_PRIORITY:
        return (
            f"Niet geselecteerd: {name} ({_net(f)}) heeft minder voorrang dan de gekozen "
            f"gemeenten met {_side(f)}, zoals {_text(f, 'than')} ({_net(f, 'than_safety_net')})"
        )
    if code == Code.TIE:
        other = _text(f, "with")
        if _int(f, "same_priority"):
            lead = f"{name} en {other} hebben dezelfde voorrang ({_net(f)})"
        else:
            lead = f"{name} en {other} passen even goed in de selectie"
        rule = (
            "bij gelijke stand en dezelfde aanmelddatum gaat de naam in alfabetische volgorde voor"
            if _int(f, "same_date")
            else "bij gelijke stand gaat de eerdere aanmelding voor"
        )
        return f"Niet geselecteerd: {lead}; {rule}"
    if code == Code.BALANCE_FULL:
        other = _text(f, "with")
        if other:
            return (
                f"Niet geselecteerd: {name} kan de plaats van {other} niet innemen zonder het "
                f"evenwicht te verstoren (dan {_balance(f)})"
            )
        return (
            f"Niet geselecteerd: de plaatsen voor gemeenten met {_side(f)} zijn vol; met "
            f"{name} erbij wordt het {_balance(f)}"
        )
    if code == Code.WORSE:
        other = _text(f, "with")
        first = _names(f, "criteria")[:1]
        if first == ("safety_net_priority",) and other:
            return (
                f"Niet geselecteerd: {other} ({_net(f, 'with_safety_net')}) heeft meer voorrang "
                f"dan {name} ({_net(f)})"
            )
        if first == ("earlier_participation",) and _text(f, "cycles"):
            instead = f", zoals {other}" if other else ""
            return (
                f"Niet geselecteerd: {name} deed eerder mee ({_text(f, 'cycles')}); wie nog "
                f"niet meedeed, gaat voor{instead}"
            )
        where = f"met {name} in plaats van {other}" if other else f"met {name} erbij"
        return f"Niet geselecteerd: {where} {_clause(f)}"
    if code == Code.PLACES_TAKEN:
        return (
            "Niet geselecteerd: alle plaatsen zijn vergeven aan aanmeldingen die de stuurgroep "
            "vastzette of die voorgaan"
        )
    if code == Code.NOT_PROVEN:
        return (
            f"Niet geselecteerd, hoewel de selectie met {name} iets beter lijkt; de berekening "
            "kon dat binnen de rekentijd niet uitsluiten"
        )
    return "Niet geselecteerd"


def _secondary(name: str, found: dict[str, dict[str, Fact]]) -> str:
    if Code.LATE in found:
        return "Te laat aangemeld: tijdige aanmeldingen gingen voor"
    if Code.EARLIER in found:
        return (
            f"{name} deed eerder mee ({_text(found[Code.EARLIER], 'cycles')}); "
            "wie nog niet meedeed, gaat voor"
        )
    if Code.OTHER_SIDE in found:
        f = found[Code.OTHER_SIDE]
        if not _int(f, "blocked"):
            return f"Ook in plaats van {_text(f, 'with')} ({_net(f)}) past {name} minder goed"
        return (
            f"Ook de plaats van {_text(f, 'with')} ({_net(f)}) innemen kan niet: dan raakt het "
            "evenwicht tussen tekort en overschot/neutraal zoek"
        )
    return ""


def _selected(name: str, codes: Sequence[Reason]) -> str:
    found = _by_code(codes)
    first: list[str] = []
    if Code.PINNED in found:
        first.append("de stuurgroep heeft besloten deze aanmelding op te nemen")
    elif Code.ALL_FIT in found:
        places = _int(found[Code.ALL_FIT], "places")
        first.append(f"alle volledige aanmeldingen passen binnen de {places} plaatsen")
    if Code.PRIORITY in found and not first:
        first.append(f"voorrang door {_net(found[Code.PRIORITY])}")
    only = [
        ONLY_IN_TEXT[_text(r.facts, "attribute")].format(_text(r.facts, "value"))
        for r in codes
        if r.code == Code.ONLY_IN and _text(r.facts, "attribute") in ONLY_IN_TEXT
    ]
    first.extend(only[: max(0, 2 - len(first))])
    if not first and Code.BALANCE_SIDE in found:
        f = found[Code.BALANCE_SIDE]
        deficit = _text(f, "side") == DEFICIT
        own, others = (
            (_int(f, "deficit"), _int(f, "other"))
            if deficit
            else (_int(f, "other"), _int(f, "deficit"))
        )
        side = "tekort" if deficit else "overschot of neutraal"
        if own <= others + 1:
            first.append(f"saldo {side}, voor het evenwicht in de selectie ({_balance(f)})")
        else:
            first.append(f"saldo {side}; de selectie telt {_balance(f)}")
    lead = "Geselecteerd: " + _and(first) if first else "Geselecteerd"
    notes = []
    if Code.ORGANISATION_PLACES in found:
        places = _int(found[Code.ORGANISATION_PLACES], "places")
        notes.append(f"neemt als uitvoeringsorganisatie {places} plaatsen in")
    if Code.LATE_PLACES_LEFT in found:
        notes.append("te laat aangemeld, maar er waren plaatsen over")
    if Code.EARLIER in found:
        notes.append(f"deed eerder mee ({_text(found[Code.EARLIER], 'cycles')})")
    return _fit([lead, "; ".join(notes)])


def render_selection(name: str, selected: bool, codes: Sequence[Reason]) -> str:
    """The Dutch reason for one registrant: one or two sentences, deciding fact first."""
    if codes and codes[0].code == Code.DECIDED:
        lead = "Geselecteerd" if selected else "Niet geselecteerd"
        return f"{lead}: overgenomen uit de vastgestelde selectie van de stuurgroep."
    if selected:
        return _selected(name, codes)
    if not codes:
        return "Niet geselecteerd."
    deciding = codes[0]
    found = _by_code(codes[1:])
    if deciding.code == Code.INCOMPLETE:
        return _fit(
            [
                _deciding_rejected(name, deciding),
                "Bovendien te laat aangemeld" if Code.LATE in found else "",
            ]
        )
    if deciding.code in (Code.EXCLUDED, Code.ALREADY_REPRESENTED, Code.LATE_NO_PLACES):
        return _fit([_deciding_rejected(name, deciding)])
    found.pop(deciding.code, None)
    if deciding.code == Code.WORSE and _text(deciding.facts, "cycles"):
        found.pop(Code.EARLIER, None)  # already the deciding fact
    return _fit([_deciding_rejected(name, deciding), _secondary(name, found)])


def render_what_if(name: str, codes: Sequence[Reason]) -> str:
    """What happens if a rejected registrant is forced in, in one or two Dutch sentences."""
    found = _by_code(codes)
    if Code.FORCED_NOT_COMPUTED in found:
        return _fit(
            [
                f"Niet doorgerekend wat er gebeurt als {name} toch meedoet: de rekentijd "
                "daarvoor was op"
            ]
        )
    if Code.FORCED_IMPOSSIBLE in found:
        return _fit(
            [
                f"{name} kan er niet bij zonder een besluit van de stuurgroep (een "
                "vastgezette keuze) terug te draaien"
            ]
        )
    f = found.get(Code.FORCED, {})
    drop = _names(f, "drop_out")
    if not drop:
        lead = f"Als {name} toch meedoet, hoeft niemand af te vallen"
    elif len(drop) == 1:
        lead = f"Als {name} toch meedoet, valt {drop[0]} af"
    else:
        lead = f"Als {name} toch meedoet, vallen {_and(list(drop))} af"
    change = f.get("change", 0)
    change = change if isinstance(change, int | float) else 0
    if Code.FORCED_UNBALANCED in found:
        u = found[Code.FORCED_UNBALANCED]
        effect = (
            f"het verschil tussen tekort en overschot/neutraal wordt dan {_int(u, 'difference')} "
            f"(afgesproken: hoogstens {_int(u, 'tolerance')})"
        )
    elif change < 0:
        effect = f"dan {_clause(f)}"
    elif change > 0 and _int(f, "late"):
        effect = (
            "dat past op zich beter, maar een te late aanmelding krijgt alleen een plaats die "
            "tijdige aanmeldingen niet vullen"
        )
    elif change > 0:
        effect = "de selectie wordt daar zelfs iets beter van; de eerste berekening was niet af"
    else:
        effect = "de selectie wordt daar niet slechter van"
    approximate = (
        "Dit is een schatting: de rekentijd was te kort om het zeker te weten"
        if Code.FORCED_APPROXIMATE in found
        else ""
    )
    return _fit([f"{lead}; {effect}", approximate])


def render_session_format(codes: Sequence[Reason]) -> str:
    """Why a session has its werkvorm, in Dutch (the text of ``Session.reason``)."""
    found = _by_code(codes)
    if Code.FORMAT_LEARNER_BRINGER in found:
        f = found[Code.FORMAT_LEARNER_BRINGER]
        a, b = _text(f, "learner"), _text(f, "bringer")
        return (
            f"{a} leert van {b} over {_text(f, 'theme')}, "
            f"{b} leert van {a} over {_text(f, 'other_theme')}"
        )
    if Code.FORMAT_SMALL_GROUPS in found:
        return "de thema's zijn gedeeld, maar de leervragen zijn nog in ontwikkeling (lage scores)"
    if Code.FORMAT_PLENARY in found:
        theme = _text(found[Code.FORMAT_PLENARY], "theme")
        return f"gezamenlijk hoofdthema '{theme}', verdieping per rol"
    return ""
