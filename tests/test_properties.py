"""hypothesis properties of the tier math, and of the vectorised lookup against the scalar one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import xlcap
from xlcap.agreements.limits import Tier, TieredLimit

rates = st.integers(min_value=1, max_value=999).map(lambda bp: Decimal(bp) / 10_000)  # 0.01% .. 9.99%


@st.composite
def tier_tables(draw: st.DrawFn) -> TieredLimit:
    floors = sorted(draw(st.sets(st.integers(min_value=1, max_value=50_000_000_000), min_size=0, max_size=6)))
    bounds = [0, *floors]
    tier_rates = draw(st.lists(rates, min_size=len(bounds), max_size=len(bounds)))
    uppers: list[int | None] = [*floors, None]
    return TieredLimit(tuple(Tier(lo, hi, r) for lo, hi, r in zip(bounds, uppers, tier_rates, strict=True)))


assets = st.floats(min_value=0, max_value=1e11, allow_nan=False, allow_infinity=False)


def marginal(limit: TieredLimit, amount: float) -> Decimal:
    """The contract's definition, in exact decimals: each rate on its own slice of assets."""
    a = Decimal(amount)
    total = Decimal(0)
    for t in limit.tiers:
        top = a if t.upper is None else min(a, Decimal(t.upper))
        total += t.rate * max(top - t.lower, Decimal(0))
    return total


@given(tier_tables(), assets)
def test_amount_is_the_sum_of_each_rate_on_its_slice(limit: TieredLimit, amount: float) -> None:
    exact = marginal(limit, amount)
    assert abs(Decimal(limit.annual_amount(amount)) - exact) <= exact * Decimal("1e-12") + Decimal("1e-6")


@given(tier_tables(), assets, assets)
def test_dollar_limit_never_falls_as_assets_rise(limit: TieredLimit, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert limit.annual_amount(low) <= limit.annual_amount(high) * (1 + 1e-12) + 1e-6


@given(tier_tables())
def test_continuous_at_every_breakpoint(limit: TieredLimit) -> None:
    top_rate = max(float(t.rate) for t in limit.tiers)
    for t in limit.tiers[1:]:
        at = limit.annual_amount(float(t.lower))
        for step in (0.01, 1.0):
            assert abs(limit.annual_amount(t.lower - step) - at) <= top_rate * step + 1e-6
            assert abs(limit.annual_amount(t.lower + step) - at) <= top_rate * step + 1e-6


@given(tier_tables(), assets)
def test_blended_rate_lies_between_lowest_and_highest_tier_rate(limit: TieredLimit, amount: float) -> None:
    tier_rates = [float(t.rate) for t in limit.tiers]
    assert min(tier_rates) * (1 - 1e-12) <= limit.annual_rate(amount) <= max(tier_rates) * (1 + 1e-12)


NAMES = [*xlcap.schedule_in_force("2008-01-31").portfolios, "Strategic Growth and Income", "lazard midcap", "Nope Fund"]
rows = st.tuples(
    st.sampled_from(NAMES),
    st.one_of(assets, st.just(-1.0), st.just(float("nan"))),
    st.dates(min_value=dt.date(2007, 6, 1), max_value=dt.date(2010, 12, 31)),
)


@settings(max_examples=50)
@given(st.lists(rows, min_size=1, max_size=40))
def test_vectorised_lookup_agrees_with_scalar_lookup(batch: list[tuple[str, float, dt.date]]) -> None:
    names, amounts, days = zip(*batch, strict=True)
    out = xlcap.lookup_many(list(names), np.array(amounts), np.array(days, dtype="datetime64[D]"))
    for (name, amount, day), (_, row) in zip(batch, out.iterrows(), strict=True):
        try:
            expected = xlcap.lookup(name, amount, day)
        except xlcap.XlcapError as exc:
            assert row["status"] == exc.code
            continue
        assert row["status"] == expected.status
        assert row["amendment"] == expected.amendment
        if expected.rate is not None:
            assert row["rate"] == expected.rate
            assert row["annual_amount"] == expected.annual_amount
