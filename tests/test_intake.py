"""Intake of the registrations workbook: one test per rule of docs/domain.md §4.

Workbooks are built by hand with openpyxl, the way a user's Excel would hold
them. Every error must be located (sheet, Excel row, column) and in Dutch.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.domain import Balance, RegistrantKind, SafetyNet
from leernetwerk.errors import Problem, UserError
from leernetwerk.intake import load_registrations, read_registrations
from tests.conftest import build_xlsx

THEMES = CycleConfig().catalogue.names
REG_HEADER = [
    "Naam", "Type", "Gemeenten", "Provincie", "Inwoners", "Saldo", "Vangnet",
    "Uitvoeringsvariant", "Aanmelddatum", "Eerder deelgenomen", "Host mogelijk",
    "Contactpersoon", "E-mail",
]  # fmt: skip
THEME_HEADER = ["Naam", "Rang", "Thema", "Wat willen jullie leren"]


def reg(name: str, **cells: Any) -> dict[str, Any]:
    """An Aanmeldingen row as a header → value dict, valid unless overridden."""
    row = {
        "Naam": name,
        "Type": "gemeente",
        "Provincie": "Overijssel",
        "Inwoners": 130_000,
        "Saldo": "tekort",
        "Vangnet": "geen",
        "Uitvoeringsvariant": "gemeentelijk",
        "Aanmelddatum": dt.datetime(2026, 4, 1),
        "Host mogelijk": "ja",
    }
    row.update(cells)
    return row


def evaluation(name: str, **scores: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"Naam": name}
    row.update({theme: 2 for theme in THEMES})
    row.update(scores)
    return row


def themes(name: str, *chosen: str) -> list[dict[str, Any]]:
    chosen = chosen or THEMES[:3]
    return [{"Naam": name, "Rang": rank, "Thema": t} for rank, t in enumerate(chosen, start=1)]


def table(rows: list[dict[str, Any]], header: list[str]) -> list[list[Any]]:
    """Header row plus data rows; columns not in ``header`` are appended in order."""
    columns = list(header)
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    return [columns, *([row.get(c) for c in columns] for row in rows)]


def workbook(
    path: Path,
    registrations: list[dict[str, Any]] | None = None,
    evaluations: list[dict[str, Any]] | None = None,
    choices: list[dict[str, Any]] | None = None,
    *,
    titles: tuple[str, str, str] = ("Aanmeldingen", "Zelfevaluatie", "Leerthemas"),
    reg_header: list[str] = REG_HEADER,
) -> Path:
    """A workbook with two valid registrants unless rows are given."""
    if registrations is None:
        registrations = [
            reg("Zwolle"), reg("Wageningen", Saldo="overschot", Provincie="Gelderland")
        ]  # fmt: skip
    if evaluations is None:
        evaluations = [evaluation(r["Naam"]) for r in registrations]
    if choices is None:
        choices = [c for r in registrations for c in themes(r["Naam"])]
    return build_xlsx(
        path,
        {
            titles[0]: table(registrations, reg_header),
            titles[1]: table(evaluations, ["Naam", *THEMES]),
            titles[2]: table(choices, THEME_HEADER),
        },
    )


def read(path: Path, config: CycleConfig | None = None):
    return read_registrations(path, config or CycleConfig())


def only_error(result) -> Problem:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "aanmeldingen.xlsx"


# --- a valid workbook -------------------------------------------------------


def test_valid_workbook_reads_every_field(path):
    workbook(
        path,
        [
            reg("Zwolle", **{"Eerder deelgenomen": "2025-2026", "Contactpersoon": "A. Jansen",
                             "E-mail": "a@zwolle.nl"}),
            reg("Regio Twente", Type="uitvoeringsorganisatie", Gemeenten="Almelo; Hengelo",
                Vangnet="aanvullend", **{"Host mogelijk": "nee"}),
        ],
    )  # fmt: skip
    result = read(path)
    assert result.ok and not result.warnings
    zwolle, twente = result.registrations
    assert zwolle.row == 2 and zwolle.province == "Overijssel" and zwolle.inhabitants == 130_000
    assert zwolle.balance is Balance.DEFICIT and zwolle.safety_net is SafetyNet.NONE
    assert zwolle.registered_on == dt.date(2026, 4, 1)
    assert zwolle.previous_cycles == ("2025-2026",)
    assert (zwolle.contact, zwolle.email) == ("A. Jansen", "a@zwolle.nl")
    assert zwolle.self_evaluation.scores[THEMES[0]] == 2
    assert [c.theme for c in zwolle.themes] == list(THEMES[:3])
    assert twente.kind is RegistrantKind.ORGANISATION and twente.members == ("Almelo", "Hengelo")
    assert twente.can_host is False and twente.safety_net is SafetyNet.ADDITIONAL
    assert result.complete == list(result.registrations) and not result.incomplete


def test_summary_counts_by_category(path):
    workbook(path, [reg("A"), reg("B", Saldo="overschot"), reg("C", Aanmelddatum="2-5-2026")],
             choices=themes("A"))  # fmt: skip
    summary = read(path).summary()
    assert summary["total"] == 3
    assert summary["by_balance"] == {"overschot": 1, "tekort": 2}
    assert summary["by_province"] == {"Overijssel": 3}
    assert summary["by_execution_variant"] == {"gemeentelijk": 3}
    assert (summary["complete"], summary["incomplete"], summary["late"]) == (1, 2, 1)


# --- errors, each located ---------------------------------------------------


def test_missing_sheet_is_named_with_suggestion(path):
    workbook(path, titles=("Aanmelding", "Zelfevaluatie", "Leerthemas"))
    problem = only_error(read(path))
    assert problem.sheet == "Aanmeldingen"
    assert "ontbreekt" in problem.message and "Bedoelde u 'Aanmelding'?" in problem.message


def test_missing_required_column_is_located_at_the_header(path):
    header = [h for h in REG_HEADER if h != "Provincie"]
    workbook(path, [{k: v for k, v in reg("Zwolle").items() if k != "Provincie"}],
             reg_header=header)  # fmt: skip
    result = read(path)
    problem = only_error(result)
    assert (problem.sheet, problem.row, problem.column) == ("Aanmeldingen", 1, "Provincie")
    assert not result.registrations


def test_empty_required_cell_is_located(path):
    workbook(path, [reg("Zwolle", Inwoners=None)])
    problem = only_error(read(path))
    assert (problem.sheet, problem.row, problem.column) == ("Aanmeldingen", 2, "Inwoners")
    assert "leeg" in problem.message


@pytest.mark.parametrize(
    ("column", "value", "hint"),
    [
        ("Provincie", "Utrech", "Bedoelde u 'Utrecht'?"),
        ("Type", "gemeent", "Bedoelde u 'gemeente'?"),
        ("Saldo", "tekot", "Bedoelde u 'tekort'?"),
        ("Vangnet", "regullier", "Bedoelde u 'regulier'?"),
        ("Uitvoeringsvariant", "regionale", "Bedoelde u 'regionaal'?"),
    ],
)
def test_unknown_enumeration_value_suggests_the_nearest(path, column, value, hint):
    workbook(path, [reg("Zwolle", **{column: value})])
    problem = only_error(read(path))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "Aanmeldingen", 2, column, value,
    )  # fmt: skip
    assert hint in problem.message


def test_execution_variants_come_from_the_cycle_config(path):
    config = config_from_dict({"cycle": {"execution_variants": ["gemeentelijk", "SW-bedrijf"]}})
    workbook(path, [reg("Zwolle", Uitvoeringsvariant="sw-bedrijf"),
                    reg("Ede", Uitvoeringsvariant="regionaal")])  # fmt: skip
    result = read(path, config)
    assert result.registrations.get("Zwolle").execution_variant == "SW-bedrijf"
    assert only_error(result).row == 3


@pytest.mark.parametrize("value", ["veel", 0, -5, 12.5, "12,5", True])
def test_inhabitants_must_be_a_whole_number_above_zero(path, value):
    workbook(path, [reg("Zwolle", Inwoners=value)])
    problem = only_error(read(path))
    assert (problem.row, problem.column) == (2, "Inwoners")


@pytest.mark.parametrize("value", [5, -1, 2.5, "hoog", "2,5"])
def test_score_outside_zero_to_four_is_located(path, value):
    evaluations = [evaluation("Zwolle", **{THEMES[3]: value}), evaluation("Wageningen")]
    workbook(path, evaluations=evaluations)
    problem = only_error(read(path))
    assert (problem.sheet, problem.row, problem.column) == ("Zelfevaluatie", 2, THEMES[3])
    assert "0 tot en met 4" in problem.message


def test_duplicate_names_name_both_rows(path):
    workbook(
        path,
        [reg("Zwolle"), reg("Ede"), reg(" zwolle ")],
        [evaluation("Zwolle"), evaluation("Ede")],
        [*themes("Zwolle"), *themes("Ede")],
    )
    problem = only_error(read(path))
    assert (problem.row, problem.column) == (4, "Naam")
    assert "rij 2" in problem.message and "rij 4" in problem.message


def test_repeated_rank_for_one_registrant(path):
    choices = [*themes("Zwolle", *THEMES[:2]), {"Naam": "Zwolle", "Rang": 1, "Thema": THEMES[5]}]
    workbook(path, [reg("Zwolle")], choices=choices)
    problem = only_error(read(path))
    assert (problem.sheet, problem.row, problem.column) == ("Leerthemas", 4, "Rang")
    assert "rij 2" in problem.message


def test_rank_outside_one_to_three(path):
    choices = [{"Naam": "Zwolle", "Rang": 4, "Thema": THEMES[0]}]
    workbook(path, [reg("Zwolle")], choices=choices)
    problem = only_error(read(path))
    located = (problem.sheet, problem.row, problem.column, problem.value)
    assert located == ("Leerthemas", 2, "Rang", "4")


def test_same_theme_chosen_twice(path):
    choices = themes("Zwolle", THEMES[0], THEMES[1], THEMES[0])
    workbook(path, [reg("Zwolle")], choices=choices)
    problem = only_error(read(path))
    assert (problem.sheet, problem.row, problem.column) == ("Leerthemas", 4, "Thema")


def test_unknown_theme_suggests_the_catalogue_name(path):
    choices = [{"Naam": "Zwolle", "Rang": 1, "Thema": "Handhaven"}]
    workbook(path, [reg("Zwolle")], choices=choices)
    problem = only_error(read(path))
    assert (problem.sheet, problem.row, problem.column) == ("Leerthemas", 2, "Thema")
    assert "Bedoelde u 'Handhaving'?" in problem.message


def test_unknown_theme_column_in_self_evaluation(path):
    row = evaluation("Zwolle")
    row["Handhaven"] = 3
    workbook(path, [reg("Zwolle")], evaluations=[row])
    problem = only_error(read(path))
    assert (problem.sheet, problem.row, problem.column) == ("Zelfevaluatie", 1, "Handhaven")
    assert "Bedoelde u 'Handhaving'?" in problem.message


@pytest.mark.parametrize("sheet", ["Zelfevaluatie", "Leerthemas"])
def test_name_not_in_registrations_suggests_the_nearest(path, sheet):
    evaluations = [evaluation("Zwolle")]
    choices = themes("Zwolle")
    if sheet == "Zelfevaluatie":
        evaluations.append(evaluation("Zwole"))
    else:
        choices.append({"Naam": "Zwole", "Rang": 1, "Thema": THEMES[0]})
    workbook(path, [reg("Zwolle")], evaluations, choices)
    problem = only_error(read(path))
    assert (problem.sheet, problem.column, problem.value) == (sheet, "Naam", "Zwole")
    assert "Bedoelde u 'Zwolle'?" in problem.message


def test_all_problems_are_reported_in_one_pass(path):
    workbook(
        path,
        [reg("Zwolle", Provincie="Atlantis"), reg("Ede", Saldo="plus", Inwoners="veel")],
        [evaluation("Zwolle", **{THEMES[0]: 9}), evaluation("Ede")],
        [*themes("Zwolle"), {"Naam": "Ede", "Rang": 7, "Thema": "Onbekend"}],
    )
    located = {(p.sheet, p.row, p.column) for p in read(path).errors}
    assert located == {
        ("Aanmeldingen", 2, "Provincie"),
        ("Aanmeldingen", 3, "Saldo"),
        ("Aanmeldingen", 3, "Inwoners"),
        ("Zelfevaluatie", 2, THEMES[0]),
        ("Leerthemas", 5, "Rang"),
        ("Leerthemas", 5, "Thema"),
    }


def test_load_registrations_raises_user_error_with_all_problems(path):
    workbook(path, [reg("Zwolle", Provincie="Atlantis", Saldo="plus")])
    with pytest.raises(UserError) as info:
        load_registrations(path, CycleConfig())
    assert {p.column for p in info.value.problems} == {"Provincie", "Saldo"}


# --- warnings and statuses (not errors) ------------------------------------


def test_registration_on_the_deadline_is_on_time_the_day_after_is_late(path):
    workbook(path, [reg("Zwolle", Aanmelddatum=dt.datetime(2026, 5, 1)),
                    reg("Ede", Aanmelddatum=dt.datetime(2026, 5, 2))])  # fmt: skip
    result = read(path)
    assert result.ok
    assert [r.name for r in result.late] == ["Ede"]
    (warning,) = result.warnings
    assert (warning.row, warning.column) == (3, "Aanmelddatum") and "te laat" in warning.message
    assert len(load_registrations(path, CycleConfig())) == 2


def test_municipality_registered_alone_and_as_member_is_a_warning(path):
    workbook(path, [reg("Regio", Type="uitvoeringsorganisatie", Gemeenten="Zwolle; Kampen"),
                    reg("Zwolle")])  # fmt: skip
    result = read(path)
    assert result.ok
    (warning,) = result.warnings
    assert (warning.row, warning.column, warning.value) == (2, "Gemeenten", "Zwolle")
    assert "rij 3" in warning.message and "rij 2" in warning.message


def test_organisation_without_members_is_a_warning(path):
    workbook(path, [reg("Regio", Type="uitvoeringsorganisatie")])
    result = read(path)
    assert result.ok
    (warning,) = result.warnings
    assert (warning.row, warning.column) == (2, "Gemeenten")


def test_registrant_without_self_evaluation_or_themes_is_incomplete_not_an_error(path):
    workbook(path, [reg("Zwolle"), reg("Ede")], evaluations=[evaluation("Zwolle")],
             choices=themes("Zwolle", THEMES[0]))  # fmt: skip
    result = read(path)
    assert result.ok
    missing = {r.name: r.missing for r in result.incomplete}
    assert missing == {
        "Zwolle": ("1 van 3 leerthema's ingevuld",),
        "Ede": ("zelfevaluatie ontbreekt", "leerthema's ontbreken"),
    }


# --- what real Excel files hold ---------------------------------------------


def test_header_and_sheet_names_match_case_and_spacing_insensitively(path):
    header = [f"  {h.upper()} " for h in REG_HEADER]
    row = reg("Zwolle")
    workbook(path, [{f"  {k.upper()} ": v for k, v in row.items()}], [evaluation("Zwolle")],
             themes("Zwolle"), reg_header=header,
             titles=(" aanmeldingen ", "ZELFEVALUATIE", "Leerthema’s"))  # fmt: skip
    result = read(path)
    assert result.ok, result.problems
    assert result.registrations.get("Zwolle").is_complete


@pytest.mark.parametrize("title", ["Leerthema's", "Leerthema’s", "leerthemas"])
def test_themes_sheet_name_variants(path, title):
    workbook(path, titles=("Aanmeldingen", "Zelfevaluatie", title))
    assert read(path).ok


@pytest.mark.parametrize(
    ("written", "expected"),
    [("Ja", True), ("NEE", False), ("j", True), ("n", False), (True, True), (False, False),
     ("ja ", True), (None, True)],
)  # fmt: skip
def test_host_yes_no_variants(path, written, expected):
    workbook(path, [reg("Zwolle", **{"Host mogelijk": written})])
    result = read(path)
    assert result.ok and result.registrations.get("Zwolle").can_host is expected


@pytest.mark.parametrize("written", ["45.000", "45000", 45000.0, "45000.0", " 45 000 "])
def test_numbers_stored_as_text(path, written):
    workbook(path, [reg("Zwolle", Inwoners=written)])
    result = read(path)
    assert result.ok, result.problems
    assert result.registrations.get("Zwolle").inhabitants == 45_000


@pytest.mark.parametrize(
    "written",
    ["1-5-2026", "01-05-2026", "2026-05-01", "1 mei 2026", "1/5/2026", dt.datetime(2026, 5, 1),
     46143],
)  # fmt: skip
def test_dates_as_excel_dates_or_dutch_text(path, written):
    workbook(path, [reg("Zwolle", Aanmelddatum=written)])
    result = read(path)
    assert result.ok, result.problems
    assert result.registrations.get("Zwolle").registered_on == dt.date(2026, 5, 1)


def test_invalid_date_is_located(path):
    workbook(path, [reg("Zwolle", Aanmelddatum="31-02-2026")])
    problem = only_error(read(path))
    assert (problem.row, problem.column) == (2, "Aanmelddatum")


def test_trailing_spaces_and_case_in_values(path):
    workbook(path, [reg("Zwolle ", Type="Gemeente ", Provincie=" overijssel", Saldo="TEKORT",
                        Vangnet="Geen", Uitvoeringsvariant="Gemeentelijk")],
             evaluations=[evaluation("zwolle")], choices=themes("ZWOLLE"))  # fmt: skip
    result = read(path)
    assert result.ok, result.problems
    zwolle = result.registrations.get("Zwolle")
    assert zwolle.province == "Overijssel" and zwolle.is_complete


def test_empty_rows_anywhere_are_skipped(path):
    build_xlsx(
        path,
        {
            "Aanmeldingen": [*table([reg("Zwolle")], REG_HEADER)[:2], [None] * 5, ["  "],
                             table([reg("Ede")], REG_HEADER)[1], [None], [None]],
            "Zelfevaluatie": [["Naam", *THEMES]],
            "Leerthemas": [THEME_HEADER, [], ["Ede", 1, THEMES[0]]],
        },
    )  # fmt: skip
    result = read(path)
    assert result.ok, result.problems
    assert [(r.name, r.row) for r in result.registrations] == [("Zwolle", 2), ("Ede", 5)]
    assert result.registrations.get("Ede").themes[0].theme == THEMES[0]


@pytest.mark.parametrize("members", ["Almelo;Hengelo", "Almelo, Hengelo", " Almelo ; Hengelo ;"])
def test_member_lists_separated_by_semicolon_or_comma(path, members):
    workbook(path, [reg("Twente", Type="uitvoeringsorganisatie", Gemeenten=members)])
    assert read(path).registrations.get("Twente").members == ("Almelo", "Hengelo")


@pytest.mark.parametrize(
    ("written", "expected"),
    [("Fryslân", "Friesland"), ("fryslan", "Friesland"), ("noord holland", "Noord-Holland")],
)
def test_province_aliases(path, written, expected):
    workbook(path, [reg("Leeuwarden", Provincie=written)])
    assert read(path).registrations.get("Leeuwarden").province == expected


def test_earlier_participation_as_cycle_names_or_years(path):
    workbook(path, [reg("Zwolle", **{"Eerder deelgenomen": "2025-2026; 2024"}),
                    reg("Ede", **{"Eerder deelgenomen": 2024})])  # fmt: skip
    result = read(path)
    assert result.registrations.get("Zwolle").previous_cycles == ("2025-2026", "2024")
    assert result.registrations.get("Ede").previous_cycles == ("2024",)


@pytest.mark.parametrize("written", [2, 2.0, "2", " 2 ", "2,0"])
def test_whole_scores_in_any_form_are_accepted(path, written):
    workbook(path, [reg("Zwolle")], evaluations=[evaluation("Zwolle", **{THEMES[0]: written})])
    result = read(path)
    assert result.ok, result.problems
    assert result.registrations.get("Zwolle").self_evaluation.scores[THEMES[0]] == 2


def test_main_score_is_the_mean_of_nonzero_subtheme_scores(path):
    row = evaluation("Zwolle")
    del row["Beleid"]
    row.update({"Beleid: Samenwerking met werkgevers": 1, "beleid:integraliteit sociaal domein": 4,
                "Beleid: Participatiewet in balans": 0})  # fmt: skip
    row["Bemiddeling naar werk: Matching"] = 1  # the main score given wins
    workbook(path, [reg("Zwolle")], evaluations=[row])
    result = read(path)
    assert result.ok, result.problems
    evaluation_ = result.registrations.get("Zwolle").self_evaluation
    assert evaluation_.scores["Beleid"] == 2.5
    assert evaluation_.subscores["Beleid"] == {
        "Samenwerking met werkgevers": 1, "Integraliteit sociaal domein": 4,
        "Participatiewet in balans": 0,
    }  # fmt: skip
    assert evaluation_.scores["Bemiddeling naar werk"] == 2


# --- files that are not readable workbooks ----------------------------------


def _corrupt_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "geen werkmap")


@pytest.mark.parametrize(
    ("kind", "make", "fragment"),
    [
        ("empty", lambda p: p.write_bytes(b""), "leeg"),
        ("csv", lambda p: p.write_text("Naam;Type\nZwolle;gemeente\n"), "CSV"),
        ("truncated zip", lambda p: p.write_bytes(b"PK\x03\x04garbage"), "beschadigd"),
        ("zip without workbook", _corrupt_zip, "gelezen"),
        ("encrypted", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
         "wachtwoord"),
        ("missing", lambda p: None, "bestaat niet"),
        ("directory", lambda p: p.mkdir(), "map"),
    ],
)  # fmt: skip
def test_unreadable_file_gives_one_located_problem(path, kind, make, fragment):
    make(path)
    result = read(path)
    problem = only_error(result)
    assert problem.sheet == path.name
    assert fragment in problem.message or fragment in str(problem)
    assert not result.registrations


def test_valid_workbook_with_other_extension_is_read(tmp_path):
    target = workbook(tmp_path / "aanmeldingen.bin")
    assert read(target).ok
