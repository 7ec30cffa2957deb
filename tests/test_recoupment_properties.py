"""Recoupment ledger properties over random multi-year monthly figures."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from xlcap.agreements.recoupment import MonthFigures, RecoupmentRules, ledger

cents = st.integers(min_value=0, max_value=200_000).map(lambda c: c / 100)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[MonthFigures], RecoupmentRules]:
    unit = draw(st.sampled_from(["fiscal_years", "months"]))
    rules = RecoupmentRules(
        window=draw(st.integers(1, 3) if unit == "fiscal_years" else st.integers(1, 36)),
        window_unit=unit,
        cap_test=draw(st.sampled_from(["current", "lesser_of"])),
        minimum_assets=draw(st.sampled_from([None, 50.0])),
    )
    months: list[MonthFigures] = []
    for year in range(2020, 2020 + draw(st.integers(2, 5))):
        ytd_limit = ytd_covered = 0.0
        for month in sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=4))):
            ytd_limit = round(ytd_limit + draw(cents), 2)
            ytd_covered = round(ytd_covered + draw(cents), 2)
            under = {y: round(ytd_limit * draw(st.sampled_from([0.8, 1.0, 1.2])), 2) for y in range(2017, year)}
            months.append(MonthFigures(year, month, ytd_limit, ytd_covered, draw(st.sampled_from([40.0, 60.0])), under))
    return months, rules


@settings(max_examples=300, deadline=None)
@given(histories(), st.dictionaries(st.integers(2017, 2019), cents, max_size=3))
def test_every_year_of_origin_balances(case: tuple[list[MonthFigures], RecoupmentRules], openings: dict[int, float]) -> None:
    months, rules = case
    book = ledger(months, rules, openings=openings)
    for o in book.origins:
        assert min(o.repaid, o.expired, o.available) >= 0
        assert round(o.repaid + o.expired + o.available, 2) == o.waived


@settings(max_examples=300, deadline=None)
@given(histories(), st.dictionaries(st.integers(2017, 2019), cents, max_size=3))
def test_a_repayment_never_takes_expenses_over_the_limit(
    case: tuple[list[MonthFigures], RecoupmentRules], openings: dict[int, float]
) -> None:
    months, rules = case
    book = ledger(months, rules, openings=openings)
    for fig, rep in zip(months, book.months, strict=True):
        if rep.ytd_repaid > 0:
            assert round(fig.ytd_covered + rep.ytd_repaid, 2) <= fig.ytd_limit
            if rules.cap_test == "lesser_of":  # each year of origin's share stays under its own lesser limit
                rooms = [min(fig.ytd_limit, fig.ytd_limit_under.get(o.fiscal_year, fig.ytd_limit)) for o in book.origins]
                assert round(fig.ytd_covered + rep.ytd_repaid, 2) <= max(rooms)


@settings(max_examples=300, deadline=None)
@given(histories(), st.dictionaries(st.integers(2017, 2019), cents, max_size=3))
def test_nothing_is_repaid_after_expiry(case: tuple[list[MonthFigures], RecoupmentRules], openings: dict[int, float]) -> None:
    months, rules = case
    full = ledger(months, rules, openings=openings)
    for o in full.origins:
        assert o.expires_on is not None
        # The ledger as of the expiry day and the ledger at the end agree on what was repaid from this year.
        at_expiry = ledger(months, rules, openings=openings, as_of=o.expires_on)
        before = next((p.repaid for p in at_expiry.origins if p.fiscal_year == o.fiscal_year), 0.0)
        if o.expires_on < dt.date(2025, 12, 31) and any(m.month_end > o.expires_on for m in months):
            assert o.repaid <= before
