"""Bugs that once survived the whole suite, each pinned by a figure worked by hand (issue 17).

Each test below was proven by planting its bug by hand and watching the test fail:

- tier slice `>=` -> `>` in the workbook's tier formula (at exactly $500M the limit vanishes);
- money rounded half to even instead of half away from zero (180,000.125 -> .12, not .13);
- the near-limit threshold moved off its share of the limit (95% by default; it was a fixed 5 bp before issue 14);
- the term end treated as exclusive (April 2008, which ends on the term-end day, "Term ended").

Figures come from Schedule A (Amendment No. 12): Lazard Mid-Cap, Legg Mason Value Equity and
Van Kampen Comstock 0.80% until April 30, 2008; Rainier Large Cap Equity 0.80% until April 30,
2009; Janus Forty 1.25%; Batterymarch Growth and Income 0.65% to $500M, 0.55% to $1B, 0.50% to
$1.5B (restored), 0.45% to $2B, 0.40% above (permanent). 2008 has 366 days, 2007 has 365.
Python's figures are checked without LibreOffice; the same workbooks recalculated by
LibreOffice must give the same figures to the cent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import xlcap
from tests.libreoffice import convert, needs_libreoffice
from tests.workbooks import build
from xlcap.report.actuals import read_actuals
from xlcap.report.compute import compute
from xlcap.report.words import WORDS

HEADER = "Month,Portfolio,Average Net Assets,Days,Management Fee,Other Expenses\n"

# --- (a) Batterymarch at exactly each breakpoint: one month each, Jan-Apr 2008 -------------------
BREAKPOINTS = HEADER + (
    "2008-01,Batterymarch Growth and Income,500000000,31,200000.00,50000.00\n"
    "2008-02,Batterymarch Growth and Income,1000000000,29,300000.00,50000.00\n"
    "2008-03,Batterymarch Growth and Income,1500000000,31,600000.00,50000.00\n"
    "2008-04,Batterymarch Growth and Income,2000000000,30,800000.00,50000.00\n"
)
# month: (annual limit, limit rate, limit $ for the month, covered), every figure by hand:
BREAKPOINT_FIGURES = {
    # $500M: 0.65% x 500M = 3,250,000 (the 0.55% slice is empty)      -> 3,250,000 / 500M = 0.65%
    #   x 31 / 366 = 100,750,000 / 366 = 275,273.224 -> 275,273.22; covered 250,000.00
    "2008-01": (3_250_000.0, 0.0065, 275_273.22, 250_000.00),
    # $1B: 3,250,000 + 0.55% x 500M (2,750,000) = 6,000,000             -> 6,000,000 / 1B = 0.60%
    #   x 29 / 366 = 174,000,000 / 366 = 475,409.836 -> 475,409.84; covered 350,000.00
    "2008-02": (6_000_000.0, 0.006, 475_409.84, 350_000.00),
    # $1.5B: 6,000,000 + 0.50% x 500M (2,500,000) = 8,500,000           -> 8,500,000 / 1.5B = 0.5666...%
    #   x 31 / 366 = 263,500,000 / 366 = 719,945.355 -> 719,945.36; covered 650,000.00
    "2008-03": (8_500_000.0, 8_500_000 / 1_500_000_000, 719_945.36, 650_000.00),
    # $2B: 8,500,000 + 0.45% x 500M (2,250,000) = 10,750,000            -> 10,750,000 / 2B = 0.5375%
    #   x 30 / 366 = 322,500,000 / 366 = 881,147.540 -> 881,147.54; covered 850,000.00
    "2008-04": (10_750_000.0, 0.005375, 881_147.54, 850_000.00),
}
# Year to date at April: limit 275,273.22 + 475,409.84 + 719,945.36 + 881,147.54 = 2,351,775.96;
# covered 250,000 + 350,000 + 650,000 + 850,000 = 2,100,000.00: nothing owed, headroom 251,775.96.
BREAKPOINT_YTD = (2_351_775.96, 2_100_000.00, 0.0, 251_775.96)

# --- (b) half cents: covered = management fee + other expenses, rounded to the cent --------------
HALF_CENTS = HEADER + (
    # 150,000.0625 + 30,000.0625 = 180,000.125 (exact in binary): half a cent up -> 180,000.13
    "2008-01,Lazard Mid-Cap,250000000,31,150000.0625,30000.0625\n"
    # 80,000.3125 + 25,500.3125 = 105,500.625 (exact in binary): -> 105,500.63 (half to even: .62)
    "2008-01,Janus Forty,100000000,31,80000.3125,25500.3125\n"
    # 40,000.06 + 8,000.0649 = 48,000.1249: under half a cent -> 48,000.12
    "2008-01,Rainier Large Cap Equity,40000000,31,40000.06,8000.0649\n"
    # 20,000.002 + 8,000.003 = 28,000.005 as typed (in binary a hair under): Excel reads 15 digits -> 28,000.01
    "2008-01,Legg Mason Value Equity,40000000,31,20000.002,8000.003\n"
)
# portfolio: (covered, limit $, waiver); limit $ = rate x assets x 31 / 366:
HALF_CENT_FIGURES = {
    # 2,000,000 x 31 / 366 = 169,398.907 -> 169,398.91; waiver 180,000.13 - 169,398.91 = 10,601.22
    "Lazard Mid-Cap Portfolio": (180_000.13, 169_398.91, 10_601.22),
    # 1.25% x 100M = 1,250,000 x 31 / 366 = 105,874.316 -> 105,874.32; 105,500.63 is under it: no waiver
    "Janus Forty Portfolio": (105_500.63, 105_874.32, 0.0),
    # 0.80% x 40M = 320,000 x 31 / 366 = 27,103.825 -> 27,103.83; waiver 48,000.12 - 27,103.83 = 20,896.29
    "Rainier Large Cap Equity Portfolio": (48_000.12, 27_103.83, 20_896.29),
    # same limit 27,103.83; waiver 28,000.01 - 27,103.83 = 896.18
    "Legg Mason Value Equity Portfolio": (28_000.01, 27_103.83, 896.18),
}

# --- (c) the near-limit boundary: November 2007, 30 days of 365, $730M at 0.80% ----------------
# asset-years = 730,000,000 x 30 / 365 = 60,000,000; limit $ = 0.80% x 60,000,000 = 480,000.00;
# Near limit: expenses at or above 95% of the limit (the default share): 0.95 x 480,000.00 = 456,000.00.
NEAR = HEADER + (
    "2007-11,Lazard Mid-Cap,730000000,30,400000.00,56000.00\n"  # 456,000.00: exactly 95%, near; room 24,000.00
    "2007-11,Van Kampen Comstock,730000000,30,400000.00,56000.01\n"  # 456,000.01: over 95%; room 23,999.99
    "2007-11,Legg Mason Value Equity,730000000,30,400000.00,55999.99\n"  # 455,999.99: under; room 24,000.01
    "2007-11,Rainier Large Cap Equity,730000000,30,250000.00,50000.00\n"  # 300,000.00 = 62.5%; room 180,000.00
)
NEAR_FIGURES = {  # portfolio: (room under the limit, status)
    "Lazard Mid-Cap Portfolio": (24_000.00, "Near limit"),
    "Van Kampen Comstock Portfolio": (23_999.99, "Near limit"),
    "Legg Mason Value Equity Portfolio": (24_000.01, "Within limit"),
    "Rainier Large Cap Equity Portfolio": (180_000.00, "Within limit"),
}

# --- (d) the term-end month: Lazard's term ends April 30, 2008 ----------------------------------
TERM_END = HEADER + (
    "2008-04,Lazard Mid-Cap,250000000,30,150000.00,30000.00\n"  # April 30 is the term-end day
    "2008-05,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n"
)
# April (ends on the term-end day, in force): 2,000,000 x 30 / 366 = 60,000,000 / 366 = 163,934.426
# -> 163,934.43; covered 180,000.00; waiver 180,000.00 - 163,934.43 = 16,065.57, Capped.
# May (after it): Term ended, no waiver; the year's waiver owed stays April's 16,065.57.


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _rows(csv: Path, month: str, method: str = "fytd") -> dict[tuple[str, str], dict[str, Any]]:
    """Python's rows (capcalc, no LibreOffice), keyed by (portfolio, YYYY-MM)."""
    history = xlcap.default_history()
    period = pd.Period(month, "M")
    report = compute(read_actuals(csv, history, period), period, history, method)  # type: ignore[arg-type]
    return {(r["portfolio"], str(r["month"])): r for r in report.frame().to_dict("records")}


# ---------------------------------------------------------------- Python, without LibreOffice


def test_batterymarch_at_each_breakpoint(tmp_path: Path) -> None:
    rows = _rows(_csv(tmp_path, "bp", BREAKPOINTS), "2008-04")
    for month, (annual, rate, dollars, covered) in BREAKPOINT_FIGURES.items():
        r = rows[("Batterymarch Growth and Income Portfolio", month)]
        assert r["annual_limit"] == pytest.approx(annual, rel=1e-12), month
        assert r["limit"] == pytest.approx(rate, rel=1e-12), month
        assert (r["limit_dollars"], r["covered"], r["status"]) == (dollars, covered, "Within limit"), month
    april = rows[("Batterymarch Growth and Income Portfolio", "2008-04")]
    assert (april["ytd_limit"], april["ytd_covered"], april["ytd_waiver"], april["headroom"]) == BREAKPOINT_YTD


def test_half_cents_round_half_away_from_zero(tmp_path: Path) -> None:
    rows = _rows(_csv(tmp_path, "half", HALF_CENTS), "2008-01")
    for portfolio, figures in HALF_CENT_FIGURES.items():
        r = rows[(portfolio, "2008-01")]
        assert (r["covered"], r["limit_dollars"], r["waiver"]) == figures, portfolio


@pytest.mark.parametrize(
    ("value", "digits", "rounded"),
    [
        (0.125, 2, 0.13),  # exact half in binary: away from zero (half to even gives 0.12)
        (-0.125, 2, -0.13),  # the same below zero: away from zero, not up (-0.12)
        (180_000.125, 2, 180_000.13),
        (-180_000.125, 2, -180_000.13),
        (105_500.625, 2, 105_500.63),  # half to even: .62
        (-105_500.625, 2, -105_500.63),
        (0.375, 2, 0.38),  # the even neighbour is also away from zero: both rules agree
        (2.675, 2, 2.68),  # binary 2.67499999...; Excel reads "2.675" (15 digits): 2.68; round() gives 2.67
        (-2.675, 2, -2.68),
        (1.005, 2, 1.01),  # binary 1.00499999...; round() gives 1.0
        (0.1 + 0.2, 2, 0.3),  # 0.30000000000000004 is 0.3 to 15 digits
        (48_000.1249, 2, 48_000.12),  # under the half: down, either sign
        (-48_000.1249, 2, -48_000.12),
        (2.5, 0, 3.0),  # whole units: half away from zero (round() gives 2)
        (-2.5, 0, -3.0),
        (0.5, 0, 1.0),
        (1234.5678, 1, 1234.6),
        (-0.004, 2, -0.0),
    ],
)
def test_excel_round(value: float, digits: int, rounded: float) -> None:
    from xlcap.money import excel_round

    assert excel_round(value, digits) == rounded
    if digits == 2:
        assert excel_round(value) == rounded  # cents unless told otherwise


def test_excel_round_passes_nan_and_infinity_through() -> None:
    from xlcap.money import excel_round

    nan = excel_round(float("nan"))
    assert nan != nan
    assert excel_round(float("inf")) == float("inf")
    assert excel_round(float("-inf")) == float("-inf")


@pytest.mark.parametrize("method", ["fytd", "monthly"])
def test_near_limit_boundary_is_95_percent_of_the_limit(tmp_path: Path, method: str) -> None:
    rows = _rows(_csv(tmp_path, "near", NEAR), "2007-11", method)
    for portfolio, (headroom, status) in NEAR_FIGURES.items():
        r = rows[(portfolio, "2007-11")]
        assert r["asset_years"] == 60_000_000.0
        assert r["limit_dollars"] == 480_000.00
        assert (r["headroom"], r["waiver"], r["status"]) == (headroom, 0.0, status), portfolio


def test_the_month_ending_on_the_term_end_day_is_in_force(tmp_path: Path) -> None:
    rows = _rows(_csv(tmp_path, "term", TERM_END), "2008-05")
    april = rows[("Lazard Mid-Cap Portfolio", "2008-04")]
    assert (april["limit"], april["amendment"], april["status"]) == (0.008, 12, "Capped")
    assert (april["limit_dollars"], april["covered"], april["waiver"], april["ytd_waiver"]) == (
        163_934.43, 180_000.00, 16_065.57, 16_065.57,
    )  # fmt: skip
    may = rows[("Lazard Mid-Cap Portfolio", "2008-05")]
    assert (may["limit"], may["status"], may["waiver"], may["ytd_waiver"]) == ("Term ended", "Term ended", 0.0, 16_065.57)


# ---------------------------------------------------------------- the same, recalculated by LibreOffice

WORKBOOKS = {  # name: (actuals, month, method)
    "breakpoints": (BREAKPOINTS, "2008-04", "fytd"),
    "half-cents": (HALF_CENTS, "2008-01", "fytd"),
    "near-fytd": (NEAR, "2007-11", "fytd"),
    "near-monthly": (NEAR, "2007-11", "monthly"),
    "term-end": (TERM_END, "2008-05", "fytd"),
}


def _ytd_rows(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The Year-to-date sheet's values (stored, or LibreOffice's once it has recalculated), keyed by (portfolio, YYYY-MM)."""
    ws = openpyxl.load_workbook(path, data_only=True)["Year to date"]
    header = [c.value for c in ws[4]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    return {(r["Portfolio"], f"{r['Month']:%Y-%m}"): r for r in rows}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """Each workbook built from its actuals, opened by LibreOffice (every formula recomputed), read back.

    The stored values are replaced by LibreOffice's own results, so what is read is the formulas'
    answer, not Python's; rows are keyed by (portfolio, YYYY-MM) with the Year-to-date headers.
    """
    tmp = tmp_path_factory.mktemp("planted")
    built = [
        build(tmp / f"{name}.xlsx", month, method, actuals=_csv(tmp, name, text))
        for name, (text, month, method) in WORKBOOKS.items()
    ]
    out = {name: _ytd_rows(path) for name, path in zip(WORKBOOKS, convert(built, tmp / "lo"), strict=True)}
    out |= {f"{name} as stored": _ytd_rows(path) for name, path in zip(WORKBOOKS, built, strict=True)}
    return out


@needs_libreoffice
def test_workbook_batterymarch_at_each_breakpoint(recalculated: dict[str, Any]) -> None:
    rows = recalculated["breakpoints"]
    for month, (annual, rate, dollars, covered) in BREAKPOINT_FIGURES.items():
        r = rows[("Batterymarch Growth and Income Portfolio", month)]
        assert r["Annual limit at these assets"] == pytest.approx(annual, rel=1e-12), month
        assert r["Limit"] == pytest.approx(rate, rel=1e-12), month
        assert (r["Limit $ (month)"], r[WORDS["covered"]], r["Status"]) == (dollars, covered, "Within limit"), month
    april = rows[("Batterymarch Growth and Income Portfolio", "2008-04")]
    assert (
        april[WORDS["ytd_limit"]],
        april[WORDS["ytd_covered"]],
        april[WORDS["ytd_waiver"]],
        april[WORDS["headroom"]],
    ) == BREAKPOINT_YTD


@needs_libreoffice
def test_workbook_half_cents_agree_with_python_to_the_cent(recalculated: dict[str, Any]) -> None:
    rows = recalculated["half-cents"]
    for portfolio, figures in HALF_CENT_FIGURES.items():
        r = rows[(portfolio, "2008-01")]
        assert (r[WORDS["covered"]], r["Limit $ (month)"], r[WORDS["waiver"]]) == figures, portfolio


@needs_libreoffice
@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_python_and_the_recalculated_workbook_agree_to_the_cent(recalculated: dict[str, Any], name: str) -> None:
    """What xlcap stored beside each formula is what LibreOffice computes from it: every money column, to the cent."""
    room = WORDS["headroom_month"] if WORKBOOKS[name][2] == "monthly" else WORDS["headroom"]
    money = [WORDS[k] for k in ("covered", "limit_dollars", "ytd_limit", "ytd_covered", "ytd_waiver", "waiver")] + [room]
    stored, again = recalculated[f"{name} as stored"], recalculated[name]
    assert sorted(stored) == sorted(again)
    for key, row in stored.items():
        assert [row[c] for c in money] == [again[key][c] for c in money], key
        assert row["Status"] == again[key]["Status"], key


@needs_libreoffice
@pytest.mark.parametrize("name", ["near-fytd", "near-monthly"])
def test_workbook_near_limit_boundary(recalculated: dict[str, Any], name: str) -> None:
    for portfolio, (headroom, status) in NEAR_FIGURES.items():
        r = recalculated[name][(portfolio, "2007-11")]
        room = WORDS["headroom_month"] if name.endswith("monthly") else WORDS["headroom"]
        assert (r["Limit $ (month)"], r[room], r["Status"]) == (480_000.00, headroom, status), portfolio


@needs_libreoffice
def test_workbook_month_ending_on_the_term_end_day_is_in_force(recalculated: dict[str, Any]) -> None:
    april = recalculated["term-end"][("Lazard Mid-Cap Portfolio", "2008-04")]
    assert (april["Limit"], april["Limit $ (month)"], april[WORDS["waiver"]], april["Status"]) == (
        0.008, 163_934.43, 16_065.57, "Capped",
    )  # fmt: skip
    may = recalculated["term-end"][("Lazard Mid-Cap Portfolio", "2008-05")]
    assert (may["Limit"], may["Status"]) == ("Term ended", "Term ended")
    assert (may[WORDS["waiver"]], may[WORDS["ytd_waiver"]]) == (0, 16_065.57)
