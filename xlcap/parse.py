"""Boundary parsers: the only place loose user input becomes clean values."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from xlcap.errors import InvalidInputError

AMOUNT_FORMS = "a non-negative amount such as 250000000, 250,000,000, 250e6, $250m or 1.2bn"
DATE_FORMS = "a date as YYYY-MM-DD or m/d/yyyy, e.g. 2008-01-31 or 1/31/2008"

_SCALE = {
    "": 1,
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mm": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
}
_AMOUNT_RE = re.compile(r"\$?\s*([0-9][0-9,]*(?:\.[0-9]*)?(?:e[+-]?[0-9]+)?)\s*([a-z]*)")
_GROUPED_RE = re.compile(r"[0-9]{1,3}(,[0-9]{3})*(\.[0-9]*)?")
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_US_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_amount(value: object, name: str = "assets") -> float:
    """Read an asset amount in dollars; raise InvalidInputError naming `name` otherwise."""
    if isinstance(value, bool):
        raise InvalidInputError(f"Parameter '{name}' received {value!r}, which is not an amount. Valid: {AMOUNT_FORMS}.")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        number = _parse_amount_text(value, name)
    else:
        raise InvalidInputError(
            f"Parameter '{name}' received {value!r} of type {type(value).__name__}, which is not an amount. "
            f"Valid: {AMOUNT_FORMS}."
        )
    if math.isnan(number) or math.isinf(number):
        raise InvalidInputError(f"Parameter '{name}' received {value!r}, which is not a finite number. Valid: {AMOUNT_FORMS}.")
    if number < 0:
        raise InvalidInputError(f"Parameter '{name}' received {value!r}, which is negative. Valid: {AMOUNT_FORMS}.")
    return number


def _parse_amount_text(text: str, name: str) -> float:
    cleaned = text.strip().lower()
    if cleaned.startswith(("-", "$-", "(")):
        raise InvalidInputError(f"Parameter '{name}' received {text!r}, which is negative. Valid: {AMOUNT_FORMS}.")
    match = _AMOUNT_RE.fullmatch(cleaned)
    if match is None or match.group(2) not in _SCALE:
        raise InvalidInputError(f"Parameter '{name}' received {text!r}, which is not an amount. Valid: {AMOUNT_FORMS}.")
    digits, suffix = match.groups()
    mantissa = digits.split("e")[0]
    if "," in mantissa and not _GROUPED_RE.fullmatch(mantissa):
        raise InvalidInputError(
            f"Parameter '{name}' received {text!r}, whose thousands separators are misplaced. Valid: {AMOUNT_FORMS}."
        )
    try:
        # Decimal keeps "1.2bn" exactly 1,200,000,000 before the one conversion to float.
        return float(Decimal(digits.replace(",", "")) * _SCALE[suffix])
    except InvalidOperation:
        raise InvalidInputError(f"Parameter '{name}' received {text!r}, which is not an amount. Valid: {AMOUNT_FORMS}.") from None


def parse_date(value: object, name: str = "date") -> dt.date:
    """Read a date (a date, datetime, ISO or m/d/yyyy text); raise InvalidInputError naming `name` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidInputError(
            f"Parameter '{name}' received {value!r} of type {type(value).__name__}, which is not a date. Valid: {DATE_FORMS}."
        )
    text = value.strip()
    if match := _ISO_RE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _US_RE.fullmatch(text):
        month, day, year = (int(g) for g in match.groups())
    else:
        raise InvalidInputError(f"Parameter '{name}' received {value!r}, which is not a date. Valid: {DATE_FORMS}.")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidInputError(
            f"Parameter '{name}' received {value!r}, which is not a calendar date ({exc}). Valid: {DATE_FORMS}."
        ) from None


_RATE_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)%")


def parse_rate(text: str) -> Decimal:
    """Read a contract rate written as a percentage ("0.80%") into a decimal fraction (0.008)."""
    match = _RATE_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f'rate {text!r} is not a percentage such as "0.80%"')
    return Decimal(match.group(1)) / 100


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
# "November 1, 2007" or "Nov. 1, 2007", as contracts print dates; a pattern so prose can be searched for dates.
CONTRACT_DATE = rf"(?:{'|'.join(sorted(_MONTHS, key=len, reverse=True))})\.?\s+[0-9]{{1,2}},\s*[0-9]{{4}}"
_CONTRACT_DATE_RE = re.compile(r"([a-z]+)\.?\s+([0-9]{1,2}),\s*([0-9]{4})", re.IGNORECASE)


def parse_contract_date(text: str) -> dt.date:
    """Read a date as contracts print it ("November 1, 2007", "Nov. 1, 2007"); ValueError otherwise."""
    match = _CONTRACT_DATE_RE.fullmatch(text.strip())
    month = _MONTHS.get(match.group(1).lower()) if match else None
    if match is None or month is None:
        raise ValueError(f'{text!r} is not a date such as "November 1, 2007"')
    try:
        return dt.date(int(match.group(3)), month, int(match.group(2)))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a calendar date ({exc})") from None
