"""The cap-versus-actual workbook: structure read headless, values recalculated by LibreOffice."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import LAZARD_AT_85, add_test_amendment
from tests.libreoffice import convert, needs_libreoffice
from tests.workbooks import SAMPLE, build
from xlcap.report.words import WORDS

COVERED, WAIVER, WAIVER_YTD = WORDS["covered"], WORDS["waiver"], WORDS["ytd_waiver"]
ALLOWED_FUNCTIONS = {"ROUND", "IF", "ISNUMBER", "INDEX", "MATCH", "IFERROR", "SUMPRODUCT", "DATE", "YEAR", "MAX", "AND",
                     "NOT", "SUM", "SUBTOTAL", "ABS", "COUNT"}  # fmt: skip
CASES = {
    "hand-2008-01": ("2008-01", "fytd", None),
    "hand-2008-02": ("2008-02", "fytd", None),
    "hand-2008-02-monthly": ("2008-02", "monthly", None),
    "hand-2008-05": ("2008-05", "fytd", None),
    "hand-2007-12": ("2007-12", "fytd", None),
    "sample-2008-04": ("2008-04", "fytd", SAMPLE),
    "sample-2008-04-monthly": ("2008-04", "monthly", SAMPLE),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("workbooks")
    paths = {}
    for name, (month, method, actuals) in CASES.items():
        kwargs = {"actuals": actuals} if actuals else {}
        paths[name] = build(out / f"{name}.xlsx", month, method, **kwargs)
    return paths


@pytest.fixture(scope="module")
def recalculated(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every test workbook opened and saved by LibreOffice, which recalculates every formula (one call)."""
    out = tmp_path_factory.mktemp("recalculated")
    converted = convert(list(built.values()), out)
    return dict(zip(built, converted, strict=True))


def _formula_cells(path: Path) -> list[tuple[str, str, str]]:
    book = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")]  # fmt: skip


@needs_libreoffice
@pytest.mark.parametrize("name", list(CASES))
def test_every_formula_recalculates_to_its_stored_value(name: str, built: dict[str, Path], recalculated: dict[str, Path]) -> None:
    stored = openpyxl.load_workbook(built[name], data_only=True)
    again = openpyxl.load_workbook(recalculated[name], data_only=True)
    cells = _formula_cells(built[name])
    assert len(cells) > 50
    for sheet, coord, formula in cells:
        a, b = stored[sheet][coord].value, again[sheet][coord].value
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9), (sheet, coord, formula, a, b)
            if "ROUND(" in formula[:7] or "Limit $" in sheet:
                assert round(a, 2) == round(b, 2)
        else:
            assert (a or "") == (b or ""), (sheet, coord, formula, a, b)


def _summary(path: Path) -> dict[str, dict[str, object]]:
    ws = openpyxl.load_workbook(path, data_only=True)["Summary"]
    header = [c.value for c in ws[4]]
    rows = []
    for r in ws.iter_rows(min_row=5, values_only=True):
        if not r[0]:  # the table ends at the first blank row; the interpretation table and sign-off follow
            break
        rows.append(r)
    return {str(r[0]): dict(zip(header, r, strict=True)) for r in rows}


def _ytd(path: Path) -> dict[tuple[str, int], dict[str, object]]:
    ws = openpyxl.load_workbook(path, data_only=True)["Year to date"]
    header = [c.value for c in ws[4]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    return {(str(r["Portfolio"]), r["Month"].month): r for r in rows}  # type: ignore[union-attr]


@needs_libreoffice
def test_libreoffice_computes_the_hand_worked_figures(recalculated: dict[str, Path]) -> None:
    # Worked in tests/test_capcalc.py from Schedule A; here the numbers come from LibreOffice's own evaluation.
    jan = _summary(recalculated["hand-2008-01"])
    lazard = jan["Lazard Mid-Cap Portfolio"]
    assert (lazard["Limit $ (month)"], lazard[COVERED], lazard[WAIVER]) == (169_398.91, 180_000.0, 10_601.09)
    assert lazard["Status"] == "Capped"
    bm = jan["Batterymarch Growth and Income Portfolio"]
    assert (bm["Limit $ (month)"], bm[WAIVER]) == (614_071.04, 65_928.96)  # 7,250,000 x 31/366; 680,000 - that
    assert bm["Limit"] == pytest.approx(0.0058, rel=1e-12)
    pimco = jan["PIMCO Total Return Portfolio"]
    assert (pimco["Limit"], pimco["Status"], pimco[WAIVER]) == ("None", "No limit", None)  # blank: no limit, no waiver
    assert jan["Janus Forty Portfolio"]["Status"] == "Near limit"
    assert jan["Total, limit in force (3)"][WAIVER] == pytest.approx(10_601.09 + 65_928.96, abs=0.001)
    feb = _summary(recalculated["hand-2008-02"])["Lazard Mid-Cap Portfolio"]
    assert (feb[WAIVER_YTD], feb[WAIVER]) == (2_131.14, -8_469.95)
    rainier = _summary(recalculated["hand-2007-12"])["Rainier Large Cap Equity Portfolio"]
    assert (rainier["Limit $ (month)"], rainier[WAIVER]) == (25_424.66, 2_575.34)
    may = _summary(recalculated["hand-2008-05"])["Lazard Mid-Cap Portfolio"]
    assert (may["Limit"], may["Status"]) == ("Term ended", "Term ended")
    october = _ytd(recalculated["hand-2007-12"])[("Lazard Mid-Cap Portfolio", 10)]
    assert (october["Limit"], october["Status"], october["Amendment"]) == ("No schedule on file", "No schedule on file", None)


def test_only_functions_both_engines_compute_and_no_udfs(built: dict[str, Path]) -> None:
    for path in built.values():
        used = {f for _, _, formula in _formula_cells(path) for f in re.findall(r"([A-Z][A-Z0-9.]*)\(", formula)}
        assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS


def test_sheets_panes_filters_and_names(built: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(built["hand-2008-01"])
    assert book.sheetnames == ["Summary", "Year to date", "Actuals", "Schedule", "Chart", "Notes"]
    summary = book["Summary"]
    assert summary.freeze_panes == "B5"
    # January's four portfolios, in Schedule A order: Batterymarch G&I, Janus Forty, Lazard Mid-Cap, PIMCO Total Return
    assert [summary.cell(r, 1).value for r in range(5, 9)] == [
        "Batterymarch Growth and Income Portfolio", "Janus Forty Portfolio", "Lazard Mid-Cap Portfolio",
        "PIMCO Total Return Portfolio",
    ]  # fmt: skip
    assert summary.auto_filter.ref == "A4:Q8"  # Q: the ratio incl. 12b-1, before the Note
    assert book.defined_names["SummaryData"].attr_text == "Summary!$A$4:$Q$8"
    assert summary["A9"].value == "Total, limit in force (3)"
    assert summary["G9"].value == "=SUMPRODUCT(ISNUMBER($C$5:$C$8)*1,G5:G8)"  # waivers of the portfolios with a limit
    assert summary["A10"].value == "Total, no limit in force (1)"
    assert book["Year to date"].auto_filter.ref == "A4:AB8"
    assert book["Year to date"].freeze_panes == "B5"
    names = {"SummaryData", "SchedKey", "SchedKind", "SchedTermEnd", "TierKey", "TierFrom", "TierTo", "TierRate"}
    assert set(book.defined_names) >= names
    assert book.defined_names["TierRate"].attr_text.startswith("Schedule!$E$")


def test_summary_cells_reference_the_year_to_date_formulas(built: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(built["hand-2008-02"])
    summary, ytd = book["Summary"], book["Year to date"]
    # Year to date holds Batterymarch Jan (row 5), Janus Jan (6), Lazard Jan (7), Lazard Feb (8), PIMCO Jan (9);
    # February's Summary has Lazard alone.
    assert summary["A5"].value == "Lazard Mid-Cap Portfolio"
    assert summary["D5"].value == "='Year to date'!L8"
    assert ytd["L8"].value == '=IF(ISNUMBER(K8),ROUND(J8*D8/G8,2),"")'
    assert ytd["J8"].value.startswith('=IF(I8=0,"",SUMPRODUCT((TierKey=C8&"|"&A8)*TierRate*')
    assert ytd["T8"].value == "=IF(ISNUMBER(L8),ROUND(MAX(0,R8-Q8),2),T7)"  # waiver owed to date
    assert ytd["N8"].value == "=ROUND(T8-T7,2)"  # this month: the change
    assert ytd["N7"].value == "=ROUND(T7-0,2)"  # Lazard's first month of the year
    assert ytd["F8"].value == "=ROUND(Actuals!E8+Actuals!F8,2)"


def test_number_formats(built: dict[str, Path]) -> None:
    summary = openpyxl.load_workbook(built["hand-2008-01"])["Summary"]
    assert summary["B5"].number_format == '_($* #,##0_);_($* (#,##0);_($* "-"_);_(@_)'
    assert summary["C5"].number_format == "0.000%"
    assert summary["D5"].number_format == '_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)'
    assert summary["F5"].number_format == "0.000%"
    schedule = openpyxl.load_workbook(built["hand-2008-01"])["Schedule"]
    open_tiers = [c for c in schedule["D"] if isinstance(c.value, (int, float)) and c.value >= 1e15]
    assert len(open_tiers) == 3  # Batterymarch, Janus, Lazard: each tier table ends open; PIMCO "None" has none
    assert all(c.number_format == '[>=1E+15]"and above";#,##0' for c in open_tiers)


def test_conditional_formats(built: dict[str, Path]) -> None:
    summary = openpyxl.load_workbook(built["hand-2008-01"])["Summary"]
    rules = {(str(cf.sqref), r.type, tuple(r.formula or ())) for cf in summary.conditional_formatting for r in cf.rules}
    assert ("I5:I8", "cellIs", ('"Capped"',)) in rules
    assert ("I5:I8", "cellIs", ('"Near limit"',)) in rules
    assert ("I5:I8", "cellIs", ('"Waiver reversed"',)) in rules
    # the ratio before waiver over its limit: the breach, red
    assert ("F5:F8", "expression", ("AND(ISNUMBER($C5),ISNUMBER($F5),$F5>$C5)",)) in rules


def test_print_setup(built: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(built["hand-2008-01"])
    for ws in book.worksheets:
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, so it may be left out
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "Met Investors Series Trust" in ws.oddHeader.left.text
        assert "January 2008" in ws.oddHeader.center.text
        assert ws.oddFooter.right.text == "Page &P of &N"
    assert book["Summary"].page_setup.orientation == "landscape"
    assert book["Summary"].print_title_rows == "$4:$4"


def test_chart_of_net_ratio_against_limit(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["hand-2008-01"]) as zf:
        chart = zf.read("xl/charts/chart1.xml").decode()
    assert chart.count("<c:ser>") == 2
    assert "Chart!$B$5:$B$7" in chart and "Chart!$C$5:$C$7" in chart  # the three portfolios with a limit
    chart_sheet = openpyxl.load_workbook(built["hand-2008-01"])["Chart"]
    assert [chart_sheet.cell(r, 1).value for r in range(5, 8)] == ["=Summary!A5", "=Summary!A6", "=Summary!A7"]
    assert chart_sheet.cell(8, 1).value is None  # PIMCO Total Return has no limit: not charted


def test_named_styles(built: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(built["hand-2008-01"])
    assert {"xlcap Money", "xlcap Header", "xlcap Limit rate", "xlcap Ratio", "xlcap Total"} <= set(book.named_styles)
    assert book["Summary"]["D5"].style == "xlcap Money"


def test_notes_name_method_source_schedule_and_interpretation(built: dict[str, Path]) -> None:
    notes = {
        r[0]: r[1] for r in openpyxl.load_workbook(built["hand-2008-01"])["Notes"].iter_rows(min_row=4, values_only=True) if r[0]
    }
    assert notes["Method"].startswith("Fiscal year to date, pro rata")
    assert notes["Schedule version"] == "Amendment No. 12, dated 2007-11-01"
    assert notes["Data source"] == "hand.csv"
    assert notes["Generated"] == "2008-03-03 09:30:00 by xlcap"
    assert notes["Interpretation"].startswith("Batterymarch Growth and Income Portfolio. Interpretation: the filed text lost")


def test_same_inputs_give_the_same_file(tmp_path: Path) -> None:
    a = build(tmp_path / "a.xlsx", "2008-02")
    b = build(tmp_path / "b.xlsx", "2008-02")
    assert a.read_bytes() == b.read_bytes()


@needs_libreoffice
def test_a_year_spanning_two_amendments_uses_each_in_its_months(data_dir: Path, tmp_path: Path) -> None:
    """A made-up Amendment No. 13 (February 1, 2008) raises Lazard to 0.85%: January stays on No. 12."""
    from xlcap.agreements.datafiles import load_history

    text = "AMENDMENT NO. 13 (a test document, not a filing)\nLazard Mid-Cap Portfolio 0.85%\n"
    add_test_amendment(data_dir, 13, "2008-02-01", text, LAZARD_AT_85)
    path = build(tmp_path / "two.xlsx", "2008-02", portfolios={"Lazard Mid-Cap Portfolio"}, history=load_history(data_dir))
    (again,) = convert([path], tmp_path / "lo")
    ytd = openpyxl.load_workbook(again, data_only=True)["Year to date"]
    jan, feb = (dict(zip([c.value for c in ytd[4]], [c.value for c in row], strict=True)) for row in (ytd[5], ytd[6]))
    assert (jan["Amendment"], jan["Limit"], jan["Limit $ (month)"]) == (12, 0.008, 169_398.91)  # 2,000,000 x 31/366
    # February under No. 13: 0.85% x 250,000,000 x 29 / 366 = 61,625,000 / 366 = 168,374.317 -> 168,374.32
    assert (feb["Amendment"], feb["Limit"], feb["Limit $ (month)"]) == (13, 0.0085, 168_374.32)
    # YTD: limit 169,398.91 + 168,374.32 = 337,773.23; covered 330,000.00: nothing owed, January's waiver reversed
    assert (feb["Limit $ (YTD)"], feb[WAIVER_YTD], feb[WAIVER]) == (337_773.23, 0, -10_601.09)
    notes = {r[0]: r[1] for r in openpyxl.load_workbook(path)["Notes"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert notes["Schedule version"] == "Amendment No. 12, dated 2007-11-01; Amendment No. 13, dated 2008-02-01"
