"""lookup_many's inputs: dialects, broadcasting, bad rows, and the messages behind failed rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import xlcap
from xlcap.agreements.vectorised import explain


def test_scalars_broadcast_against_columns() -> None:
    out = xlcap.lookup_many("Lazard Mid-Cap", [1e8, 2e8, 3e8], "2008-01-31")
    assert list(out["annual_amount"]) == [800_000.0, 1_600_000.0, 2_400_000.0]  # 0.80% x 100M, 200M, 300M


def test_text_amounts_and_mixed_date_dialects() -> None:
    out = xlcap.lookup_many(
        ["Janus Forty", "Janus Forty", "Janus Forty", "Janus Forty"],
        ["$100m", "100,000,000", "1e8", "lots"],
        ["2008-01-31", "1/31/2008", dt.date(2008, 1, 31), dt.datetime(2008, 1, 31, 9, 0)],
    )
    assert list(out["status"]) == ["in_effect", "in_effect", "in_effect", "invalid_input"]
    assert list(out["annual_amount"][:3]) == [1_250_000.0] * 3  # 1.25% x 100M


def test_bad_rows_answer_only_themselves() -> None:
    out = xlcap.lookup_many(
        ["MFS Value", "MFS Valu", "MFS Value", "MFS Value", "MFS Value", "PIMCO Total Return"],
        [1e8, 1e8, -1, 1e8, 1e8, 1e8],
        ["2008-01-31", "2008-01-31", "2008-01-31", "2008-02-30", "2007-01-01", "2008-01-31"],
    )
    assert list(out["status"]) == ["in_effect", "unknown_portfolio", "invalid_input", "invalid_input", "no_schedule", "no_limit"]
    assert out["annual_amount"].iloc[0] == 1_000_000.0  # 1.00% x 100M
    assert out["annual_amount"].iloc[1:].isna().all()


def test_datetime64_dates_and_categorical_output() -> None:
    dates = np.array(["2008-04-30", "2008-05-01"], dtype="datetime64[D]")
    out = xlcap.lookup_many("Turner Mid-Cap Growth", 1e8, dates)
    assert list(out["status"]) == ["in_effect", "term_ended"]
    assert isinstance(out["status"].dtype, pd.CategoricalDtype)
    assert list(out["term_end"]) == [pd.Timestamp("2008-04-30")] * 2


def test_length_mismatch_is_refused() -> None:
    with pytest.raises(xlcap.InvalidInputError, match="have lengths 2, 3 and 1; valid: equal lengths"):
        xlcap.lookup_many(["MFS Value", "MFS Value"], [1, 2, 3], ["2008-01-31"])


def test_explain_gives_the_scalar_message() -> None:
    error = explain("MFS Valu", 1e8, "2008-01-31")
    assert isinstance(error, xlcap.UnknownPortfolioError)
    assert error.suggestions == ("MFS Value Portfolio",)
    assert explain("MFS Value", 1e8, "2008-01-31") is None


def test_equal_names_held_by_distinct_objects_resolve_alike() -> None:
    # Built at run time so each is its own str object (as cells read one by one would be).
    typed = ["".join(["Lazard ", "Mid-Cap"]) for _ in range(3)] + ["".join(["MFS ", "Value"]) for _ in range(2)]
    assert len({id(t) for t in typed}) == 5
    out = xlcap.lookup_many(typed, 1e8, "2008-01-31")
    assert list(out["portfolio"]) == ["Lazard Mid-Cap Portfolio"] * 3 + ["MFS Value Portfolio"] * 2


def test_many_distinct_names_take_the_plain_path() -> None:
    typed = [f"Fund {i}" for i in range(3000)] + ["Janus Forty"]
    out = xlcap.lookup_many(typed, 1e8, "2008-01-31")
    assert (out["status"].iloc[:-1] == "unknown_portfolio").all()
    assert out["annual_amount"].iloc[-1] == 1_250_000.0  # 1.25% x 100M
