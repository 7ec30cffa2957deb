"""Reconciliation to the books: the waiver the agreement requires against the waiver booked, and the true-up.

Figures worked by hand from tests/actuals/hand-booked.csv (hand.csv with a "Waiver/Reimbursement
Booked" column); the required waivers are worked in tests/test_capcalc.py from Schedule A.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xlcap
from tests.libreoffice import SOFFICE, convert
from tests.workbooks import HAND, build
from xlcap.errors import InputFileError
from xlcap.report.actuals import read_actuals
from xlcap.report.compute import compute
from xlcap.report.reconcile import BOOK_MORE, NO_ENTRY, REVERSE
from xlcap.report.words import WORDS

BOOKED = Path(__file__).parent / "actuals" / "hand-booked.csv"
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true", reason="LibreOffice not installed (CI installs it)"
)
TYPED = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))  # what a cell can hold: no line breaks
BOOK, TRUE_UP, ENTRY = WORDS["booked"], WORDS["true_up"], WORDS["entry"]

# (month, portfolio): required, booked, true-up, reconciliation, entry -- with the default tolerance of $1.00
EXPECTED: dict[tuple[str, str], tuple[float, float | None, float | None, str, str]] = {
    # 10,601.09 required - 10,600.50 booked = 0.59: within $1.00, no entry
    ("2008-01", "Lazard Mid-Cap Portfolio"): (10_601.09, 10_600.50, 0.59, "Within tolerance", NO_ENTRY),
    # 65,928.96 - 60,000.00 = 5,928.96: book more waiver
    ("2008-01", "Batterymarch Growth and Income Portfolio"): (65_928.96, 60_000.00, 5_928.96, "True-up needed", BOOK_MORE),
    # nothing required (near its limit, not over); 1.00 booked: 0.00 - 1.00 = -1.00, exactly the tolerance: no entry
    ("2008-01", "Janus Forty Portfolio"): (0.0, 1.00, -1.00, "Within tolerance", NO_ENTRY),
    # no booked figure: not reconciled, never a true-up of the whole waiver
    ("2008-01", "PIMCO Total Return Portfolio"): (0.0, None, None, "Not reconciled", ""),
    # February gives back 8,469.95 (a reversal); the ledger booked (8,469.95): agrees to the cent
    ("2008-02", "Lazard Mid-Cap Portfolio"): (-8_469.95, -8_469.95, 0.0, "Agrees", NO_ENTRY),
    # 2,575.34 - 2,574.33 = 1.01: one cent over the tolerance
    ("2007-12", "Rainier Large Cap Equity Portfolio"): (2_575.34, 2_574.33, 1.01, "True-up needed", BOOK_MORE),
    # May: the term ended, nothing is required; 500.00 booked must be reversed: 0.00 - 500.00 = -500.00
    ("2008-05", "Lazard Mid-Cap Portfolio"): (0.0, 500.00, -500.00, "True-up needed", REVERSE),
}


def _python(month: str, portfolio: str, **settings: float) -> dict[str, Any]:
    history = xlcap.default_history()
    period = pd.Period(month, "M")
    rows = compute(read_actuals(BOOKED, history, period), period, history, **settings).frame(month_only=True)  # type: ignore[arg-type]
    got = dict(rows[rows["portfolio"] == portfolio].iloc[0])
    return {k: None if isinstance(v, float) and v != v else v for k, v in got.items()}  # a frame's NaN: no figure


@pytest.mark.parametrize(("month", "portfolio"), list(EXPECTED))
def test_python_reconciles_each_hand_worked_month(month: str, portfolio: str) -> None:
    required, booked, true_up, word, entry = EXPECTED[(month, portfolio)]
    got = _python(month, portfolio)
    assert got["waiver"] == required
    assert (got["waiver_booked"], got["true_up"], got["reconciliation"], got["entry"]) == (booked, true_up, word, entry)


def test_the_tolerance_is_a_setting() -> None:
    # With no tolerance, Janus's -1.00 needs an entry: reverse the dollar booked.
    got = _python("2008-01", "Janus Forty Portfolio", tolerance=0.0)
    assert (got["true_up"], got["reconciliation"], got["entry"]) == (-1.00, "True-up needed", REVERSE)
    # With $6,000, Batterymarch's 5,928.96 needs none.
    loose = _python("2008-01", "Batterymarch Growth and Income Portfolio", tolerance=6_000.0)
    assert loose["reconciliation"] == "Within tolerance"


def test_without_the_column_every_month_is_not_reconciled() -> None:
    history = xlcap.default_history()
    period = pd.Period("2008-01", "M")
    summary = compute(read_actuals(HAND, history, period), period, history).frame(month_only=True)
    assert set(summary["reconciliation"]) == {"Not reconciled"}
    assert summary["true_up"].isna().all()


def test_a_booked_figure_that_is_not_an_amount_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    lines = BOOKED.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",ten thousand"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        read_actuals(bad, xlcap.default_history())
    assert raised.value.problems == [
        f"{bad}, row 4, column L (Waiver booked): 'ten thousand' is not a dollar amount; valid: an amount such as 1,234.56, "
        "negative (-1,234.56 or (1,234.56)) for a reversal, or blank when the ledger figure is not at hand."
    ]


def _summary(path: Path) -> dict[str, dict[str, Any]]:
    """The Summary's reconciliation table (its defined name), by portfolio."""
    book = openpyxl.load_workbook(path, data_only=True)
    sheet, ref = next(iter(book.defined_names["Reconciliation"].destinations))
    header, *rows = [[c.value for c in row] for row in book[sheet][ref.replace("$", "")]]
    out = {str(r[0]): dict(zip(header, r, strict=True)) for r in rows}
    last = book[sheet].cell(book[sheet][ref.replace("$", "")][-1][0].row + 1, 1)
    assert last.value == "Total"
    out["Total"] = dict(zip(header, [c.value for c in book[sheet][last.row][: len(header)]], strict=True))
    return out


@needs_libreoffice
def test_libreoffice_computes_the_same_reconciliation(tmp_path: Path) -> None:
    built = {m: build(tmp_path / f"{m}.xlsx", m, actuals=BOOKED) for m in sorted({m for m, _ in EXPECTED})}
    built["2008-01-strict"] = build(tmp_path / "strict.xlsx", "2008-01", actuals=BOOKED, tolerance=0.0)
    recalculated = dict(zip(built, convert(list(built.values()), tmp_path / "lo"), strict=True))
    for (month, portfolio), (_, booked, true_up, word, entry) in EXPECTED.items():
        for path in (built[month], recalculated[month]):  # the stored results, and LibreOffice's own
            got = _summary(path)[portfolio]
            assert (got[BOOK], got[TRUE_UP], got["Reconciliation"], got[ENTRY] or "") == (
                booked, true_up, word, entry
            ), (month, portfolio, path)  # fmt: skip
    strict = _summary(recalculated["2008-01-strict"])["Janus Forty Portfolio"]
    assert (strict[TRUE_UP], strict["Reconciliation"], strict[ENTRY]) == (-1.00, "True-up needed", REVERSE)
    # Totals: true-ups 0.59 + 5,928.96 - 1.00 = 5,928.55 (PIMCO, not reconciled, adds nothing);
    # booked 10,600.50 + 60,000.00 + 1.00 = 70,601.50
    jan = _summary(recalculated["2008-01"])["Total"]
    assert (round(jan[TRUE_UP], 2), round(jan[BOOK], 2)) == (5_928.55, 70_601.50)


ODD = [
    "n/a",
    "-",
    "#N/A",
    "(1)",
    "1e999",
    "1E100",
    "-1e15",
    "999999999999999.99",
    "nan",
    "12%",
    "$-5",
    "((3))",
    "-(4)",
    "1,2345",
    "-0",
    "(0.005)",
]


@settings(max_examples=60, deadline=None)
@given(text=st.one_of(st.text(TYPED, max_size=12), st.sampled_from(ODD)))
def test_a_damaged_booked_cell_is_a_clear_error_or_leaves_the_figures_alone(text: str) -> None:
    """Whatever is typed in the booked column, the waiver required never changes; the booked figure is read or refused."""
    history = xlcap.default_history()
    period = pd.Period("2008-01", "M")
    clean = compute(read_actuals(BOOKED, history, period), period, history).frame(month_only=True).set_index("portfolio")
    lines = BOOKED.read_text(encoding="utf-8").splitlines()
    cells = next(csv.reader([lines[6]]))  # Batterymarch, January
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([*cells[:-1], text])
    lines[6] = buffer.getvalue()
    with tempfile.TemporaryDirectory() as folder:
        damaged = Path(folder) / "damaged.csv"
        damaged.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            got = compute(read_actuals(damaged, history, period), period, history).frame(month_only=True).set_index("portfolio")
        except InputFileError as exc:
            assert exc.problems == [p for p in exc.problems if ", row 7, column L (Waiver booked): " in p]
            assert len(exc.problems) == 1
            return
    bm = got.loc["Batterymarch Growth and Income Portfolio"]
    assert bm["waiver"] == clean.loc["Batterymarch Growth and Income Portfolio", "waiver"]
    booked = bm["waiver_booked"]
    if text.strip() == "":
        assert pd.isna(booked) and bm["reconciliation"] == "Not reconciled"
    else:
        assert booked == booked and abs(booked) < 1e300  # a finite amount was read
        assert bm["true_up"] == round(bm["waiver"] - booked, 2) or abs(bm["true_up"] - (bm["waiver"] - booked)) <= 0.005
