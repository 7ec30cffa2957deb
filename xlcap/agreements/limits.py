"""Limit kinds: what a Schedule A row promises, and the arithmetic of each kind.

A kind is a small frozen subclass of `Limit` that owns its data form, arithmetic (scalar and
vectorised), description and tier view; `LIMIT_KINDS` maps the `kind` written in the data files
to the class that reads it, so a new kind (a one-way switch, say) is one class and one registry
entry. The README's developer notes list the steps.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from xlcap.parse import parse_rate

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


class Limit:
    """An annual operating expense limit as a function of average net assets: the base of every limit kind.

    A kind owns everything about itself: its data form (`from_data` / `to_data`), its arithmetic
    (`annual_amount` for one figure, `annual_amounts` for an array), its description, and its
    tier view (marginal bands, or None when the kind cannot be written as bands; consumers that
    need bands then refuse it by name instead of flattening it). Consumers ask the kind; they
    never test its class. A new kind is one subclass here and one line in LIMIT_KINDS.
    """

    __slots__ = ()
    kind: ClassVar[str]
    label: ClassVar[str]  # a word for people: "Flat", "Tiered", "None"

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Limit:
        """Read the kind's data form (a `[portfolio.limit]` table)."""
        raise NotImplementedError

    def to_data(self, rate: Callable[[Decimal], Any] = lambda r: r) -> dict[str, Any]:
        """The data form, the inverse of `from_data`; `rate` writes each rate (contract text or a number)."""
        raise NotImplementedError

    def annual_rate(self, assets: float) -> float | None:
        """The blended annual rate at `assets`, or None when no limit applies."""
        raise NotImplementedError

    def annual_amount(self, assets: float) -> float | None:
        """The annual dollar limit at `assets`, or None when no limit applies."""
        raise NotImplementedError

    def annual_amounts(self, assets: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """`annual_amount` for each of an array of asset figures; NaN where no limit applies."""
        import numpy as np

        return np.array([np.nan if (a := self.annual_amount(float(x))) is None else a for x in assets], dtype=np.float64)

    def tier_view(self) -> tuple[Band, ...] | None:
        """The limit as marginal bands (from, to or None, rate); () for no limit; None when it is not bands."""
        return None

    def describe(self) -> str:
        """A short human reading of the limit, e.g. '0.80%'."""
        raise NotImplementedError

    def describe_lines(self) -> list[str]:
        """The reading one line per band, for tables."""
        return [self.describe()]


Band = tuple[float, float | None, float]  # (from, to or None when open-ended, annual rate)


@dataclass(frozen=True, slots=True)
class NoLimit(Limit):
    """Schedule A says "None": no limit applies. Never the same as 0%."""

    kind: ClassVar[str] = "none"
    label: ClassVar[str] = "None"

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Limit:
        return cls()

    def to_data(self, rate: Callable[[Decimal], Any] = lambda r: r) -> dict[str, Any]:
        return {"kind": self.kind}

    def annual_rate(self, assets: float) -> None:
        return None

    def annual_amount(self, assets: float) -> None:
        return None

    def tier_view(self) -> tuple[Band, ...]:
        return ()

    def describe(self) -> str:
        return "None"


@dataclass(frozen=True, slots=True)
class FlatLimit(Limit):
    """One annual rate on all assets."""

    rate: Decimal
    kind: ClassVar[str] = "flat"
    label: ClassVar[str] = "Flat"
    _rate: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rate", float(self.rate))

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Limit:
        return cls(parse_rate(data["rate"]))

    def to_data(self, rate: Callable[[Decimal], Any] = lambda r: r) -> dict[str, Any]:
        return {"kind": self.kind, "rate": rate(self.rate)}

    def annual_rate(self, assets: float) -> float:
        return self._rate

    def annual_amount(self, assets: float) -> float:
        return self._rate * assets

    def annual_amounts(self, assets: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return self._rate * assets

    def tier_view(self) -> tuple[Band, ...]:
        return ((0.0, None, self._rate),)

    def describe(self) -> str:
        return format_rate(self.rate)


@dataclass(frozen=True, slots=True)
class Tier:
    """One marginal band [lower, upper) and the rate on the assets inside it."""

    lower: int
    upper: int | None
    rate: Decimal


@dataclass(frozen=True, slots=True)
class TieredLimit(Limit):
    """Marginal breakpoints: each rate applies only to its slice of assets."""

    tiers: tuple[Tier, ...]
    kind: ClassVar[str] = "tiered"
    label: ClassVar[str] = "Tiered"
    _lowers: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _rates: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _base: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = tier_problems(self.tiers)
        if problems:
            raise ValueError("; ".join(problems))
        lowers = tuple(float(t.lower) for t in self.tiers)
        rates = tuple(float(t.rate) for t in self.tiers)
        # The amount owed on all assets below each band's floor, so a lookup is one bisect.
        base = [0.0]
        for tier, rate in zip(self.tiers[:-1], rates, strict=False):
            assert tier.upper is not None
            base.append(base[-1] + rate * (tier.upper - tier.lower))
        object.__setattr__(self, "_lowers", lowers)
        object.__setattr__(self, "_rates", rates)
        object.__setattr__(self, "_base", tuple(base))

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Limit:
        return cls(tuple(Tier(int(t["from"]), _upper(t.get("to")), parse_rate(t["rate"])) for t in data["tiers"]))

    def to_data(self, rate: Callable[[Decimal], Any] = lambda r: r) -> dict[str, Any]:
        return {"kind": self.kind, "tiers": [{"from": t.lower, "to": t.upper, "rate": rate(t.rate)} for t in self.tiers]}

    def annual_amount(self, assets: float) -> float:
        i = max(bisect.bisect_right(self._lowers, assets) - 1, 0)
        return self._base[i] + self._rates[i] * (assets - self._lowers[i])

    def annual_amounts(self, assets: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        import numpy as np

        lowers: npt.NDArray[np.float64] = np.array(self._lowers)
        i = np.maximum(np.searchsorted(lowers, assets, side="right") - 1, 0)
        amounts: npt.NDArray[np.float64] = np.array(self._base)[i] + np.array(self._rates)[i] * (assets - lowers[i])
        return amounts

    def annual_rate(self, assets: float) -> float:
        # Inside the first band the blended rate is that band's rate exactly; dividing could only add noise.
        if len(self._lowers) == 1 or assets <= self._lowers[1]:
            return self._rates[0]
        return self.annual_amount(assets) / assets

    def tier_view(self) -> tuple[Band, ...]:
        return tuple((float(t.lower), None if t.upper is None else float(t.upper), float(t.rate)) for t in self.tiers)

    def describe(self) -> str:
        return "; ".join(self.describe_lines())

    def describe_lines(self) -> list[str]:
        return [describe_tier(t) for t in self.tiers]


def tier_problems(tiers: tuple[Tier, ...]) -> list[str]:
    """What is wrong with a tier table: gaps, overlaps, an open band before the last, odd rates."""
    problems: list[str] = []
    if not tiers:
        return ["a tiered limit needs at least one tier"]
    if tiers[0].lower != 0:
        problems.append(f"the first tier starts at {tiers[0].lower:,}, not 0")
    for i, tier in enumerate(tiers):
        if wrong := rate_problem(tier.rate):
            problems.append(f"tier {i + 1} {wrong}")
        if tier.upper is None:
            if i != len(tiers) - 1:
                problems.append(f"tier {i + 1} has no upper bound but is not the last tier")
            continue
        if tier.upper <= tier.lower:
            problems.append(f"tier {i + 1} runs from {tier.lower:,} to {tier.upper:,}, which is empty")
        if i + 1 < len(tiers) and tiers[i + 1].lower != tier.upper:
            after = tiers[i + 1].lower
            how = "out of order" if after < tier.lower else "a gap" if after > tier.upper else "they overlap"
            problems.append(f"tier {i + 2} starts at {after:,} but tier {i + 1} ends at {tier.upper:,} ({how})")
    if tiers[-1].upper is not None:
        problems.append(f"the last tier ends at {tiers[-1].upper:,}; it must be open-ended")
    return problems


def rate_problem(rate: Decimal) -> str | None:
    """Why `rate` cannot be an annual expense limit (outside (0%, 10%)), or None when it can."""
    if Decimal(0) < rate < Decimal("0.10"):
        return None
    return f"rate {format_rate(rate)} is outside (0%, 10%)"


def format_rate(rate: Decimal) -> str:
    """0.008 -> '0.80%', 0.00075 -> '0.075%': at least two decimals, as contracts print them."""
    percent = (rate * 100).normalize()
    text = f"{percent:f}"
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}%"


def format_money(amount: int) -> str:
    """500_000_000 -> '$500M', 1_500_000_000 -> '$1.5B'."""
    if amount >= 10**9:
        return f"${Decimal(amount) / 10**9:f}B".replace(".0B", "B")
    if amount >= 10**6:
        return f"${Decimal(amount) / 10**6:f}M".replace(".0M", "M")
    return f"${amount:,}"


def describe_tier(tier: Tier) -> str:
    if tier.upper is None:
        return f"{format_rate(tier.rate)} over {format_money(tier.lower)}"
    if tier.lower == 0:
        return f"{format_rate(tier.rate)} to {format_money(tier.upper)}"
    return f"{format_rate(tier.rate)} {format_money(tier.lower)}-{format_money(tier.upper)}"


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def days_in_years(dates: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """days_in_year for each of an array of dates."""
    import numpy as np  # here, not at the top: the CLI's scalar path starts without NumPy

    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    return np.where(leap, 366, 365)


def period_amount(annual_amount: float, days: int, on: dt.date) -> float:
    """The limit for `days` days: annual amount x days / days in the (calendar = fiscal) year of `on`."""
    return annual_amount * days / days_in_year(on.year)


def limit_data(limit: Limit, rate: Callable[[Decimal], Any] = format_rate) -> dict[str, Any]:
    """The data form of a limit (the kind's `to_data`), with rates written as contract text by default."""
    return limit.to_data(rate)


def _upper(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


# The kinds the data files may name: `kind = "..."` -> the class that reads it. One line per kind.
LIMIT_KINDS: dict[str, type[Limit]] = {kind.kind: kind for kind in (FlatLimit, NoLimit, TieredLimit)}
