"""Each way a runtime hands a value to the Excel functions, one argument at a time, each with its own answer.

This replaces a 4 x 8 x 9 cross product (288 cases, 38% of the suite) that asserted the same two
numbers for every case: a dialect read as the wrong amount or date could pass it only if the
error happened to land on $250M and January 31. Here each dialect carries a different value,
worked by hand from Schedule A (Amendment No. 12), so reading it wrongly changes the answer.

Batterymarch Growth and Income: 0.65% to $500M, 0.55% to $1B, 0.50% to $1.5B, 0.45% to $2B,
0.40% above, each on its own slice. Lazard Mid-Cap 0.80% until April 30, 2008; Janus Forty
1.25%; Batterymarch Mid-Cap Stock 0.95%. Excel serials: 39478 = 2008-01-31, 39568 = 2008-04-30,
39569 = 2008-05-01.
"""

from __future__ import annotations

import datetime as dt

import pytest

import udfs

BM = "Batterymarch Growth and Income"


@pytest.mark.parametrize(
    ("portfolio", "rate"),
    [
        ("Lazard Mid-Cap Portfolio", 0.008),  # the name as filed
        ("lazard midcap", 0.008),  # case, spacing, punctuation and "Portfolio" ignored
        ([["Janus Forty"]], 0.0125),  # a one-cell range, as classic xlwings hands it (2-D)
        (["Batterymarch Mid-Cap Stock"], 0.0095),  # a one-cell range as a 1-D list
    ],
)
def test_portfolio_dialects(portfolio: object, rate: float) -> None:
    assert udfs.expcap(portfolio, 250e6, 39478) == rate
    assert udfs.expcap_amount(portfolio, 250e6, 39478) == pytest.approx(rate * 250e6, rel=1e-12)


@pytest.mark.parametrize(
    ("assets", "dollars", "annual"),
    [
        (250_000_000, 250e6, 1_625_000),  # 0.65% x 250M
        (500_000_000, 500e6, 3_250_000),  # exactly the first breakpoint: 0.65% x 500M, no 0.55% slice
        (750e6, 750e6, 4_625_000),  # 3,250,000 + 0.55% x 250M (1,375,000)
        (1_000_000_000.0, 1e9, 6_000_000),  # 3,250,000 + 0.55% x 500M (2,750,000)
        ("1,250,000,000", 1.25e9, 7_250_000),  # 6,000,000 + 0.50% x 250M (1,250,000)
        ("$600m", 600e6, 3_800_000),  # 3,250,000 + 0.55% x 100M (550,000)
        ("1.75bn", 1.75e9, 9_625_000),  # 6,000,000 + 0.50% x 500M + 0.45% x 250M = 6,000,000 + 2,500,000 + 1,125,000
        ("2e9", 2e9, 10_750_000),  # 8,500,000 + 0.45% x 500M (2,250,000)
        ([[2.5e9]], 2.5e9, 12_750_000),  # 10,750,000 + 0.40% x 500M (2,000,000)
        ([[1_500_000_000]], 1.5e9, 8_500_000),  # 6,000,000 + 0.50% x 500M (2,500,000)
    ],
)
def test_assets_dialects(assets: object, dollars: float, annual: float) -> None:
    assert udfs.expcap_amount(BM, assets, 39478) == pytest.approx(annual, rel=1e-12)
    assert udfs.expcap(BM, assets, 39478) == pytest.approx(annual / dollars, rel=1e-12)


ENDED = "The expense limitation for 'Lazard Mid-Cap Portfolio' ended on 2008-04-30"
BEFORE = "Parameter 'date' received 2007-10-31, which is before the first expense limitation schedule on file"


@pytest.mark.parametrize(
    ("date", "answer"),
    [
        (dt.datetime(2008, 1, 31), 0.008),
        (dt.date(2008, 4, 30), 0.008),  # the term-end day is in force
        (39478, 0.008),
        (39568.0, 0.008),  # 2008-04-30 as a float serial
        (39569, ENDED),  # 2008-05-01: the day after the term
        ("2007-11-01", 0.008),  # the day Amendment No. 12 took effect
        ("10/31/2007", BEFORE),  # the day before: no schedule on file
        ("5/1/2008", ENDED),
        ([[39568]], 0.008),
        ([[dt.datetime(2008, 5, 1)]], ENDED),
    ],
)
def test_date_dialects(date: object, answer: float | str) -> None:
    result = udfs.expcap("Lazard Mid-Cap", 250e6, date)
    if isinstance(answer, str):
        assert isinstance(result, str) and result.startswith(answer), result
    else:
        assert result == answer
        assert udfs.expcap_amount("Lazard Mid-Cap", 250e6, date) == 2_000_000.0  # 0.80% x 250M
