"""Rows of an input table as a person numbers them: a CSV, or the first sheet of an XLSX workbook.

The file's own row numbers are kept for messages. An XLSX formula is read through its stored value,
and a formula whose value cannot be trusted (the file was written by a program that does not
calculate) becomes Uncalculated, never blank or 0, so the caller can refuse it in one line.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from xlcap.errors import InputFileError


def read_rows(path: Path) -> tuple[int, list[str], list[tuple[int, list[object]]]]:
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
    if stale := uncalculated(path, [rows[0]]):
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
                f"{path}: not a readable Excel workbook ({type(exc).__name__}: {shown(exc, 120)}); valid: an .xlsx "
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


def uncalculated(path: Path, rows: list[tuple[int, list[object]]]) -> str | None:
    """One line for every formula without a stored value: the fix is one for the whole file (save it from Excel)."""
    found = [(n, i, c) for n, row in rows for i, c in enumerate(row) if isinstance(c, Uncalculated)]
    if not found:
        return None
    cells = "; ".join(f"row {n}, column {letter(i)}: {shown(c, 60)}" for n, i, c in found[:3])
    more = f"; and {len(found) - 3} more" if len(found) > 3 else ""
    return (
        f"{path}: {len(found)} cell{'s hold formulas' if len(found) != 1 else ' holds a formula'} with no stored value "
        f"({cells}{more}): the file was saved by a program that does not calculate formulas. Open it in Excel or "
        "LibreOffice and save it, so each formula's value is stored, then run this again."
    )


def shown(value: object, most: int = 40) -> str:
    """A cell as quoted in a message: repr, cut short (a 1 MB cell must not make a 1 MB message)."""
    text = repr(value) if not isinstance(value, (Uncalculated, BaseException)) else str(value)
    return text if len(text) <= most else f"{text[: most - 3]}..."


def letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
