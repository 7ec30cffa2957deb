"""Actuals with a share-class column (xlcap/report/actual_classes.py), against the made-up Acme agreement.

tests/agreements/acme, Amendment No. 1 (2008-01-01): Acme Income Portfolio "Class A 0.60%; Class B
0.85%" (two rows, per class); Acme Growth Portfolio "0.75%" (one row for every class); no schedule
before 2008. The fixture tests/actuals/acme-classes.csv gives January to March 2008: Income per
class (typed "Class A", "class b", "B", ...), Growth for the whole portfolio. Expected rows and
messages are written out here from the agreement's text, not taken from the code.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xlcap.agreements.datafiles import load_history
from xlcap.agreements.schedule import History
from xlcap.cli import main
from xlcap.errors import InputFileError
from xlcap.report.actuals import ActualRow, read_actuals
from xlcap.report.completeness import check_complete
from xlcap.report.month_end import prepare
from xlcap.report.recipients import Manager
from xlcap.report.recoupment_book import read_actuals_path

ACME = Path(__file__).parent / "agreements" / "acme"
FIXTURE = Path(__file__).parent / "actuals" / "acme-classes.csv"
HAND = Path(__file__).parent / "actuals" / "hand.csv"
HEADER = "Month,Portfolio,Share class,Average net assets,Days,Management fee,Other expenses"
INCOME, GROWTH = "Acme Income Portfolio", "Acme Growth Portfolio"
AMENDMENT_1 = "Amendment No. 1, dated 2008-01-01"
MARCH = pd.Period("2008-03", "M")
RECIPIENTS = Path("recipients.toml")  # only named in messages by check_complete


@pytest.fixture(scope="module")
def history() -> History:
    return load_history(ACME)


def write(folder: Path, *lines: str, name: str = "actuals.csv", header: str = HEADER) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def key(rows: tuple[ActualRow, ...]) -> list[tuple[str, str | None, str]]:
    return sorted((r.portfolio, r.share_class, str(r.month)) for r in rows)


def problems(path: Path, history: History) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        read_actuals(path, history)
    return [p.replace(str(path), "{f}") for p in caught.value.problems]


# --- reading -------------------------------------------------------------------------------------------------------


def test_the_fixture_reads_each_class_in_the_agreement_s_spelling(history: History) -> None:
    rows = read_actuals(FIXTURE, history).rows
    # "Class A", "A", "class b", "B" are the classes the schedule spells "A" and "B"; Growth is the whole portfolio.
    assert [(r.source_row, r.portfolio, r.share_class, str(r.month)) for r in rows] == [
        (6, INCOME, "A", "2008-01"),
        (7, INCOME, "B", "2008-01"),
        (8, GROWTH, None, "2008-01"),
        (9, INCOME, "A", "2008-02"),
        (10, INCOME, "B", "2008-02"),
        (11, GROWTH, None, "2008-02"),
        (12, INCOME, "A", "2008-03"),
        (13, INCOME, "B", "2008-03"),
        (14, GROWTH, None, "2008-03"),
    ]
    assert (rows[1].average_net_assets, rows[1].management_fee, rows[1].other_expenses) == (50_000_000, 21_000, 18_000)


def test_without_the_column_every_row_is_the_whole_portfolio() -> None:
    from xlcap import default_history

    assert {r.share_class for r in read_actuals(HAND, default_history()).rows} == {None}


@pytest.mark.parametrize("title", ["Share class", "Class", "Share Class", "share_class", "CLASS NAME"])
def test_the_column_s_loose_names(tmp_path: Path, history: History, title: str) -> None:
    header = HEADER.replace("Share class", title)
    path = write(tmp_path, "2008-01,Acme Income,Class A,1,31,1,1", "2008-01,Acme Income,b,1,31,1,1", header=header)
    assert key(read_actuals(path, history).rows) == [(INCOME, "A", "2008-01"), (INCOME, "B", "2008-01")]


def test_an_xlsx_file_with_a_class_column(tmp_path: Path, history: History) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Month", "Portfolio", "Class", "Average net assets", "Days", "Management fee", "Other expenses"])
    sheet.append(["2008-02", "Acme Income Portfolio", "Class B", 50e6, 29, 100, 10])
    sheet.append(["2008-02", "Acme Income Portfolio", "A", 100e6, 29, 200, 20])
    sheet.append(["2008-02", "Acme Growth", None, 200e6, 29, 300, 30])
    book.save(tmp_path / "actuals.xlsx")
    rows = read_actuals(tmp_path / "actuals.xlsx", history).rows
    assert [(r.source_row, r.share_class, r.management_fee) for r in rows] == [(2, "B", 100), (3, "A", 200), (4, None, 300)]


def test_a_number_in_an_xlsx_class_cell(tmp_path: Path, history: History) -> None:
    # A whole number is a class named by it ("1"); anything else that is not text is refused, never read as blank.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Month", "Portfolio", "Share class", "Average net assets", "Days", "Management fee", "Other expenses"])
    sheet.append(["2008-02", "Acme Growth", 1, 50e6, 29, 100, 10])
    sheet.append(["2008-02", "Acme Income", 1.5, 50e6, 29, 100, 10])
    book.save(tmp_path / "actuals.xlsx")
    assert problems(tmp_path / "actuals.xlsx", history) == [
        '{f}, row 3, column C (Share class): 1.5 is not a share class name; valid: a class as text ("A", "Class A"), or blank.'
    ]
    sheet.delete_rows(3)
    book.save(tmp_path / "actuals.xlsx")
    assert key(read_actuals(tmp_path / "actuals.xlsx", history).rows) == [(GROWTH, "1", "2008-02")]


def test_a_class_of_a_portfolio_with_one_limit_for_every_class_is_accepted(tmp_path: Path, history: History) -> None:
    # Growth's 0.75% covers every class: books that keep expenses per class may give it per class, each class then
    # priced by the portfolio's one row. A class no amendment spells is kept as its matching key ("INSTITUTIONAL").
    path = write(tmp_path, "2008-01,Acme Growth,Class A,1,31,1,1", "2008-01,Acme Growth,institutional,1,31,1,1")
    assert key(read_actuals(path, history).rows) == [(GROWTH, "A", "2008-01"), (GROWTH, "INSTITUTIONAL", "2008-01")]


def test_before_any_schedule_a_class_is_taken_as_given(tmp_path: Path, history: History) -> None:
    # December 2007: no Acme schedule on file, so no limit to test and no class list to check against.
    path = write(tmp_path, "2007-12,Acme Income,,1,31,1,1", "2007-12,Acme Growth,class c,1,31,1,1")
    assert key(read_actuals(path, history).rows) == [(GROWTH, "C", "2007-12"), (INCOME, None, "2007-12")]


# --- checks --------------------------------------------------------------------------------------------------------


def test_a_class_the_agreement_does_not_list(tmp_path: Path, history: History) -> None:
    path = write(tmp_path, "2008-01,Acme Income,Class C,1,31,1,1")
    assert problems(path, history) == [
        f"{{f}}, row 2, column C (Share class): 'Class C' is not a share class of {INCOME} in {AMENDMENT_1}, in force "
        "for 2008-01; valid: A, B."
    ]


def test_a_blank_class_where_limits_are_per_class(tmp_path: Path, history: History) -> None:
    path = write(tmp_path, "2008-01,Acme Income,Class A,1,31,1,1", "2008-01,Acme Income,  ,1,31,1,1")
    assert problems(path, history) == [
        f"{{f}}, row 3, column C (Share class): empty, but {INCOME} has limits per share class in {AMENDMENT_1}, in "
        "force for 2008-01; valid: one of A, B. The limit is tested per class: a row without a class has no limit to "
        "price it."
    ]


def test_a_month_given_for_the_whole_portfolio_and_per_class(tmp_path: Path, history: History) -> None:
    path = write(tmp_path, "2008-01,Acme Growth,A,1,31,1,1", "2008-01,Acme Growth,,1,31,1,1", "2008-01,Acme Growth,B,1,31,1,1")
    assert problems(path, history) == [
        f"{{f}}, row 3: {GROWTH} 2008-01 is given for the whole portfolio here and per share class in Class A ({{f}}, "
        "row 2), Class B ({f}, row 4); valid: one row for the whole portfolio, or one row per share class, not both "
        "(the figures would count twice)."
    ]


def test_the_same_class_and_month_twice(tmp_path: Path, history: History) -> None:
    path = write(tmp_path, "2008-01,Acme Income,Class A,1,31,1,1", "2008-01,Acme Income Portfolio,a,2,31,2,2")
    assert problems(path, history) == [
        f"{{f}}, row 3: duplicate of row 2 ({INCOME}, Class A, 2008-01); valid: one row per portfolio, share class and month."
    ]


def test_every_problem_at_once(tmp_path: Path, history: History) -> None:
    # "Shares" alone is not read as "no class": it is a class name, and not one of Income's.
    path = write(tmp_path, "2008-01,Acme Income,Shares,1,31,1,1", "2008-13,Acme Income,Z,1,31,1,1")
    assert problems(path, history) == [
        f"{{f}}, row 2, column C (Share class): 'Shares' is not a share class of {INCOME} in {AMENDMENT_1}, in force "
        "for 2008-01; valid: A, B.",
        "{f}, row 3, column A (Month): '2008-13' is not a month; valid: YYYY-MM, e.g. 2008-01.",
    ]


def test_the_folder_reader_keys_rows_by_portfolio_class_and_month(tmp_path: Path, history: History) -> None:
    folder = tmp_path / "actuals"
    folder.mkdir()
    write(folder, "2008-01,Acme Income,A,1,31,1,1", "2008-01,Acme Growth,,1,31,1,1", name="a.csv")
    write(folder, "2008-01,Acme Income,Class B,1,31,1,1", "2008-01,Acme Growth,B,1,31,1,1", name="b.csv")
    with pytest.raises(InputFileError) as caught:
        read_actuals_path(folder, history)
    assert caught.value.problems == [
        f"{folder / 'a.csv'}, row 3: {GROWTH} 2008-01 is given for the whole portfolio here and per share class in "
        f"Class B ({folder / 'b.csv'}, row 3); valid: one row for the whole portfolio, or one row per share class, not "
        "both (the figures would count twice)."
    ]
    write(folder, "2008-01,Acme Income,B,1,31,1,1", name="b.csv")  # Income's two classes in two files: two rows
    assert key(read_actuals_path(folder, history).rows) == [
        (GROWTH, None, "2008-01"),
        (INCOME, "A", "2008-01"),
        (INCOME, "B", "2008-01"),
    ]
    write(folder, "2008-01,Acme Income,class a,1,31,1,1", name="b.csv")
    with pytest.raises(InputFileError) as caught:
        read_actuals_path(folder, history)
    assert caught.value.problems == [
        f"{folder / 'b.csv'}, row 2: {INCOME}, Class A 2008-01 is also in {folder / 'a.csv'}; valid: each month in one file."
    ]


# --- completeness --------------------------------------------------------------------------------------------------


def complete(path: Path, history: History, *portfolios: str) -> dict[str | None, tuple[tuple[str, str], ...]]:
    managers = (Manager("Acme", portfolios, ("a@acme.example.com",)),) if portfolios else ()
    return check_complete(read_actuals(path, history), MARCH, history, managers, RECIPIENTS)


def fixture_lines(drop: int | None = None) -> list[str]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()[5:]
    return [line for i, line in enumerate(lines) if i != drop]


def test_the_fixture_is_complete(history: History) -> None:
    assert complete(FIXTURE, history, INCOME, GROWTH) == {
        "Acme": (),
        None: (("Lazard Mid-Cap Portfolio", "in force under Amendment No. 1"),),
    }


def test_a_year_given_whole_then_per_class_says_the_forms_are_mixed(tmp_path: Path, history: History) -> None:
    # Found by review: "no row for Acme Growth Portfolio in 2008-02, 2008-03" though those months were there, per class.
    lines = [line.replace(f"{GROWTH},,", f"{GROWTH},A,") if line.startswith(("2008-02", "2008-03")) else line
             for line in fixture_lines()]  # fmt: skip
    path = write(tmp_path, *lines, header=FIXTURE_HEADER)
    with pytest.raises(InputFileError) as caught:
        complete(path, history)
    assert caught.value.problems[0].endswith(
        "2008-01 through 2008-03, with that month's figures. The actuals give 2008-02, 2008-03 per class instead: a year "
        "to date runs in one form, so give every month of the year the same way."
    )
    assert caught.value.problems[0].startswith(f"{path}: no row for {GROWTH} in 2008-02, 2008-03")


def test_a_class_s_missing_month_is_a_gap_in_that_class_s_year(tmp_path: Path, history: History) -> None:
    path = write(tmp_path, *fixture_lines(drop=4), header=FIXTURE_HEADER)  # drop February's Class B
    with pytest.raises(InputFileError) as caught:
        complete(path, history)
    assert caught.value.problems == [
        f"{path}: no row for {INCOME}, Class B in 2008-02, inside its year to date (2008-01 to 2008-03) with a Schedule A "
        "in force; a missing month would change the year-to-date limit and waiver. Valid: one row for each month from "
        "2008-01 through 2008-03, with that month's figures."
    ]


def test_a_manager_s_portfolio_needs_each_class_in_the_month(tmp_path: Path, history: History) -> None:
    # Class B has no row at all: no gap in its year (it has no year), but the manager's workbook would lack it.
    lines = [line for line in fixture_lines() if not line.split(",")[2].upper().endswith("B")]
    path = write(tmp_path, *lines, header=FIXTURE_HEADER)
    with pytest.raises(InputFileError) as caught:
        complete(path, history, INCOME)
    assert caught.value.problems == [
        f"{path}: no row for 2008-03 for {INCOME}, Class B, which manager Acme is responsible for (recipients.toml); "
        f"{AMENDMENT_1} prices {INCOME} per share class (A, B). Valid: a row for each class the Schedule A in force lists."
    ]
    assert complete(path, history)[None] == (("Lazard Mid-Cap Portfolio", "in force under Amendment No. 1"),)


def test_a_per_class_file_of_a_one_limit_portfolio_is_complete_per_class(tmp_path: Path, history: History) -> None:
    path = write(tmp_path, "2008-01,Acme Growth,A,1,31,1,1", "2008-03,Acme Growth,A,1,31,1,1", "2008-03,Acme Growth,B,1,31,1,1")
    with pytest.raises(InputFileError) as caught:
        complete(path, history, GROWTH)
    assert [p.split(", inside")[0] for p in caught.value.problems] == [f"{path}: no row for {GROWTH}, Class A in 2008-02"]


# --- properties ----------------------------------------------------------------------------------------------------

SPELLINGS = {
    "A": ["A", "a", "Class A", "class a", " CLASS  A ", "A Shares", "Share Class A"],
    "B": ["B", "b", "Class B", "class B"],
}
TABLE = [line.split(",") for line in fixture_lines()]
FIXTURE_HEADER = HEADER + ",12b-1 fees"


def canonical(history: History) -> list[tuple[str, ...]]:
    return sorted(_figures(r) for r in read_actuals(FIXTURE, history).rows)


def _figures(r: ActualRow) -> tuple[str, ...]:
    """Everything a row says but where it sits: portfolio first, class last."""
    middle = [str(getattr(r, f)) for f in ActualRow.__slots__ if f not in ("source_row", "portfolio", "share_class")]
    return (r.portfolio, *middle, str(r.share_class))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_shuffled_and_respelled_rows_are_the_same_rows(tmp_path: Path, history: History, seed: int) -> None:
    rng = random.Random(seed)
    rows = [list(r) for r in TABLE]
    rng.shuffle(rows)
    for row in rows:
        if row[2]:
            row[2] = rng.choice(SPELLINGS[row[2].split()[-1].upper()])
    path = write(tmp_path, *(",".join(r) for r in rows), header=FIXTURE_HEADER)
    assert sorted(_figures(r) for r in read_actuals(path, history).rows) == canonical(history)


RESPELL = "(the cell's own class, spelled another way)"
DAMAGE = st.sampled_from(["", " ", "C", "Class C", "n/a", "#N/A", "Class", "Shares", "0", "A/B", "AB", "Class A B", RESPELL])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=st.lists(st.tuples(st.integers(0, len(TABLE) - 1), DAMAGE), min_size=1, max_size=3))
@example(damage=[(2, "Class C"), (5, "c"), (8, "C shares")])  # every Growth row one class: the documented case
def test_a_damaged_class_cell_is_an_error_or_the_same_rows(
    tmp_path: Path, history: History, damage: list[tuple[int, str]]
) -> None:
    """Damage never moves a row to another class in silence. One documented case reads without an error: Growth has one
    limit for every class, so a class on every Growth row is a per-class file of it, priced by the same row; then only
    Growth's class differs, and it is one class for all its months."""
    rows = [list(r) for r in TABLE]
    for i, text in damage:
        own = rows[i][2].split()[-1].upper() if rows[i][2].strip() else ""
        rows[i][2] = (f"Share Class {own.lower()}" if own else "") if text == RESPELL else text
    path = write(tmp_path, *(",".join(r) for r in rows), header=FIXTURE_HEADER)
    try:
        got = complete(path, history, INCOME, GROWTH)
        read = read_actuals(path, history).rows
    except InputFileError as exc:
        assert exc.problems and all(p.startswith(str(path)) for p in exc.problems)
        return
    assert got["Acme"] == ()
    original = canonical(history)
    income = [f for f in sorted(_figures(r) for r in read) if f[0] == INCOME]  # the per-class portfolio: exactly as given
    assert income == [f for f in original if f[0] == INCOME]
    growth = [r for r in read if r.portfolio == GROWTH]
    assert len(growth) == 3 and len({r.share_class for r in growth}) == 1
    assert sorted(_figures(r)[:-1] for r in growth) == sorted(f[:-1] for f in original if f[0] == GROWTH)


# --- a portfolio whose limits become per class mid-year --------------------------------------------------------------

GROWTH_PER_CLASS = """name = "Acme Growth Portfolio"
share_classes = ["Class A"]
limit_text = "0.70%"
source_lines = [31, 31]
limit = { kind = "flat", rate = "0.70%" }
term_end = 2009-06-30

[[portfolio]]
name = "Acme Growth Portfolio"
share_classes = ["I"]
new_portfolio = true
limit_text = "0.70%"
source_lines = [31, 31]
limit = { kind = "flat", rate = "0.70%" }
term_end = 2009-06-30
"""


@pytest.fixture(scope="module")
def switching(tmp_path_factory: pytest.TempPathFactory) -> History:
    """Acme with Amendment No. 2 (July 1, 2008) pricing Growth per class: "Class A" (so spelled), and a new Class I."""
    folder = tmp_path_factory.mktemp("acme") / "acme"
    shutil.copytree(ACME, folder)
    second = folder / "amendment-002.toml"
    text = second.read_text(encoding="utf-8")
    whole = GROWTH_PER_CLASS.split("\n[[portfolio]]")[0].replace('share_classes = ["Class A"]\n', "")
    assert text.count(whole) == 1  # Growth's one row, "0.70%" for every class
    second.write_text(text.replace(whole, GROWTH_PER_CLASS), encoding="utf-8")
    return load_history(folder)


def growth_year(*july_on: str) -> list[str]:
    first_half = [f"2008-0{m},Acme Growth,,1,{d},1,1" for m, d in zip(range(1, 7), (31, 29, 31, 30, 31, 30), strict=True)]
    return [*first_half, *july_on]


def test_whole_until_the_amendment_then_per_class(tmp_path: Path, switching: History) -> None:
    # July on: Amendment No. 2 prices Growth per class. "A" is stored as the agreement spells it, "Class A", in every
    # month; the whole-portfolio months before July are not "missing" after it; Class I is new and has no rows yet.
    path = write(tmp_path, *growth_year("2008-07,Acme Growth,A,1,31,1,1", "2008-08,Acme Growth,class a,1,31,1,1"))
    actuals = read_actuals(path, switching)
    assert [r.share_class for r in actuals.rows] == [None] * 6 + ["Class A", "Class A"]
    managers = (Manager("Acme", (GROWTH,), ("a@acme.example.com",)),)
    absent = check_complete(actuals, pd.Period("2008-08", "M"), switching, managers, RECIPIENTS)
    assert absent["Acme"] == ((f"{GROWTH}, Class I", "new in Amendment No. 2: no actuals yet"),)


def test_after_the_switch_a_whole_row_and_a_stopped_class_are_errors(tmp_path: Path, switching: History) -> None:
    path = write(tmp_path, *growth_year("2008-07,Acme Growth,,1,31,1,1"))
    assert problems(path, switching) == [
        f"{{f}}, row 8, column C (Share class): empty, but {GROWTH} has limits per share class in Amendment No. 2, dated "
        "2008-07-01, in force for 2008-07; valid: one of Class A, I. The limit is tested per class: a row without a "
        "class has no limit to price it."
    ]
    path = write(tmp_path, *growth_year("2008-07,Acme Growth,A,1,31,1,1", "2008-07,Acme Growth,I,1,31,1,1",
                                        "2008-08,Acme Growth,A,1,31,1,1"))  # fmt: skip
    managers = (Manager("Acme", (GROWTH,), ("a@acme.example.com",)),)
    with pytest.raises(InputFileError) as caught:
        check_complete(read_actuals(path, switching), pd.Period("2008-08", "M"), switching, managers, RECIPIENTS)
    path_twice = write(tmp_path, *growth_year("2008-07,Acme Growth,A,1,31,1,1", "2008-07,Acme Growth,Class A,1,31,1,1"),
                       name="twice.csv")  # fmt: skip
    assert problems(path_twice, switching) == [  # the class as the agreement spells it, "Class A", not "Class Class A"
        f"{{f}}, row 9: duplicate of row 8 ({GROWTH}, Class A, 2008-07); valid: one row per portfolio, share class and month."
    ]
    assert [p.split(" in 2008-08, inside")[0] for p in caught.value.problems] == [f"{path}: no row for {GROWTH}, Class I"]


def test_a_row_for_every_other_class_admits_any_class(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Income's Class B row made "every other class" (no share_classes): C is then priced by it; a blank still is not."""
    folder = tmp_path_factory.mktemp("others") / "acme"
    shutil.copytree(ACME, folder)
    first = folder / "amendment-001.toml"
    text = first.read_text(encoding="utf-8")
    assert text.count('share_classes = ["B"]\n') == 1
    first.write_text(text.replace('share_classes = ["B"]\n', ""), encoding="utf-8")
    history = load_history(folder)
    path = write(folder, "2008-01,Acme Income,Class C,1,31,1,1", "2008-01,Acme Income,a,1,31,1,1")
    assert key(read_actuals(path, history).rows) == [(INCOME, "A", "2008-01"), (INCOME, "C", "2008-01")]
    path = write(folder, "2008-01,Acme Income,,1,31,1,1")
    assert problems(path, history) == [
        f"{{f}}, row 2, column C (Share class): empty, but {INCOME} has limits per share class in {AMENDMENT_1}, in "
        "force for 2008-01; valid: one of A (or any other class). The limit is tested per class: a row without a "
        "class has no limit to price it."
    ]


# --- end to end: the report prices each class the file names at its own row ----------------------------------------


def test_the_report_prices_each_class_of_the_fixture_at_its_own_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """By hand (2008: 366 days; limit $ = assets x rate x days / 366, to the cent; fytd waiver = YTD covered - YTD limit):

    Class A 0.60%, $100M: Jan 600,000 x 31/366 = 50,819.67 (covered 57,000: waiver 6,180.33); Feb x 29/366 = 47,540.98
    (53,000); Mar 50,819.67 (57,000). YTD March: limit 149,180.32, covered 167,000, waiver 17,819.68; March's 6,180.33.
    Class B 0.85%, $50M: Jan 425,000 x 31/366 = 35,997.27 (39,000: waiver 3,002.73); Feb x 29/366 = 33,674.86 (35,500);
    Mar 35,997.27 (39,000). YTD March: limit 105,669.40, covered 113,500, waiver 7,830.60; March's 3,002.73.
    (Class B at Class A's 0.60% would be 25,409.84 in January.)
    """
    shutil.copytree(ACME, tmp_path / "data" / "acme")
    recipients = tmp_path / "recipients.toml"
    recipients.write_text(f'[[manager]]\nname = "Acme"\nportfolios = ["{INCOME}"]\nemails = ["a@acme.example.com"]\n')
    argv = ["--data", str(tmp_path / "data"), "report", "--month", "2008-03", "--actuals", str(FIXTURE)]
    assert main([*argv, "--recipients", str(recipients), "--out", str(tmp_path / "out")]) == 0, capsys.readouterr().err
    written = sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix == ".xlsx")
    assert written == ["expense-caps-2008-03-acme.xlsx", "expense-caps-2008-03-trust.xlsx"]
    _, report, _ = prepare(MARCH, FIXTURE, recipients, load_history(ACME))
    income = {(r.share_class, str(r.month)): r for r in report.rows if r.portfolio == INCOME}
    assert {k: r.limit_dollars for k, r in income.items()} == {
        ("A", "2008-01"): 50_819.67, ("A", "2008-02"): 47_540.98, ("A", "2008-03"): 50_819.67,
        ("B", "2008-01"): 35_997.27, ("B", "2008-02"): 33_674.86, ("B", "2008-03"): 35_997.27,
    }  # fmt: skip
    march = {c: (income[c, "2008-03"].ytd_limit, income[c, "2008-03"].ytd_covered, income[c, "2008-03"].ytd_waiver,
                 income[c, "2008-03"].waiver) for c in ("A", "B")}  # fmt: skip
    assert march == {"A": (149_180.32, 167_000, 17_819.68, 6_180.33), "B": (105_669.40, 113_500, 7_830.60, 3_002.73)}
