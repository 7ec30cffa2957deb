"""Many lookups at once (NumPy/pandas): a million rows of portfolio, assets and date.

Errors do not raise here: each row gets a status, so one bad row answers that row only.
`explain(...)` turns a failed row into the exception the scalar `lookup` would raise.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlcap.agreements.datafiles import default_agreements
from xlcap.agreements.limits import Band, Limit
from xlcap.agreements.lookup import row_for_class
from xlcap.agreements.names import class_key
from xlcap.agreements.schedule import History, ScheduleRow
from xlcap.errors import InvalidInputError, XlcapError
from xlcap.parse import parse_amount, parse_date

STATUSES = ("in_effect", "no_limit", "term_ended", "no_schedule", "unknown_portfolio", "invalid_input")
IN_EFFECT, NO_LIMIT, TERM_ENDED, NO_SCHEDULE, UNKNOWN, INVALID = range(len(STATUSES))
_EPOCH = dt.date(1970, 1, 1)
_FOREVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class _Tables:
    """The history flattened to arrays.

    A cell is (amendment, portfolio, class slot) flattened to
    (amendment * len(names) + name) * len(slots) + slot, where slot 0 is "no class given", one
    slot per class any row names (by class_key), and the last slot any other class. Each cell
    holds the row the scalar lookup's row_for_class picks, or "a class is needed" (per_class).
    One extra cell at the end stands for "no such row", and one extra limit at the end (id -1)
    for "no limit listed", so invalid rows need no special casing in the arithmetic.
    """

    names: tuple[str, ...]
    class_slots: dict[str, int]  # class_key -> slot; 0 is no class, len(class_slots) + 1 any other class
    amendment_days: npt.NDArray[np.int64]  # each amendment's date, days since 1970-01-01
    amendment_numbers: npt.NDArray[np.int64]
    limit_of: npt.NDArray[np.int64]  # cell -> limit id, -1 when not listed
    term_end: npt.NDArray[np.int64]  # cell -> last day in force (days), _FOREVER if permanent or not listed
    per_class: npt.NDArray[np.bool_]  # cell -> the class given (or none) does not pick a row: InvalidInputError
    offset: npt.NDArray[np.int64]  # limit id -> its first tier in the flat tier arrays
    is_none: npt.NDArray[np.bool_]  # limit id -> Schedule A says "None"
    tiered: tuple[tuple[int, npt.NDArray[np.float64]], ...]  # (limit id, tier floors) for limits of 2+ tiers
    own: tuple[tuple[int, Limit], ...]  # (limit id, limit) for kinds that are not bands: they do their own arithmetic
    lower: npt.NDArray[np.float64]
    base: npt.NDArray[np.float64]
    rate: npt.NDArray[np.float64]


@lru_cache(maxsize=8)
def _tables(history: History) -> _Tables:
    names = history.names.canonical
    column = {name: i for i, name in enumerate(names)}
    keys = sorted({class_key(c) for a in history.amendments for row in a.rows for c in (row.share_classes or ())})
    class_slots = {key: i for i, key in enumerate(keys, 1)}
    # What each slot asks row_for_class: no class, each known class, and a class no row names.
    asked: list[str | None] = [None, *keys, "\x00other"]
    slots = len(asked)
    cells = len(history.amendments) * len(names) * slots
    limit_of = np.full(cells + 1, -1, dtype=np.int64)
    term_end = np.full(cells + 1, _FOREVER, dtype=np.int64)
    per_class = np.zeros(cells + 1, dtype=bool)
    offset: list[int] = []
    is_none: list[bool] = []
    tiered: list[tuple[int, npt.NDArray[np.float64]]] = []
    own: list[tuple[int, Limit]] = []
    lower: list[float] = []
    base: list[float] = []
    rate: list[float] = []

    def add_limit(tiers: tuple[Band, ...]) -> int:
        offset.append(len(lower))
        is_none.append(not tiers)
        tiers = tiers or ((0.0, None, np.nan),)
        if len(tiers) > 1:
            tiered.append((len(offset) - 1, np.array([t[0] for t in tiers])))
        owed = 0.0  # the amount on all assets below each band's floor
        for lo, hi, r in tiers:
            lower.append(lo)
            base.append(owed)
            rate.append(r)
            if hi is not None:
                owed += r * (hi - lo)
        return len(offset) - 1

    limit_ids: dict[int, int] = {}  # id(row) -> its limit id: a row serving several slots is priced once

    def row_limit(row: ScheduleRow) -> int:
        if id(row) not in limit_ids:
            bands = row.limit.tier_view()
            limit_ids[id(row)] = add_limit(((0.0, None, np.nan),) if bands is None else bands)  # a stand-in band, replaced
            if bands is None:
                own.append((limit_ids[id(row)], row.limit))
        return limit_ids[id(row)]

    for a, amendment in enumerate(history.amendments):
        for name in amendment.portfolios:
            rows = amendment.rows_for(name)
            first = (a * len(names) + column[name]) * slots
            for slot, share_class in enumerate(asked):
                try:
                    row = row_for_class(rows, name, share_class)
                except InvalidInputError:
                    per_class[first + slot] = True
                    continue
                limit_of[first + slot] = row_limit(row)
                if row.term_end is not None:
                    term_end[first + slot] = (row.term_end - _EPOCH).days
    add_limit(())  # id -1: the stand-in for rows with no limit listed
    return _Tables(
        names=names,
        class_slots=class_slots,
        amendment_days=np.array([(a.date - _EPOCH).days for a in history.amendments], dtype=np.int64),
        amendment_numbers=np.array([a.number for a in history.amendments], dtype=np.int64),
        limit_of=limit_of,
        term_end=term_end,
        per_class=per_class,
        offset=np.array(offset, dtype=np.int64),
        is_none=np.array(is_none, dtype=bool),
        tiered=tuple(tiered),
        own=tuple(own),
        lower=np.array(lower),
        base=np.array(base),
        rate=np.array(rate),
    )


def broadcast(values: Any, n: int) -> Any:
    if isinstance(values, (str, bytes, dt.date, int, float)) or np.ndim(values) == 0:
        return [values] * n
    return values


def _factorize(values: npt.NDArray[np.object_]) -> tuple[npt.NDArray[np.intp], list[object]]:
    """Codes and distinct values of an object array, hashing each distinct *object* once.

    Columns read from CSV or built by repetition hold a few shared string objects, so
    factorizing the object pointers (machine integers) and then the few distinct objects
    is several times faster than hashing a million strings. Equal strings held by different
    objects still end up with one code; with many distinct objects, plain factorize is used.
    """
    values = np.ascontiguousarray(values)
    n = values.size
    if n == 0 or sys.implementation.name != "cpython":
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return codes, list(uniques)
    pointers = np.ctypeslib.as_array((ctypes.c_ssize_t * n).from_address(values.ctypes.data))
    by_object, distinct = pd.factorize(pointers, use_na_sentinel=False)
    if len(distinct) > 1024 and len(distinct) * 8 > n:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return codes, list(uniques)
    # Safe while `values` holds its references: each pointer is a live object in it.
    objects = [ctypes.cast(int(p), ctypes.py_object).value for p in distinct]
    by_value, uniques = pd.factorize(np.array(objects, dtype=object), use_na_sentinel=False)
    return by_value[by_object], list(uniques)


def _resolve_names(portfolios: Any, history: History, tables: _Tables) -> npt.NDArray[np.int64]:
    codes, uniques = _factorize(np.asarray(portfolios, dtype=object))
    column = {name: i for i, name in enumerate(tables.names)}
    lookup = np.array([_name_index(u, history, column) for u in uniques], dtype=np.int64)
    return lookup[codes]


def _name_index(typed: object, history: History, column: dict[str, int]) -> int:
    """The name's column; -1 for a name not on file; -2 for no name (blank, not text), invalid input as in lookup."""
    if not isinstance(typed, str) or not typed.strip():
        return -2
    name = history.names.resolve(typed)
    return -1 if name is None else column[name]


def _resolve_classes(classes: Any, tables: _Tables) -> npt.NDArray[np.int64]:
    """Each row's class slot: 0 for none (None, NaN, blank), its slot when a row names it, else the last slot.

    A value that is not text (a number, a date) gets slot -1: invalid input, as the scalar lookup says.
    """
    codes, uniques = _factorize(np.asarray(classes, dtype=object))
    other = len(tables.class_slots) + 1
    slot_of = np.array([_class_slot(u, tables.class_slots, other) for u in uniques], dtype=np.int64)
    return slot_of[codes]


def _class_slot(value: object, class_slots: dict[str, int], other: int) -> int:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return 0
    if not isinstance(value, str):
        return -1
    key = class_key(value)
    return 0 if not key else class_slots.get(key, other)


def _to_days(dates: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Days since 1970-01-01 for each date, and which rows could not be read as dates."""
    arr = np.asarray(dates)
    if np.issubdtype(arr.dtype, np.datetime64):
        days = arr.astype("datetime64[D]").astype(np.int64)
        return days, np.isnat(arr)
    codes, uniques = pd.factorize(arr.astype(object), use_na_sentinel=True)
    parsed = []
    for u in uniques:
        try:
            parsed.append((parse_date(u) - _EPOCH).days)
        except InvalidInputError:
            parsed.append(_FOREVER)
    table = np.array([*parsed, _FOREVER], dtype=np.int64)
    days = table[codes]
    return days, days == _FOREVER


def _to_assets(assets: Any) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    arr = np.asarray(assets)
    if not (np.issubdtype(arr.dtype, np.number) and not np.issubdtype(arr.dtype, np.complexfloating)):
        arr = np.array([_amount_or_nan(v) for v in arr.astype(object)], dtype=np.float64)
    values = arr.astype(np.float64, copy=False)
    return values, ~(np.isfinite(values) & (values >= 0))


def _amount_or_nan(value: object) -> float:
    try:
        return parse_amount(value)
    except InvalidInputError:
        return float("nan")


@dataclass(frozen=True)
class Lookups:
    """lookup_many's answer as bare arrays, one entry per row (what the DataFrame is built from)."""

    names: tuple[str, ...]  # canonical names; `portfolio` indexes them
    portfolio: npt.NDArray[np.int64]  # -1 when unknown
    status: npt.NDArray[np.int8]  # index into STATUSES
    rate: npt.NDArray[np.float64]  # NaN unless in effect
    annual_amount: npt.NDArray[np.float64]
    amendment: npt.NDArray[np.int64]  # 0 when none; a number within the row's agreement
    term_end: npt.NDArray[np.datetime64]  # NaT when permanent or unknown
    agreements: tuple[str, ...] = ()  # agreement ids; `agreement` indexes them
    agreement: npt.NDArray[np.int64] | None = None  # -1 when no agreement could be chosen; None: all the first


def rows_of(inputs: tuple[Any, ...]) -> int:
    return max((len(v) for v in inputs if not isinstance(v, (str, bytes)) and np.ndim(v) > 0), default=1)


def lookup_arrays(
    portfolios: Any,
    assets: Any,
    dates: Any,
    share_classes: Any = None,
    *,
    agreements: Any = None,
    history: History | None = None,
) -> Lookups:
    """lookup_many without the DataFrame, for callers that want arrays (the Excel functions)."""
    if history is None:
        collection = default_agreements()
        one = agreements is None or isinstance(agreements, str) or np.ndim(agreements) == 0
        if len(collection) > 1 and not (one and agreements is not None):
            from xlcap.agreements.vectorised_across import across  # several agreements: each row's own, then its tables

            return across(collection, portfolios, assets, dates, share_classes, agreements)
        history = collection.get(agreements if one else None)
    t = _tables(history)
    inputs: tuple[Any, ...] = (portfolios, assets, dates, share_classes)
    n = rows_of(inputs)
    name_idx = _resolve_names(broadcast(portfolios, n), history, t)
    amount, bad_amount = _to_assets(broadcast(assets, n))
    days, bad_date = _to_days(broadcast(dates, n))
    # No class given anywhere is the common case: slot 0 for every row, without reading a column.
    slot = np.zeros(n, dtype=np.int64) if share_classes is None else _resolve_classes(broadcast(share_classes, n), t)
    if not len(name_idx) == len(amount) == len(days) == len(slot) == n:
        given = {"portfolios": name_idx, "assets": amount, "dates": days} | (
            {} if share_classes is None else {"share_classes": slot}
        )
        names, lengths = ", ".join(f"'{k}'" for k in given), ", ".join(str(len(v)) for v in given.values())
        raise InvalidInputError(
            f"Parameters {names.rsplit(', ', 1)[0]} and {names.rsplit(', ', 1)[1]} have lengths "
            f"{lengths.rsplit(', ', 1)[0]} and {lengths.rsplit(', ', 1)[1]}; valid: equal lengths, or a single value to repeat."
        )

    amend_idx = np.searchsorted(t.amendment_days, days, side="right") - 1
    known = name_idx >= 0
    scheduled = (amend_idx >= 0) & ~bad_date
    found = known & scheduled
    slots = len(t.class_slots) + 2
    cell = np.where(found, (amend_idx * len(t.names) + name_idx) * slots + np.maximum(slot, 0), len(t.limit_of) - 1)
    lid = t.limit_of[cell]  # -1 (the stand-in limit) where nothing is listed
    # A class that is not text is refused once the portfolio is listed, as the scalar lookup refuses it.
    bad_class = (slot < 0) & ((lid >= 0) | t.per_class[cell])
    term = t.term_end[cell]

    first = t.offset[lid]
    tier = first.copy()
    for limit_id, floors in t.tiered:
        rows = lid == limit_id
        # max(0, ...): assets below the first floor stay in the first tier
        tier[rows] += np.maximum(np.searchsorted(floors, amount[rows], side="right") - 1, 0)
    tier_rate = t.rate[tier]
    annual = t.base[tier] + tier_rate * (amount - t.lower[tier])
    with np.errstate(divide="ignore", invalid="ignore"):
        # As in the scalar lookup: inside the first band the blended rate is that band's rate exactly.
        rate = np.where(tier == first, tier_rate, annual / amount)
        for limit_id, limit in t.own:  # a kind that is not bands prices its own rows, scalar-exact
            rows = lid == limit_id
            annual[rows] = limit.annual_amounts(amount[rows])
            rate[rows] = [limit.annual_rate(float(a)) for a in amount[rows]]

    invalid = bad_amount | bad_date | bad_class | t.per_class[cell]
    no_name = name_idx == -2 if name_idx.min(initial=0) == -2 else None  # rare: spare a million-row pass otherwise
    if no_name is not None:
        invalid |= no_name
    status = np.select(
        [
            invalid,
            ~scheduled,
            ~known,
            (lid < 0) | (days > term),
            t.is_none[lid],
        ],
        [INVALID, NO_SCHEDULE, UNKNOWN, TERM_ENDED, NO_LIMIT],
        default=IN_EFFECT,
    ).astype(np.int8)
    live = status == IN_EFFECT
    return Lookups(
        names=t.names,
        portfolio=name_idx if no_name is None else np.where(no_name, -1, name_idx),
        status=status,
        rate=np.where(live, rate, np.nan),
        annual_amount=np.where(live, annual, np.nan),
        amendment=np.where(scheduled, t.amendment_numbers[np.maximum(amend_idx, 0)], 0),
        term_end=np.where(term != _FOREVER, term, np.iinfo(np.int64).min).astype("datetime64[D]"),
        agreements=(history.id,),
    )


def lookup_many(
    portfolios: Sequence[str] | Any,
    assets: Sequence[float] | Any,
    dates: Sequence[dt.date] | Any,
    *,
    share_classes: Sequence[str | None] | str | Any | None = None,
    agreements: Sequence[str | None] | str | Any | None = None,
    history: History | None = None,
) -> pd.DataFrame:
    """Vectorised `lookup`: one row out per row in, scalars broadcast (a class per row, or one for all).

    Columns: portfolio (canonical name, NaN when unknown), status (one of STATUSES),
    rate (NaN unless in effect), annual_amount, amendment (0 when none), term_end (NaT when
    permanent or unknown), agreement (its id; NaN when none could be chosen: the name is in
    several agreements, or none). `agreements` chooses each row's agreement (id or trust; one
    for all, or per row); without it, the agreement whose schedules name the portfolio.
    Failed rows carry their status; `explain` gives the message.
    """
    found = lookup_arrays(portfolios, assets, dates, share_classes, agreements=agreements, history=history)
    # Codes made by lookup_arrays are in range by construction (-1 or an index): no million-row re-check.
    agreement_codes = np.zeros(len(found.status), dtype=np.int8) if found.agreement is None else found.agreement
    return pd.DataFrame(
        {
            "portfolio": pd.Categorical.from_codes(found.portfolio, categories=pd.Index(found.names), validate=False),
            "status": pd.Categorical.from_codes(found.status, categories=pd.Index(STATUSES), validate=False),
            "rate": found.rate,
            "annual_amount": found.annual_amount,
            "amendment": found.amendment,
            "term_end": found.term_end,
            "agreement": pd.Categorical.from_codes(agreement_codes, categories=pd.Index(found.agreements), validate=False),
        },
        copy=False,  # the arrays are this call's own: no second copy of a million rows
    )


def explain(
    portfolio: object,
    assets: object,
    date: object,
    share_class: object = None,
    agreement: object = None,
    *,
    history: History | None = None,
) -> XlcapError | None:
    """The error the scalar lookup gives for one row (None if it succeeds): the message for a failed row."""
    from xlcap.agreements.lookup import lookup

    try:
        lookup(portfolio, assets, date, share_class=share_class, agreement=agreement, history=history)  # type: ignore[arg-type]
    except XlcapError as exc:
        return exc
    return None
