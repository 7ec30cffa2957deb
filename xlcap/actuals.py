"""The month's actuals: reading CSV or XLSX, and checking every cell before anything is computed.

One row per portfolio per month. Columns (names matched ignoring case, spaces and punctuation):

    month                     YYYY-MM, or any date in the month (2008-01-31, 1/31/2008)
    portfolio                 as in Schedule A, typed loosely
    average net assets        average daily net assets for the period, dollars
    days                      days in the period (fewer than the month's for a portfolio that starts mid-month)
    management fee            } covered by the limit
    other expenses            }
    12b-1 fees                } excluded from the limit (optional columns; blank means none)
    interest, taxes, brokerage, extraordinary expenses

Every problem is reported at once, with file, row and column; InputFileError carries them all.
A blank in a column the limit needs is an error, never 0; an XLSX formula without a stored value
is an error saying to save the file from Excel, never blank. Whether every month and portfolio is
present is xlcap/completeness.py's question.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xlcap.errors import InputFileError, InvalidInputError
from xlcap.parse import parse_amount, parse_date
from xlcap.schedule import History

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
}
_HEADER_KEYS = {re.sub(r"[^a-z0-9]", "", alias.lower()): column for column, aliases in ALIASES.items() for alias in aliases}
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


def _read_rows(path: Path) -> tuple[int, list[str], list[tuple[int, list[object]]]]:
    """Header row number, header and numbered data rows of a CSV (lines starting "#" are comments)
    or of the first sheet of an XLSX file. Row numbers are the file's own, as a person sees them."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as f:
            lines = f.read().splitlines()
        numbered = [(n, line) for n, line in enumerate(lines, start=1) if not line.lstrip().startswith("#")]
        rows: list[tuple[int, list[object]]] = []
        for n, line in numbered:
            try:
                rows.append((n, list(next(csv.reader([line])))))
            except (csv.Error, StopIteration) as exc:
                what = f"a cell longer than {csv.field_size_limit():,} characters" if "field larger" in str(exc) else str(exc)
                problem = f"{path}, row {n}: cannot be read as CSV ({what}); valid: comma-separated values, one row per line."
                raise InputFileError([problem]) from None
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise InputFileError([f"{path}: unsupported file type {suffix or '(none)'!r}; valid: .csv or .xlsx."])
    rows = [(n, r) for n, r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise InputFileError([f"{path}: the file is empty; valid: a header row, then one row per portfolio and month."])
    header_row, header = rows[0]
    if stale := _uncalculated(path, [rows[0]]):
        raise InputFileError([stale])
    return header_row, [str(c).strip() if c is not None else "" for c in header], rows[1:]


class Uncalculated:
    """An XLSX cell holding a formula whose value was never stored (saved by a program that does not calculate)."""

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def __repr__(self) -> str:
        return self.formula


def _xlsx_rows(path: Path) -> list[tuple[int, list[object]]]:
    """The first sheet's rows as stored values; a formula whose value cannot be trusted becomes Uncalculated.

    Programs that do not calculate (openpyxl, XlsxWriter: pandas' to_excel) store no value, or 0, and flag
    the workbook "recalculate on load" (fullCalcOnLoad); Excel and LibreOffice save computed values and no
    flag. So: a formula in a flagged workbook is Uncalculated whatever it stores; elsewhere, a formula
    with no value is one that computed an empty string (LibreOffice writes t="str" and an empty <v>).
    """
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as zf:
            flagged = re.search(rb'fullCalcOnLoad="(1|true)"', zf.read("xl/workbook.xml")) is not None
        sheets = []
        for data_only in (True, False):  # stored values, then formulas: read-only mode gives one or the other
            book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
            try:
                sheets.append(list(book.worksheets[0].iter_rows(values_only=True)))
            finally:
                book.close()
    except (zipfile.BadZipFile, InvalidFileException, IndexError, KeyError, EOFError, TypeError) as exc:
        raise InputFileError(
            [
                f"{path}: not a readable Excel workbook ({type(exc).__name__}: {_shown(exc, 120)}); valid: an .xlsx "
                "saved by Excel or LibreOffice (not password-protected), or a CSV file."
            ]
        ) from None
    values, formulas = sheets
    rows: list[tuple[int, list[object]]] = []
    for n, (row, raw) in enumerate(zip(values, formulas, strict=False), start=1):
        cells: list[object] = list(row)
        for i, (value, formula) in enumerate(zip(row, raw, strict=False)):
            if isinstance(formula, str) and formula.startswith("="):
                cells[i] = Uncalculated(formula) if flagged else "" if value is None else value
        rows.append((n, cells))
    return rows


def _uncalculated(path: Path, rows: list[tuple[int, list[object]]]) -> str | None:
    """One line for every formula without a stored value: the fix is one for the whole file (save it from Excel)."""
    found = [(n, i, c) for n, row in rows for i, c in enumerate(row) if isinstance(c, Uncalculated)]
    if not found:
        return None
    shown = "; ".join(f"row {n}, column {_letter(i)}: {_shown(c, 60)}" for n, i, c in found[:3])
    more = f"; and {len(found) - 3} more" if len(found) > 3 else ""
    return (
        f"{path}: {len(found)} cell{'s hold formulas' if len(found) != 1 else ' holds a formula'} with no stored value "
        f"({shown}{more}): the file was saved by a program that does not calculate formulas. Open it in Excel or "
        "LibreOffice and save it, so each formula's value is stored, then run this again."
    )


def _shown(value: object, most: int = 40) -> str:
    """A cell as quoted in a message: repr, cut short (a 1 MB cell must not make a 1 MB message)."""
    text = repr(value) if not isinstance(value, (Uncalculated, BaseException)) else str(value)
    return text if len(text) <= most else f"{text[: most - 3]}..."


def _columns(path: Path, header_row: int, header: list[str], problems: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, title in enumerate(header):
        column = _HEADER_KEYS.get(re.sub(r"[^a-z0-9]", "", title.lower()))
        letter = _letter(i)
        if not title:
            continue
        if column is None:
            problems.append(
                f"{path}, row {header_row}, column {letter}: unknown column {_shown(title)}; valid columns: "
                + ", ".join(COLUMN_TITLES.values())
                + "."
            )
        elif column in found:
            problems.append(
                f"{path}, row {header_row}, column {letter}: {_shown(title)} repeats column {_letter(found[column])} "
                f"({COLUMN_TITLES[column]})."
            )
        else:
            found[column] = i
    for column in REQUIRED:
        if column not in found:
            problems.append(f"{path}, row {header_row}: missing column {COLUMN_TITLES[column]!r}.")
    return found


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_actuals(path: Path | str, history: History, month: pd.Period | None = None) -> Actuals:
    """Read and check an actuals file; raise InputFileError listing every problem, or return clean actuals.

    With `month`, the file must hold rows for that month; rows after it are ignored (a later
    month's file may be reused for an earlier report).
    """
    path = Path(path)
    try:
        header_row, header, rows = _read_rows(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise InputFileError([f"{path}: cannot be read ({_shown(exc, 200)})."]) from None
    if stale := _uncalculated(path, rows):
        raise InputFileError([stale])
    problems: list[str] = []
    columns = _columns(path, header_row, header, problems)
    if problems:
        raise InputFileError(problems)

    records: list[dict[str, object]] = []
    seen: dict[tuple[str, pd.Period], int] = {}
    for n, row in rows:
        cells = {column: (row[i] if i < len(row) else None) for column, i in columns.items()}
        where = f"{path}, row {n}"
        record: dict[str, object] = {"source_row": n}
        cell = cells.get
        try:
            record["month"] = parse_month(cell("month"))
        except InvalidInputError:
            problems.append(
                f"{where}, column {_letter(columns['month'])} (Month): {_shown(cell('month'))} is not a month; "
                "valid: YYYY-MM, e.g. 2008-01."
            )
            record["month"] = None
        typed = cell("portfolio")
        name = history.names.resolve(str(typed)) if isinstance(typed, str) and typed.strip() else None
        if name is None:
            hint = history.names.suggest(str(typed)) if typed and len(str(typed)) < 200 else ()
            suggestion = f" Did you mean {' or '.join(repr(s) for s in hint)}?" if hint else ""
            problems.append(
                f"{where}, column {_letter(columns['portfolio'])} (Portfolio): unknown portfolio {_shown(typed, 80)}.{suggestion}"
            )
        record["portfolio"] = name
        for column in ("average_net_assets", *EXPENSES):
            required = column in ("average_net_assets", *COVERED)
            record[column] = _amount(cells.get(column), column, where, columns, problems, required=required)
        record["days"] = _days(cell("days"), record["month"], where, columns, problems)
        if name is not None and isinstance(record["month"], pd.Period):
            key = (name, record["month"])
            if key in seen:
                problems.append(
                    f"{where}: duplicate of row {seen[key]} ({name}, {record['month']}); valid: one row per portfolio and month."
                )
            else:
                seen[key] = n
        records.append(record)

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
    spot = f"{where}, column {_letter(columns[column])} ({title})" if column in columns else where
    valid = "a dollar amount, 0 or more " + ("(blank is not 0: write 0 if you mean 0)" if required else "or blank for none")
    if _blank(value):
        if required:
            problems.append(f"{spot}: empty; valid: {valid}.")
        return 0.0
    try:
        return parse_amount(value, title)
    except InvalidInputError:
        kind = "negative" if isinstance(value, (int, float)) or str(value).strip().startswith(("-", "(")) else "not a number"
        kind = "an Excel error value" if isinstance(value, str) and value.strip().startswith("#") else kind
        problems.append(f"{spot}: {_shown(value)} is {kind}; valid: {valid}.")
        return 0.0


def _days(value: object, month: object, where: str, columns: dict[str, int], problems: list[str]) -> int:
    spot = f"{where}, column {_letter(columns['days'])} (Days)"
    days_in_month = calendar.monthrange(month.year, month.month)[1] if isinstance(month, pd.Period) else 31
    if _blank(value):
        problems.append(f"{spot}: empty; valid: a whole number of days from 1 to {days_in_month}.")
        return 0
    try:
        number = float(str(value).strip()) if not isinstance(value, bool) else float("nan")
    except ValueError:
        number = float("nan")
    if not (number.is_integer() and 1 <= number <= days_in_month):
        problems.append(f"{spot}: {_shown(value)} is not a whole number of days from 1 to {days_in_month}.")
        return 0
    return int(number)
