"""A new limit kind is one subclass and one registry line, and every consumer asks the kind.

The kind below is made up for the test: a cliff ("1.00% of average net assets; 0.90% of all
assets once they exceed $1 billion") is not marginal bands, so it has no tier view. Before kinds
carried their behaviour, a kind like this was silently flattened to one band at its zero-assets
rate: `lookup` and `lookup_many` then gave different answers for the same row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import add_test_amendment
from xlcap.agreements.datafiles import load_history
from xlcap.agreements.limits import LIMIT_KINDS, FlatLimit, Limit, NoLimit, Tier, TieredLimit, format_rate, limit_data
from xlcap.agreements.lookup import lookup
from xlcap.agreements.vectorised import lookup_many
from xlcap.errors import ScheduleDataError
from xlcap.parse import parse_rate


@dataclass(frozen=True, slots=True)
class CliffLimit(Limit):
    below: Decimal
    above: Decimal
    threshold: int
    kind: ClassVar[str] = "cliff"
    label: ClassVar[str] = "Cliff"

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Limit:
        return cls(parse_rate(data["below"]), parse_rate(data["above"]), int(data["threshold"]))

    def to_data(self, rate: Callable[[Decimal], Any] = lambda r: r) -> dict[str, Any]:
        return {"kind": self.kind, "below": rate(self.below), "above": rate(self.above), "threshold": self.threshold}

    def annual_rate(self, assets: float) -> float:
        return float(self.above if assets > self.threshold else self.below)

    def annual_amount(self, assets: float) -> float:
        return self.annual_rate(assets) * assets

    def describe(self) -> str:
        return f"{format_rate(self.below)}; {format_rate(self.above)} on all assets over ${self.threshold:,}"


ROWS = """[[portfolio]]
name = "Lazard Mid-Cap Portfolio"
limit_text = "1.00%; 0.90% of all assets once they exceed $1 billion"
source_lines = [1, 1]
limit = { kind = "cliff", below = "1.00%", above = "0.90%", threshold = 1000000000 }
term_end = 2009-04-30

[[portfolio]]
name = "Janus Forty Portfolio"
limit_text = "0.85%"
source_lines = [2, 2]
limit = { kind = "flat", rate = "0.85%" }
term_end = 2009-04-30
"""


@pytest.fixture
def cliff_history(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setitem(LIMIT_KINDS, "cliff", CliffLimit)  # the one registry line
    add_test_amendment(data_dir, 13, "2008-06-01", "A made-up amendment with a cliff limit.\n", ROWS)
    return load_history(data_dir)


def test_the_new_kind_is_priced_by_its_own_arithmetic_in_scalar_and_vectorised_lookups(cliff_history: Any) -> None:
    on = dt.date(2008, 7, 31)
    # $500M is under the cliff: 1.00% x 500,000,000 = 5,000,000.
    # $2B is over it: 0.90% on all of it, 0.009 x 2,000,000,000 = 18,000,000 (not 1.00% on the first $1B).
    # Exactly $1B is not "over" $1B: 1.00% x 1,000,000,000 = 10,000,000.
    assert lookup("Lazard Mid-Cap", 500e6, on, history=cliff_history).annual_amount == pytest.approx(5_000_000.0, abs=1e-6)
    assert lookup("Lazard Mid-Cap", 2e9, on, history=cliff_history).annual_amount == pytest.approx(18_000_000.0, abs=1e-6)
    assert lookup("Lazard Mid-Cap", 1e9, on, history=cliff_history).rate == pytest.approx(0.01)
    many = lookup_many(
        ["Lazard Mid-Cap", "Janus Forty", "Lazard Mid-Cap", "Lazard Mid-Cap"], [500e6, 1e8, 2e9, 1e9], on, history=cliff_history
    )
    # Janus Forty: 0.85% x 100,000,000 = 850,000.
    assert list(many["annual_amount"]) == pytest.approx([5_000_000.0, 850_000.0, 18_000_000.0, 10_000_000.0])
    assert list(many["rate"]) == pytest.approx([0.01, 0.0085, 0.009, 0.01])
    assert list(many["status"]) == ["in_effect"] * 4


def test_a_kind_without_a_tier_view_is_refused_by_name_where_bands_are_needed(cliff_history: Any) -> None:
    amendment = cliff_history.in_force(dt.date(2008, 7, 31))
    (row,) = amendment.rows_for("Lazard Mid-Cap Portfolio")
    assert row.limit.tier_view() is None
    with pytest.raises(ScheduleDataError) as refused:
        _ = row.tiers  # what the workbook's tier table and the month-end computation read
    assert refused.value.message == (
        "Lazard Mid-Cap Portfolio: limit kind 'cliff' has no tier view, which the workbook's tier table needs; "
        "valid here: kinds written as marginal bands (flat, tiered, none)."
    )


def test_the_data_form_round_trips_for_every_registered_kind() -> None:
    limits: list[Limit] = [
        FlatLimit(Decimal("0.008")),
        NoLimit(),
        TieredLimit((Tier(0, 500_000_000, Decimal("0.0065")), Tier(500_000_000, None, Decimal("0.0055")))),
        CliffLimit(Decimal("0.01"), Decimal("0.009"), 1_000_000_000),
    ]
    kinds = {**LIMIT_KINDS, "cliff": CliffLimit}
    for limit in limits:
        data = limit_data(limit)
        assert kinds[data["kind"]].from_data(data) == limit


def test_tier_views_are_the_contract_bands() -> None:
    assert NoLimit().tier_view() == ()
    assert FlatLimit(Decimal("0.008")).tier_view() == ((0.0, None, 0.008),)
    tiered = TieredLimit((Tier(0, 500_000_000, Decimal("0.0065")), Tier(500_000_000, None, Decimal("0.0055"))))
    assert tiered.tier_view() == ((0.0, 500e6, 0.0065), (500e6, None, 0.0055))
    assert tiered.describe_lines() == ["0.65% to $500M", "0.55% over $500M"]
