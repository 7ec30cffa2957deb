"""Limit arithmetic and tier tables at their edges (xlcap/agreements/limits.py).

Edges that mutation testing (tools/mutation.py) found no test guarding. Each test states the rule
from the contract or the calendar and a hand-worked answer; none is read back from the code under test.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from xlcap.agreements.limits import Tier, TieredLimit, days_in_years, format_money, rate_problem, tier_problems

RATE = Decimal("0.0065")


def test_days_in_years_follows_the_gregorian_leap_rule() -> None:
    # divisible by 4 is a leap year, except centuries, except every 400th year
    dates = np.array(["1900-06-30", "1970-01-01", "2000-02-29", "2007-12-31", "2008-01-31", "2100-03-01", "2400-12-31"],
                     dtype="datetime64[D]")  # fmt: skip
    assert days_in_years(dates).tolist() == [365, 365, 366, 365, 366, 365, 366]


def test_days_in_years_of_date_times() -> None:
    # an Excel date cell arrives as a date-time: the year is still read from the date
    stamps = np.array(["2008-12-31T23:59", "2009-01-01T00:00"], dtype="datetime64[m]")
    assert days_in_years(stamps).tolist() == [366, 365]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (999_999, "$999,999"),  # under a million: dollars with separators
        (1_000_000, "$1M"),  # exactly a million is written in millions
        (2_500_000, "$2.5M"),
        (500_000_000, "$500M"),
        (999_999_999, "$999.999999M"),
        (1_000_000_000, "$1B"),  # exactly a billion is written in billions
        (1_500_000_000, "$1.5B"),
        (10_000_000_000, "$10B"),
    ],
)
def test_format_money(amount: int, text: str) -> None:
    assert format_money(amount) == text


def test_a_rate_of_ten_percent_is_outside_the_open_range() -> None:
    # valid rates lie in (0%, 10%): both ends excluded
    assert rate_problem(Decimal("0.0999")) is None
    assert rate_problem(Decimal("0.10")) == "rate 10.00% is outside (0%, 10%)"
    assert rate_problem(Decimal("0")) == "rate 0.00% is outside (0%, 10%)"


def test_tier_problems_name_each_fault() -> None:
    assert tier_problems(()) == ["a tiered limit needs at least one tier"]
    assert tier_problems((Tier(100, None, RATE),)) == ["the first tier starts at 100, not 0"]
    # an empty band (from = to), and the check goes on to the next tiers
    assert tier_problems((Tier(0, 0, RATE), Tier(0, None, RATE))) == ["tier 1 runs from 0 to 0, which is empty"]
    # an open band before the last: named, and the tiers after it are still checked
    assert tier_problems((Tier(0, None, RATE), Tier(5, 3, RATE))) == [
        "tier 1 has no upper bound but is not the last tier",
        "tier 2 runs from 5 to 3, which is empty",
        "the last tier ends at 3; it must be open-ended",
    ]
    assert tier_problems((Tier(0, 10, RATE), Tier(10, 20, RATE), Tier(20, None, RATE))) == []


def test_a_bad_tier_table_is_refused_with_every_problem() -> None:
    with pytest.raises(ValueError) as info:
        TieredLimit((Tier(100, 200, RATE), Tier(200, 300, RATE)))
    assert str(info.value) == "the first tier starts at 100, not 0; the last tier ends at 300; it must be open-ended"


def test_blended_rate_at_the_first_breakpoint_is_the_first_rate_exactly() -> None:
    # Batterymarch at $500M: all of it in the 0.65% band, so the blended rate is 0.65%, not a division's neighbour
    limit = TieredLimit((Tier(0, 500_000_000, RATE), Tier(500_000_000, None, Decimal("0.0055"))))
    assert limit.annual_rate(500_000_000) == 0.0065
    assert limit.annual_amount(500_000_000) == 3_250_000.0
    # one dollar into the second band: (3,250,000 + 0.0055) / 500,000,001
    assert limit.annual_rate(500_000_001) == pytest.approx((3_250_000 + 0.0055) / 500_000_001, rel=1e-15)


def test_annual_limit_at_day_one() -> None:
    # a tier table read at no assets: no limit dollars, and the first band's rate
    limit = TieredLimit((Tier(0, 500_000_000, RATE), Tier(500_000_000, None, Decimal("0.0055"))))
    assert (limit.annual_rate(0), limit.annual_amount(0)) == (0.0065, 0.0)
