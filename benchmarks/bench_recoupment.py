"""Speed of the recoupment ledger, as a ratio to the month-end computation over the same rows.

    python benchmarks/bench_recoupment.py

Target (issue 16): the ledger for 1,000 portfolios x 5 years of monthly actuals (60,000 rows) in
under 2x the time of the month-end computation (capcalc.compute) over the same rows. The ledger
includes that computation (one per fiscal year), so the ratio is 1 + the ledger walk's share.
Made-up data: a temporary agreement of 1,000 flat-limit portfolios with a 3-fiscal-year clause.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import tempfile
import time
from pathlib import Path

import pandas as pd
from results import print_results  # benchmarks/, on the path when a script here runs

from xlcap.agreements.datafiles import load_history
from xlcap.report.actuals import ActualRow, Actuals
from xlcap.report.compute import compute
from xlcap.report.recoupment_book import recoupment_book

PORTFOLIOS, YEARS = 1000, range(2009, 2014)


def agreement(folder: Path, cap_test: str) -> None:
    text = "MADE-UP benchmark agreement.\n" + "".join(f"Bench {i:04d} Portfolio 1.00%\n" for i in range(PORTFOLIOS))
    (folder / "amendment-001.txt").write_text(text)
    sha = hashlib.sha256(text.encode()).hexdigest()
    rows = "".join(
        f'[[portfolio]]\nname = "Bench {i:04d} Portfolio"\nlimit_text = "1.00%"\nsource_lines = [{i + 2}, {i + 2}]\n'
        f'limit = {{ kind = "flat", rate = "1.00%" }}\nterm_end = 2030-12-31\n\n'
        for i in range(PORTFOLIOS)
    )
    (folder / "amendment-001.toml").write_text(
        'amendment = 1\ndate = 2008-01-01\ntitle = "Amendment No. 1"\nmanager = "Bench Advisers"\ntrust = "Bench Trust"\n'
        f'agreement = "Bench agreement"\nsource_file = "amendment-001.txt"\nsource_sha256 = "{sha}"\n'
        f'term_clause = "until December 31, 2030"\n\n{rows}'
    )
    (folder / "agreement.toml").write_text(
        f'id = "bench"\n[recoupment]\nwindow = 3\nwindow_clause = "within three (3) years"\ncap_test = "{cap_test}"\n'
        'cap_test_clause = "whichever is less"\n'
    )


def actuals() -> Actuals:
    rng = random.Random(16)
    rows = []
    for i in range(PORTFOLIOS):
        for year in YEARS:
            for month in range(1, 13):
                days = pd.Period(year=year, month=month, freq="M").days_in_month
                assets = 100e6 * (1 + rng.random())
                fee = round(assets * 0.01 * days / 365 * (0.85 + 0.3 * rng.random()), 2)  # around the limit
                rows.append(
                    ActualRow(
                        pd.Period(year=year, month=month, freq="M"),
                        f"Bench {i:04d} Portfolio",
                        assets,
                        days,
                        fee,
                        0.0,
                        0.0,
                        0.0,
                        0.0,
                        0.0,
                        0.0,
                        len(rows) + 2,
                    )
                )
    return Actuals(tuple(rows), "benchmark")


def best_of(fn: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    data = actuals()
    results = []
    for cap_test in ("current", "lesser_of"):
        with tempfile.TemporaryDirectory() as tmp:
            agreement(Path(tmp), cap_test)
            history = load_history(Path(tmp))
            base = best_of(lambda: [compute(data, pd.Period(year=y, month=12, freq="M"), history) for y in YEARS])  # noqa: B023
            book = recoupment_book(history, data, dt.date(max(YEARS), 12, 31))
            assert len(book.portfolios) == PORTFOLIOS and any(p.ledger.origins for p in book.portfolios)
            ours = best_of(lambda: recoupment_book(history, data, dt.date(max(YEARS), 12, 31)))  # noqa: B023
            ratio = ours / base
            results.append((f"ledger, {PORTFOLIOS} x {len(YEARS)}y monthly, {cap_test}", f"{ours:.2f} s", f"{base:.2f} s",
                            ratio, ratio < 2.0, "< 2x month-end computation"))  # fmt: skip
    return print_results(results)


if __name__ == "__main__":
    raise SystemExit(main())
