"""Speed of the schedule module, as ratios against baselines measured in the same run.

    python benchmarks/bench_schedule.py            # full size (1,000,000 rows)
    python benchmarks/bench_schedule.py --rows 100000

Targets (issue 2): one scalar lookup under 20 us median; the vectorised lookup of 1,000,000
mixed rows at most 3x a bare NumPy evaluation of the same tier arithmetic on pre-resolved
arrays; `xlcap cap` end to end, process start included, under 0.5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable

import numpy as np
from results import print_results  # benchmarks/, on the path when a script here runs

import xlcap
from xlcap.agreements.lookup import CapResult


def scalar(batches: int = 51, number: int = 2_000) -> tuple[float, float, float]:
    """Median microseconds per call (over batches of `number` calls): flat lookup, baseline, tiered lookup.

    The baseline is the least any lookup can cost in Python: one dict lookup and one multiply.
    """
    day = dt.date(2008, 1, 31)
    xlcap.lookup("Batterymarch Growth and Income", 1.25e9, day)  # load the data once, as Excel's first call does
    rates = {"Lazard Mid-Cap": 0.008}

    def baseline() -> float:
        return rates["Lazard Mid-Cap"] * 250e6

    def flat() -> CapResult:
        return xlcap.lookup("Lazard Mid-Cap", 250e6, day)

    def tiered() -> CapResult:
        return xlcap.lookup("Batterymarch Growth and Income", 1.25e9, day)

    def median_us(fn: Callable[[], object]) -> float:
        return statistics.median(timeit.repeat(fn, repeat=batches, number=number)) / number * 1e6

    return median_us(flat), median_us(baseline), median_us(tiered)


def vectorised(rows: int, repeat: int = 5, classes: bool = False) -> tuple[float, float]:
    """Seconds for lookup_many over `rows` mixed rows, and for bare NumPy tier arithmetic on the same rows.

    With `classes`, each row also names a share class as typed ("A", "Class B", "c" or none): the bundled
    limits apply to every class, so the answers are the same and the cost of reading the classes shows.
    """
    rng = np.random.default_rng(7)
    names = np.array(xlcap.schedule_in_force("2008-01-31").portfolios, dtype=object)
    portfolios = names[rng.integers(0, len(names), rows)]
    assets = rng.uniform(0, 3e9, rows)
    dates = np.datetime64("2007-11-01") + rng.integers(0, 365, rows).astype("timedelta64[D]")
    share_classes = np.array(["A", "Class B", "c", None], dtype=object)[rng.integers(0, 4, rows)] if classes else None

    # Baseline: the tier tables already gathered per row (what lookup_many must work out itself).
    row_of = {r.portfolio: r for r in xlcap.schedule_in_force("2008-01-31").rows}
    k = max(len(r.tiers) for r in row_of.values())
    lo = np.zeros((rows, k))
    width = np.zeros((rows, k))
    rate = np.zeros((rows, k))
    for name in names:
        mask = portfolios == name
        for j, (a, b, r) in enumerate(row_of[name].tiers):
            lo[mask, j], width[mask, j], rate[mask, j] = a, (np.inf if b is None else b - a), r

    def baseline() -> np.ndarray:
        return (rate * np.clip(assets[:, None] - lo, 0, width)).sum(axis=1)

    def ours() -> object:
        return xlcap.lookup_many(portfolios, assets, dates, share_classes=share_classes)

    ours()  # warm the table cache
    check = ours()
    live = (check["status"] == "in_effect").to_numpy()
    assert np.allclose(check["annual_amount"].to_numpy()[live], baseline()[live], rtol=1e-12)
    t_ours = min(timeit.repeat(ours, repeat=repeat, number=1))
    t_base = min(timeit.repeat(baseline, repeat=repeat, number=1))
    return t_ours, t_base


def cli(runs: int = 10) -> tuple[float, float]:
    """Median seconds of `xlcap cap ... --json` as a new process, and of `python -c pass`."""

    def median(argv: list[str]) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    ours = median([sys.executable, "-m", "xlcap", "cap", "Lazard Mid-Cap", "--assets", "$250m", "--date", "2008-01-31", "--json"])
    return ours, median([sys.executable, "-c", "pass"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    results = []
    s_ours, s_base, s_tiered = scalar()
    base = f"dict+multiply {s_base:.3f} us"
    results.append(("scalar lookup (flat)", f"{s_ours:.2f} us", base, s_ours / s_base, s_ours < 20, "< 20 us"))
    results.append(("scalar lookup (tiered)", f"{s_tiered:.2f} us", base, s_tiered / s_base, s_tiered < 20, "< 20 us"))
    v_ours, v_base = vectorised(args.rows)
    ratio = v_ours / v_base
    base = f"bare NumPy {v_base * 1e3:.1f} ms"
    results.append((f"lookup_many {args.rows:,} rows", f"{v_ours * 1e3:.1f} ms", base, ratio, ratio <= 3, "<= 3x"))
    v_ours, v_base = vectorised(args.rows, classes=True)
    ratio = v_ours / v_base
    base = f"bare NumPy {v_base * 1e3:.1f} ms"
    results.append(("  ... with a class per row", f"{v_ours * 1e3:.1f} ms", base, ratio, ratio <= 3, "<= 3x"))
    c_ours, c_base = cli()
    base = f"python -c pass {c_base * 1e3:.0f} ms"
    results.append(("xlcap cap (new process)", f"{c_ours * 1e3:.0f} ms", base, c_ours / c_base, c_ours < 0.5, "< 0.5 s"))

    return print_results(results)


if __name__ == "__main__":
    sys.exit(main())
