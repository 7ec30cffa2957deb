"""Recoupment ledger: hand-computed multi-year cases, each worked out in its comments.

Figures are fiscal-year-to-date at each month-end (fiscal year = calendar year), as the month-end
computation gives them: ytd_limit and ytd_covered in dollars.
"""

from __future__ import annotations

import datetime as dt

import pytest

from xlcap.agreements.recoupment import REVERSAL, Approval, MonthFigures, RecoupmentRules, expires_on, ledger

THREE_YEARS = RecoupmentRules(
    window=3, clauses={"window": "within three (3) years of the end of the fiscal year in which such fees were waived"}
)
ASSETS = 100_000_000.0


def dec(year: int, limit: float, covered: float, assets: float = ASSETS, under: dict[int, float] | None = None) -> MonthFigures:
    """A year seen only at its December month-end: the year-to-date figures are the whole year's."""
    return MonthFigures(year, 12, limit, covered, assets, under or {})


def test_year_one_waiver_is_repaid_in_year_two_up_to_the_room() -> None:
    # 2020: covered 1,300 over a limit of 1,000: 300 waived.
    # 2021: limit 1,000, covered 900: room 100 < balance 300: 100 repaid, 200 left until 31 Dec 2023.
    book = ledger([dec(2020, 1000, 1300), dec(2021, 1000, 900)], THREE_YEARS)
    o = book.origin(2020)
    assert (o.waived, o.repaid, o.expired, o.available) == (300.0, 100.0, 0.0, 200.0)
    assert o.expires_on == dt.date(2023, 12, 31)
    assert book.months[-1].repaid == 100.0 and book.months[0].repaid == 0.0


def test_repayment_is_limited_by_the_balance() -> None:
    # 2021 room 1,000 - 500 = 500, but only 300 was waived: 300 repaid, nothing left.
    book = ledger([dec(2020, 1000, 1300), dec(2021, 1000, 500)], THREE_YEARS)
    assert (book.origin(2020).repaid, book.available) == (300.0, 0.0)


def test_lesser_of_cap_uses_the_lower_limit_of_the_year_of_origin() -> None:
    # 2020's schedule on 2021's assets gives 950; today's gives 1,000; covered 900.
    # Current cap test: room 100. Lesser of: room 950 - 900 = 50.
    months = [dec(2020, 1000, 1300), dec(2021, 1000, 900, under={2020: 950})]
    assert ledger(months, THREE_YEARS).origin(2020).repaid == 100.0
    lesser = RecoupmentRules(window=3, cap_test="lesser_of")
    assert ledger(months, lesser).origin(2020).repaid == 50.0


def test_lesser_of_gives_each_year_its_own_room_oldest_first() -> None:
    # Waived 2020: 100, 2021: 200, 2022: 300. In 2023 covered 700, today's limit 1,000;
    # limits under the years of origin 800, 900, 1,000.
    # 2020: room 800 - 700 = 100 -> 100 (all of it). 2021: 900 - 700 - 100 = 100 -> 100 of 200.
    # 2022: 1,000 - 700 - 200 = 100 -> 100 of 300. Total 300.
    months = [dec(2020, 1000, 1100), dec(2021, 1000, 1200), dec(2022, 1000, 1300)]
    months.append(dec(2023, 1000, 700, under={2020: 800, 2021: 900, 2022: 1000}))
    book = ledger(months, RecoupmentRules(window=3, cap_test="lesser_of"))
    assert [o.repaid for o in book.origins] == [100.0, 100.0, 100.0]
    assert book.months[-1].ytd_repaid == 300.0


def test_minimum_assets_stops_new_repayment_but_keeps_what_was_repaid() -> None:
    # Minimum average net assets 50 million. Jan 2021 (60m): ytd room 100 - 80 = 20 -> 20 repaid.
    # Feb 2021 (40m): room 200 - 150 = 50, but below the minimum nothing new: ytd stays 20, month 0.
    # Mar 2021 (55m): room 300 - 200 = 100 -> ytd 100, month 80.
    rules = RecoupmentRules(window=3, minimum_assets=50_000_000)
    months = [dec(2020, 1000, 1300)]
    months += [MonthFigures(2021, 1, 100, 80, 60e6), MonthFigures(2021, 2, 200, 150, 40e6), MonthFigures(2021, 3, 300, 200, 55e6)]
    book = ledger(months, rules)
    assert [(m.ytd_repaid, m.repaid) for m in book.months[1:]] == [(20.0, 20.0), (20.0, 0.0), (100.0, 80.0)]


def test_expiry_at_the_window_end_last_day_still_counts() -> None:
    # 300 waived in 2020 may be recovered until 31 Dec 2023. No room in 2021-2022.
    # Dec 2023 (the last day): room 100 -> 100 repaid. Jan 2024: room 100 but the rest (200) has expired.
    months = [dec(2020, 1000, 1300), dec(2021, 1000, 1000), dec(2022, 1000, 1000), dec(2023, 1000, 900)]
    months.append(MonthFigures(2024, 1, 100, 0, ASSETS))
    book = ledger(months, THREE_YEARS)
    o = book.origin(2020)
    assert (o.waived, o.repaid, o.expired, o.available) == (300.0, 100.0, 200.0, 0.0)
    assert book.months[-1].repaid == 0.0
    # As of the last day itself, nothing has expired yet.
    assert ledger(months, THREE_YEARS, as_of=dt.date(2023, 12, 31)).origin(2020).available == 200.0


def test_window_in_months_counts_from_the_month_of_the_waiver() -> None:
    # 36 months: 30 waived in March 2020 may be recovered until 31 March 2023.
    rules = RecoupmentRules(window=36, window_unit="months")
    assert expires_on(rules, 2020, 3) == dt.date(2023, 3, 31)
    assert expires_on(rules, 2020, 12) == dt.date(2023, 12, 31)
    months = [
        MonthFigures(2020, 3, 300, 330, ASSETS),
        MonthFigures(2023, 3, 300, 290, ASSETS),
        MonthFigures(2023, 4, 400, 350, ASSETS),
    ]
    # Mar 2023 (last month): room 10 -> 10 repaid. Apr 2023: room 50 but the 20 left expired on 31 Mar;
    # this year's 10 stays repaid (it was repaid in time).
    book = ledger(months, rules)
    assert [m.ytd_repaid for m in book.months] == [0.0, 10.0, 10.0]
    o = book.origin(2020)
    assert (o.repaid, o.expired, o.available) == (10.0, 20.0, 0.0)


def test_oldest_first_across_three_years() -> None:
    # Waived 2020: 100, 2021: 200, 2022: 300. 2023 room 250: 2020 100, 2021 150, 2022 0.
    # 2024: 2020's is gone (repaid in full); room 400: 2021 50 (its last year), 2022 300: 350.
    months = [dec(2020, 1000, 1100), dec(2021, 1000, 1200), dec(2022, 1000, 1300), dec(2023, 1000, 750)]
    book = ledger(months, THREE_YEARS)
    assert [(o.fiscal_year, o.repaid, o.available) for o in book.origins] == [
        (2020, 100.0, 0.0),
        (2021, 150.0, 50.0),
        (2022, 0.0, 300.0),
    ]
    book = ledger([*months, dec(2024, 1000, 600)], THREE_YEARS)
    assert [(o.repaid, o.available) for o in book.origins] == [(100.0, 0.0), (200.0, 0.0), (300.0, 0.0)]
    assert book.months[-1].ytd_repaid == 350.0


def test_a_later_month_eating_the_room_reverses_repayment() -> None:
    # 300 waived in 2020. Jan 2021: room 100 - 50 = 50 -> 50 repaid.
    # Feb 2021: room 200 - 190 = 10 -> ytd 10: a reversal of repayment of 40.
    # Mar 2021: covered 320 over 300: 20 waived, nothing repaid: a further reversal of 10.
    months = [dec(2020, 1000, 1300), MonthFigures(2021, 1, 100, 50, ASSETS)]
    months += [MonthFigures(2021, 2, 200, 190, ASSETS), MonthFigures(2021, 3, 300, 320, ASSETS)]
    book = ledger(months, THREE_YEARS)
    assert [(m.ytd_repaid, m.repaid, m.note) for m in book.months[1:]] == [
        (50.0, 50.0, ""),
        (10.0, -40.0, REVERSAL),
        (0.0, -10.0, REVERSAL),
    ]
    assert (book.origin(2020).available, book.origin(2021).waived) == (300.0, 20.0)


def test_approval_required_counts_only_what_was_approved() -> None:
    # Jan 2021: room 50 but no approval yet: 0. Jun 2021: approval of 60 on 30 June; room 100: 60.
    rules = RecoupmentRules(window=3, approval_required=True)
    months = [dec(2020, 1000, 1300), MonthFigures(2021, 1, 100, 50, ASSETS), MonthFigures(2021, 6, 600, 500, ASSETS)]
    book = ledger(months, rules, approvals=[Approval(dt.date(2021, 6, 30), 60.0)])
    assert [m.ytd_repaid for m in book.months[1:]] == [0.0, 60.0]
    everything = ledger(months, rules, approvals=[Approval(dt.date(2021, 1, 15))])
    assert [m.ytd_repaid for m in everything.months[1:]] == [50.0, 100.0]


def test_openings_are_waivers_before_the_data_starts() -> None:
    # 250 waived in 2019 (opening balance) expires 31 Dec 2022; 2021 room 100 takes it first.
    book = ledger([dec(2020, 1000, 1300), dec(2021, 1000, 900)], THREE_YEARS, openings={2019: 250.0})
    assert [(o.fiscal_year, o.repaid, o.available) for o in book.origins] == [(2019, 100.0, 150.0), (2020, 0.0, 300.0)]


def test_a_single_cent_is_waived_and_repaid_exactly() -> None:
    # Year-to-date figures are in cents (the month-end computation rounds them): 1,000.01 over 1,000.00
    # waives 0.01; a room of exactly 0.01 the next year repays it, and no float dust is left behind.
    book = ledger([dec(2020, 1000.0, 1000.01), dec(2021, 1000.0, 999.99)], THREE_YEARS)
    assert (book.origin(2020).waived, book.origin(2020).repaid) == (0.01, 0.01)


def test_class_groups_are_separate_ledgers() -> None:
    # Per class where the agreement limits classes separately: class B's room never repays class A's waiver.
    class_a = ledger([dec(2020, 1000, 1300), dec(2021, 1000, 1000)], THREE_YEARS)
    class_b = ledger([dec(2020, 500, 400), dec(2021, 500, 100)], THREE_YEARS)
    assert (class_a.available, class_b.available) == (300.0, 0.0)


@pytest.mark.parametrize("kwargs", [{"window": 0}, {"window": 3, "window_unit": "weeks"}, {"window": 3, "cap_test": "highest"}])
def test_bad_settings_name_the_setting_and_what_is_valid(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"recoupment .*(valid|positive)"):
        RecoupmentRules(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dollars", "cents"),
    [(1.23, 123), (-1.23, -123), (0.005, 1), (-0.005, -1), (2.675, 268), (1_234_567.89, 123_456_789), (1e-7, 0), (0.0, 0)],
)
def test_amounts_become_whole_cents_as_excel_rounds_them(dollars: float, cents: int) -> None:
    # Hand-worked: Excel's ROUND(2.675, 2) is 2.68 (the 15-digit decimal, half away from zero), not Python's 2.67.
    from xlcap.agreements.recoupment import _cents

    assert _cents(dollars) == cents
