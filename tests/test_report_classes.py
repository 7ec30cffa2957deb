"""Per-share-class pricing in the month-end report, worked by hand from the made-up Acme agreement.

tests/agreements/acme/amendment-001.toml (in force from January 1, 2008): Acme Income Portfolio,
"Class A 0.60%" and "Class B 0.85%"; Acme Growth Portfolio 0.75% for every class. 2008 has 366 days.
Actuals are built directly with share_class set (the file's share-class column is read elsewhere).

Class A, January: $100m x 0.60% = $600,000 a year; x 31/366 = 18,600,000/366 = 50,819.672 -> 50,819.67.
  covered 45,000 + 9,000 = 54,000.00; YTD waiver max(0, 54,000.00 - 50,819.67) = 3,180.33: Capped.
Class A, February: 600,000 x 29/366 = 17,400,000/366 = 47,540.983 -> 47,540.98; covered 40,000 + 5,000 = 45,000.00.
  YTD limit 50,819.67 + 47,540.98 = 98,360.65; YTD covered 99,000.00; YTD waiver 639.35;
  the month: 639.35 - 3,180.33 = -2,540.98: Waiver reversed.
Class B, January: $40m x 0.85% = $340,000 a year; x 31/366 = 10,540,000/366 = 28,797.814 -> 28,797.81.
  covered 25,000 + 3,000 = 28,000.00, under the limit: no waiver; 28,000 / 28,797.81 = 97.2% >= 95%: Near limit;
  room 797.81. (Priced at Class A's 0.60% it would owe 28,000.00 - 20,327.87 = 7,672.13.)
Class B, February: 340,000 x 29/366 = 9,860,000/366 = 26,939.890 -> 26,939.89; covered 30,000 + 4,000 = 34,000.00.
  YTD limit 28,797.81 + 26,939.89 = 55,737.70; YTD covered 62,000.00; YTD waiver 6,262.30 = the month's: Capped.
  (Sharing one year to date with Class A would give 0.00 for A and B together in January's terms: never.)
Class B's 12b-1 fees: 0.25% of $40m a year, by days: January 8,469.95, February 100,000 x 29/366 = 7,923.50.
  February's ratio incl. 12b-1, before waiver: (34,000.00 + 7,923.50) / (40,000,000 x 29/366)
  = 41,923.50 x 366 / 1,160,000,000 = 15,344,001 / 1,160,000,000 = 1.3228%; before waiver ex-12b-1:
  34,000 x 366 / 1,160,000,000 = 12,444,000 / 1,160,000,000 = 1.0728%.
Acme Growth (whole portfolio), January: $50m x 0.75% = 375,000; x 31/366 = 11,625,000/366 = 31,762.295 -> 31,762.30;
  covered 20,000 + 3,000 = 23,000.00: Within limit, no waiver.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.libreoffice import convert, needs_libreoffice
from xlcap.agreements.datafiles import load_history
from xlcap.errors import InputFileError
from xlcap.mail.message import body_lines, summarise_workbook
from xlcap.report.actuals import ActualRow, Actuals
from xlcap.report.compute import CapReport, compute
from xlcap.report.recoupment_book import monthly_figures, recoupment_book
from xlcap.report.status import CAPPED, NEAR_LIMIT, REVERSAL, WITHIN_LIMIT
from xlcap.report.steps import START, accumulate, price, status_of
from xlcap.report.words import WORDS
from xlcap.report.workbook import WorkbookContext, write_workbook

ACME = load_history(Path(__file__).parent / "agreements" / "acme")
INCOME, GROWTH = "Acme Income Portfolio", "Acme Growth Portfolio"
JAN, FEB = pd.Period("2008-01", "M"), pd.Period("2008-02", "M")


def actual(month: pd.Period, portfolio: str, share_class: str | None, assets: float, fee: float, other: float,
           dist: float = 0.0, row: int = 2) -> ActualRow:  # fmt: skip
    days = 31 if month == JAN else 29
    return ActualRow(month, portfolio, assets, days, fee, other, dist, 0.0, 0.0, 0.0, 0.0, row, share_class=share_class)


ROWS = (
    actual(JAN, INCOME, "A", 100_000_000, 45_000.00, 9_000.00, row=2),
    actual(FEB, INCOME, "A", 100_000_000, 40_000.00, 5_000.00, row=3),
    actual(JAN, INCOME, "Class B", 40_000_000, 25_000.00, 3_000.00, 8_469.95, row=4),  # "Class B" is class B
    actual(FEB, INCOME, "B", 40_000_000, 30_000.00, 4_000.00, 7_923.50, row=5),
    actual(JAN, GROWTH, None, 50_000_000, 20_000.00, 3_000.00, row=6),
)
# (class, month): limit $, covered, waiver (month), YTD waiver, status
HAND: dict[tuple[str, pd.Period], tuple[float, float, float, float, str]] = {
    ("A", JAN): (50_819.67, 54_000.00, 3_180.33, 3_180.33, CAPPED),
    ("A", FEB): (47_540.98, 45_000.00, -2_540.98, 639.35, REVERSAL),
    ("B", JAN): (28_797.81, 28_000.00, 0.00, 0.00, NEAR_LIMIT),
    ("B", FEB): (26_939.89, 34_000.00, 6_262.30, 6_262.30, CAPPED),
}
# The same months by the monthly method (each month against its own limit):
# A Jan 54,000.00 - 50,819.67 = 3,180.33, Capped; A Feb 45,000.00 under 47,540.98: 0.00, and 45,000 < 95% x 47,540.98
# = 45,163.93: Within limit, YTD 3,180.33; B Jan 0.00, 28,000 >= 95% x 28,797.81 = 27,357.92: Near limit;
# B Feb 34,000.00 - 26,939.89 = 7,060.11, Capped, YTD 7,060.11.
MONTHLY: dict[tuple[str, pd.Period], tuple[float, float, float, float, str]] = {
    ("A", JAN): (50_819.67, 54_000.00, 3_180.33, 3_180.33, CAPPED),
    ("A", FEB): (47_540.98, 45_000.00, 0.00, 3_180.33, WITHIN_LIMIT),
    ("B", JAN): (28_797.81, 28_000.00, 0.00, 0.00, NEAR_LIMIT),
    ("B", FEB): (26_939.89, 34_000.00, 7_060.11, 7_060.11, CAPPED),
}
FEB_B_WITH_12B1 = 15_344_001 / 1_160_000_000
FEB_B_GROSS = 12_444_000 / 1_160_000_000


def report(month: pd.Period = FEB) -> CapReport:
    return compute(Actuals(ROWS, "hand-classes"), month, ACME)


def test_each_class_is_priced_at_its_own_row_and_runs_its_own_year_to_date() -> None:
    got = {(r.class_key, r.month): r for r in report().rows if r.portfolio == INCOME}
    for key, want in HAND.items():
        r = got[key]
        assert (r.limit_dollars, r.covered, r.waiver, r.ytd_waiver, r.status) == want, key
    assert (got[("A", FEB)].ytd_limit, got[("A", FEB)].ytd_covered) == (98_360.65, 99_000.00)
    assert (got[("B", FEB)].ytd_limit, got[("B", FEB)].ytd_covered) == (55_737.70, 62_000.00)
    assert got[("B", JAN)].headroom == 797.81
    assert got[("B", FEB)].gross_ratio_12b1 == pytest.approx(FEB_B_WITH_12B1, rel=1e-12)
    assert got[("B", FEB)].gross_ratio == pytest.approx(FEB_B_GROSS, rel=1e-12)
    assert (got[("A", JAN)].limit, got[("B", JAN)].limit) == (0.006, 0.0085)
    assert got[("B", JAN)].share_class == "B"  # "Class B" in the actuals: named as Schedule A names it, every month


def test_a_class_that_starts_late_says_so() -> None:
    """Class B from February only: its year to date is one month, and the notes say so, while Class A's is two."""
    rows = (ROWS[0], ROWS[1], ROWS[3])
    report = compute(Actuals(rows, "late"), FEB, ACME)
    assert report.ytd_starts() == {FEB: [f"{INCOME}, Class B"]}
    assert report.ytd_notes()[0].startswith(f"Year to date runs from February 2008, not January 2008, for {INCOME}, Class B:")
    (b,) = [r for r in report.rows if r.class_key == "B"]
    assert (b.ytd_limit, b.ytd_covered, b.ytd_waiver) == (26_939.89, 34_000.00, 7_060.11)  # February alone


def test_the_monthly_method_per_class() -> None:
    rows = compute(Actuals(ROWS, "hand-classes"), FEB, ACME, "monthly").rows
    got = {(r.class_key, r.month): (r.limit_dollars, r.covered, r.waiver, r.ytd_waiver, r.status) for r in rows if r.share_class}
    assert got == MONTHLY


def test_a_whole_portfolio_beside_classes_keeps_its_own_figures() -> None:
    (growth,) = [r for r in report(JAN).rows if r.portfolio == GROWTH]
    assert (growth.share_class, growth.limit_dollars, growth.covered, growth.waiver, growth.status) == (
        None, 31_762.30, 23_000.00, 0.0, WITHIN_LIMIT,
    )  # fmt: skip


def test_the_steps_one_by_one() -> None:
    b_jan, b_feb = ROWS[2], ROWS[3]
    priced = price(ACME, b_jan)
    assert (priced.key, priced.limit, priced.annual_limit, priced.limit_dollars) == (
        "1|Acme Income Portfolio|B", 0.0085, 340_000.0, 28_797.81,
    )  # fmt: skip
    jan = accumulate(START, priced, 28_000.00, 40_000_000 * 31 / 366, "fytd")
    assert (jan.ytd_limit, jan.ytd_covered, jan.ytd_waiver, jan.waiver, jan.headroom) == (28_797.81, 28_000.0, 0.0, 0.0, 797.81)
    assert status_of(priced, jan, 28_000.00, "fytd", 0.95) == NEAR_LIMIT
    assert status_of(priced, jan, 28_000.00, "fytd", 0.98) == WITHIN_LIMIT  # 97.2% of the limit
    feb_priced = price(ACME, b_feb)
    feb = accumulate(jan, feb_priced, 34_000.00, 40_000_000 * 29 / 366, "fytd")
    assert (feb.ytd_limit, feb.ytd_covered, feb.ytd_waiver, feb.waiver) == (55_737.70, 62_000.0, 6_262.30, 6_262.30)
    assert status_of(feb_priced, feb, 34_000.00, "fytd", 0.95) == CAPPED
    # monthly annualised: February alone, 34,000.00 - 26,939.89 = 7,060.11
    monthly = accumulate(jan, feb_priced, 34_000.00, 40_000_000 * 29 / 366, "monthly")
    assert (monthly.waiver, monthly.ytd_waiver) == (7_060.11, 7_060.11)
    a_priced = price(ACME, ROWS[0])
    assert (a_priced.key, a_priced.limit_dollars) == ("1|Acme Income Portfolio|A", 50_819.67)


def test_a_class_the_schedule_does_not_price_is_refused_with_its_row() -> None:
    rows = (
        actual(JAN, INCOME, None, 1_000_000, 1.0, 1.0, row=7),
        actual(JAN, INCOME, "C", 1_000_000, 1.0, 1.0, row=8),
        actual(JAN, INCOME, "B", 1_000_000, 1.0, 1.0, row=9),  # priced: not a problem
    )
    with pytest.raises(InputFileError) as raised:
        compute(Actuals(rows, "jan.csv"), JAN, ACME)
    assert raised.value.problems == [
        "jan.csv, row 7 (Acme Income Portfolio, 2008-01): no share class, but its limits differ by class; valid: one row "
        "per class, each naming one of A, B.",
        "jan.csv, row 8 (Acme Income Portfolio, 2008-01): share class 'C' has no limit in Schedule A; valid: A, B.",
    ]
    assert raised.value.exit_code == 2


def _table(ws: Any, *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    """A sheet's rows by the values of `keys` columns: header row 4."""
    header = [c.value for c in ws[4]]
    out = {}
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[0] is None or str(row[0]).startswith("Total"):
            break
        rec = dict(zip(header, row, strict=False))
        out[tuple(rec[k] for k in keys)] = rec
    return out


@needs_libreoffice
def test_libreoffice_recalculates_each_class_to_the_cent(tmp_path: Path) -> None:
    context = WorkbookContext("Acme Funds Trust", None, dt.datetime(2008, 3, 3, 9, 30), "hand-classes")
    path = write_workbook(report(), tmp_path / "classes.xlsx", context)
    monthly = write_workbook(compute(Actuals(ROWS, "hand-classes"), FEB, ACME, "monthly"), tmp_path / "monthly.xlsx", context)
    recalculated, monthly_recalculated = convert([path, monthly], tmp_path / "lo")
    for book_path, hand in ((path, HAND), (recalculated, HAND), (monthly, MONTHLY), (monthly_recalculated, MONTHLY)):
        ytd = _table(openpyxl.load_workbook(book_path, data_only=True)["Year to date"], "Portfolio", "Class", "Month")
        for (cls, month), (dollars, covered, waiver, ytd_waiver, status) in hand.items():
            r = ytd[(INCOME, cls, dt.datetime(2008, month.month, 31 if month == JAN else 29))]
            got = tuple(round(r[k], 2) for k in (WORDS["limit_dollars"], WORDS["covered"], WORDS["waiver"], WORDS["ytd_waiver"]))
            assert got == (dollars, covered, waiver, ytd_waiver), (book_path.name, book_path.parent.name, cls, month)
            assert r["Status"] == status
    for book_path in (path, recalculated):  # the stored results, and LibreOffice's own
        book = openpyxl.load_workbook(book_path, data_only=True)
        summary = _table(book["Summary"], "Portfolio", "Class")
        b = summary[(INCOME, "B")]
        assert (round(b[WORDS["waiver"]], 2), round(b[WORDS["ytd_waiver"]], 2), b["Status"]) == (6_262.30, 6_262.30, CAPPED)
        assert b[WORDS["gross_12b1"]] == pytest.approx(FEB_B_WITH_12B1, rel=1e-9)
        assert b["Limit"] == pytest.approx(0.0085, rel=1e-12)
        a = summary[(INCOME, "A")]
        assert (round(a[WORDS["waiver"]], 2), a["Status"], a["Limit"]) == (-2_540.98, REVERSAL, pytest.approx(0.006))
        chart = book["Chart"]  # one bar per class, each against its own limit
        bars = [(chart.cell(r, 1).value, chart.cell(r, 3).value) for r in (5, 6, 7)]
        assert bars == [(f"{INCOME}, Class A", pytest.approx(0.006)), (f"{INCOME}, Class B", pytest.approx(0.0085)), (None, None)]
        actuals = _table(book["Actuals"], "Portfolio", "Class", "Month")
        assert actuals[(INCOME, "B", dt.datetime(2008, 2, 29))]["12b-1 fees"] == 7_923.50
    # the tier table holds one key per class group, so each class finds its own rate in the live formulas
    schedule = openpyxl.load_workbook(path)["Schedule"]
    keys = {c.value for c in schedule["G"] if isinstance(c.value, str) and c.value.startswith("1|Acme Income")}
    assert keys == {"1|Acme Income Portfolio|A", "1|Acme Income Portfolio|B"}


def test_recoupment_keeps_one_series_per_class() -> None:
    """The recoupment ledger reads the records: each class its own series, never two classes' months as one."""
    zeta = load_history(Path(__file__).parent / "recoupment" / "data")
    rules = zeta.terms.recoupment.rules
    assert rules is not None
    rows = (
        actual(JAN, "Zeta Growth Portfolio", "A", 36_500_000, 25_000.0, 9_000.0),
        actual(JAN, "Zeta Growth Portfolio", "Class B", 36_500_000, 10_000.0, 1_000.0),
    )
    got = monthly_figures(Actuals(rows, "classes"), zeta, rules, JAN)
    # covered: A 25,000 + 9,000 = 34,000.00; B 10,000 + 1,000 = 11,000.00 ("Class B" is class B)
    assert {key: [m.ytd_covered for m in months] for key, months in got.items()} == {
        ("Zeta Growth Portfolio", "A"): [34_000.0],
        ("Zeta Growth Portfolio", "B"): [11_000.0],
    }


def test_the_mail_names_each_class(tmp_path: Path) -> None:
    """The message reads the Summary by its column words: each class is its own line, named with its class."""
    context = WorkbookContext("Acme Funds Trust", "Acme", dt.datetime(2008, 3, 3, 9, 30), "hand-classes")
    summary = summarise_workbook(write_workbook(report(), tmp_path / "acme.xlsx", context))
    assert summary.capped == [f"{INCOME}, Class B"]
    assert summary.reversed == [f"{INCOME}, Class A"]
    # -2,540.98 + 6,262.30 = 3,721.32 this month; 639.35 + 6,262.30 = 6,901.65 year to date
    assert (summary.waiver, summary.waiver_ytd) == (3_721.32, 6_901.65)
    assert {p.term_end for p in summary.portfolios} == {dt.date(2008, 12, 31)}
    body = "\n".join(body_lines(summary, "acme.xlsx"))
    assert "Portfolios in this workbook: 1 (2 lines: one per share class given apart).\n" in body  # one portfolio, two classes
    assert f"Capped this month: 1 ({INCOME}, Class B)." in body


def test_a_class_is_named_once_and_as_the_trade_says_it() -> None:
    from xlcap.agreements.names import class_label

    assert class_label(INCOME, "Class B") == class_label(INCOME, "B") == f"{INCOME}, Class B"  # never "Class Class B"
    assert class_label(INCOME, "R6") == f"{INCOME}, Class R6"
    assert class_label(INCOME, "Investor") == class_label(INCOME, "Investor Class") == f"{INCOME}, Investor Class"
    assert class_label(INCOME, None) == class_label(INCOME, " ") == INCOME


AMOUNT = st.integers(0, 5_000_000).map(lambda cents: cents / 100)
SPELLING = {"A": ("A", "a", "Class A", " class  a "), "B": ("B", "b", "Class B", "CLASS B")}


@settings(max_examples=40, deadline=None)
@given(
    figures=st.lists(st.tuples(st.integers(1, 400_000_000), AMOUNT, AMOUNT, AMOUNT), min_size=4, max_size=4),
    spelt=st.tuples(*(st.sampled_from(SPELLING[c]) for c in "AABB")),
)
def test_a_class_is_the_same_alone_or_beside_another_however_it_is_spelt(
    figures: list[tuple[int, float, float, float]], spelt: tuple[str, ...]
) -> None:
    """No figure of one class leaks into another's: each class's records are those of a report of that class alone."""
    keys = [(JAN, "A"), (FEB, "A"), (JAN, "B"), (FEB, "B")]
    rows = tuple(
        actual(month, INCOME, typed, assets, fee, other, dist, row=i + 2)
        for i, ((month, _), typed, (assets, fee, other, dist)) in enumerate(zip(keys, spelt, figures, strict=True))
    )

    def figures_of(records: tuple[Any, ...], cls: str) -> list[tuple[Any, ...]]:
        return [(r.share_class, r.month, r.limit_dollars, r.covered, r.waiver, r.ytd_waiver, r.status, r.gross_ratio_12b1)
                for r in records if r.class_key == cls]  # fmt: skip

    both = compute(Actuals(rows, "both"), FEB, ACME).rows
    for cls, alone in (("A", rows[:2]), ("B", rows[2:])):
        assert figures_of(both, cls) == figures_of(compute(Actuals(alone, cls), FEB, ACME).rows, cls)
        assert {r.share_class for r in both if r.class_key == cls} == {cls}  # named as Schedule A names it


def test_the_recoupment_sheet_reads_each_class_from_its_own_year_to_date_row(tmp_path: Path) -> None:
    """Each class's line of the Recoupment sheet refers to that class's Year-to-date row, never another class's."""
    zeta = load_history(Path(__file__).parent / "recoupment" / "data")
    dec, jan = pd.Period("2009-12", "M"), pd.Period("2010-01", "M")
    rows = tuple(
        ActualRow(m, "Zeta Growth Portfolio", assets, 31, 25_000.0, 9_000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2, share_class=c)
        for m in (dec, jan)
        for c, assets in (("A", 36_500_000.0), ("B", 18_250_000.0))
    )
    actuals = Actuals(rows, "classes")
    book = recoupment_book(zeta, actuals, dt.date(2010, 1, 31))
    assert {(p.portfolio, p.share_class) for p in book.portfolios} == {("Zeta Growth Portfolio", c) for c in "AB"}
    context = WorkbookContext("Zeta Trust", None, dt.datetime(2010, 2, 3, 9, 30), "classes")
    path = write_workbook(compute(actuals, jan, zeta), tmp_path / "zeta.xlsx", context, book)
    (recalculated,) = convert([path], tmp_path / "lo")
    formulas = openpyxl.load_workbook(path)
    ytd = formulas["Year to date"]
    header = [c.value for c in ytd[4]]
    month_table = [  # the month's table comes first: its fourth column, the year-to-date limit, is a formula
        r for r in formulas["Recoupment"].iter_rows() if r[1].value in ("A", "B") and str(r[3].value).startswith("=")
    ][:2]
    assert [r[1].value for r in month_table] == ["A", "B"]
    for sheet_row in month_table:
        ref = str(sheet_row[3].value)
        assert ref.startswith("='Year to date'!"), ref  # not a stored figure: the class's row was found
        target = ytd[ref.split("!")[1]]
        assert ytd.cell(target.row, header.index("Class") + 1).value == sheet_row[1].value
    values = openpyxl.load_workbook(recalculated, data_only=True)["Recoupment"]
    rows = {r[0].row for r in month_table}
    got = {r[1]: (r[2], r[3]) for i, r in enumerate(values.iter_rows(values_only=True), start=1) if i in rows}
    # the portfolio's assets for the minimum-assets test: 36,500,000 + 18,250,000 = 54,750,000 on both lines;
    # each class's own January limit at 1.00% over 31/365 days: A 1,000 a day = 31,000; B 500 a day = 15,500
    assert got == {"A": (54_750_000, 31_000), "B": (54_750_000, 15_500)}


@needs_libreoffice
def test_a_whole_portfolio_beside_classes_shows_no_class_not_0(tmp_path: Path) -> None:
    # Seen in a rendered Acme workbook: Growth's empty Class cell on the Summary showed "0" (a formula to a blank cell).
    context = WorkbookContext("Acme Funds Trust", None, dt.datetime(2008, 2, 3, 9, 30), "hand-classes")
    path = write_workbook(compute(Actuals(ROWS, "hand-classes"), JAN, ACME), tmp_path / "jan.xlsx", context)
    (recalculated,) = convert([path], tmp_path / "lo")
    for book_path in (path, recalculated):
        summary = _table(openpyxl.load_workbook(book_path, data_only=True)["Summary"], "Portfolio", "Class")
        assert set(summary) == {(GROWTH, None), (INCOME, "A"), (INCOME, "B")}, book_path.parent.name


def test_classes_of_a_portfolio_with_one_limit_are_said_to_be_tested_apart(tmp_path: Path) -> None:
    """Found by review: Acme Growth's one 0.75% covers every class; actuals by class were each tested against it with
    nothing said, though the portfolio's total can give another waiver where classes bear different expenses."""
    rows = (
        actual(JAN, INCOME, "A", 100_000_000, 45_000.00, 9_000.00),
        actual(JAN, INCOME, "B", 40_000_000, 25_000.00, 3_000.00),
        actual(JAN, GROWTH, "A", 150_000_000, 85_000.00, 0.00),
        actual(JAN, GROWTH, "C", 50_000_000, 40_000.00, 0.00),
    )
    got = compute(Actuals(rows, "classes"), JAN, ACME)
    assert got.class_notes() == [
        f"{GROWTH}: its Schedule A limit covers every class, and the actuals give A, C apart, so each class is tested "
        "against that limit on its own. Where the agreement caps the portfolio as a whole and its classes bear different "
        "expenses, give one row for the whole portfolio instead."
    ]  # Acme Income's classes have limits of their own: nothing to say
    assert compute(Actuals(ROWS, "classes"), JAN, ACME).class_notes() == []  # Growth given whole
    context = WorkbookContext("Acme Funds Trust", None, dt.datetime(2008, 2, 3, 9, 30), "classes")
    notes = openpyxl.load_workbook(write_workbook(got, tmp_path / "a.xlsx", context))["Notes"]
    said = {r[0]: r[1] for r in notes.iter_rows(values_only=True) if r[0]}
    assert str(said["Share classes"]).endswith("give one row for the whole portfolio instead.")
