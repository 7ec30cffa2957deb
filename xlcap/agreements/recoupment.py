"""Recoupment: the ledger of waived amounts the Manager may recover, as pure functions over monthly figures.

One series (a portfolio, or one class group where the agreement limits classes separately) is
walked month by month under the fiscal-year-to-date pro rata method (fiscal year = calendar year,
as in capcalc). Waivers are bucketed by their period of origin (the month; the ledger reports by
fiscal year); repayments take the oldest buckets first. Same inputs, same ledger: nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from xlcap.money import excel_round

WindowUnit = Literal["fiscal_years", "months"]
CapTest = Literal["current", "lesser_of"]
REVERSAL = "reversal of repayment"


@dataclass(frozen=True)
class RecoupmentRules:
    """An agreement's recoupment settings; `clauses` maps each setting's name to the clause text it came from."""

    window: int
    window_unit: WindowUnit = "fiscal_years"
    cap_test: CapTest = "current"
    minimum_assets: float | None = None
    approval_required: bool = False
    clauses: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.window <= 0:
            raise ValueError(f"recoupment window {self.window!r} must be a positive whole number of {self.window_unit}")
        if self.window_unit not in ("fiscal_years", "months"):
            raise ValueError(f"recoupment window_unit {self.window_unit!r} is not valid; valid: fiscal_years, months")
        if self.cap_test not in ("current", "lesser_of"):
            raise ValueError(f"recoupment cap_test {self.cap_test!r} is not valid; valid: current, lesser_of")


@dataclass(frozen=True)
class MonthFigures:
    """One month-end of one series, as the month-end computation gives it (fiscal year to date).

    `ytd_limit_under` (lesser-of cap test only) maps a fiscal year of origin to this year-to-date's
    limit under the schedule in force in that year, applied to today's assets.
    """

    year: int
    month: int
    ytd_limit: float
    ytd_covered: float
    average_net_assets: float
    ytd_limit_under: Mapping[int, float] = field(default_factory=dict)

    @property
    def month_end(self) -> dt.date:
        return _month_end(self.year, self.month)


@dataclass(frozen=True)
class Approval:
    """A recorded approval of repayment: on a date, of an amount, or of all eligible amounts (amount None)."""

    on: dt.date
    amount: float | None = None


@dataclass
class Origin:
    """Amounts waived in one fiscal year, and what became of them."""

    fiscal_year: int
    waived: float = 0.0
    repaid: float = 0.0
    expired: float = 0.0
    expires_on: dt.date | None = None  # the last day the latest of its amounts may be recovered
    repaid_before_year: float = 0.0  # repaid in fiscal years closed before the last month's
    eligible: float = 0.0  # in the last month, what this year's repayment could take from it (before the room)

    @property
    def available(self) -> float:
        return excel_round(self.waived - self.repaid - self.expired)


@dataclass(frozen=True)
class MonthRepayment:
    year: int
    month: int
    ytd_repaid: float
    repaid: float  # negative: a reversal of repayment (a later month ate the room)
    note: str
    room_share: float = 0.0  # what the room and the balance allowed, year to date, before the conditions
    approved_left: float | None = None  # approvals on record less what earlier years repaid; None: no such cap
    held_back: str = ""  # why less than room_share was repaid (a condition: approval, minimum assets); "" when not


@dataclass(frozen=True)
class Ledger:
    origins: tuple[Origin, ...]
    months: tuple[MonthRepayment, ...]

    @property
    def available(self) -> float:
        return excel_round(sum(o.available for o in self.origins))

    def origin(self, fiscal_year: int) -> Origin:
        return next(o for o in self.origins if o.fiscal_year == fiscal_year)


@dataclass
class _Bucket:
    """Amounts waived in one month (or a fiscal year's months that share a last day), in whole cents (integers: exact,
    and fast over thousands of portfolios)."""

    year: int
    month: int
    waived: int
    expires_on: dt.date
    repaid_before: int = 0  # in fiscal years already closed
    ytd: int = 0  # repaid in the current fiscal year to date
    dead: bool = False  # past its last day: this year's repayment may be reversed, never increased

    def can_take(self) -> int:
        return self.ytd if self.dead else self.waived - self.repaid_before

    def expired(self) -> int:
        return self.waived - self.repaid_before - self.ytd if self.dead else 0


def _cents(dollars: float) -> int:
    """Dollars as whole cents; the month-end computation's figures are already rounded to cents."""
    cents = round(dollars * 100)
    if abs(dollars * 100 - cents) < 1e-6:  # already at a cent (nearly all figures): no half cent to round
        return int(cents)
    return int(excel_round(dollars) * 100 + (0.5 if dollars >= 0 else -0.5))


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def expires_on(rules: RecoupmentRules, year: int, month: int) -> dt.date:
    """The last day an amount waived in (year, month) may be recovered."""
    if rules.window_unit == "fiscal_years":
        return dt.date(year + rules.window, 12, 31)
    total = year * 12 + (month - 1) + rules.window
    return _month_end(total // 12, total % 12 + 1)


def ledger(
    months: Sequence[MonthFigures],
    rules: RecoupmentRules,
    openings: Mapping[int, float] | None = None,
    approvals: Sequence[Approval] = (),
    as_of: dt.date | None = None,
) -> Ledger:
    """Walk the months in order and return the ledger as of `as_of` (default: the last month-end).

    Openings are amounts waived before the data starts, by fiscal year; they are taken as waived in
    December of that year (for a window in months, the latest the year allows).
    """
    ordered = sorted(months, key=lambda m: (m.year, m.month))
    if as_of is not None:
        ordered = [m for m in ordered if m.month_end <= as_of]
    opened = sorted((openings or {}).items())
    buckets = [_Bucket(fy, 12, _cents(amount), expires_on(rules, fy, 12)) for fy, amount in opened if amount]
    out: list[MonthRepayment] = []
    year: int | None = None
    prev_ytd_waiver = ytd_repaid = repaid_before_year = 0
    lesser_of = rules.cap_test == "lesser_of"
    last_older: list[_Bucket] = []
    last_eligible_amounts: list[int] = []
    for fig in ordered:
        if fig.year != year:  # a new fiscal year: close the last one's repayments
            for b in buckets:
                b.repaid_before, b.ytd = b.repaid_before + b.ytd, 0
            buckets = [b for b in buckets if b.waived]  # waivers reversed within their year leave nothing
            year, prev_ytd_waiver, ytd_repaid = fig.year, 0, 0
            repaid_before_year = sum(b.repaid_before for b in buckets)
        end = fig.month_end
        for b in buckets:
            b.dead = b.dead or b.expires_on < end
        limit, covered = _cents(fig.ytd_limit), _cents(fig.ytd_covered)
        ytd_waiver = max(0, covered - limit)
        delta = ytd_waiver - prev_ytd_waiver
        prev_ytd_waiver = ytd_waiver
        if delta > 0:
            until = expires_on(rules, fig.year, fig.month)
            if buckets and buckets[-1].year == fig.year and buckets[-1].expires_on == until:
                buckets[-1].waived += delta  # same year, same last day (a window in fiscal years): one amount, as kept
            else:  # (nothing of this year is repaid yet: only later years repay it)
                buckets.append(_Bucket(fig.year, fig.month, delta, until))
        elif delta < 0:  # a reversal of waiver gives back the year's latest waivers first
            for b in reversed([b for b in buckets if b.year == fig.year]):
                take = min(b.waived, -delta)
                b.waived, delta = b.waived - take, delta + take
        older = [b for b in buckets if b.year < fig.year]
        # each year of origin's own cap (lesser-of), in cents once per month, not once per amount waived
        caps = {y: min(limit, _cents(v)) for y, v in fig.ytd_limit_under.items()} if lesser_of else {}
        eligible = [b.can_take() for b in older]
        allocation: list[int] = []
        taken = 0
        for b, can in zip(older, eligible, strict=True):  # oldest first, each within its own room less what older years took
            if ytd_waiver:
                share = 0
            else:
                room = caps.get(b.year, limit)  # a year without a cap of its own: today's
                share = max(0, min(can, room - covered - taken))
            allocation.append(share)
            taken += share
        target = taken
        held: list[str] = []
        if rules.minimum_assets is not None and fig.average_net_assets < rules.minimum_assets:
            target = min(target, ytd_repaid)  # below the threshold nothing new is repaid
            if target < taken:
                held.append(f"average net assets {fig.average_net_assets:,.2f} are below the minimum {rules.minimum_assets:,.2f}")
        approved_left: int | None = None
        if rules.approval_required:  # only what recorded approvals cover counts, over the agreement's life
            mine = [a for a in approvals if a.on <= end]
            if not any(a.amount is None for a in mine):
                approved_left = max(0, sum(_cents(a.amount or 0.0) for a in mine) - repaid_before_year)
                if approved_left < target:
                    what = "none is on file" if not mine else f"approvals on file leave {approved_left / 100:,.2f}"
                    held.append(f"repayment needs a recorded approval (events.toml) and {what} by {end.isoformat()}")
                target = min(target, approved_left)
        left = target
        for b, share in zip(older, allocation, strict=True):
            b.ytd = min(share, left)
            left -= b.ytd
        month_repaid = target - ytd_repaid
        ytd_repaid = target
        out.append(
            MonthRepayment(
                fig.year, fig.month, ytd_repaid / 100, month_repaid / 100, REVERSAL if month_repaid < 0 else "",
                taken / 100, None if approved_left is None else approved_left / 100, "; ".join(held),
            )
        )  # fmt: skip
        last_older, last_eligible_amounts = older, eligible
    last_eligible = {id(b): can for b, can in zip(last_older, last_eligible_amounts, strict=True)}
    last = as_of or (ordered[-1].month_end if ordered else None)
    for b in buckets:  # expiry up to the as-of date itself
        b.dead = b.dead or (last is not None and b.expires_on < last)
    origins: dict[int, list[int]] = {}
    ends: dict[int, dt.date] = {}
    for b in buckets:  # waived, repaid, expired, repaid before the last month's year, eligible in the last month
        o = origins.setdefault(b.year, [0, 0, 0, 0, 0])
        o[0] += b.waived
        o[1] += b.repaid_before + b.ytd
        o[2] += b.expired()
        o[3] += b.repaid_before
        o[4] += last_eligible.get(id(b), 0)  # what the last month could take of it
        if b.waived and (b.year not in ends or b.expires_on > ends[b.year]):
            ends[b.year] = b.expires_on
    made = [
        Origin(fy, w / 100, r / 100, e / 100, ends.get(fy), before / 100, can / 100)
        for fy, (w, r, e, before, can) in sorted(origins.items())
        if w
    ]
    return Ledger(tuple(made), tuple(out))
