"""Cell values as each runtime hands them over: empty cells, dates with a time of day, error codes.

Worked by hand from Schedule A (Amendment No. 12, dated 2007-11-01): Lazard Mid-Cap 0.80%, term
"until April 30, 2008", so in force through 2008-04-30 and not on 2008-05-01. Excel serials:
39478 = 2008-01-31; 39568 = 2008-04-30 (39568.75 is 18:00 that day); 39569 = 2008-05-01;
39387 = 2007-11-01 (the amendment's date). 0.80% x $100,000,000 = $800,000.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import udfs

NA = -2146826246  # classic Excel's #N/A error cell, as COM hands it to Python
EMPTY = "an empty cell (or 0, which xlwings Lite sends for one)"
ENDED = "The expense limitation for 'Lazard Mid-Cap Portfolio' ended on 2008-04-30"
BEFORE = "Parameter 'date' received 2007-10-31, which is before the first expense limitation schedule on file"


def cells(value: object) -> object:
    return value.tolist() if isinstance(value, np.ndarray) else value


# --- Empty cells: classic sends None, Office.js (Lite, Server) sends 0; both must answer alike. ---

VALID: dict[str, list[Any]] = {
    "expcap": ["Lazard Mid-Cap", 1e8, 39478],
    "expcap_amount": ["Lazard Mid-Cap", 1e8, 39478, 31],
    "expcap_info": ["Lazard Mid-Cap", 39478],
    "expcap_tiers": ["Lazard Mid-Cap", 39478],
    "expcap_portfolios": [39478],
}
PARAMS = {
    "expcap": ["portfolio", "assets", "on_date"],
    "expcap_amount": ["portfolio", "assets", "on_date", "days"],
    "expcap_info": ["portfolio", "on_date"],
    "expcap_tiers": ["portfolio", "on_date"],
    "expcap_portfolios": ["as_of"],
}
# What an empty cell in each argument gives, written out by hand.
WHEN_EMPTY: dict[tuple[str, str], Callable[[Any], bool]] = {
    (f, p): (lambda out, p=p: isinstance(out, str) and out.startswith(f"Parameter '{p}' received {EMPTY}. Valid: "))
    for f, params in PARAMS.items()
    for p in params
}
WHEN_EMPTY["expcap_amount", "days"] = lambda out: out == 800_000.0  # the annual amount: 0.80% x 100M
WHEN_EMPTY["expcap_portfolios", "as_of"] = lambda out: out == udfs.expcap_portfolios(dt.date.today())  # today's schedule

EMPTIES_CLASSIC = [None, "", [[None]]]
EMPTIES_OFFICEJS = [0, 0.0, [[0]], [[0.0]]]


@pytest.mark.parametrize(("function", "param"), sorted(WHEN_EMPTY))
def test_an_empty_cell_gives_the_same_answer_in_every_runtime(function: str, param: str) -> None:
    position = PARAMS[function].index(param)
    answers = []
    for empty in EMPTIES_CLASSIC + EMPTIES_OFFICEJS:
        args = list(VALID[function])
        args[position] = empty
        answers.append(cells(getattr(udfs, function)(*args)))
    assert WHEN_EMPTY[function, param](answers[0]), answers[0]
    assert all(a == answers[0] for a in answers), answers


@pytest.mark.parametrize(
    ("function", "param"), [(f, p) for f, ps in PARAMS.items() if f in ("expcap", "expcap_amount", "expcap_info") for p in ps]
)
def test_an_empty_cell_in_a_range_answers_that_row_alike(function: str, param: str) -> None:
    position = PARAMS[function].index(param)
    answers = []
    for empty in (None, 0):
        args: list[Any] = [[[v], [v]] for v in VALID[function]]
        args[position] = [[args[position][0][0]], [empty]]
        answers.append(cells(getattr(udfs, function)(*args)))
    assert answers[0] == answers[1]
    first, second = answers[0]
    assert first != second
    assert WHEN_EMPTY[function, param](second[0]), second


def test_zero_typed_as_text_is_still_refused_as_assets() -> None:
    assert udfs.expcap("Lazard Mid-Cap", "0", 39478) == (
        "Parameter 'assets' received '0', which is 0. Valid: an amount above 0 such as 250000000, 250,000,000, 250e6, "
        "$250m or 1.2bn."
    )


# --- Issue 17: a time of day is dropped, never rounded; date cells are not off by a day. ---


@pytest.mark.parametrize("serial", [39568.75, 39568.999, 39568.5])
def test_serial_with_a_time_on_the_term_end_day_is_still_in_force(serial: float) -> None:
    assert udfs.expcap("Lazard Mid-Cap", 1e8, serial) == 0.008
    assert udfs.expcap_info("Lazard Mid-Cap", serial).startswith("In effect: 0.80%")
    assert udfs.expcap_tiers("Lazard Mid-Cap", serial) == [["From", "To", "Rate"], [0.0, "", 0.008]]


def test_serials_with_times_in_a_range_are_their_own_day() -> None:
    dates = [[39568.75], [39569.0], [39386.9], [39387.25]]  # 04-30 18:00; 05-01; 2007-10-31 21:36; 11-01 06:00
    out = cells(udfs.expcap("Lazard Mid-Cap", 1e8, dates))
    assert out[0] == [0.008] and out[3] == [0.008]
    assert out[1][0].startswith(ENDED) and out[2][0].startswith(BEFORE)
    mixed = cells(udfs.expcap("Lazard Mid-Cap", 1e8, [*dates, ["2008-01-31"]]))  # a text cell: read cell by cell
    assert mixed[:4] == out and mixed[4] == [0.008]


def test_classic_date_cells_in_a_range_are_not_off_by_a_day() -> None:
    dates = [
        [dt.datetime(2008, 4, 30, 18, 0)],
        [dt.datetime(2008, 5, 1, 0, 0)],
        [dt.datetime(2007, 11, 1, 0, 0)],
        [dt.datetime(2007, 10, 31, 23, 59)],
        [dt.date(2008, 4, 30)],
    ]
    out = cells(udfs.expcap("Lazard Mid-Cap", 1e8, dates))
    assert out[0] == [0.008] and out[2] == [0.008] and out[4] == [0.008]
    assert out[1][0].startswith(ENDED)
    assert out[3][0].startswith(BEFORE)
    for (day,), (scalar,) in zip(dates, out, strict=True):
        assert udfs.expcap("Lazard Mid-Cap", 1e8, day) == scalar


def test_negative_and_error_codes_are_flagged_in_an_all_number_range() -> None:
    out = cells(udfs.expcap_amount("Lazard Mid-Cap", [[1e8], [-5.0], [NA], [-1], [1e8]], 39478))
    assert out[0] == [800_000.0] and out[4] == [800_000.0]
    valid = "Valid: an amount above 0 such as 250000000, 250,000,000, 250e6, $250m or 1.2bn."
    assert out[1] == [f"Parameter 'assets' received -5.0, which is negative. {valid}"]
    assert out[2][0].startswith("Parameter 'assets' received the Excel error #N/A.")
    assert out[3][0].startswith("Parameter 'assets' received -1, which is negative.")


# --- Damaged ranges: every row of a range answers exactly as that cell alone would. ---
# The range paths (NumPy over all-number columns, datetimes in one pass, distinct values read once)
# are separate code from the single-cell path; hypothesis feeds both the same damaged cells.

_serials = st.one_of(st.floats(min_value=-10, max_value=40_000), st.sampled_from([math.nan, math.inf, -math.inf]))
_date_cells = st.one_of(
    _serials,
    st.integers(min_value=-2146826288, max_value=40_000),
    st.datetimes(min_value=dt.datetime(2007, 10, 1), max_value=dt.datetime(2008, 6, 1)),
    st.sampled_from([None, "", 0, "2008-04-30", "4/30/2008", "#N/A", "soon", True]),
)
_asset_cells = st.one_of(
    st.floats(min_value=-1e9, max_value=1e10),
    st.sampled_from([math.nan, math.inf]),
    st.sampled_from([None, "", 0, -5, NA, -2146826281, "$250m", "1,000", "ten", "#VALUE!", False]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_asset_cells, _date_cells), min_size=2, max_size=12), st.sampled_from([False, True]))
def test_a_damaged_range_answers_row_by_row_as_single_cells(rows: list[tuple[object, object]], all_numbers: bool) -> None:
    if all_numbers:  # the NumPy paths: every cell a number (COM error codes are numbers too)
        rows = [(a if type(a) in (int, float) else 1e8, d if type(d) in (int, float) else 39478) for a, d in rows]
    out = cells(udfs.expcap_amount("Lazard Mid-Cap", [[a] for a, _ in rows], [[d] for _, d in rows], 31))
    assert isinstance(out, list)
    for (amount, day), (got,) in zip(rows, out, strict=True):
        alone = udfs.expcap_amount("Lazard Mid-Cap", amount, day, 31)
        if isinstance(alone, float):
            assert got == pytest.approx(alone, rel=1e-15), (amount, day)
        else:
            assert got == alone, (amount, day)


def test_false_among_zeros_keeps_its_own_reason_in_a_range() -> None:
    # Found by the hypothesis test above: False == 0.0 as a dict key, so reading a range's distinct
    # values once gave the TRUE/FALSE cell the empty-cell reason. Each cell answers as it would alone.
    from xlcap.excel.values import cell_amount, column

    cells: list[object] = [0.0] * 7 + [False, True, 1.0]
    _, errors = column(cells, cell_amount, "assets")
    alone = {}
    for i, cell in enumerate(cells):
        try:
            cell_amount(cell, "assets")
        except Exception as exc:
            alone[i] = str(exc)
    assert {i: str(e) for i, e in errors.items()} == alone
    assert "received False, which is not an amount" in alone[7] and "received True" in alone[8]
