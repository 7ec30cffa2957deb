"""Speed of `xlcap import`, as ratios against baselines measured in the same run.

    python benchmarks/bench_import.py

Target (issue 5): importing the reference text (Amendment No. 12, 221 lines) under 100 ms:
read and segment it, read every limit and the term clause, and diff it against the schedule
in force. Baselines: reading and splitting the same file (the least any import can cost), and
tomllib-loading the shipped data file it reproduces. `xlcap import` as a new process, process
start included, is measured against `python -c pass`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import timeit
import tomllib
from collections.abc import Callable
from pathlib import Path

from results import print_results  # benchmarks/, on the path when a script here runs

from xlcap.agreements.datafiles import DATA_DIR, load_history
from xlcap.importing.diff import compare
from xlcap.importing.imported import import_amendment
from xlcap.render import render_import

REFERENCE = DATA_DIR / "amendment-012.txt"
SHIPPED = DATA_DIR / "amendment-012.toml"


def median_ms(fn: Callable[[], object], repeat: int = 51, number: int = 10) -> float:
    return statistics.median(timeit.repeat(fn, repeat=repeat, number=number)) / number * 1e3


def library() -> tuple[float, float, float]:
    """Median ms: import + diff + table of the reference text; read + split it; tomllib-load the shipped data."""
    history = load_history()

    def ours() -> str:
        imported = import_amendment(REFERENCE)
        return render_import(imported, compare(imported, history))

    def read_split() -> list[str]:
        return Path(REFERENCE).read_text(encoding="utf-8").split("\n")

    def load_toml() -> object:
        with SHIPPED.open("rb") as f:
            return tomllib.load(f)

    imported = import_amendment(REFERENCE)
    assert len(imported.rows) == 43 and [p.line for p in imported.problems] == [103]
    return median_ms(ours), median_ms(read_split), median_ms(load_toml)


def cli(runs: int = 10) -> tuple[float, float]:
    """Median seconds of `xlcap import <reference> --json` as a new process, and of `python -c pass`."""

    def median(argv: list[str]) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=False)  # exit 1: Batterymarch is unresolved, as it should be
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    return median([sys.executable, "-m", "xlcap", "import", str(REFERENCE), "--json"]), median([sys.executable, "-c", "pass"])


def main() -> int:
    ours, split, toml = library()
    c_ours, c_base = cli()
    results = [
        ("import reference text", f"{ours:.2f} ms", f"read+split {split:.3f} ms", ours / split, ours < 100, "< 100 ms"),
        ("import reference text", f"{ours:.2f} ms", f"tomllib data {toml:.3f} ms", ours / toml, ours < 100, "< 100 ms"),
        (
            "xlcap import (new process)",
            f"{c_ours * 1e3:.0f} ms",
            f"python -c pass {c_base * 1e3:.0f} ms",
            c_ours / c_base,
            c_ours < 0.5,
            "< 0.5 s",
        ),
    ]
    return print_results(results)


if __name__ == "__main__":
    sys.exit(main())
