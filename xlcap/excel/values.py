"""Excel cell values in, clean values out: the one place every runtime's dialect is normalised.

Classic desktop xlwings (COM) hands a function floats, `datetime` for date-formatted cells,
float serials for dates made by formulas, None for empty cells and negative ints for error
cells. Office.js runtimes (xlwings Lite, xlwings Server) hand ints and floats, dates always
as serial numbers, error cells as text such as "#N/A", empty cells as 0, and may wrap one
cell as [[x]].

Because Office.js cannot tell an empty cell from 0, the number 0 reads as an empty cell in
every argument and every runtime, so a workbook answers the same in both: 0 is never a date
serial (below 61) or a day count (1-366) anyway, and assets of exactly $0 have no limit to speak of.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from xlcap.errors import InvalidInputError
from xlcap.parse import AMOUNT_FORMS, DATE_FORMS, parse_amount, parse_date

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0; serials from 61 (1900-03-01) on count days from here
FIRST_SERIAL, LAST_SERIAL = 61, 2_958_465  # 1900-03-01 .. 9999-12-31: below 61 Excel's 1900 leap-day bug applies
COM_ERRORS = {
    -2146826288: "#NULL!",
    -2146826281: "#DIV/0!",
    -2146826273: "#VALUE!",
    -2146826265: "#REF!",
    -2146826259: "#NAME?",
    -2146826252: "#NUM!",
    -2146826246: "#N/A",
}
ERROR_TEXTS = frozenset(COM_ERRORS.values()) | {"#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#BUSY!"}
# Excel functions refuse 0 (it is what an empty cell arrives as in Office.js), so say "above 0".
CELL_AMOUNT_FORMS = "an amount above 0 such as 250000000, 250,000,000, 250e6, $250m or 1.2bn"
EMPTY = "an empty cell (or 0, which xlwings Lite sends for one)"
_EPOCH_ORDINAL = EXCEL_EPOCH.toordinal()
_UNIX_ORDINAL = dt.date(1970, 1, 1).toordinal()
_UNIX_OFFSET = _UNIX_ORDINAL - _EPOCH_ORDINAL  # the Excel serial of 1970-01-01

Shape = tuple[int, int]
T = TypeVar("T")


def excel_error(value: object) -> str | None:
    """The Excel error a cell value stands for ("#N/A"), or None if it is not an error cell."""
    if type(value) is int and value in COM_ERRORS:
        return COM_ERRORS[value]
    if isinstance(value, str) and value.strip().upper() in ERROR_TEXTS:
        return value.strip().upper()
    return None


def is_empty(value: object) -> bool:
    """An empty cell as any runtime hands it over: None (classic), "" or 0 (Office.js sends 0)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return type(value) in (int, float) and value == 0  # not bool: FALSE is not an empty cell


def _refuse(name: str, value: object, valid: str) -> InvalidInputError:
    error = excel_error(value)
    if error is not None:
        return InvalidInputError(f"Parameter '{name}' received the Excel error {error}. Valid: {valid}.")
    if is_empty(value):
        return InvalidInputError(f"Parameter '{name}' received {EMPTY}. Valid: {valid}.")
    return InvalidInputError(f"Parameter '{name}' received {value!r}, which is not valid. Valid: {valid}.")


def cell_text(value: object, name: str = "portfolio") -> str:
    """A portfolio name from a cell."""
    if isinstance(value, str) and value.strip() and excel_error(value) is None:
        return value
    valid = 'a portfolio name from Schedule A, e.g. "Lazard Mid-Cap"'
    if isinstance(value, (int, float)) and excel_error(value) is None and not is_empty(value):
        raise InvalidInputError(f"Parameter '{name}' received the number {value!r}, not a name. Valid: {valid}.")
    raise _refuse(name, value, valid)


def cell_class(value: object, name: str = "share_class") -> str | None:
    """An optional share class from a cell: text ("A", "Class A"), a whole number read as its digits, None when empty (or 0)."""
    if is_empty(value):
        return None
    if isinstance(value, str) and excel_error(value) is None:
        return value
    if type(value) in (int, float) and excel_error(value) is None and float(value).is_integer():  # type: ignore[arg-type]
        return str(int(value))  # type: ignore[call-overload]
    raise _refuse(
        name, value, 'a share class as text, e.g. "A" or "Class A"; or an empty cell where limits do not differ by class'
    )


def cell_agreement(value: object, name: str = "agreement") -> str | None:
    """An optional agreement from a cell: its id or trust name as text, None when empty (or 0)."""
    if is_empty(value):
        return None
    if isinstance(value, str) and excel_error(value) is None:
        return value
    raise _refuse(name, value, 'an agreement\'s id or trust name as text, e.g. "met-investors"; or an empty cell')


def cell_amount(value: object, name: str = "assets") -> float:
    """A positive dollar amount from a number, or from a number typed as text ("250,000,000", "$250m")."""
    if is_empty(value) or excel_error(value) is not None:
        raise _refuse(name, value, CELL_AMOUNT_FORMS)
    try:
        amount = parse_amount(value, name)
    except InvalidInputError as exc:
        raise InvalidInputError(exc.message.replace(AMOUNT_FORMS, CELL_AMOUNT_FORMS)) from None
    if amount == 0:  # typed as text: still 0, which a cell cannot tell from empty
        raise InvalidInputError(f"Parameter '{name}' received {value!r}, which is 0. Valid: {CELL_AMOUNT_FORMS}.")
    return amount


def serial_to_date(serial: float | int, name: str = "on_date") -> dt.date:
    """An Excel serial day number (the time of day, if any, dropped) as a date."""
    if not math.isfinite(serial) or not FIRST_SERIAL <= serial < LAST_SERIAL + 1:
        raise InvalidInputError(
            f"Parameter '{name}' received {serial!r}, which as an Excel serial date is outside 61 (1900-03-01) to "
            f"{LAST_SERIAL} (9999-12-31). Valid: {DATE_FORMS}, or a date cell."
        )
    return dt.date.fromordinal(_EPOCH_ORDINAL + int(serial))


def cell_date(value: object, name: str = "on_date") -> dt.date:
    """A date from a date cell, an Excel serial number, or ISO / m/d/yyyy text."""
    if type(value) in (int, float) and excel_error(value) is None and not is_empty(value):
        return serial_to_date(value, name)  # type: ignore[arg-type]
    if is_empty(value) or isinstance(value, bool) or excel_error(value) is not None:
        raise _refuse(name, value, f"{DATE_FORMS}, or a date cell")
    return parse_date(value, name)


def cell_days(value: object, name: str = "days") -> int | None:
    """An optional whole number of days, 1 to 366; None when the cell is empty (or 0) or omitted."""
    if is_empty(value):
        return None
    valid = "a whole number of days from 1 to 366, or leave it empty for the annual amount"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or excel_error(value) is not None:
        raise _refuse(name, value, valid)
    if not (float(value).is_integer() and 1 <= value <= 366):
        raise InvalidInputError(
            f"Parameter '{name}' received {value!r}, which is not a whole number from 1 to 366. Valid: {valid}."
        )
    return int(value)


def grid(value: object) -> tuple[list[object], Shape | None]:
    """Flatten an argument: (values, (rows, cols)) for a range, ([value], None) for one cell, [[x]] included."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return [value], None
    if value and isinstance(value[0], (list, tuple)) and len(value[0]) == 1 and len(value) > 1:
        try:
            # A column, the common range: unpacking checks every row has one cell, in one pass.
            return [cell for (cell,) in value], (len(value), 1)
        except (TypeError, ValueError):
            pass  # ragged or mixed: the general path below says what is wrong
    # set(map(...)) rather than a Python loop: ranges run to 100,000s of rows
    if value and set(map(type, value)) <= {list, tuple}:
        widths = set(map(len, value))
        if len(widths) != 1:
            raise InvalidInputError("A range argument has rows of different lengths. Valid: a rectangular range.")
        cols = widths.pop()
        if len(value) == 1 and cols == 1:
            return [value[0][0]], None
        return list(itertools.chain.from_iterable(value)), (len(value), cols)
    if len(value) == 1:
        return [value[0]], None
    return list(value), (len(value), 1)  # a 1-D list is a column, as classic xlwings gives one


def broadcast(named: dict[str, object]) -> tuple[dict[str, list[object]], Shape | None]:
    """Flatten every argument and repeat single cells to the common range size."""
    flat: dict[str, list[object]] = {}
    shapes: dict[str, Shape] = {}
    for name, value in named.items():
        flat[name], shape = grid(value)
        if shape is not None:
            shapes[name] = shape
    if not shapes:
        return flat, None
    first, shape = next(iter(shapes.items()))
    for name, other in shapes.items():
        if other != shape:
            raise InvalidInputError(
                f"Parameters '{first}' and '{name}' are ranges of {shape[0]}x{shape[1]} and {other[0]}x{other[1]} cells. "
                "Valid: ranges of the same size, or single cells."
            )
    size = shape[0] * shape[1]
    return {name: values if len(values) == size else values * size for name, values in flat.items()}, shape


def column(
    values: list[object], read: Callable[[object, str], T | None], name: str
) -> tuple[list[T | None], dict[int, InvalidInputError]]:
    """Read each value of a range; a bad cell becomes that row's error, the rest are still read.

    Each distinct value is read once: a range of 100,000 rows names a few dozen portfolios.
    """
    try:
        distinct = dict.fromkeys(values)
    except TypeError:  # an unhashable cell: read one by one
        distinct = None
    if distinct is not None and bool in set(map(type, values)):
        distinct = None  # False == 0 and True == 1 as dict keys, but they are different cells: read one by one
    if distinct is not None and len(distinct) * 4 <= len(values):
        readings: dict[object, T | InvalidInputError | None] = {}
        for value in distinct:
            try:
                readings[value] = read(value, name)
            except InvalidInputError as exc:
                readings[value] = exc
        out = [readings[v] for v in values]
        errors = (
            {i: r for i, r in enumerate(out) if isinstance(r, InvalidInputError)}
            if any(isinstance(r, InvalidInputError) for r in readings.values())
            else {}
        )
        for i in errors:
            out[i] = None
        return out, errors  # type: ignore[return-value]
    out_list: list[T | None] = []
    errors = {}
    for i, value in enumerate(values):
        try:
            out_list.append(read(value, name))
        except InvalidInputError as exc:
            out_list.append(None)
            errors[i] = exc
    return out_list, errors


def amount_column(values: list[object], name: str = "assets") -> tuple[npt.NDArray[np.float64], dict[int, InvalidInputError]]:
    """Amounts for a range: one NumPy conversion when every cell is a number, cell by cell otherwise."""
    if set(map(type, values)) <= {float, int}:
        amounts = np.asarray(values, dtype=np.float64)
        bad = np.flatnonzero(~(np.isfinite(amounts) & (amounts > 0)))  # COM error codes are negative; 0 is an empty cell
        errors = {}
        for i in bad.tolist():
            try:
                cell_amount(values[i], name)
            except InvalidInputError as exc:
                errors[i] = exc
        return amounts, errors
    read, errors = column(values, cell_amount, name)
    return np.array([np.nan if a is None else a for a in read], dtype=np.float64), errors


def date_column(values: list[object], name: str = "on_date") -> tuple[npt.NDArray[np.datetime64], dict[int, InvalidInputError]]:
    """Dates for a range as datetime64[D]: serials converted in NumPy, date cells and text cell by cell."""
    kinds = set(map(type, values))
    if kinds <= {float, int}:
        serials = np.asarray(values, dtype=np.float64)
        ok = np.isfinite(serials) & (serials >= FIRST_SERIAL) & (serials < LAST_SERIAL + 1)
        days = np.where(ok, np.floor(np.where(ok, serials, 0)), 0).astype(np.int64) - _UNIX_OFFSET
        errors = {}
        for i in np.flatnonzero(~ok).tolist():
            try:
                cell_date(values[i], name)
            except InvalidInputError as exc:
                errors[i] = exc
        return days.astype("datetime64[D]"), errors
    if kinds <= {dt.datetime, dt.date}:  # classic Excel's date cells: no parsing needed
        ordinals = np.fromiter((d.toordinal() for d in values), dtype=np.int64, count=len(values))  # type: ignore[attr-defined]
        return (ordinals - _UNIX_ORDINAL).astype("datetime64[D]"), {}
    read, errors = column(values, cell_date, name)
    ordinals = np.array([_UNIX_ORDINAL if d is None else d.toordinal() for d in read], dtype=np.int64)
    return (ordinals - _UNIX_ORDINAL).astype("datetime64[D]"), errors
