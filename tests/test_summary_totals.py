"""Summary totals on one basis, no zero for an absent limit, room per portfolio, widths that fit a year's totals."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.libreoffice import SOFFICE, convert
from tests.workbooks import build
from xlcap.report.words import WORDS

needs_libreoffice = pytest.mark.skipif(
    (SOFFICE is None or shutil.which("pdftotext") is None) and os.environ.get("CI") != "true",
    reason="LibreOffice and poppler-utils not installed (CI installs them)",
)
COVERED, YTD_COVERED, YTD_LIMIT, ROOM = WORDS["covered"], WORDS["ytd_covered"], WORDS["ytd_limit"], WORDS["headroom"]


def _rows(path: Path) -> dict[str, dict[str, object]]:
    ws = openpyxl.load_workbook(path, data_only=True)["Summary"]
    header = [c.value for c in ws[4]]
    out = {}
    for r in ws.iter_rows(min_row=5, values_only=True):
        if not r[0]:
            break
        out[str(r[0])] = dict(zip(header, r, strict=True))
    return out


@needs_libreoffice
def test_totals_keep_limited_and_unlimited_portfolios_apart(tmp_path: Path) -> None:
    (jan,) = convert([build(tmp_path / "jan.xlsx", "2008-01")], tmp_path / "lo")
    rows = _rows(jan)
    limited, unlimited = rows["Total, limit in force (3)"], rows["Total, no limit in force (1)"]
    # With a limit: Batterymarch 680,000.00 + Janus 105,500.00 + Lazard 180,000.00 = 965,500.00, and in January the
    # month's total is the year to date's (it was 2,365,500.00 with PIMCO's 1,400,000.00 against limits without it).
    assert limited[COVERED] == limited[YTD_COVERED] == 965_500.00
    # Limits: 614,071.04 + 105,874.32 + 169,398.91 = 889,344.27
    assert limited["Limit $ (month)"] == limited[YTD_LIMIT] == 889_344.27
    # PIMCO (no limit): its assets and expenses, nothing else; no limit or waiver shown as 0
    assert (unlimited["Average net assets"], unlimited[COVERED]) == (3_000_000_000, 1_400_000.00)
    assert all(unlimited[h] is None for h in ("Limit $ (month)", WORDS["waiver"], YTD_LIMIT, YTD_COVERED, WORDS["ytd_waiver"]))
    pimco = rows["PIMCO Total Return Portfolio"]
    assert all(pimco[h] is None for h in (YTD_LIMIT, YTD_COVERED, WORDS["ytd_waiver"], WORDS["waiver"], ROOM))
    # Room under the limit is per portfolio (Janus: 105,874.32 - 105,500.00 = 374.32) and never totalled
    assert rows["Janus Forty Portfolio"][ROOM] == 374.32
    assert limited[ROOM] is None and unlimited[ROOM] is None


def _december_complex(folder: Path) -> tuple[Path, Path, Path]:
    """The benchmark's 1,000-portfolio complex, December only, each expense twelve months' worth: a year-end's totals
    (about $1 trillion of assets, $100 million of waivers) in a workbook LibreOffice renders in seconds."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from bench_report import synthetic_complex

    data, actuals, recipients = synthetic_complex(folder, 1000, 12)
    rows = list(csv.reader(io.StringIO(actuals.read_text(encoding="utf-8"))))
    december = [r[:4] + [f"{float(v) * 12:.2f}" for v in r[4:]] for r in rows[1:] if r[0] == "2008-12"]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([rows[0], *december])
    actuals.write_text(buffer.getvalue(), encoding="utf-8")
    return data, actuals, recipients


@needs_libreoffice
def test_a_year_end_total_of_a_1000_portfolio_complex_fits_its_column(tmp_path: Path) -> None:
    from xlcap.agreements.datafiles import load_history
    from xlcap.report.month_end import run_report

    data, actuals, recipients = _december_complex(tmp_path)
    run = run_report(pd.Period("2008-12", "M"), actuals=actuals, out_dir=tmp_path / "out", recipients=recipients,
                     history=load_history(data))  # fmt: skip
    trust = next(f.path for f in run.files if f.manager is None)
    total = _rows(trust)["Total, limit in force (" + str(sum(1 for r in _rows(trust).values()
                                                                if isinstance(r["Limit"], float))) + ")"]  # fmt: skip
    assert total["Average net assets"] > 5e11 and total[WORDS["ytd_waiver"]] > 1e7  # the scale the widths must hold
    (pdf,) = convert([trust], tmp_path / "pdf", to="pdf", timeout=300)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Total, limit in force" in text
    assert "###" not in text  # a number too wide for its column prints as ### in Excel and LibreOffice
