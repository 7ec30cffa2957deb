"""A range reads exactly as its cells read one by one: every fast path of xlcap/excel/values.py
(all numbers through NumPy, all date cells, a few distinct values read once) against the scalar
readers, whose answers are tested by hand in tests/test_excel_values.py.

Mutation testing (tools/mutation.py excel_values) left survivors in these fast paths: a range
answering differently from the same cells alone is a wrong figure in a workbook column, so each
path is driven here with ranges built to take it (long, with repeats; all numbers; all dates).
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

from xlcap.errors import InvalidInputError
from xlcap.excel.values import (
    amount_column,
    broadcast,
    cell_agreement,
    cell_amount,
    cell_class,
    cell_date,
    cell_days,
    cell_text,
    column,
    date_column,
    grid,
    serial_to_date,
)

NA = -2146826246
_numbers = st.one_of(
    st.floats(min_value=-1e9, max_value=3e6),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.integers(min_value=-3, max_value=3_000_000),
    st.sampled_from([0, 0.0, 60, 61, 61.99, 2_958_465, 2_958_465.5, 2_958_466, NA, -2146826281, 39478.75]),
)
_others = st.sampled_from(
    [None, "", " ", "2008-04-30", "4/30/2008", "#N/A", "soon", True, False, "$250m", "1,000", "0", "A", "Class B",
     dt.date(2008, 4, 30), dt.datetime(2008, 4, 30, 18, 0), dt.date(1900, 1, 1)]
)  # fmt: skip


def alone(read: Callable[[object, str], Any], value: object, name: str) -> tuple[str, object]:
    try:
        return ("ok", read(value, name))
    except InvalidInputError as exc:
        return ("error", exc.message)


def ranges(cells: st.SearchStrategy[object]) -> st.SearchStrategy[list[object]]:
    """Short ranges of any cells, and long ranges drawn from a few values (the read-each-distinct-once path)."""
    few = st.lists(cells, min_size=1, max_size=4).flatmap(lambda pool: st.lists(st.sampled_from(pool), min_size=8, max_size=40))
    return st.one_of(st.lists(cells, min_size=1, max_size=12), few)


@settings(max_examples=300, deadline=None)
@given(ranges(st.one_of(_numbers, _others)))
def test_amount_column_reads_as_each_cell_alone(values: list[object]) -> None:
    amounts, errors = amount_column(values, "fund_assets")
    assert amounts.dtype == np.float64 and amounts.shape == (len(values),)  # the limit arithmetic is in floats
    for i, value in enumerate(values):
        kind, expected = alone(cell_amount, value, "fund_assets")
        if kind == "error":
            assert i in errors and errors[i].message == expected, (i, value)
        else:
            assert i not in errors and amounts[i] == expected, (i, value)


@settings(max_examples=300, deadline=None)
@given(ranges(st.one_of(_numbers, _others)))
def test_date_column_reads_as_each_cell_alone(values: list[object]) -> None:
    days, errors = date_column(values, "as_of")
    assert days.dtype == np.dtype("datetime64[D]") and days.shape == (len(values),)
    for i, value in enumerate(values):
        kind, expected = alone(cell_date, value, "as_of")
        if kind == "error":
            assert i in errors and errors[i].message == expected, (i, value)
        else:
            assert i not in errors and days[i] == np.datetime64(expected, "D"), (i, value)


@settings(max_examples=200, deadline=None)
@given(ranges(st.one_of(_numbers, _others)))
def test_a_text_column_reads_as_each_cell_alone(values: list[object]) -> None:
    read, errors = column(values, cell_class, "klass")
    for i, value in enumerate(values):
        kind, expected = alone(cell_class, value, "klass")
        if kind == "error":
            assert i in errors and errors[i].message == expected and read[i] is None, (i, value)
        else:
            assert i not in errors and read[i] == expected, (i, value)


def test_date_cells_are_their_own_day_through_the_date_path() -> None:
    # Worked by hand: 1970-01-01 is day 0 of datetime64; 2008-04-30 is day 13,999 (38 years, 10 of them leap, + 119).
    days, errors = date_column([dt.date(1970, 1, 1), dt.datetime(2008, 4, 30, 23, 59), dt.date(2008, 4, 30)])
    assert errors == {}
    assert days.astype(np.int64).tolist() == [0, 13_999, 13_999]


def test_serials_through_the_number_path() -> None:
    # 25569 = 1970-01-01; 39568.99 = 2008-04-30 (a time of day is that day); 61 = 1900-03-01, the first serial.
    days, errors = date_column([25569, 39568.99, 61, 60])
    assert days[:3].astype(np.int64).tolist() == [0, 13_999, (dt.date(1900, 3, 1) - dt.date(1970, 1, 1)).days]
    assert list(errors) == [3] and "outside 61 (1900-03-01)" in errors[3].message


def test_amounts_through_the_number_path_flag_zero_negative_and_infinite() -> None:
    amounts, errors = amount_column([1e8, 0, -5, math.inf, 250_000_000])
    assert amounts[[0, 4]].tolist() == [1e8, 250_000_000]
    assert sorted(errors) == [1, 2, 3]
    assert "empty cell" in errors[1].message


@pytest.mark.parametrize(
    ("value", "values", "shape"),
    [
        (5, [5], None),
        ([[5]], [5], None),
        ([5], [5], None),
        ([1, 2, 3], [1, 2, 3], (3, 1)),
        ([[1], [2], [3]], [1, 2, 3], (3, 1)),
        ([[1, 2], [3, 4]], [1, 2, 3, 4], (2, 2)),
        ([[1, 2, 3]], [1, 2, 3], (1, 3)),
        ([[1, 2], (3, 4)], [1, 2, 3, 4], (2, 2)),  # rows as lists and tuples alike
        (np.array([[1.0], [2.0]]), [1.0, 2.0], (2, 1)),
    ],
)
def test_grid_flattens_row_by_row(value: object, values: list[object], shape: tuple[int, int] | None) -> None:
    assert grid(value) == (values, shape)


def test_a_ragged_range_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        grid([[1, 2], [3]])
    assert refused.value.message == "A range argument has rows of different lengths. Valid: a rectangular range."


def test_broadcast_repeats_single_cells_and_refuses_mismatched_ranges() -> None:
    flat, shape = broadcast({"portfolio": "Lazard", "assets": [[1], [2]], "on_date": 39478})
    assert shape == (2, 1)
    assert flat == {"portfolio": ["Lazard", "Lazard"], "assets": [1, 2], "on_date": [39478, 39478]}
    assert broadcast({"a": 1, "b": "x"}) == ({"a": [1], "b": ["x"]}, None)
    with pytest.raises(InvalidInputError) as refused:
        broadcast({"assets": [[1], [2]], "on_date": [[1], [2], [3]]})
    assert refused.value.message == (
        "Parameters 'assets' and 'on_date' are ranges of 2x1 and 3x1 cells. Valid: ranges of the same size, or single cells."
    )


# --- The scalar readers at their edges (the oracle above cannot see a change made to both sides) ---

ERROR_NA = "received the Excel error #N/A"


@pytest.mark.parametrize("na", [NA, "#N/A", " #n/a "])
@pytest.mark.parametrize(
    ("read", "name"),
    [(cell_text, "portfolio"), (cell_class, "share_class"), (cell_agreement, "agreement"), (cell_date, "on_date"),
     (cell_days, "days"), (cell_amount, "assets")],
)  # fmt: skip
def test_an_error_cell_is_named_as_the_excel_error_in_every_reader(na: object, read: Callable[..., object], name: str) -> None:
    """#N/A from a lookup that failed upstream must say so, never pass as a name "#N/A" or a number -2146826246."""
    with pytest.raises(InvalidInputError) as refused:
        read(na)
    assert refused.value.message.startswith(f"Parameter '{name}' {ERROR_NA}. Valid: ")


def test_a_whole_number_class_is_its_digits() -> None:
    assert (cell_class(2), cell_class(2.0), cell_class("Class 2")) == ("2", "2", "Class 2")


def test_agreement_refusal_says_what_is_valid() -> None:
    with pytest.raises(InvalidInputError) as refused:
        cell_agreement(3.5)
    assert refused.value.message == (
        "Parameter 'agreement' received 3.5, which is not valid. Valid: an agreement's id or trust name as text, "
        'e.g. "met-investors"; or an empty cell.'
    )


@pytest.mark.parametrize(("days", "ok"), [(1, True), (1.0, True), (366, True), (365.0, True), (367, False), (0.5, False),
                                          (366.5, False), (-1, False)])  # fmt: skip
def test_days_run_from_1_to_366_inclusive(days: float, ok: bool) -> None:
    if ok:
        assert cell_days(days) == int(days)
    else:
        with pytest.raises(InvalidInputError) as refused:
            cell_days(days)
        assert "which is not a whole number from 1 to 366" in refused.value.message or "empty cell" in refused.value.message


def test_serial_to_date_names_its_parameter() -> None:
    with pytest.raises(InvalidInputError) as refused:
        serial_to_date(60)
    assert refused.value.message.startswith("Parameter 'on_date' received 60, which as an Excel serial date is outside 61")


def test_an_unhashable_cell_is_read_one_by_one() -> None:
    # A cell holding a list (a nested array from a runtime) cannot be a dict key: the range is still read cell by cell.
    cells: list[object] = [["nested"]] + ["A"] * 8
    read, errors = column(cells, cell_class, "klass")
    assert read[1:] == ["A"] * 8 and read[0] is None
    assert list(errors) == [0] and errors[0].message.startswith("Parameter 'klass' received ['nested'], which is not valid.")


@pytest.mark.parametrize(("read", "value"), [(cell_amount, "ten"), (cell_amount, "-5"), (cell_date, 60), (cell_date, "soon")])
def test_each_reader_names_the_parameter_it_was_given(read: Callable[[object, str], object], value: object) -> None:
    with pytest.raises(InvalidInputError) as refused:
        read(value, "fund_assets")
    assert refused.value.message.startswith(f"Parameter 'fund_assets' received {value!r}")
