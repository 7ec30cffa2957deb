"""The hand-written answer file against the scalar and the vectorised lookups."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import xlcap
from tests.conftest import read_answers

CASES = read_answers("cap_cases.csv")
ERRORS = {
    "term_ended": xlcap.TermEndedError,
    "no_schedule": xlcap.NoScheduleError,
    "unknown_portfolio": xlcap.UnknownPortfolioError,
}


def _id(case: dict[str, str]) -> str:
    return f"{case['typed']}|{case['assets']}|{case['date']}"


def test_answer_file_covers_every_portfolio() -> None:
    covered = {case["portfolio"] for case in CASES if case["status"] in ("in_effect", "no_limit")}
    assert covered == set(xlcap.schedule_in_force("2008-01-31").portfolios)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_scalar_lookup(case: dict[str, str]) -> None:
    if case["status"] in ERRORS:
        with pytest.raises(ERRORS[case["status"]]):
            xlcap.lookup(case["typed"], case["assets"], case["date"])
        return
    result = xlcap.lookup(case["typed"], case["assets"], case["date"])
    assert result.status == case["status"]
    assert result.portfolio == case["portfolio"]
    assert result.amendment == 12
    assert result.term_end == (dt.date.fromisoformat(case["term_end"]) if case["term_end"] else None)
    assert result.permanent == (case["term_end"] == "")
    if case["status"] == "no_limit":
        assert result.rate is None and result.annual_amount is None
        assert result.limit_text == "None"
        return
    assert result.rate == pytest.approx(float(case["rate"]), rel=1e-12)
    assert result.annual_amount == pytest.approx(float(case["annual_amount"]), rel=1e-12, abs=1e-9)
    if case["days"]:
        period = result.period_amount(int(case["days"]))
        assert period is not None
        assert round(period, 2) == float(case["period_amount"])


def test_term_ended_answer_names_the_end_date() -> None:
    for case in CASES:
        if case["status"] == "term_ended":
            with pytest.raises(xlcap.TermEndedError, match=f"ended on {case['term_end']}"):
                xlcap.lookup(case["typed"], case["assets"], case["date"])


def test_vectorised_lookup_matches_answer_file() -> None:
    frame = pd.DataFrame(CASES)
    out = xlcap.lookup_many(frame["typed"], frame["assets"].astype(float), pd.to_datetime(frame["date"]).values)
    assert list(out["status"]) == list(frame["status"])
    for case, (_, row) in zip(CASES, out.iterrows(), strict=True):
        if case["status"] == "in_effect":
            assert row["rate"] == pytest.approx(float(case["rate"]), rel=1e-12)
            assert row["annual_amount"] == pytest.approx(float(case["annual_amount"]), rel=1e-12, abs=1e-9)
            assert row["portfolio"] == case["portfolio"]
        else:
            assert pd.isna(row["rate"]) and pd.isna(row["annual_amount"])
        if case["term_end"] and case["status"] != "unknown_portfolio":
            assert row["term_end"] == pd.Timestamp(case["term_end"])
