"""Capacity of the executor per cycle (docs/domain.md §10, report §4.3 and appendix E).

Hours per cycle = fixed + per participant × participants, per activity group.
The norms live in :class:`CapacityNorms` with the report's figures as
defaults, including the line items inside each group so every number can be
traced back to the report. All arithmetic is done in :class:`~decimal.Decimal`
so that e.g. 22.8 × 30 is exactly 684 and rounding is half up, as the report
rounds (572 h / 8 = 71.5 → 72 days), never banker's rounding.

The norms are the ``[capacity]`` section of ``cycle.toml``
(``CycleConfig.capacity``; ``leernetwerk capacity --cycle``), or the ``norms``
parameter of :func:`capacity`. The default month placement follows the cycle
table (:mod:`leernetwerk.timeline`): each group's hours fall in the months of
its phase within the cycle year May T+1 … April T+2.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leernetwerk.timeline import MONTHS, MONTHS_SHORT, Phase, cycle_months, work_months

CYCLE_MONTHS: tuple[int, ...] = cycle_months()
"""Months of the cycle year in order: May T+1 … April T+2 (from the cycle table)."""

MONTH_NAMES: dict[int, str] = {number: name for number, name in enumerate(MONTHS_SHORT, start=1)}
"""Short Dutch month names (the keys of ``--json``'s month profile)."""

HOURS_PER_DAY = Decimal(8)
HOURS_PER_WEEK = Decimal(36)
WEEKS_PER_YEAR = Decimal(52)
PRODUCTIVE_SHARE = Decimal("0.7")
HOURS_PER_FTE = HOURS_PER_WEEK * WEEKS_PER_YEAR * PRODUCTIVE_SHARE
"""1310.4 productive hours in one FTE-year (report: 70% productive)."""
HOURS_PER_FTE_MONTH = HOURS_PER_FTE / 12
"""109.2 productive hours in one FTE-month: the staff needed in a month is its hours / 109.2."""

CENT = Decimal("0.01")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LineItem(_Frozen):
    """One line of the report's appendix E inside an activity group."""

    label: str = Field(description="Omschrijving van de post.")
    fixed: Decimal = Field(Decimal(0), ge=0, description="Vaste uren per cyclus.")
    per_participant: Decimal = Field(Decimal(0), ge=0, description="Uren per deelnemer.")


class ActivityGroup(_Frozen):
    """An activity group with its line items and the months its hours fall in."""

    key: str = Field(description="Korte, unieke sleutel van de groep.")
    label: str = Field(description="Naam van de groep in de uitvoer.")
    items: tuple[LineItem, ...] = Field(
        description="De posten, elk { label = omschrijving, fixed = vaste uren, "
        "per_participant = uren per deelnemer }."
    )
    months: tuple[int, ...] = Field(
        description="Maanden (1–12) waarover de uren van de groep gelijk worden verdeeld."
    )

    @model_validator(mode="after")
    def _months_in_cycle(self) -> ActivityGroup:
        if not self.months or any(m not in CYCLE_MONTHS for m in self.months):
            raise ValueError("months moeten maandnummers 1–12 zijn (minstens één)")
        if len(set(self.months)) != len(self.months):
            raise ValueError("een maand staat dubbel in months")
        return self

    @property
    def fixed(self) -> Decimal:
        return sum((item.fixed for item in self.items), Decimal(0))

    @property
    def per_participant(self) -> Decimal:
        return sum((item.per_participant for item in self.items), Decimal(0))

    def hours(self, participants: int) -> Decimal:
        return self.fixed + self.per_participant * participants


def _group(key: str, label: str, months: tuple[int, ...], *items: LineItem) -> ActivityGroup:
    return ActivityGroup(key=key, label=label, items=items, months=months)


def _item(label: str, fixed: str = "0", per_participant: str = "0") -> LineItem:
    return LineItem(label=label, fixed=Decimal(fixed), per_participant=Decimal(per_participant))


EXECUTION_MONTHS = work_months(Phase.EXECUTION)
"""Sep–Mar: start meetings, both rounds of sessions (the report's peak)."""

DEFAULT_GROUPS: tuple[ActivityGroup, ...] = (
    _group(
        "startup",
        "Opstart en werving",
        work_months(Phase.RECRUITMENT),
        _item("Aanvang project, kennismaking en startbijeenkomst", fixed="12"),
        _item("Updaten zelfevaluatieformulier en aanmeldingsformulieren", fixed="8"),
    ),
    _group(
        "selection",
        "Selectie",
        work_months(Phase.SELECTION),
        _item("Beoordelen inschrijvingen op compleetheid", per_participant="1"),
        _item("Quick scan van leervragen en zelfevaluaties", fixed="4", per_participant="0.25"),
        _item("Selectievoorstel op basis van het afwegingskader", per_participant="0.25"),
        _item("Totaalbeeld en voorstel selectie bespreken", fixed="6"),
        _item("Communicatie deelnemers en afwijzingsbrieven", per_participant="0.25"),
    ),
    _group(
        "matching",
        "Matching",
        work_months(Phase.MATCHING),
        _item("Indeling in clubs en leerbijeenkomsten", per_participant="1"),
        _item("Voorstel matching accorderen en aanpassingen doorvoeren", fixed="10"),
        _item("Communicatie deelnemers en inplannen dataslots", per_participant="0.25"),
    ),
    _group(
        "preparation",
        "Voorbereidingsbijeenkomsten",
        EXECUTION_MONTHS,
        _item("Startbijeenkomst per club", per_participant="0.6"),
        _item("Inplannen (voorbereidende) bijeenkomsten", per_participant="0.5"),
        _item("Inhoud en draaiboek per leerbijeenkomst", per_participant="4.4"),
    ),
    _group(
        "sessions",
        "Leerbijeenkomsten",
        EXECUTION_MONTHS,
        _item("Organisatorische zaken rondom leerbijeenkomsten", per_participant="1.6"),
        _item("Uitvoeren leerbijeenkomsten en nazorg", per_participant="11.6"),
        _item("Procesupdate begeleidingscommissie", fixed="6"),
    ),
    _group(
        "closing",
        "Afronding",
        work_months(Phase.CLOSING),
        _item("Terugkommoment per club", per_participant="0.6"),
        _item("Korte rapportage geleerde lessen en leerproces", fixed="4", per_participant="0.5"),
        _item("Algehele evaluatie met de begeleidingscommissie", fixed="10"),
        _item("Kennisverspreiding en communicatie", fixed="16"),
    ),
    _group(
        "management",
        "Projectmanagement, afstemming en overleg",
        work_months(),
        _item("Projectmanagement, afstemming en overleg", fixed="40"),
    ),
)
"""The report's appendix E (totals 116 h fixed + 22.8 h per participant).

Month placement is ours, from the cycle table: the report only says the peak
is Sep–Mar and summer is nearly empty. A group falls in the months of its phase
within the cycle year (werving: May only; selectie May–Jun and matching
Jun–Jul, their ``work`` windows); project management in every month some phase
covers (all but August)."""


class CapacityNorms(_Frozen):
    """The executor's norms: activity groups with fixed and per-participant hours."""

    groups: tuple[ActivityGroup, ...] = Field(
        DEFAULT_GROUPS,
        description="Een activiteitengroep: de posten (vaste uren en uren per deelnemer) en de "
        "maanden (1–12) waarover de uren worden verdeeld.",
    )

    @model_validator(mode="after")
    def _unique_keys(self) -> CapacityNorms:
        keys = [g.key for g in self.groups]
        if len(set(keys)) != len(keys):
            raise ValueError("activiteitsgroepen moeten een unieke key hebben")
        return self

    @property
    def fixed(self) -> Decimal:
        return sum((g.fixed for g in self.groups), Decimal(0))

    @property
    def per_participant(self) -> Decimal:
        return sum((g.per_participant for g in self.groups), Decimal(0))


class Capacity(_Frozen):
    """The executor's capacity for one number of participants."""

    participants: int
    hours: Decimal
    days: int
    """hours / 8, rounded half up."""
    fte: Decimal
    """hours / (36 × 52 × 0.7), rounded half up to 2 decimals."""
    groups: dict[str, Decimal]
    """Hours per activity group (key → hours)."""
    months: dict[int, Decimal]
    """Hours per calendar month, in cycle order May … April; sums to ``hours``."""

    def as_json(self, norms: CapacityNorms) -> dict[str, object]:
        """Plain JSON object: numbers as int when whole, else float."""
        labels = {g.key: g.label for g in norms.groups}
        return {
            "participants": self.participants,
            "hours": _number(self.hours),
            "days": self.days,
            "fte": _number(self.fte),
            "groups": {
                key: {"label": labels[key], "hours": _number(h)} for key, h in self.groups.items()
            },
            "months": {MONTH_NAMES[m]: _number(h) for m, h in self.months.items()},
            "staff_fte": {MONTH_NAMES[m]: _number(f) for m, f in staff_per_month(self).items()},
            "items": [
                {
                    "group": group.key,
                    "label": item.label,
                    "fixed": _number(item.fixed),
                    "per_participant": _number(item.per_participant),
                    "hours": _number(item.fixed + item.per_participant * self.participants),
                }
                for group in norms.groups
                for item in group.items
            ],
        }


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def days_for(hours: Decimal) -> int:
    """Project days: hours / 8 rounded half up (71.5 → 72, as the report does)."""
    return int((hours / HOURS_PER_DAY).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fte_for(hours: Decimal) -> Decimal:
    """FTE: hours / (36 h × 52 weeks × 70% productive), two decimals, half up."""
    return (hours / HOURS_PER_FTE).quantize(CENT, rounding=ROUND_HALF_UP)


def spread_over_months(hours: Decimal, months: tuple[int, ...]) -> dict[int, Decimal]:
    """Spread hours evenly over months in cents; the last month takes the
    rounding remainder so the parts always sum exactly to ``hours``."""
    share = (hours / len(months)).quantize(CENT, rounding=ROUND_HALF_UP)
    parts = {month: share for month in months}
    parts[months[-1]] = hours - share * (len(months) - 1)
    return parts


def monthly_profile(norms: CapacityNorms, participants: int) -> dict[int, Decimal]:
    """Hours per month May … April, summed over all activity groups."""
    profile = {month: Decimal(0) for month in CYCLE_MONTHS}
    for group in norms.groups:
        for month, hours in spread_over_months(group.hours(participants), group.months).items():
            profile[month] += hours
    return profile


def capacity(participants: int, norms: CapacityNorms | None = None) -> Capacity:
    """The executor's hours, days, FTE, per-group hours and monthly profile."""
    if participants < 0:
        raise ValueError("participants must be >= 0")
    norms = norms or CapacityNorms()
    groups = {g.key: g.hours(participants) for g in norms.groups}
    hours = sum(groups.values(), Decimal(0))
    return Capacity(
        participants=participants,
        hours=hours,
        days=days_for(hours),
        fte=fte_for(hours),
        groups=groups,
        months=monthly_profile(norms, participants),
    )


def format_hours(value: Decimal) -> str:
    """Dutch number: decimal comma, no trailing zeros (62,5; 800)."""
    if value == value.to_integral_value():
        return f"{int(value)}"
    return f"{value.normalize():f}".replace(".", ",")


def format_table(rows: list[Capacity], norms: CapacityNorms) -> str:
    """Dutch plain-text table: totals, hours per activity group, monthly profile."""
    lines = [_row("Aantal deelnemers", [str(r.participants) for r in rows])]
    lines.append(_row("Uren", [format_hours(r.hours) for r in rows]))
    lines.append(_row("Dagen", [str(r.days) for r in rows]))
    lines.append(_row("Fte", [format_hours(r.fte) for r in rows]))
    lines.append("")
    lines.append("Uren per activiteitsgroep:")
    for group in norms.groups:
        lines.append(_row(group.label, [format_hours(r.groups[group.key]) for r in rows]))
    lines.append("")
    first, last = MONTHS[CYCLE_MONTHS[0] - 1], MONTHS[CYCLE_MONTHS[-1] - 1]
    lines.append(f"Uren per maand ({first} … {last}):")
    for month in CYCLE_MONTHS:
        lines.append(_row(MONTH_NAMES[month], [format_hours(r.months[month]) for r in rows]))
    lines.append("")
    lines.append(
        "Dagen = uren / 8 (half naar boven afgerond); fte = uren / (36 × 52 × 0,7 productief)."
    )
    return "\n".join(lines)


def _row(label: str, cells: list[str]) -> str:
    return f"{label:<42}" + "".join(
        f"{cell:>10}" if len(cell) < 10 else f" {cell}" for cell in cells
    )


# --------------------------------------------------------------------------- money and staff


def cost_of(hours: Decimal, hourly_rate: Decimal) -> Decimal:
    """The executor's budget for ``hours`` at ``hourly_rate`` euros, in cents (half up)."""
    return (hours * hourly_rate).quantize(CENT, rounding=ROUND_HALF_UP)


def affordable_places(
    budget: Decimal, hourly_rate: Decimal, norms: CapacityNorms | None = None
) -> int | None:
    """The largest number of places whose hours × rate stay within ``budget``.

    0 when the budget does not even pay for the fixed hours (then no number of
    places fits); None when the norms have no hours per participant (no limit).
    """
    if hourly_rate <= 0:
        raise ValueError("hourly_rate must be > 0")
    norms = norms or CapacityNorms()
    if norms.per_participant == 0:
        return None
    hours = budget / hourly_rate
    if hours < norms.fixed:
        return 0
    places = int((hours - norms.fixed) / norms.per_participant)
    while places > 0 and cost_of(capacity(places, norms).hours, hourly_rate) > budget:
        places -= 1
    while cost_of(capacity(places + 1, norms).hours, hourly_rate) <= budget:
        places += 1
    return places


def staff_per_month(result: Capacity) -> dict[int, Decimal]:
    """FTE needed in each month: its hours / 109.2 (one FTE-month at 70% productive),
    two decimals, half up."""
    return {
        month: (hours / HOURS_PER_FTE_MONTH).quantize(CENT, rounding=ROUND_HALF_UP)
        for month, hours in result.months.items()
    }


def format_euro(value: Decimal) -> str:
    """Dutch money: € 100.000 or € 1.234,50 (thousands with a dot, cents with a comma)."""
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    whole, cents = divmod(abs(value) * 100, 100)
    text = f"{int(whole):,}".replace(",", ".")
    if cents:
        text += f",{int(cents):02d}"
    return ("-" if value < 0 else "") + f"€ {text}"


def format_line_items(rows: list[Capacity], norms: CapacityNorms) -> str:
    """The report's table 5 (appendix E): every line item with its fixed hours,
    hours per participant and the total for each number of participants."""
    head = f"{'Projectonderdeel':<64}{'vast':>7}{'p.d.':>7}"
    lines = [head + "".join(f"{r.participants:>9}" for r in rows)]
    for group in norms.groups:
        lines.append(_item_row(group.label.upper(), group.fixed, group.per_participant, rows))
        for item in group.items:
            lines.append(_item_row("  " + item.label, item.fixed, item.per_participant, rows))
    lines.append(_item_row("TOTAAL", norms.fixed, norms.per_participant, rows))
    lines.append(
        "vast = vaste uren per cyclus; p.d. = uren per deelnemer; daarna de uren per aantal."
    )
    return "\n".join(lines)


def _item_row(label: str, fixed: Decimal, per: Decimal, rows: list[Capacity]) -> str:
    totals = "".join(f"{format_hours(fixed + per * r.participants):>9}" for r in rows)
    return f"{label[:63]:<64}{format_hours(fixed):>7}{format_hours(per):>7}" + totals


def format_staff(rows: list[Capacity]) -> str:
    """FTE needed per month for each number of participants, and the peak."""
    lines = ["Benodigde bezetting per maand (fte = uren / 109,2):"]
    staff = [staff_per_month(r) for r in rows]
    for month in CYCLE_MONTHS:
        lines.append(_row(MONTH_NAMES[month], [format_hours(s[month]) for s in staff]))
    lines.append(_row("Piek", [format_hours(max(s.values())) for s in staff]))
    lines.append(
        "Het rapport (§4.3) adviseert in de piek (september–maart) minimaal drie medewerkers "
        "in het uitvoerende team, naast deze fte; in de zomer ligt het werk vrijwel stil."
    )
    return "\n".join(lines)


def format_budget(
    rows: list[Capacity],
    hourly_rate: Decimal,
    budget: Decimal | None = None,
    norms: CapacityNorms | None = None,
) -> str:
    """The budget each number of participants needs at ``hourly_rate``; with a
    ``budget`` also the largest number of places it pays for."""
    lines = [f"Budget bij een uurtarief van {format_euro(hourly_rate)}:"]
    lines.append(_row("Budget", [format_euro(cost_of(r.hours, hourly_rate)) for r in rows]))
    if budget is not None:
        fits = ["ja" if cost_of(r.hours, hourly_rate) <= budget else "nee" for r in rows]
        lines.append(_row(f"Binnen {format_euro(budget)}", fits))
        lines.append("")
        lines.append(budget_sentence(budget, hourly_rate, norms))
    return "\n".join(lines)


def budget_sentence(budget: Decimal, hourly_rate: Decimal, norms: CapacityNorms | None) -> str:
    """One Dutch sentence: how many places ``budget`` pays for at ``hourly_rate``."""
    norms = norms or CapacityNorms()
    places = affordable_places(budget, hourly_rate, norms)
    prefix = f"Een budget van {format_euro(budget)} bij {format_euro(hourly_rate)} per uur"
    if places is None:
        return f"{prefix}: de normen kennen geen uren per deelnemer, dus geen grens."
    if places == 0:
        fixed = cost_of(norms.fixed, hourly_rate)
        return f"{prefix} dekt zelfs de vaste uren ({format_euro(fixed)}) niet."
    used = capacity(places, norms)
    spent = cost_of(used.hours, hourly_rate)
    return (
        f"{prefix} betaalt maximaal {places} plaatsen ({format_hours(used.hours)} uur, "
        f"{format_euro(spent)}; over: {format_euro(budget - spent)})."
    )
