"""lookup_arrays over a data folder of several agreements: each row's agreement first, then its own tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlcap.agreements.collection import Agreements
from xlcap.agreements.vectorised import (
    IN_EFFECT,
    INVALID,
    UNKNOWN,
    Lookups,
    _to_assets,
    _to_days,
    broadcast,
    lookup_arrays,
    rows_of,
)
from xlcap.errors import InvalidInputError, XlcapError


def _column(values: Any, n: int) -> npt.NDArray[Any]:
    """A column as an array that rows can be taken from; a list of mixed values stays objects."""
    values = broadcast(values, n)
    if isinstance(values, (np.ndarray, pd.Series, pd.Index)):
        return np.asarray(values)
    column = np.empty(len(values), dtype=object)
    column[:] = list(values)
    return column


def across(collection: Agreements, portfolios: Any, assets: Any, dates: Any, share_classes: Any, agreements: Any) -> Lookups:
    """Rows of several agreements: each row's agreement is chosen as `lookup` chooses it, then each agreement's rows
    are looked up in that agreement's own tables. A row whose agreement cannot be chosen gets its status (unknown
    portfolio, or invalid input for an ambiguous name or an unknown agreement), which `explain` words."""
    n = rows_of((portfolios, assets, dates, share_classes, agreements))
    columns = {"portfolios": portfolios, "assets": assets, "dates": dates, "share_classes": share_classes}
    columns |= {"agreements": agreements}
    arrays = {k: None if v is None else _column(v, n) for k, v in columns.items()}
    for name, array in arrays.items():
        if array is not None and len(array) != n:
            raise InvalidInputError(
                f"Parameter '{name}' has {len(array)} values where other parameters have {n}; "
                "valid: equal lengths, or a single value to repeat."
            )
    names, chosen = arrays["portfolios"], arrays["agreements"]
    assert names is not None
    keys: dict[tuple[object, object], int] = {}  # each distinct (name, agreement) is chosen once
    pairs = zip(names.tolist(), [None] * n if chosen is None else chosen.tolist(), strict=True)
    codes = np.fromiter((keys.setdefault(pair, len(keys)) for pair in pairs), dtype=np.int64, count=n)
    index = {id(h): i for i, h in enumerate(collection.all)}
    which, failed = [], []
    for portfolio, agreement in keys:
        try:
            picked = collection.for_portfolio(portfolio, agreement)
            which.append(index[id(picked)])
            failed.append(IN_EFFECT)
        except XlcapError as exc:
            which.append(-1)
            failed.append(INVALID if isinstance(exc, InvalidInputError) else UNKNOWN)
    agreement_of = np.array(which, dtype=np.int64)[codes]
    status = np.array(failed, dtype=np.int8)[codes]
    unchosen = np.flatnonzero(agreement_of < 0)
    if len(unchosen):  # as in lookup: a bad amount or date is said before the name or agreement
        assert arrays["assets"] is not None and arrays["dates"] is not None
        bad = _to_assets(arrays["assets"][unchosen])[1] | _to_days(arrays["dates"][unchosen])[1]
        status[unchosen[bad]] = INVALID
    all_names = tuple(dict.fromkeys(name for h in collection.all for name in h.names.canonical))
    position = {name: i for i, name in enumerate(all_names)}
    out = Lookups(
        names=all_names,
        portfolio=np.full(n, -1, dtype=np.int64),
        status=status,
        rate=np.full(n, np.nan),
        annual_amount=np.full(n, np.nan),
        amendment=np.zeros(n, dtype=np.int64),
        term_end=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
        agreements=tuple(h.id for h in collection.all),
        agreement=agreement_of,
    )
    for k, history in enumerate(collection.all):
        rows = np.flatnonzero(agreement_of == k)
        if not len(rows):
            continue
        part = lookup_arrays(
            *(None if (a := arrays[key]) is None else a[rows] for key in ("portfolios", "assets", "dates", "share_classes")),
            history=history,
        )
        remap = np.array([position[name] for name in part.names] + [-1], dtype=np.int64)
        out.portfolio[rows] = remap[part.portfolio]  # -1 indexes the appended -1
        out.status[rows] = part.status
        out.rate[rows] = part.rate
        out.annual_amount[rows] = part.annual_amount
        out.amendment[rows] = part.amendment
        out.term_end[rows] = part.term_end
    return out
