"""The rule table: every hard rule and penalty of a layout, declared once.

Each :class:`Rule` names its key, its Dutch label, its kind (hard, penalised
with a weight from ``cycle.toml``, or a warning), the functions that add it
to the CP-SAT club and session models (:mod:`matching.club_rules`,
:mod:`matching.session_rules`), its plain-Python check
(:mod:`matching.checks`) and the Dutch advice when it takes part in a
conflict. The models, :func:`check_layout` (used by the engine's self-check,
``leernetwerk check`` and the report's "Controle"), the conflict explanations
and ``docs/rules.md`` all loop over :data:`RULES`; a violation carries its
rule key, and advice is looked up by key, never by message text.

Soft criteria (what a layout scores) are in :mod:`matching.criteria`; the
penalised rules here add to that score with a negative weight and appear in
the breakdown (:mod:`matching.scoring`).

The order of the table is the order in which the models add the rules
(club model: balance, club pins, hosts; session model: attendance, pairs,
hosts, then pins), which keeps every solve identical to the order it was
measured with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from leernetwerk.proposal import Layout
from matching import checks, club_rules, session_rules
from matching.checks import LayoutFacts, Violation
from matching.errors import RuleConflict

if TYPE_CHECKING:
    from matching.clubs import ClubModel
    from matching.sessions import SessionModel


class RuleKind(StrEnum):
    HARD = "hard"
    """Never broken by the engine; a layout that breaks it is not acceptable."""
    PENALISED = "hard tenzij onmogelijk"
    """Held whenever possible: a weighted penalty in the objective, reported when broken."""
    WARNING = "waarschuwing"
    """Checked and reported, not part of the objective."""


class Stage(StrEnum):
    SELECTION = "selectie"
    CLUBS = "clubs"
    SESSIONS = "bijeenkomsten"


PIN_ADVICE = "laat één van de genoemde pins vallen of pas hem aan in cycle.toml ([pins])"


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    """Dutch name, as the report and ``check`` show it."""
    kind: RuleKind
    stage: Stage
    check: Callable[[LayoutFacts], Iterable[Violation]]
    clubs: Callable[[ClubModel], list[tuple[Any, float]]] | None = None
    """Adds the rule to the club model; returns its objective terms."""
    sessions: Callable[[SessionModel], list[tuple[Any, int]]] | None = None
    """Adds the rule to the session model; returns its objective terms."""
    model: str = ""
    """Where the rule is enforced when not by ``clubs``/``sessions`` (documentation)."""
    weight: str | None = None
    """Weight key in cycle.toml (penalised rules), e.g. ``sessions.met_before``."""
    advice: tuple[str, ...] = ()
    """Dutch advice when this rule takes part in a conflict."""

    @property
    def hard(self) -> bool:
        return self.kind is RuleKind.HARD

    def weight_value(self, config: CycleConfig) -> float:
        if self.weight is None:
            return 0.0
        section, name = self.weight.split(".")
        return float(getattr(getattr(config.weights, section), name))


RULES: tuple[Rule, ...] = (
    Rule(
        "places",
        "Niet meer deelnemers dan plaatsen",
        RuleKind.HARD,
        Stage.SELECTION,
        checks.places,
        model="selectiemodel (matching.selection)",
        advice=("verhoog [cycle] places in cycle.toml of selecteer minder deelnemers",),
    ),
    Rule(
        "selection_pins",
        "Vastgelegde selectiekeuzes",
        RuleKind.HARD,
        Stage.SELECTION,
        checks.selection_pins,
        model="selectiemodel (matching.selection)",
        advice=(PIN_ADVICE,),
    ),
    Rule(
        "in_one_club",
        "Elke deelnemer in precies één club",
        RuleKind.HARD,
        Stage.CLUBS,
        checks.in_one_club,
        model="groeperingskern: één groep per element (matching.grouping)",
    ),
    Rule(
        "club_size",
        "Clubgrootte",
        RuleKind.HARD,
        Stage.CLUBS,
        checks.club_size,
        model="groeperingskern: groepsgrenzen (matching.grouping, matching.club_sizes)",
        advice=(
            "verander de clubgrootte in cycle.toml ([clubs] min_size/max_size), "
            "of selecteer meer of minder deelnemers",
        ),
    ),
    Rule(
        "club_balance",
        "Evenwicht tekort/overschot per club",
        RuleKind.HARD,
        Stage.CLUBS,
        checks.club_balance,
        clubs=club_rules.club_balance,
        advice=("verruim [clubs] balance_tolerance in cycle.toml",),
    ),
    Rule(
        "pin_club",
        "Pin: deelnemer in een bepaalde club",
        RuleKind.HARD,
        Stage.CLUBS,
        checks.pin_club,
        clubs=club_rules.pin_club,
        advice=(PIN_ADVICE,),
    ),
    Rule(
        "pin_apart",
        "Pin: nooit samen",
        RuleKind.HARD,
        Stage.CLUBS,
        checks.pin_apart,
        clubs=club_rules.pin_apart,
        model="en: bijeenkomsten met het paar worden niet overwogen (matching.sessions)",
        advice=(PIN_ADVICE,),
    ),
    Rule(
        "session_size",
        "Grootte van een bijeenkomst",
        RuleKind.HARD,
        Stage.SESSIONS,
        checks.session_size,
        model="alleen bijeenkomsten van de toegestane grootte worden overwogen (matching.sessions)",
        advice=("verander [sessions] min_size/max_size in cycle.toml",),
    ),
    Rule(
        "one_session_per_round",
        "Eén bijeenkomst per deelnemer per ronde",
        RuleKind.HARD,
        Stage.SESSIONS,
        checks.one_session_per_round,
        sessions=session_rules.one_session_per_round,
        advice=("verander [sessions] min_size/max_size, of de clubindeling (pins op clubs)",),
    ),
    Rule(
        "session_in_club",
        "Bijeenkomst binnen de eigen club",
        RuleKind.HARD,
        Stage.SESSIONS,
        checks.session_in_club,
        model="bijeenkomsten worden per club gevormd (matching.engine)",
    ),
    Rule(
        "no_repeated_pair",
        "Geen paar twee keer samen",
        RuleKind.HARD,
        Stage.SESSIONS,
        checks.no_repeated_pair,
        sessions=session_rules.no_repeated_pair,
        advice=("of verander de clubindeling (pins op clubs)",),
    ),
    Rule(
        "session_host",
        "Geldige host in elke bijeenkomst",
        RuleKind.HARD,
        Stage.SESSIONS,
        checks.session_host,
        sessions=session_rules.session_host,
        model="en: de host wordt gekozen uit wie mag hosten (matching.sessions.assign_hosts)",
        advice=("vraag meer deelnemers om te hosten ('Host mogelijk' = ja in de aanmeldingen)",),
    ),
    Rule(
        "host_twice",
        "Enige mogelijke host van twee bijeenkomsten (straf)",
        RuleKind.PENALISED,
        Stage.SESSIONS,
        checks.host_twice,
        sessions=session_rules.host_twice,
        weight="sessions.host_twice",
    ),
    Rule(
        "met_before",
        "Eerder ontmoet (straf)",
        RuleKind.PENALISED,
        Stage.SESSIONS,
        checks.met_before,
        sessions=session_rules.met_before,
        weight="sessions.met_before",
    ),
    Rule(
        "pin_together",
        "Pin: samen in een bijeenkomst",
        RuleKind.HARD,
        Stage.SESSIONS,
        checks.pin_together,
        clubs=club_rules.pin_together,
        sessions=session_rules.pin_together,
        advice=(PIN_ADVICE,),
    ),
    Rule(
        "club_hosts",
        "Genoeg hosts per club",
        RuleKind.HARD,
        Stage.CLUBS,
        checks.club_hosts,
        clubs=club_rules.club_hosts,
        advice=("vraag meer deelnemers om te hosten ('Host mogelijk' = ja in de aanmeldingen)",),
    ),
    Rule(
        "host_shortfall",
        "Een eigen host voor elke bijeenkomst (straf)",
        RuleKind.PENALISED,
        Stage.CLUBS,
        checks.host_shortfall,
        clubs=club_rules.host_shortfall,
        weight="clubs.host_shortfall",
    ),
    Rule(
        "pin_host",
        "Pin: host in een ronde",
        RuleKind.HARD,
        Stage.SESSIONS,
        checks.pin_host,
        sessions=session_rules.pin_host,
        model="en: vastgezet in de hosttoewijzing (matching.sessions.assign_hosts)",
        advice=(PIN_ADVICE,),
    ),
    Rule(
        "host_rotation",
        "Niemand twee keer host",
        RuleKind.WARNING,
        Stage.SESSIONS,
        checks.host_rotation,
        model="hosttoewijzing minimaliseert dubbel hosten (matching.sessions.assign_hosts)",
    ),
)
"""Every layout rule once, in model order (see the module docstring)."""

BY_KEY: Mapping[str, Rule] = {rule.key: rule for rule in RULES}

GENERAL_ADVICE = {
    Stage.CLUBS: "of verander de clubgrootte ([clubs] min_size/max_size)",
    Stage.SESSIONS: "of verander [sessions] min_size/max_size, of de clubindeling (pins op clubs)",
}


def rules_in_display_order() -> list[Rule]:
    """Selection, then club, then session rules (table order within a stage)."""
    order = list(Stage)
    return sorted(RULES, key=lambda rule: order.index(rule.stage))


def check_layout(
    layout: Layout,
    participants: Mapping[str, Registration],
    config: CycleConfig,
    met_before: Iterable[frozenset[str]] = (),
    *,
    selected: Sequence[str] | None = None,
    registrations: Mapping[str, Registration] | None = None,
) -> list[Violation]:
    """Every broken rule of a layout, with the names involved (Dutch), rule by rule
    in display order. Selection rules are checked when ``selected`` is given."""
    facts = LayoutFacts(
        layout=layout,
        participants=participants,
        config=config,
        met_before=frozenset(met_before),
        selected=tuple(selected) if selected is not None else None,
        registrations=registrations or {},
    )
    return list(violations(facts))


def violations(facts: LayoutFacts) -> Iterator[Violation]:
    for rule in rules_in_display_order():
        for v in rule.check(facts):
            yield Violation(v.rule, v.message, v.names, hard=rule.hard)


def advice_for(conflict: RuleConflict) -> list[str]:
    """What to relax, in Dutch, for the rules named in a conflict (looked up by key),
    then the general advice of the conflicting stage."""
    advice = [a for key in conflict.keys for a in BY_KEY[key].advice]
    if conflict.stage:
        advice.append(GENERAL_ADVICE[Stage(conflict.stage)])
    return list(dict.fromkeys(advice))
