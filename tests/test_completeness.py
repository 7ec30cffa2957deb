"""No silent wrong number: each input that used to give different figures with exit 0 is now a clear error,
or a run whose console and workbook say what the figures cover. Every case goes through the CLI's main().

Each test here failed on the code before issue 12 (run against it with `git stash`): a blank fee was
read as 0, formulas without stored values as 0, a missing month or a manager's missing portfolio
was dropped, a manager called "Trust" overwrote the Trust's workbook, and "Not in force" stood
for both "no schedule on file" and "term ended".
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from xlcap.cli import main
from xlcap.report.month_end import SAMPLE_ACTUALS

HEADER = (
    "Month,Portfolio,Average net assets,Days,Management fee,Other expenses,12b-1 fees,Interest,Taxes,Brokerage,Extraordinary\n"
)
LAZARD_JAN = "2008-01,Lazard Mid-Cap Portfolio,250000000,31,150000.00,30000.00,21174.86,0,0,12000.00,0\n"
LAZARD = """
[[manager]]
name = "Lazard"
portfolios = ["Lazard Mid-Cap"]
emails = ["caps@lazard.example.com"]
"""
BLANK_IS_NOT_ZERO = "empty; valid: a dollar amount, 0 or more (blank is not 0: write 0 if you mean 0)."


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def report(capsys: pytest.CaptureFixture[str], tmp_path: Path, month: str, actuals: Path, recipients: str = LAZARD,
           *more: str) -> tuple[int, str, str]:  # fmt: skip
    who = write(tmp_path, "recipients.toml", recipients)
    return run(capsys, "report", "--month", month, "--actuals", str(actuals), "--recipients", str(who),
               "--out", str(tmp_path / "out"), *more)  # fmt: skip


def sample_without(tmp_path: Path, *lines: str) -> Path:
    """The bundled sample actuals with the rows starting with each of `lines` removed."""
    text = SAMPLE_ACTUALS.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith(lines)]
    assert len(kept) == len(text.splitlines()) - len(lines)
    return write(tmp_path, "actuals.csv", "".join(kept))


# --- 1. A blank covered-expense cell is not 0 ---------------------------------------------------


@pytest.mark.parametrize(
    ("column", "letter", "row", "message"),
    [
        ("Management fee", "E", "2008-01,Lazard Mid-Cap Portfolio,250000000,31,,30000.00,0,0,0,0,0", BLANK_IS_NOT_ZERO),
        ("Other expenses", "F", "2008-01,Lazard Mid-Cap Portfolio,250000000,31,150000.00, ,0,0,0,0,0", BLANK_IS_NOT_ZERO),
        ("Average net assets", "C", "2008-01,Lazard Mid-Cap Portfolio,,31,150000.00,30000.00,0,0,0,0,0", BLANK_IS_NOT_ZERO),
        ("Days", "D", "2008-01,Lazard Mid-Cap Portfolio,250000000,,150000.00,30000.00,0,0,0,0,0",
         "empty; valid: a whole number of days from 1 to 31."),
    ],
)  # fmt: skip
def test_a_blank_cell_the_limit_needs_is_an_error_not_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, letter: str, row: str, message: str
) -> None:
    # Before: a blank Management fee was read as 0, and Lazard went from Capped to "Within limit", exit 0.
    actuals = write(tmp_path, "actuals.csv", HEADER + row + "\n")
    assert report(capsys, tmp_path, "2008-01", actuals) == (
        2,
        "",
        f"1 problem found; nothing was written:\n{actuals}, row 2, column {letter} ({column}): {message}\n",
    )
    assert not (tmp_path / "out").exists()


def test_blank_excluded_expenses_mean_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """12b-1, interest, taxes, brokerage and extraordinary are outside the limit: blank is documented as none."""
    actuals = write(tmp_path, "actuals.csv", HEADER + "2008-01,Lazard Mid-Cap Portfolio,250000000,31,150000.00,30000.00,,,,,\n")
    code, out, _ = report(capsys, tmp_path, "2008-01", actuals)
    assert code == 0
    summary = openpyxl.load_workbook(tmp_path / "out" / "expense-caps-2008-01-lazard.xlsx", data_only=True)["Summary"]
    assert summary["G5"].value == 10_601.09  # 180,000.00 - 169,398.91 (0.80% x 250M x 31/366), as in test_capcalc
    # The whole Trust's workbook holds Lazard only, and says which of Schedule A's 43 portfolios it lacks.
    assert "  expense-caps-2008-01-trust.xlsx  (whole Trust, 1 portfolio; not in this workbook, no actuals for 2008-01: " \
           "42 portfolios, named in its Notes)\n" in out  # fmt: skip
    notes = openpyxl.load_workbook(tmp_path / "out" / "expense-caps-2008-01-trust.xlsx")["Notes"]
    rows = list(notes.iter_rows(min_row=4, values_only=True))
    first = next(i for i, r in enumerate(rows) if r[0] == "Not in this workbook")
    missing = [r[1] for r in rows[first : first + 42]]
    assert all(m.endswith(" (in force under Amendment No. 12): no actuals for January 2008.") for m in missing)
    assert "Janus Forty Portfolio (in force under Amendment No. 12): no actuals for January 2008." in missing
    assert not any(r[0] for r in rows[first + 1 : first + 42])  # one row each, the label on the first


# --- 2. Formulas with no stored value -------------------------------------------------------------


def _formula_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Month", "Portfolio", "Average net assets", "Days", "Management fee", "Other expenses"])
    ws.append(["2008-01", "Lazard Mid-Cap Portfolio", 250_000_000, 31, "=100000+50000", "=SUM(30000,0)"])
    book.save(path)  # openpyxl stores formulas, never their values
    return path


def test_formulas_without_stored_values_are_an_error_saying_to_save_from_excel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: read as 0, so Lazard's waiver of $10,601.09 became $0, exit 0.
    actuals = _formula_workbook(tmp_path / "actuals.xlsx")
    assert report(capsys, tmp_path, "2008-01", actuals) == (
        2,
        "",
        f"1 problem found; nothing was written:\n{actuals}: 2 cells hold formulas with no stored value (row 2, column E: "
        "=100000+50000; row 2, column F: =SUM(30000,0)): the file was saved by a program that does not calculate "
        "formulas. Open it in Excel or LibreOffice and save it, so each formula's value is stored, then run this again.\n",
    )
    assert not (tmp_path / "out").exists()


def test_formulas_written_by_xlsxwriter_which_stores_0_as_their_value_are_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # XlsxWriter (pandas' to_excel engine) stores 0 for every formula and flags the file "recalculate on load".
    # Before: read as 0, waiver $0, exit 0.
    import xlsxwriter

    actuals = tmp_path / "actuals.xlsx"
    book = xlsxwriter.Workbook(str(actuals))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["Month", "Portfolio", "Average net assets", "Days", "Management fee", "Other expenses"])
    ws.write_row(1, 0, ["2008-01", "Lazard Mid-Cap Portfolio", 250_000_000, 31])
    ws.write_formula(1, 4, "=100000+50000")
    ws.write_number(1, 5, 30_000)
    book.close()
    code, _, err = report(capsys, tmp_path, "2008-01", actuals)
    assert code == 2
    assert f"{actuals}: 1 cell holds a formula with no stored value (row 2, column E: =100000+50000): " in err


def test_a_formula_that_computed_an_empty_string_is_blank_not_unsaved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """LibreOffice stores an empty result as t="str" with an empty value: blank (none, in an excluded column)."""
    from tests.libreoffice import SOFFICE, convert

    if SOFFICE is None:
        pytest.skip("LibreOffice not installed (CI installs it)")
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Month", "Portfolio", "Average net assets", "Days", "Management fee", "Other expenses", "12b-1 fees"])
    ws.append(["2008-01", "Lazard Mid-Cap Portfolio", 250_000_000, 31, 150_000, '=IF(1=1,"",0)', '=IF(1=1,"",0)'])
    book.save(tmp_path / "empty.xlsx")
    (saved,) = convert([tmp_path / "empty.xlsx"], tmp_path / "saved")
    code, _, err = report(capsys, tmp_path, "2008-01", saved)
    assert (code, err) == (
        2,
        f"1 problem found; nothing was written:\n{saved}, row 2, column F (Other expenses): {BLANK_IS_NOT_ZERO}\n",
    )  # the 12b-1 formula's empty result is none: no problem reported for column G


def test_the_same_formulas_saved_by_libreoffice_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.libreoffice import SOFFICE, convert

    if SOFFICE is None:
        pytest.skip("LibreOffice not installed (CI installs it)")
    (saved,) = convert([_formula_workbook(tmp_path / "actuals.xlsx")], tmp_path / "saved")  # what the error asks for
    assert report(capsys, tmp_path, "2008-01", saved)[0] == 0
    summary = openpyxl.load_workbook(tmp_path / "out" / "expense-caps-2008-01-lazard.xlsx", data_only=True)["Summary"]
    assert summary["G5"].value == 10_601.09  # 150,000 + 30,000 - 169,398.91


# --- 3. A month missing inside the year; a year that starts late ---------------------------------


def test_a_month_missing_inside_the_year_is_an_error_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: March's year-to-date waiver read $30,727.80 instead of $44,402.83, exit 0.
    actuals = sample_without(tmp_path, "2008-02,Lazard Mid-Cap Portfolio,")
    assert report(capsys, tmp_path, "2008-03", actuals) == (
        2,
        "",
        f"1 problem found; nothing was written:\n{actuals}: no row for Lazard Mid-Cap Portfolio in 2008-02, inside its "
        "year to date (2008-01 to 2008-03) with a Schedule A in force; a missing month would change the "
        "year-to-date limit and waiver. Valid: one row for each month from 2008-01 through 2008-03, with that month's "
        "figures.\n",
    )


def test_a_missing_report_month_of_a_portfolio_in_force_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    actuals = write(tmp_path, "actuals.csv", HEADER + LAZARD_JAN + LAZARD_JAN.replace("Lazard Mid-Cap", "Janus Forty"))
    actuals.write_text(actuals.read_text() + LAZARD_JAN.replace("2008-01", "2008-02").replace(",31,", ",29,"))
    code, _, err = report(capsys, tmp_path, "2008-02", actuals)
    assert code == 2
    assert f"{actuals}: no row for Janus Forty Portfolio in 2008-02, inside its year to date (2008-01 to 2008-02)" in err


def test_a_year_that_starts_after_january_is_said_in_the_console_and_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sample starts in November 2007; Rainier in December. Before: nothing said the year to date was partial.
    rainier = '[[manager]]\nname = "Rainier"\nportfolios = ["Rainier Large Cap Equity"]\nemails = ["ops@rainier.example.com"]\n'
    code, out, err = report(capsys, tmp_path, "2007-12", SAMPLE_ACTUALS, rainier)
    assert (code, err) == (0, "")
    assert (
        "Year to date runs from November 2007, not January 2007, for 42 portfolios: the actuals hold no earlier month of "
        "2007 for them.\n" in out
    )
    assert (
        "Year to date runs from December 2007, not January 2007, for Rainier Large Cap Equity Portfolio: the actuals "
        "hold no earlier month of 2007 for it.\n" in out
    )
    said = (
        "Year to date runs from December 2007, not January 2007, for Rainier Large Cap Equity Portfolio: the actuals "
        "hold no earlier month of 2007 for it."
    )
    book = openpyxl.load_workbook(tmp_path / "out" / "expense-caps-2007-12-rainier.xlsx")
    lines = {r[0]: r[1] for r in book["Notes"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert lines["Year to date"] == said
    assert book["Summary"]["A3"].value == book["Year to date"]["A3"].value == said  # above the figures, too
    trust = openpyxl.load_workbook(tmp_path / "out" / "expense-caps-2007-12-trust.xlsx")
    assert str(trust["Summary"]["A3"].value).startswith("Year to date runs from November 2007, not January 2007, for 42 ")


# --- 4. Every portfolio a manager is responsible for ------------------------------------------------

BATTERYMARCH = """
[[manager]]
name = "Batterymarch"
portfolios = ["Batterymarch Growth and Income", "Batterymarch Mid-Cap Stock"]
emails = ["caps@batterymarch.example.com"]
"""


def test_a_managers_portfolio_missing_from_the_month_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: console and manifest said "Batterymarch, 2 portfolios"; the workbook held 1; exit 0.
    actuals = sample_without(tmp_path, *(f"{m},Batterymarch Mid-Cap Stock Portfolio," for m in ("2007-11", "2007-12", "2008-01")))
    recipients = tmp_path / "recipients.toml"
    assert report(capsys, tmp_path, "2008-01", actuals, BATTERYMARCH) == (
        2,
        "",
        f"1 problem found; nothing was written:\n{actuals}: no row for 2008-01 for Batterymarch Mid-Cap Stock Portfolio, "
        f"which manager Batterymarch is responsible for ({recipients}); it is in the Schedule A in force that month "
        "(Amendment No. 12). Valid: a row for each portfolio in the recipients file that is under a Schedule A in force "
        "in the month.\n",
    )


def test_a_managers_portfolio_not_in_force_and_without_actuals_is_named_not_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """October 2007 is before the first schedule on file: a portfolio without actuals then is left out, and said so."""
    october = LAZARD_JAN.replace("2008-01", "2007-10").replace("Lazard Mid-Cap", "Batterymarch Growth and Income")
    actuals = write(tmp_path, "actuals.csv", HEADER + october)
    code, out, err = report(capsys, tmp_path, "2007-10", actuals, BATTERYMARCH)
    assert (code, err) == (0, "")
    assert (
        "  expense-caps-2007-10-batterymarch.xlsx  (Batterymarch, 1 portfolio; not in this workbook, no actuals for "
        "2007-10: Batterymarch Mid-Cap Stock Portfolio (No schedule on file: no limit in force))\n" in out
    )
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    entry = next(f for f in manifest["files"] if f["manager"] == "Batterymarch")
    assert entry["portfolios"] == ["Batterymarch Growth and Income Portfolio"]
    assert entry["not_in_workbook"] == ["Batterymarch Mid-Cap Stock Portfolio (No schedule on file: no limit in force)"]
    book = openpyxl.load_workbook(tmp_path / "out" / "expense-caps-2007-10-batterymarch.xlsx", data_only=True)
    assert [r[0] for r in book["Summary"].iter_rows(min_row=5, max_row=6, values_only=True) if r[0]] == [
        "Batterymarch Growth and Income Portfolio",
        "Total, no limit in force (1)",  # October 2007: before the first Schedule A on file
    ]
    notes = {r[0]: r[1] for r in book["Notes"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert notes["Not in this workbook"] == (
        "Batterymarch Mid-Cap Stock Portfolio (No schedule on file: no limit in force): no actuals for October 2007."
    )


def test_a_new_portfolio_without_any_actuals_yet_is_named_not_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rainier is new in Amendment No. 12 and starts on December 3, 2007: the sample's November has no row for it."""
    code, out, err = run(capsys, "report", "--month", "2007-11", "--out", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert (
        "  expense-caps-2007-11-rainier.xlsx  (Rainier, 0 portfolios; not in this workbook, no actuals for 2007-11: "
        "Rainier Large Cap Equity Portfolio (new in Amendment No. 12: no actuals yet))\n" in out
    )
    # Once it has a row, a later missing month is a gap like any other.
    actuals = sample_without(tmp_path, "2008-01,Rainier Large Cap Equity Portfolio,")
    code, _, err = run(capsys, "report", "--month", "2008-02", "--actuals", str(actuals), "--out", str(tmp_path / "feb"))
    assert code == 2
    assert f"{actuals}: no row for Rainier Large Cap Equity Portfolio in 2008-01, inside its year to date" in err


# --- 5. Names from data are never file names as such -------------------------------------------------


def _manager(name: str, portfolio: str) -> str:
    return f'[[manager]]\nname = {json.dumps(name)}\nportfolios = ["{portfolio}"]\nemails = ["x@example.com"]\n'


def test_a_manager_called_trust_does_not_overwrite_the_trust_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: "Trust" wrote expense-caps-2008-01-trust.xlsx over the whole Trust's, and the manifest listed it twice.
    code, _, err = report(capsys, tmp_path, "2008-01", SAMPLE_ACTUALS, _manager("Trust", "Lazard Mid-Cap"))
    assert (code, err) == (0, "")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [(f["file"], f["manager"], len(f["portfolios"])) for f in manifest["files"]] == [
        ("expense-caps-2008-01-trust.xlsx", None, 43),
        ("expense-caps-2008-01-manager-trust.xlsx", "Trust", 1),
    ]
    trust = openpyxl.load_workbook(tmp_path / "out" / "expense-caps-2008-01-trust.xlsx", read_only=True)["Summary"]
    table = [r[0] for r in trust.iter_rows(min_row=5, values_only=True)]
    assert sum(1 for name in table[: table.index(None)] if not str(name).startswith("Total, ")) == 43


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("../x", "expense-caps-2008-01-x.xlsx"),
        ("CON", "expense-caps-2008-01-con.xlsx"),  # CON is reserved on Windows only as a whole name, never with a prefix
        ("a/b\\c", "expense-caps-2008-01-a-b-c.xlsx"),
        ("Société Générale", "expense-caps-2008-01-societe-generale.xlsx"),
    ],
)
def test_manager_names_become_safe_file_names(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, file: str) -> None:
    assert report(capsys, tmp_path, "2008-01", SAMPLE_ACTUALS, _manager(name, "Lazard Mid-Cap"))[0] == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.xlsx")) == sorted(["expense-caps-2008-01-trust.xlsx", file])
    assert not (tmp_path / "x").exists()


def test_a_500_character_manager_name_gets_a_short_unique_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long_a, long_b = "A" * 500, "A" * 499 + "B"  # the same first 60 characters: told apart by a hash of the whole name
    recipients = _manager(long_a, "Lazard Mid-Cap") + _manager(long_b, "Janus Forty")
    code, _, err = report(capsys, tmp_path, "2008-01", SAMPLE_ACTUALS, recipients)
    assert (code, err) == (0, "")
    names = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert len(names) == 3 and all(len(n) < 100 for n in names)
    assert len({n[:70] for n in names if n != "expense-caps-2008-01-trust.xlsx"}) == 1  # same visible prefix...
    assert len(set(names)) == 3  # ...different files
    # Excel's page footer holds 255 characters: the name is cut there, so the confidentiality line is never dropped
    manager_book = next(p for p in (tmp_path / "out").glob("*.xlsx") if "trust" not in p.name)
    footer = openpyxl.load_workbook(manager_book)["Summary"].oddFooter.left.text
    assert footer.startswith("Confidential: prepared for " + "A" * 57 + "...; not for further distribution.")


def test_two_names_giving_the_same_file_name_are_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipients = _manager("Legg/Mason", "Lazard Mid-Cap") + _manager("Legg Mason", "Janus Forty")
    code, out, err = report(capsys, tmp_path, "2008-01", SAMPLE_ACTUALS, recipients)
    assert (code, out) == (2, "")
    assert err == (
        "1 problem found; nothing was written:\n"
        f"{tmp_path / 'recipients.toml'}, manager 2 (Legg Mason): name 'Legg Mason' gives the same file name "
        "(expense-caps-YYYY-MM-legg-mason.xlsx) as 'Legg/Mason'; valid: names that differ in letters or digits.\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("cell", "column"), [(2, "C (Average net assets)"), (5, "F (Other expenses)")])
def test_a_figure_larger_than_any_fund_is_refused_not_rounded_into_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cell: int, column: str
) -> None:
    # Found by hypothesis (tests/test_reconcile.py): 1E100 was read, then rounding it to the cent raised inside compute.
    cells = LAZARD_JAN.rstrip("\n").split(",")
    cells[cell] = "1E100"
    actuals = write(tmp_path, "actuals.csv", HEADER + ",".join(cells) + "\n")
    code, _, err = report(capsys, tmp_path, "2008-01", actuals)
    assert code == 2
    assert f"{actuals}, row 2, column {column}: '1E100' is larger than any fund's figure; valid: a dollar amount" in err
    assert "under 1,000,000,000,000,000." in err
