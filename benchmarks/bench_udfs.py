"""Speed of the Excel functions (Python side), as ratios against the library measured in the same run.

    python benchmarks/bench_udfs.py [--rows 100000]

Targets (issue 3): one EXPCAP cell call under 30 us median; EXPCAP over a 100,000-row range in
one call at most 2x the library's vectorised lookup (lookup_many) of the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent.parent))

from results import print_results  # benchmarks/, on the path when a script here runs

import udfs
import xlcap


def median_us(fn: Callable[[], object], batches: int = 51, number: int = 2_000) -> float:
    return statistics.median(timeit.repeat(fn, repeat=batches, number=number)) / number * 1e6


def best_s(fn: Callable[[], object], repeat: int = 5) -> float:
    return min(timeit.repeat(fn, repeat=repeat, number=1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    day = dt.date(2008, 1, 31)
    udfs.expcap("Lazard Mid-Cap", 250e6, 39478)  # load the data once, as the first call in a session does

    results = []
    lib = median_us(lambda: xlcap.lookup("Lazard Mid-Cap", 250e6, day))
    for label, call in [
        ("EXPCAP cell, classic (datetime)", lambda: udfs.expcap("Lazard Mid-Cap", 250e6, dt.datetime(2008, 1, 31))),
        ("EXPCAP cell, Office.js ([[x]], serial)", lambda: udfs.expcap([["Lazard Mid-Cap"]], [[250e6]], [[39478]])),
    ]:
        t = median_us(call)
        results.append((label, f"{t:.2f} us", f"xlcap.agreements.lookup {lib:.2f} us", t / lib, t < 30, "< 30 us"))

    rng = np.random.default_rng(3)
    names = list(xlcap.schedule_in_force(day).portfolios)
    n = args.rows
    portfolios = [names[i] for i in rng.integers(0, len(names), n)]
    assets = rng.uniform(0, 3e9, n).tolist()
    offsets = rng.integers(0, 180, n).tolist()
    serials = [39387 + k for k in offsets]  # from 2007-11-01
    datetimes = [dt.datetime(2007, 11, 1) + dt.timedelta(days=k) for k in offsets]
    dates64 = np.datetime64("2007-11-01") + np.array(offsets).astype("timedelta64[D]")

    base = best_s(lambda: xlcap.lookup_many(portfolios, assets, dates64))
    officejs = ([[p] for p in portfolios], [[a] for a in assets], [[s] for s in serials])
    classic = ([[p] for p in portfolios], [[a] for a in assets], [[d] for d in datetimes])
    check = udfs.expcap(*officejs)
    expected = xlcap.lookup_many(portfolios, assets, dates64)["rate"].to_numpy()
    got = np.array([np.nan if r[0] == "NO LIMIT" else r[0] for r in check], dtype=float)
    assert np.array_equal(got, expected, equal_nan=True)
    for label, grids in [("Office.js (serials)", officejs), ("classic (datetimes)", classic)]:
        t = best_s(lambda grids=grids: udfs.expcap(*grids))
        ratio = t / base
        results.append(
            (f"EXPCAP {n:,} rows, {label}", f"{t * 1e3:.1f} ms", f"lookup_many {base * 1e3:.1f} ms", ratio, ratio <= 2, "<= 2x")
        )

    return print_results(results)


if __name__ == "__main__":
    sys.exit(main())
