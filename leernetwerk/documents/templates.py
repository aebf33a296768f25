"""The default Word templates, built in code with python-docx.

Each template is an ordinary .docx with Jinja tags (docxtpl) in its
paragraphs and tables, so the executor can open it in Word, change the text
or the layout and keep the tags. ``leernetwerk init`` writes them into the
cycle folder (``sjablonen/``); every command renders the cycle's copy. Built
here rather than shipped as binaries, so the default text is readable and
reviewable in this file.

docxtpl tags used: ``{{ value }}`` inside a paragraph, ``{%p for … %}`` /
``{%p if … %}`` alone in a paragraph (the paragraph disappears), and
``{%tr for … %}`` alone in a table row (the row disappears).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

TEMPLATES_DIR = "sjablonen"
"""The folder of a cycle that holds the templates the commands use."""

LETTER_ADMITTED = "brief-toegelaten.docx"
LETTER_REJECTED = "brief-niet-toegelaten.docx"
LETTER_INCOMPLETE = "brief-onvolledig.docx"
LETTER_LATE = "brief-te-laat.docx"
START_PACK = "startbijeenkomst.docx"
SCRIPT = "draaiboek.docx"
MIDTERM_MEMO = "tussenevaluatie.docx"
REFLECTION_OVERVIEW = "reflectieoverzicht.docx"
CYCLE_REPORT = "cyclusrapport.docx"

FIXED_TIME = dt.datetime(2000, 1, 1)
"""Document properties stamped into every .docx, so equal input gives equal files."""


def _new() -> DocxDocument:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    doc.core_properties.author = "leernetwerk"
    doc.core_properties.created = FIXED_TIME
    doc.core_properties.modified = FIXED_TIME
    doc.core_properties.last_modified_by = "leernetwerk"
    return doc


def _p(doc: DocxDocument, text: str, style: str | None = None) -> None:
    doc.add_paragraph(text, style=style)


def _loop(doc: DocxDocument, head: str, *lines: str, style: str = "List Bullet") -> None:
    """``{%p for … %}``, the lines (one paragraph each), ``{%p endfor %}``."""
    _p(doc, "{%p " + head + " %}")
    for line in lines:
        _p(doc, line, style)
    _p(doc, "{%p endfor %}")


def _table(doc: DocxDocument, headers: tuple[str, ...], head: str, cells: tuple[str, ...]) -> None:
    """A table with a header row and one row per item of the loop ``head``."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.rows[1].cells[0].text = "{%tr " + head + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _letter_head(doc: DocxDocument) -> None:
    _p(doc, "{{ naam }}")
    _p(doc, "t.a.v. {{ contactpersoon }}")
    _p(doc, "{{ email }}")
    _p(doc, "")
    _p(doc, "Datum: {{ datum }}")
    _p(doc, "Onderwerp: uw aanmelding voor het leernetwerk Participatiewet, cyclus {{ cyclus }}")
    _p(doc, "")
    _p(doc, "Beste {{ contactpersoon }},")


def _members(doc: DocxDocument) -> None:
    _p(doc, "{%p if leden %}")
    _p(doc, "U meldde zich aan als uitvoeringsorganisatie namens de gemeenten {{ leden }}.")
    _p(doc, "{%p endif %}")


def _letter_foot(doc: DocxDocument) -> None:
    _p(doc, "")
    _p(doc, "Met vriendelijke groet,")
    _p(doc, "")
    _p(doc, "{{ afzender }}")


def letter_admitted() -> DocxDocument:
    doc = _new()
    _letter_head(doc)
    _p(
        doc,
        "Met genoegen laten wij u weten dat {{ naam }} is toegelaten tot de leercyclus "
        "{{ cyclus }} van het leernetwerk Participatiewet.",
    )
    _members(doc)
    doc.add_heading("Wat gebeurt er nu?", level=2)
    _p(
        doc,
        "De uitvoerder deelt de deelnemers in clubs van 8 tot 12 gemeenten in en stelt per "
        "club leerbijeenkomsten van twee tot drie gemeenten voor. Vóór de zomer nemen wij "
        "contact met u op om de data van de bijeenkomsten in te plannen. Iedere club begint "
        "met een fysieke startbijeenkomst.",
    )
    doc.add_heading("Data tot nu toe", level=2)
    _loop(doc, "for d in data", "{{ d }}")
    _p(doc, "{%p if bijeenkomsten %}")
    _p(doc, "Uw bijeenkomsten volgens de huidige planning:")
    _loop(doc, "for b in bijeenkomsten", "{{ b }}")
    _p(doc, "{%p endif %}")
    _p(
        doc,
        "Wilt u ervoor zorgen dat de zelfevaluatie en de toelichting op uw leerthema's "
        "actueel zijn? Heeft u vragen, neem dan contact met ons op.",
    )
    _letter_foot(doc)
    return doc


def letter_rejected() -> DocxDocument:
    doc = _new()
    _letter_head(doc)
    _p(
        doc,
        "Hartelijk dank voor de aanmelding van {{ naam }} voor de leercyclus {{ cyclus }} van "
        "het leernetwerk Participatiewet. Helaas kunnen wij u deze cyclus geen plaats bieden.",
    )
    _members(doc)
    doc.add_heading("Waarom niet?", level=2)
    _p(doc, "{{ reden }}")
    doc.add_heading("Volgende cyclus", level=2)
    _p(doc, "{{ volgende_cyclus }}")
    _letter_foot(doc)
    return doc


def letter_incomplete() -> DocxDocument:
    doc = _new()
    _letter_head(doc)
    _p(
        doc,
        "Hartelijk dank voor de aanmelding van {{ naam }} voor de leercyclus {{ cyclus }} van "
        "het leernetwerk Participatiewet. Uw aanmelding was bij de selectie niet volledig, en "
        "daarom kon zij niet worden meegenomen.",
    )
    _members(doc)
    doc.add_heading("Wat ontbrak", level=2)
    _loop(doc, "for m in ontbreekt", "{{ m }}")
    _p(doc, "{%p if te_laat %}")
    _p(doc, "Bovendien kwam uw aanmelding binnen na de sluitingsdatum van {{ deadline }}.")
    _p(doc, "{%p endif %}")
    doc.add_heading("Volgende cyclus", level=2)
    _p(doc, "{{ volgende_cyclus }}")
    _letter_foot(doc)
    return doc


def letter_late() -> DocxDocument:
    doc = _new()
    _letter_head(doc)
    _p(
        doc,
        "Hartelijk dank voor de aanmelding van {{ naam }} voor de leercyclus {{ cyclus }} van "
        "het leernetwerk Participatiewet. Uw aanmelding kwam binnen op {{ aangemeld }}, na de "
        "sluitingsdatum van {{ deadline }}.",
    )
    _members(doc)
    _p(doc, "{{ reden }}")
    doc.add_heading("Volgende cyclus", level=2)
    _p(doc, "{{ volgende_cyclus }}")
    _letter_foot(doc)
    return doc


def start_pack() -> DocxDocument:
    doc = _new()
    doc.add_heading("Startbijeenkomst club {{ club }}", level=1)
    _p(doc, "Leernetwerk Participatiewet, cyclus {{ cyclus }}")
    _p(doc, "Datum: {{ datum }}")
    _p(doc, "Tijd: {{ tijd }}")
    _p(doc, "Locatie: {{ locatie }}")
    doc.add_heading("Agenda", level=2)
    _loop(doc, "for a in agenda", "{{ a }}", style="List Number")
    doc.add_heading("Deelnemers en contactgegevens", level=2)
    _table(
        doc,
        ("Deelnemer", "Contactpersoon", "E-mail"),
        "for d in deelnemers",
        (
            "{{ d.naam }}{% if d.leden %} ({{ d.leden }}){% endif %}",
            "{{ d.contact }}",
            "{{ d.email }}",
        ),
    )
    doc.add_heading("Thema's en leervragen", level=2)
    _p(doc, "{%p for d in deelnemers %}")
    doc.add_heading("{{ d.naam }}", level=3)
    _loop(doc, "for t in d.themas", "{{ t.rang }}. {{ t.thema }}: {{ t.leervraag }}")
    _p(doc, "{%p endfor %}")
    doc.add_heading("Voorgestelde leerbijeenkomsten", level=2)
    _table(
        doc,
        ("Ronde", "Datum", "Host", "Deelnemers", "Thema's"),
        "for s in sessies",
        ("{{ s.ronde }}", "{{ s.datum }}", "{{ s.host }}", "{{ s.deelnemers }}", "{{ s.themas }}"),
    )
    return doc


def script() -> DocxDocument:
    doc = _new()
    doc.add_heading("Draaiboek leerbijeenkomst", level=1)
    _p(doc, "Club {{ club }}, ronde {{ ronde }} – leernetwerk Participatiewet, cyclus {{ cyclus }}")
    _p(doc, "Datum: {{ datum }}, {{ tijd }}")
    _p(doc, "Locatie: {{ locatie }}")
    _p(doc, "Host: {{ host }}")
    doc.add_heading("Deelnemers", level=2)
    _table(
        doc,
        ("Deelnemer", "Contactpersoon", "E-mail"),
        "for d in deelnemers",
        ("{{ d.naam }}", "{{ d.contact }}", "{{ d.email }}"),
    )
    doc.add_heading("Thema's en leervragen", level=2)
    _p(doc, "{%p for b in blokken %}")
    doc.add_heading("Blok {{ b.nummer }}: {{ b.thema }}", level=3)
    _loop(doc, "for v in b.leervragen", "{{ v.naam }} ({{ v.rol }}): {{ v.leervraag }}")
    _p(doc, "{%p endfor %}")
    doc.add_heading("Werkvorm: {{ werkvorm.naam }}", level=2)
    _p(doc, "{{ werkvorm.uitleg }}")
    _p(doc, "{{ werkvorm.alternatief }}")
    doc.add_heading("Dagprogramma", level=2)
    _table(doc, ("Tijd", "Onderdeel"), "for t in programma", ("{{ t.tijd }}", "{{ t.onderdeel }}"))
    doc.add_heading("Voorbereidend gesprek (digitaal)", level=2)
    _p(doc, "Datum van het gesprek: {{ voorbereiding }}")
    _loop(doc, "for c in checklist", "{{ c }}", style="List Number")
    doc.add_heading("Databronnen", level=2)
    _loop(doc, "for d in databronnen", "{{ d }}")
    _p(doc, "{%p for b in blokken %}")
    doc.add_page_break()
    doc.add_heading("Leerkaart blok {{ b.nummer }}: {{ b.thema }}", level=2)
    _p(doc, "Naam en gemeente: ……………………………………")
    _loop(doc, "for vraag in leerkaart", "{{ vraag }}", style="List Bullet")
    _p(doc, "{%p endfor %}")
    return doc


def _figures_table(doc: DocxDocument, head: str, first: str) -> None:
    """A table-chart: one row per group with n, mean and a text bar."""
    _table(
        doc,
        (first, "n", "Gemiddeld", ""),
        head,
        ("{{ r.naam }}", "{{ r.n }}", "{{ r.gemiddeld }}", "{{ r.balk }}"),
    )


def midterm_memo() -> DocxDocument:
    doc = _new()
    doc.add_heading("Memo tussenevaluatie leercyclus {{ cyclus }}", level=1)
    _p(doc, "Aan: de begeleidingscommissie van het leernetwerk Participatiewet")
    _p(doc, "Van: {{ afzender }}")
    _p(doc, "Datum: {{ datum }}")
    _p(doc, "Cijfers: evaluatie van {{ evaluatie_datum }}")
    doc.add_heading("1. Stand van zaken", level=2)
    _p(
        doc,
        "Van de {{ sessies.gepland }} geplande leerbijeenkomsten zijn er {{ sessies.gehouden }} "
        "gehouden, {{ sessies.verplaatst }} verplaatst en {{ sessies.geannuleerd }} geannuleerd."
        "{% if sessies.niet_gemeld %} Van {{ sessies.niet_gemeld }} is nog niets gemeld."
        "{% endif %}",
    )
    _table(
        doc,
        ("Club", "Ronde", "Deelnemers", "Gehouden", "Datum", "Aanwezigen"),
        "for b in bijeenkomsten",
        (
            "{{ b.club }}",
            "{{ b.ronde }}",
            "{{ b.deelnemers }}",
            "{{ b.gehouden }}",
            "{{ b.datum }}",
            "{{ b.aanwezig }}",
        ),
    )
    doc.add_heading("2. Eerste cijfers", level=2)
    _p(
        doc,
        "Deelnemers gaven de bijeenkomsten gemiddeld een {{ nut.gemiddeld }} voor nut "
        "(schaal 1–5, {{ nut.n }} beoordelingen).",
    )
    _figures_table(doc, "for r in nut_per_werkvorm", "Werkvorm")
    _p(doc, "Reflectieverslagen ontvangen: {{ reflectie.ontvangen }} van {{ reflectie.verwacht }}.")
    doc.add_heading("3. Open punten", level=2)
    _loop(doc, "for o in open_punten", "{{ o }}")
    doc.add_heading("4. Aanmeldprocedure volgende cyclus", level=2)
    _p(
        doc,
        "De aanmeldprocedure voor de volgende cyclus begint kort na deze tussenevaluatie. "
        "Punten om te bespreken:",
    )
    _loop(doc, "for a in aanmeldprocedure", "{{ a }}")
    doc.add_heading("5. Voorstel aan de stuurgroep", level=2)
    _p(
        doc,
        "Belangrijke aanpassingen legt de coördinator voor aan de stuurgroep; zij worden "
        "vastgelegd als bijsturingsbesluit (leernetwerk decide … adjustment).",
    )
    return doc


def reflection_overview() -> DocxDocument:
    doc = _new()
    doc.add_heading("Overzicht reflectieverslagen club {{ club }}", level=1)
    _p(doc, "Leernetwerk Participatiewet, cyclus {{ cyclus }} – evaluatiebijeenkomst van de club")
    _p(doc, "Datum: {{ datum }}")
    doc.add_heading("Agenda van de evaluatiebijeenkomst", level=2)
    _loop(doc, "for a in agenda", "{{ a }}", style="List Number")
    doc.add_heading("Reflectieverslagen", level=2)
    _p(doc, "Ontvangen: {{ ontvangen }} van {{ verwacht }}.")
    _p(doc, "{%p if ontbreekt %}")
    _p(doc, "Nog niet ontvangen van: {{ ontbreekt }}.")
    _p(doc, "{%p endif %}")
    doc.add_heading("De bijeenkomsten van de club", level=2)
    _table(
        doc,
        ("Ronde", "Deelnemers", "Gehouden", "Datum"),
        "for b in bijeenkomsten",
        ("{{ b.ronde }}", "{{ b.deelnemers }}", "{{ b.gehouden }}", "{{ b.datum }}"),
    )
    _p(doc, "Nut volgens de deelnemers: gemiddeld {{ nut.gemiddeld }} ({{ nut.n }} beoordelingen).")
    doc.add_heading("Belangrijkste lessen uit de reflectieverslagen", level=2)
    _p(doc, "{%p for l in lessen %}")
    _p(doc, "{{ l.deelnemer }}: {{ l.tekst }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not lessen %}")
    _p(doc, "Er zijn nog geen lessen uit reflectieverslagen vastgelegd.")
    _p(doc, "{%p endif %}")
    doc.add_heading("Vragen voor het gesprek", level=2)
    _loop(doc, "for v in vragen", "{{ v }}")
    return doc


def cycle_report() -> DocxDocument:
    doc = _new()
    doc.add_heading("Leercyclus {{ cyclus }}: thema's, lessen en cijfers", level=1)
    _p(doc, "Concept kennisdocument – {{ datum }} (cijfers: evaluatie van {{ evaluatie_datum }})")
    doc.add_heading("Samenvatting", level=2)
    _loop(doc, "for k in kern", "{{ k }}")
    doc.add_heading("Belangrijkste thema's", level=2)
    _p(
        doc,
        "Groei = gemiddelde van (eindscore − startscore) over de deelnemers die het thema "
        "op beide momenten 1–4 scoorden (0 = n.v.t. telt niet mee).",
    )
    _table(
        doc,
        ("Thema", "n", "Start", "Eind", "Groei", "", "Tekort", "Overig"),
        "for t in themas",
        (
            "{{ t.thema }}",
            "{{ t.n }}",
            "{{ t.start }}",
            "{{ t.eind }}",
            "{{ t.groei }}",
            "{{ t.balk }}",
            "{{ t.tekort }}",
            "{{ t.overig }}",
        ),
    )
    _p(
        doc,
        "Groei op de drie gekozen thema's: {{ gekozen.gekozen }}; op de overige thema's: "
        "{{ gekozen.overig }}.",
    )
    doc.add_heading("Geleerde lessen", level=2)
    _p(doc, "{%p for l in lessen %}")
    _p(doc, "{{ l.deelnemer }} (club {{ l.club }}): {{ l.tekst }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    doc.add_heading("Hoe nuttig waren de bijeenkomsten?", level=2)
    _p(doc, "Gemiddeld {{ nut.gemiddeld }} op een schaal van 1 tot 5 ({{ nut.n }} beoordelingen).")
    _table(
        doc,
        ("Score", "Aantal", ""),
        "for r in nut_verdeling",
        ("{{ r.naam }}", "{{ r.n }}", "{{ r.balk }}"),
    )
    _p(doc, "Per werkvorm:")
    _figures_table(doc, "for r in nut_per_werkvorm", "Werkvorm")
    _p(doc, "Per grootte van de bijeenkomst:")
    _figures_table(doc, "for r in nut_per_grootte", "Grootte")
    _p(doc, "Per samenstelling (saldo):")
    _figures_table(doc, "for r in nut_per_mix", "Samenstelling")
    _p(doc, "Per club:")
    _figures_table(doc, "for r in nut_per_club", "Club")
    doc.add_heading("Wat de matching beloofde", level=2)
    _p(
        doc,
        "Scoorden bijeenkomsten waarvan de leden als haler–brenger of op gedeelde eerste "
        "keuzes waren gematcht hoger op nut? Alleen de cijfers; n is klein.",
    )
    _figures_table(doc, "for r in belofte", "Matching")
    doc.add_heading("Het netwerk", level=2)
    _table(doc, ("Kenmerk", "Waarde"), "for r in netwerk", ("{{ r.naam }}", "{{ r.waarde }}"))
    _p(doc, "Bereik per provincie:")
    _table(
        doc,
        ("Provincie", "Bereikt", "Aangemeld", ""),
        "for r in provincies",
        ("{{ r.naam }}", "{{ r.bereikt }}", "{{ r.aangemeld }}", "{{ r.balk }}"),
    )
    _p(doc, "{%p if bruggen %}")
    _p(doc, "Deelnemers die volgende cyclus clubs kunnen verbinden: {{ bruggen }}.")
    _p(doc, "{%p endif %}")
    doc.add_heading("Bijeenkomsten", level=2)
    _p(
        doc,
        "{{ sessies.gehouden }} van de {{ sessies.gepland }} leerbijeenkomsten zijn gehouden; "
        "{{ sessies.verplaatst }} verplaatst, {{ sessies.geannuleerd }} geannuleerd.",
    )
    doc.add_heading("Open punten en bijsturing", level=2)
    _loop(doc, "for o in open_punten", "{{ o }}")
    _p(doc, "{%p for b in bijsturing %}")
    _p(doc, "{{ b }}", "List Bullet")
    _p(doc, "{%p endfor %}")
    return doc


DEFAULTS: dict[str, Callable[[], DocxDocument]] = {
    LETTER_ADMITTED: letter_admitted,
    LETTER_REJECTED: letter_rejected,
    LETTER_INCOMPLETE: letter_incomplete,
    LETTER_LATE: letter_late,
    START_PACK: start_pack,
    SCRIPT: script,
    MIDTERM_MEMO: midterm_memo,
    REFLECTION_OVERVIEW: reflection_overview,
    CYCLE_REPORT: cycle_report,
}
"""File name in ``sjablonen/`` → builder of its default template."""


def write_default(name: str, path: Path) -> Path:
    """Write the default template ``name`` to ``path`` (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    DEFAULTS[name]().save(str(path))
    return path


def template_writers() -> dict[str, Callable[[Path], object]]:
    """``sjablonen/<name>`` → writer, for :func:`leernetwerk.fsutil.write_outputs`."""
    return {f"{TEMPLATES_DIR}/{name}": partial(write_default, name) for name in DEFAULTS}
