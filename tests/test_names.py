"""Loose name matching, aliases and suggestions."""

from __future__ import annotations

import pytest

import xlcap
from xlcap.agreements.names import NameIndex, name_key


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Rainier Large Cap Equity", "Rainier Large Cap Equity Portfolio"),
        ("met/aim small cap growth", "Met/AIM Small Cap Growth Portfolio"),
        ("METAIM SMALL-CAP GROWTH PORTFOLIO", "Met/AIM Small Cap Growth Portfolio"),
        ("  t. rowe price  mid cap growth ", "T. Rowe Price Mid-Cap Growth Portfolio"),
        ("Cyclical Growth & Income ETF", "Cyclical Growth and Income ETF Portfolio"),
        ("Strategic Growth and Income Portfolio", "Strategic Growth with Income Portfolio"),
        ("strategic growth and income", "Strategic Growth with Income Portfolio"),
    ],
)
def test_loose_names_resolve(typed: str, canonical: str) -> None:
    assert xlcap.default_history().names.resolve(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "suggestions"),
    [
        ("Rainer Large Cap", ("Rainier Large Cap Equity Portfolio",)),
        ("Zzyzx", ()),
        (
            "Lord Abbett",
            (
                "Lord Abbett Bond Debenture Portfolio",
                "Lord Abbett Growth and Income Portfolio",
                "Lord Abbett Mid-Cap Value Portfolio",
            ),
        ),
    ],
)
def test_suggestions(typed: str, suggestions: tuple[str, ...]) -> None:
    assert xlcap.default_history().names.suggest(typed) == suggestions


def test_suggestions_rank_the_closest_first() -> None:
    found = xlcap.default_history().names.suggest("Strategic Growth Income")
    assert found[0] == "Strategic Growth with Income Portfolio"
    assert "Strategic Growth Portfolio" in found


def test_portfolio_word_alone_is_not_stripped_to_nothing() -> None:
    assert name_key("Portfolio") == "portfolio"


def test_indistinguishable_names_are_refused() -> None:
    with pytest.raises(ValueError, match="'Mid-Cap Fund' and 'Mid Cap Fund Portfolio' are indistinguishable"):
        NameIndex(["Mid-Cap Fund", "Mid Cap Fund Portfolio"], {})


def test_blank_portfolio_is_invalid_input() -> None:
    with pytest.raises(xlcap.InvalidInputError, match="Parameter 'portfolio' received '  ', which is not a portfolio name"):
        xlcap.lookup("  ", 1, "2008-01-31")
