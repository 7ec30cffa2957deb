"""Speed and memory of the monthly report, as ratios against baselines measured in the same run.

    python benchmarks/bench_report.py [--portfolios 1000] [--months 12]

Targets (issue 4), for a synthetic complex of 1,000 portfolios x 12 months:
- the whole report (read actuals, compute, write the Trust workbook) at most 2x the time of
  writing the same cells, unformatted, with bare XlsxWriter;
- peak memory (resident set of the process doing it) under 300 MB;
- the bundled sample report, `xlcap report`, under 3 s including process start.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import xlsxwriter
from results import print_results  # benchmarks/, on the path when a script here runs
from xlsxwriter.worksheet import Worksheet

sys.path.insert(0, str(Path(__file__).parent.parent))


WRITES = ("write_string", "write_number", "write_formula", "write_datetime", "write_blank")


def synthetic_complex(folder: Path, portfolios: int, months: int) -> tuple[Path, Path, Path]:
    """A data folder with one amendment listing `portfolios` portfolios, their actuals, and recipients."""
    rng = random.Random(1000)
    data = folder / "data"
    data.mkdir()
    text = "SYNTHETIC AMENDMENT FOR BENCHMARKS\n"
    (data / "amendment-001.txt").write_text(text, encoding="utf-8")
    lines = [
        "amendment = 1", "date = 2007-11-01", 'title = "Synthetic"', 'manager = "Synthetic Manager"',
        'trust = "Synthetic Trust"', 'agreement = "Synthetic"', 'source_file = "amendment-001.txt"',
        f'source_sha256 = "{hashlib.sha256(text.encode()).hexdigest()}"', 'term_clause = "Synthetic"', "",
    ]  # fmt: skip
    for i in range(portfolios):
        kind = rng.random()
        lines += ["[[portfolio]]", f'name = "Fund {i:04d} Portfolio"', 'limit_text = "synthetic"', "source_lines = [1, 1]",
                  "term_end = 2009-04-30"]  # fmt: skip
        if kind < 0.1:
            lines.append('limit = { kind = "none" }')
        elif kind < 0.3:
            lines.append(
                'limit = { kind = "tiered", tiers = [{ from = 0, to = 500_000_000, rate = "0.90%" }, '
                '{ from = 500_000_000, to = 1_000_000_000, rate = "0.80%" }, { from = 1_000_000_000, rate = "0.70%" }] }'
            )
        else:
            lines.append(f'limit = {{ kind = "flat", rate = "{rng.choice(["0.65", "0.80", "0.95", "1.10"])}%" }}')
        lines.append("")
    (data / "amendment-001.toml").write_text("\n".join(lines), encoding="utf-8")
    actuals = folder / "actuals.csv"
    rows = ["Month,Portfolio,Average net assets,Days,Management fee,Other expenses,12b-1 fees"]  # one row a month
    for i in range(portfolios):
        assets = rng.uniform(20e6, 2e9)
        for m in range(1, months + 1):
            days = calendar.monthrange(2008, m)[1]
            covered = assets * rng.uniform(0.005, 0.012) * days / 366
            rows.append(
                f"2008-{m:02d},Fund {i:04d},{assets:.2f},{days},{covered * 0.8:.2f},{covered * 0.2:.2f},{covered * 0.1:.2f}"
            )
    actuals.write_text("\n".join(rows) + "\n", encoding="utf-8")
    recipients = folder / "recipients.toml"
    recipients.write_text('[[manager]]\nname = "One"\nportfolios = ["Fund 0000"]\nemails = ["a@example.com"]\n', encoding="utf-8")
    return data, actuals, recipients


def run_report(data: Path, actuals: Path, recipients: Path, out: Path, month: str) -> None:
    import pandas as pd

    from xlcap.agreements.datafiles import load_history
    from xlcap.report.month_end import run_report as report

    report(pd.Period(month, "M"), actuals=actuals, out_dir=out, recipients=recipients, history=load_history(data))


def record_cells(data: Path, actuals: Path, recipients: Path, out: Path, month: str) -> list[tuple[str, str, tuple[Any, ...]]]:
    """Every cell write the report makes, as (sheet, method, arguments without formats)."""
    calls: list[tuple[str, str, tuple[Any, ...]]] = []
    originals = {name: getattr(Worksheet, name) for name in WRITES}

    def recorder(name: str) -> Any:
        def write(self: Worksheet, row: int, col: int, *args: Any) -> Any:
            value = args[0] if args else None
            extra = args[2:3] if name == "write_formula" and len(args) > 2 else ()
            calls.append((self.name, name, (row, col, value, *extra)))
            return originals[name](self, row, col, *args)

        return write

    for name in WRITES:
        setattr(Worksheet, name, recorder(name))
    try:
        run_report(data, actuals, recipients, out, month)
    finally:
        for name, original in originals.items():
            setattr(Worksheet, name, original)
    return calls


def bare_xlsxwriter(calls: list[tuple[str, str, tuple[Any, ...]]], path: Path) -> None:
    """The same cells, written with bare XlsxWriter: no formats, tables, conditional formats or charts."""
    book = xlsxwriter.Workbook(str(path))
    sheets: dict[str, Worksheet] = {}
    for sheet, method, args in calls:
        if sheet not in sheets:
            sheets[sheet] = book.add_worksheet(sheet)
        row, col, value, *extra = args
        ws = sheets[sheet]
        if method == "write_formula":
            ws.write_formula(row, col, value, None, *extra)
        elif method == "write_blank":
            ws.write_blank(row, col, None)
        else:
            getattr(ws, method)(row, col, value)
    book.close()


def best(fn: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss_mb(code: str) -> float:
    """Peak resident memory of a fresh Python process running `code`, as it reports itself.

    VmHWM from /proc, not getrusage: Linux carries ru_maxrss across fork and exec, so a child
    would report this (large) process's peak instead of its own.
    """
    report = "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    out = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--portfolios", type=int, default=1000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    month = f"2008-{args.months:02d}"
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, actuals, recipients = synthetic_complex(folder, args.portfolios, args.months)
        calls = record_cells(data, actuals, recipients, folder / "recorded", month)
        counter = iter(range(100))
        ours = best(lambda: run_report(data, actuals, recipients, folder / f"out{next(counter)}", month))
        base = best(lambda: bare_xlsxwriter(calls, folder / "bare.xlsx"))
        label = f"report, {args.portfolios:,} x {args.months} ({len(calls):,} cells)"
        baseline = f"bare XlsxWriter {base:.2f} s"
        results.append((label, f"{ours:.2f} s", baseline, ours / base, ours / base <= 2, "<= 2x"))

        here, paths = (
            str(Path(__file__).parent),
            ", ".join(f"Path({str(p)!r})" for p in (data, actuals, recipients, folder / "mem")),
        )
        code = f"import sys; sys.path.insert(0, {here!r}); import bench_report as b; from pathlib import Path\n"
        code += f"b.run_report({paths}, {month!r})"
        rss = peak_rss_mb(code)
        python_only = peak_rss_mb("import pandas, numpy, xlsxwriter")
        results.append(
            (
                "peak memory, same report",
                f"{rss:.0f} MB",
                f"python+pandas {python_only:.0f} MB",
                rss / python_only,
                rss < 300,
                "< 300 MB",
            )
        )

        def sample() -> None:
            out = str(folder / f"s{next(counter)}")
            subprocess.run(
                [sys.executable, "-m", "xlcap", "report", "--month", "2008-04", "--out", out], check=True, capture_output=True
            )

        t_sample = best(sample)
        t_python = best(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))
        baseline = f"python -c pass {t_python:.2f} s"
        results.append(
            ("bundled sample, xlcap report", f"{t_sample:.2f} s", baseline, t_sample / t_python, t_sample < 3, "< 3 s")
        )

    status = print_results(results)
    print(json.dumps({r[0]: r[3] for r in results}))
    return status


if __name__ == "__main__":
    sys.exit(main())
