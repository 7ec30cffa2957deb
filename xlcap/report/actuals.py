"""The month's actuals: reading CSV or XLSX, and checking every cell before anything is computed.

One row per portfolio (or share class of it) per month. Columns (names matched ignoring case, spaces and punctuation):

    month                     YYYY-MM, or any date in the month (2008-01-31, 1/31/2008)
    portfolio                 as in Schedule A, typed loosely
    average net assets        average daily net assets for the period, dollars
    days                      days in the period (fewer than the month's for a portfolio that starts mid-month)
    management fee            } covered by the limit
    other expenses            }
    12b-1 fees                } excluded from the limit (optional columns; blank means none)
    interest, taxes, brokerage, extraordinary expenses
    waiver booked             optional: the waiver / reimbursement already booked for the month in the
                              ledger (negative for a reversal); blank or absent: the month is not reconciled
    share class               optional: the row is for one class ("A", "Class A"); blank or absent: the whole
                              portfolio (ActualRow.share_class None). Required where the Schedule A in force
                              prices the portfolio per class; checked by xlcap/report/actual_classes.py

Every problem is reported at once, with file, row and column; InputFileError carries them all.
A blank in a column the limit needs is an error, never 0; an XLSX formula without a stored value
is an error saying to save the file from Excel, never blank. Whether every month and portfolio is
present is xlcap/report/completeness.py's question.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xlcap.agreements.names import class_label
from xlcap.agreements.schedule import History
from xlcap.errors import InputFileError, InvalidInputError
from xlcap.money import MOST_DOLLARS
from xlcap.parse import parse_amount, parse_date
from xlcap.report.actual_classes import mixed_problems, read_class
from xlcap.report.sheetfile import letter, read_rows, shown, uncalculated

COVERED = ("management_fee", "other_expenses")
EXCLUDED = ("distribution_12b1", "interest", "taxes", "brokerage", "extraordinary")
EXPENSES = COVERED + EXCLUDED
REQUIRED = ("month", "portfolio", "average_net_assets", "days", *COVERED)
COLUMN_TITLES = {
    "month": "Month",
    "portfolio": "Portfolio",
    "average_net_assets": "Average net assets",
    "days": "Days",
    "management_fee": "Management fee",
    "other_expenses": "Other expenses",
    "distribution_12b1": "12b-1 fees",
    "interest": "Interest",
    "taxes": "Taxes",
    "brokerage": "Brokerage",
    "extraordinary": "Extraordinary expenses",
    "waiver_booked": "Waiver booked",
    "share_class": "Share class",
}
# Names accountants use for each column; matched after name_key-style folding.
ALIASES: dict[str, tuple[str, ...]] = {
    "month": ("month", "period", "month end", "period end", "month ending"),
    "portfolio": ("portfolio", "portfolio name", "fund", "fund name", "series"),
    "average_net_assets": (
        "average net assets",
        "average daily net assets",
        "avg net assets",
        "avg daily net assets",
        "adna",
        "net assets",
    ),
    "days": ("days", "days in period", "number of days", "days in month"),
    "management_fee": (
        "management fee",
        "management fees",
        "mgmt fee",
        "advisory fee",
        "advisory fees",
        "investment management fee",
    ),
    "other_expenses": ("other expenses", "other operating expenses", "other"),
    "distribution_12b1": (
        "12b-1",
        "12b-1 fee",
        "12b-1 fees",
        "12b1",
        "distribution fee",
        "distribution fees",
        "distribution and service fees",
    ),
    "interest": ("interest", "interest expense"),
    "taxes": ("taxes", "tax"),
    "brokerage": ("brokerage", "brokerage commissions", "commissions"),
    "extraordinary": ("extraordinary", "extraordinary expenses"),
    "waiver_booked": (
        "waiver booked",
        "booked waiver",
        "waiver per books",
        "waiver per ledger",
        "waiver accrued",
        "accrued waiver",
        "waiver/reimbursement booked",
        "waiver / reimbursement booked",
        "fee waiver booked",
        "expense reimbursement booked",
        "reimbursement booked",
    ),
    "share_class": ("share class", "class", "share class name", "class name"),
}
_HEADER_KEYS = {re.sub(r"[^a-z0-9]", "", alias.lower()): column for column, aliases in ALIASES.items() for alias in aliases}
TOO_LARGE = f"{MOST_DOLLARS:,.0f}"
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})")


@dataclass(frozen=True, slots=True)
class ActualRow:
    """One portfolio's month, checked: canonical name, amounts in dollars."""

    month: pd.Period
    portfolio: str
    average_net_assets: float
    days: int
    management_fee: float
    other_expenses: float
    distribution_12b1: float
    interest: float
    taxes: float
    brokerage: float
    extraordinary: float
    source_row: int  # the row in the file it came from, for the audit trail
    waiver_booked: float | None = None  # None: the file gives no booked waiver, so the month is not reconciled
    share_class: str | None = None  # None: the whole portfolio (no share-class column, or a blank cell)


@dataclass(frozen=True)
class Actuals:
    """Clean actuals: one row per portfolio and month."""

    rows: tuple[ActualRow, ...]
    source: str

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([{f: getattr(r, f) for f in ActualRow.__slots__} for r in self.rows])

    def months(self) -> list[pd.Period]:
        return sorted({r.month for r in self.rows})


def month_end(month: pd.Period) -> dt.date:
    return dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def parse_month(value: object, name: str = "month") -> pd.Period:
    """YYYY-MM, or a date within the month."""
    if isinstance(value, (dt.date, dt.datetime)):
        return pd.Period(year=value.year, month=value.month, freq="M")
    text = str(value).strip() if value is not None else ""
    if match := _MONTH_RE.fullmatch(text):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return pd.Period(year=year, month=month, freq="M")
    try:
        day = parse_date(text, name)
    except InvalidInputError:
        raise InvalidInputError(
            f"Parameter '{name}' received {value!r}, which is not a month. Valid: YYYY-MM, e.g. 2008-01."
        ) from None
    return pd.Period(year=day.year, month=day.month, freq="M")


def _columns(path: Path, header_row: int, header: list[str], problems: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, title in enumerate(header):
        column = _HEADER_KEYS.get(re.sub(r"[^a-z0-9]", "", title.lower()))
        column_letter = letter(i)
        if not title:
            continue
        if column is None:
            problems.append(
                f"{path}, row {header_row}, column {column_letter}: unknown column {shown(title)}; valid columns: "
                + ", ".join(COLUMN_TITLES.values())
                + "."
            )
        elif column in found:
            problems.append(
                f"{path}, row {header_row}, column {column_letter}: {shown(title)} repeats column {letter(found[column])} "
                f"({COLUMN_TITLES[column]})."
            )
        else:
            found[column] = i
    for column in REQUIRED:
        if column not in found:
            problems.append(f"{path}, row {header_row}: missing column {COLUMN_TITLES[column]!r}.")
    return found


def read_actuals(path: Path | str, history: History, month: pd.Period | None = None) -> Actuals:
    """Read and check an actuals file; raise InputFileError listing every problem, or return clean actuals.

    With `month`, the file must hold rows for that month; rows after it are ignored (a later
    month's file may be reused for an earlier report).
    """
    path = Path(path)
    try:
        header_row, header, rows = read_rows(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise InputFileError([f"{path}: cannot be read ({shown(exc, 200)})."]) from None
    if stale := uncalculated(path, rows):
        raise InputFileError([stale])
    problems: list[str] = []
    columns = _columns(path, header_row, header, problems)
    if problems:
        raise InputFileError(problems)

    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str | None, pd.Period], int] = {}
    keys: list[tuple[str, str | None, pd.Period, str]] = []  # for mixed_problems: whole portfolio and classes in one month
    for n, row in rows:
        cells = {column: (row[i] if i < len(row) else None) for column, i in columns.items()}
        where = f"{path}, row {n}"
        record: dict[str, object] = {"source_row": n}
        cell = cells.get
        try:
            record["month"] = parse_month(cell("month"))
        except InvalidInputError:
            problems.append(
                f"{where}, column {letter(columns['month'])} (Month): {shown(cell('month'))} is not a month; "
                "valid: YYYY-MM, e.g. 2008-01."
            )
            record["month"] = None
        typed = cell("portfolio")
        name = history.names.resolve(str(typed)) if isinstance(typed, str) and typed.strip() else None
        if name is None:
            hint = history.names.suggest(str(typed)) if typed and len(str(typed)) < 200 else ()
            suggestion = f" Did you mean {' or '.join(repr(s) for s in hint)}?" if hint else ""
            problems.append(
                f"{where}, column {letter(columns['portfolio'])} (Portfolio): unknown portfolio {shown(typed, 80)}.{suggestion}"
            )
        record["portfolio"] = name
        for column in ("average_net_assets", *EXPENSES):
            required = column in ("average_net_assets", *COVERED)
            record[column] = _amount(cells.get(column), column, where, columns, problems, required=required)
        if "waiver_booked" in columns:
            record["waiver_booked"] = _booked(cell("waiver_booked"), where, columns, problems)
        record["days"] = _days(cell("days"), record["month"], where, columns, problems)
        share_class = None
        if "share_class" in columns:
            before = len(problems)
            spot = f"{where}, column {letter(columns['share_class'])} (Share class)"
            share_class = read_class(cell("share_class"), name, record["month"], history, spot, problems)
            record["share_class"] = share_class
            class_ok = len(problems) == before
        else:
            class_ok = True
        if name is not None and isinstance(record["month"], pd.Period) and class_ok:
            key = (name, share_class, record["month"])
            if key in seen:
                problems.append(
                    f"{where}: duplicate of row {seen[key]} ({name}, {record['month']}); valid: one row per portfolio and month."
                    if share_class is None
                    else f"{where}: duplicate of row {seen[key]} ({class_label(name, share_class)}, {record['month']}); "
                    "valid: one row per portfolio, share class and month."
                )
            else:
                seen[key] = n
                keys.append((name, share_class, record["month"], where))
        records.append(record)

    problems += mixed_problems(keys)
    if not records:
        problems.append(f"{path}: no data rows under the header; valid: one row per portfolio and month.")
    if month is not None and not problems and not any(r["month"] == month for r in records):
        present = sorted({str(r["month"]) for r in records})
        problems.append(f"{path}: no rows for {month}; the file holds {', '.join(present)}.")
    if problems:
        raise InputFileError(problems)
    clean = tuple(ActualRow(**r) for r in records)  # type: ignore[arg-type]
    if month is not None:
        clean = tuple(r for r in clean if r.month <= month)
    return Actuals(rows=clean, source=str(path))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _amount(value: object, column: str, where: str, columns: dict[str, int], problems: list[str], required: bool) -> float:
    """A dollar amount. Blank is an error where the limit needs the figure (blank is not 0), and none elsewhere."""
    title = COLUMN_TITLES[column]
    spot = f"{where}, column {letter(columns[column])} ({title})" if column in columns else where
    valid = "a dollar amount, 0 or more " + ("(blank is not 0: write 0 if you mean 0)" if required else "or blank for none")
    if _blank(value):
        if required:
            problems.append(f"{spot}: empty; valid: {valid}.")
        return 0.0
    try:
        amount = parse_amount(value, title)
    except InvalidInputError:
        kind = "negative" if isinstance(value, (int, float)) or str(value).strip().startswith(("-", "(")) else "not a number"
        kind = "an Excel error value" if isinstance(value, str) and value.strip().startswith("#") else kind
        problems.append(f"{spot}: {shown(value)} is {kind}; valid: {valid}.")
        return 0.0
    if amount >= MOST_DOLLARS:
        problems.append(f"{spot}: {shown(value)} is larger than any fund's figure; valid: {valid}, under {TOO_LARGE}.")
        return 0.0
    return amount


def _booked(value: object, where: str, columns: dict[str, int], problems: list[str]) -> float | None:
    """The waiver booked in the ledger: a dollar amount, negative for a reversal; blank: no ledger figure given."""
    if _blank(value):
        return None
    spot = f"{where}, column {letter(columns['waiver_booked'])} (Waiver booked)"
    text = str(value).strip() if isinstance(value, str) else None
    negative = isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0
    if text is not None and (text.startswith("(") and text.endswith(")")):
        negative, value = True, text[1:-1]
    elif text is not None and text.startswith(("-", "$-")):
        negative, value = True, text.replace("-", "", 1)
    try:
        amount = parse_amount(abs(value) if isinstance(value, (int, float)) else value, "Waiver booked")
    except InvalidInputError:
        problems.append(
            f"{spot}: {shown(value)} is not a dollar amount; valid: an amount such as 1,234.56, negative (-1,234.56 or "
            "(1,234.56)) for a reversal, or blank when the ledger figure is not at hand."
        )
        return None
    if amount >= MOST_DOLLARS:
        problems.append(f"{spot}: {shown(value)} is larger than any fund's figure; valid: an amount under {TOO_LARGE}.")
        return None
    return -amount if negative else amount


def _days(value: object, month: object, where: str, columns: dict[str, int], problems: list[str]) -> int:
    spot = f"{where}, column {letter(columns['days'])} (Days)"
    days_in_month = calendar.monthrange(month.year, month.month)[1] if isinstance(month, pd.Period) else 31
    if _blank(value):
        problems.append(f"{spot}: empty; valid: a whole number of days from 1 to {days_in_month}.")
        return 0
    try:
        number = float(str(value).strip()) if not isinstance(value, bool) else float("nan")
    except ValueError:
        number = float("nan")
    if not (number.is_integer() and 1 <= number <= days_in_month):
        problems.append(f"{spot}: {shown(value)} is not a whole number of days from 1 to {days_in_month}.")
        return 0
    return int(number)
