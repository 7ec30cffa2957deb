"""Boundary parsers: every accepted dialect, and exact messages for what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from xlcap import InvalidInputError, parse_amount, parse_date
from xlcap.parse import parse_contract_date

VALID_AMOUNTS = "Valid: a non-negative amount such as 250000000, 250,000,000, 250e6, $250m or 1.2bn."
VALID_DATES = "Valid: a date as YYYY-MM-DD or m/d/yyyy, e.g. 2008-01-31 or 1/31/2008."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("250000000", 250_000_000),
        ("250,000,000", 250_000_000),
        ("250e6", 250_000_000),
        ("$250m", 250_000_000),
        ("$250M", 250_000_000),
        ("250 million", 250_000_000),
        ("1.2bn", 1_200_000_000),
        ("1.2B", 1_200_000_000),
        ("$1.5 billion", 1_500_000_000),
        ("750k", 750_000),
        ("  $1,234,567.89 ", 1_234_567.89),
        ("0", 0),
        (250_000_000, 250_000_000),
        (1.5e9, 1_500_000_000),
    ],
)
def test_amount_dialects(text: object, expected: float) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", f"Parameter 'assets' received '-5', which is negative. {VALID_AMOUNTS}"),
        (-5.0, f"Parameter 'assets' received -5.0, which is negative. {VALID_AMOUNTS}"),
        ("(1,000)", f"Parameter 'assets' received '(1,000)', which is negative. {VALID_AMOUNTS}"),
        ("NaN", f"Parameter 'assets' received 'NaN', which is not an amount. {VALID_AMOUNTS}"),
        (float("nan"), f"Parameter 'assets' received nan, which is not a finite number. {VALID_AMOUNTS}"),
        (float("inf"), f"Parameter 'assets' received inf, which is not a finite number. {VALID_AMOUNTS}"),
        ("lots", f"Parameter 'assets' received 'lots', which is not an amount. {VALID_AMOUNTS}"),
        ("", f"Parameter 'assets' received '', which is not an amount. {VALID_AMOUNTS}"),
        ("25,00,000", f"Parameter 'assets' received '25,00,000', whose thousands separators are misplaced. {VALID_AMOUNTS}"),
        ("5 zillion", f"Parameter 'assets' received '5 zillion', which is not an amount. {VALID_AMOUNTS}"),
        (True, f"Parameter 'assets' received True, which is not an amount. {VALID_AMOUNTS}"),
        (None, f"Parameter 'assets' received None of type NoneType, which is not an amount. {VALID_AMOUNTS}"),
    ],
)
def test_amount_errors(value: object, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_amount(value)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2008-01-31", dt.date(2008, 1, 31)),
        ("1/31/2008", dt.date(2008, 1, 31)),
        ("01/31/2008", dt.date(2008, 1, 31)),
        (" 2008-2-29 ", dt.date(2008, 2, 29)),
        (dt.date(2008, 1, 31), dt.date(2008, 1, 31)),
        (dt.datetime(2008, 1, 31, 17, 30), dt.date(2008, 1, 31)),
    ],
)
def test_date_dialects(value: object, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2007-02-29", "Parameter 'date' received '2007-02-29', which is not a calendar date (day is out of range for month). "),
        ("13/1/2008", "Parameter 'date' received '13/1/2008', which is not a calendar date (month must be in 1..12). "),
        ("31/01/2008", "Parameter 'date' received '31/01/2008', which is not a calendar date (month must be in 1..12). "),
        ("Jan 31 2008", "Parameter 'date' received 'Jan 31 2008', which is not a date. "),
        ("20080131", "Parameter 'date' received '20080131', which is not a date. "),
        (39478, "Parameter 'date' received 39478 of type int, which is not a date. "),
    ],
)
def test_date_errors(value: object, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_date(value)
    assert str(info.value) == message + VALID_DATES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("November 1, 2007", dt.date(2007, 11, 1)),
        ("Nov. 1, 2007", dt.date(2007, 11, 1)),
        ("April 30,\n2004", dt.date(2004, 4, 30)),  # wrapped across lines in a filing
        ("Sept. 30, 2005", dt.date(2005, 9, 30)),
        ("MAY 1, 2009", dt.date(2009, 5, 1)),
    ],
)
def test_contract_dates(text: str, expected: dt.date) -> None:
    assert parse_contract_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Brumaire 1, 2007", "'Brumaire 1, 2007' is not a date such as \"November 1, 2007\""),
        ("February 30, 2008", "'February 30, 2008' is not a calendar date (day is out of range for month)"),
        ("2007-11-01", "'2007-11-01' is not a date such as \"November 1, 2007\""),
    ],
)
def test_contract_date_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_contract_date(text)
    assert str(info.value) == message
