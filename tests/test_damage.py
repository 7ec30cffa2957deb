"""Random damage to a valid actuals file: a clear error naming the problem, or the same figures. Never other figures
in silence.

The file is three months (January to March 2008) of four portfolios from the bundled sample, one per
status in March: capped (the tiered Batterymarch Growth and Income), near limit (Legg Mason Value
Equity), within limit (Batterymarch Mid-Cap Stock) and "None" (PIMCO Total Return); one manager is
responsible for all four. Damage: blank cells, text in cells, whole columns swapped (header
with its data: a different layout of the same data), deleted rows and duplicated rows, one to four
at a time. Each damaged file goes through report.prepare, the checks and computation `xlcap
report` runs before it writes. Allowed outcomes:

- InputFileError, every problem naming the file (and row and column where there is one);
- the undamaged figures, exactly, for every portfolio and month, except two documented cases that
  are said where the figures are read: a blank excluded expense is none (0), and a portfolio whose
  first rows of the year were deleted has a year to date that starts later, which the report
  states (CapReport.ytd_notes: console and Notes sheet).

Damage that no reader could detect (swapping two columns' numbers under their headers, typing a
different valid number) is out of scope: it is data, not damage.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xlcap import default_history
from xlcap.errors import InputFileError
from xlcap.report.month_end import SAMPLE_ACTUALS, prepare

MONTH = pd.Period("2008-03", "M")
NEAR = 0.94
PORTFOLIOS = (
    "Batterymarch Mid-Cap Stock Portfolio",
    "Legg Mason Value Equity Portfolio",
    "Batterymarch Growth and Income Portfolio",
    "PIMCO Total Return Portfolio",
)
RECIPIENTS = '[[manager]]\nname = "Four"\nportfolios = [' + ", ".join(f'"{p}"' for p in PORTFOLIOS) + ']\nemails = ["a@b.com"]\n'
FIGURES = ["days", "average_net_assets", "management_fee", "other_expenses", "covered", "limit", "limit_dollars",
           "ytd_limit", "ytd_covered", "ytd_waiver", "waiver", "headroom", "gross_ratio", "net_ratio", "status"]  # fmt: skip
EXCLUDED = ["distribution_12b1", "interest", "taxes", "brokerage", "extraordinary"]
EXCLUDED_HEADERS = {"12b-1 fees", "Interest", "Taxes", "Brokerage", "Extraordinary expenses"}
# Text that is not an amount, a month, a day count or a portfolio: what a person or an export puts in a cell by mistake.
NOT_A_NUMBER = st.sampled_from(["n/a", "-", "TBD", "#N/A", "#DIV/0!", "1.2.3", "12 500", "1,2345", "$", "?", "O", "1O0",
                                "(1)", "nan", "inf", "1e999", "—", "0x10", "12%"])  # fmt: skip


def _table() -> list[list[str]]:
    rows = list(csv.reader(line for line in SAMPLE_ACTUALS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")))
    keep = [r for r in rows[1:] if r[1] in PORTFOLIOS and "2008-01" <= r[0] <= "2008-03"]
    assert len(keep) == 12
    return [rows[0], *keep]


TABLE = _table()
COLUMNS = len(TABLE[0])

damage = st.one_of(
    st.tuples(st.just("blank"), st.integers(1, 12), st.integers(0, COLUMNS - 1), st.sampled_from(["", "  "])),
    st.tuples(st.just("text"), st.integers(1, 12), st.integers(0, COLUMNS - 1), NOT_A_NUMBER),
    st.tuples(st.just("swap"), st.integers(0, COLUMNS - 1), st.integers(0, COLUMNS - 1), st.none()),
    st.tuples(st.just("delete"), st.integers(1, 12), st.none(), st.none()),
    st.tuples(st.just("duplicate"), st.integers(1, 12), st.none(), st.none()),
)


Step = tuple[str, int, int | None, str | None]


def _apply(table: list[list[str]], steps: list[Step]) -> tuple[list[list[str]], set[tuple[str, str, str]]]:
    """The damaged table, and the excluded cells blanked: (portfolio, month, header)."""
    rows = [list(r) for r in table]
    blanked: set[tuple[str, str, str]] = set()
    for kind, a, b, text in steps:
        if kind in ("blank", "text") and a < len(rows) and b is not None:
            if kind == "blank" and rows[0][b] in EXCLUDED_HEADERS:
                blanked.add((rows[a][rows[0].index("Portfolio")], rows[a][rows[0].index("Month")], rows[0][b]))
            rows[a][b] = text or ""
        elif kind == "swap" and b is not None:
            for r in rows:
                r[a], r[b] = r[b], r[a]
        elif kind == "delete" and a < len(rows):
            del rows[a]
        elif kind == "duplicate" and a < len(rows):
            rows.append(list(rows[a]))
    return rows, blanked


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _figures(report_rows: pd.DataFrame, columns: list[str]) -> dict[tuple[str, str], tuple[object, ...]]:
    return {
        (r["portfolio"], str(r["month"])): tuple(None if pd.isna(r[c]) else r[c] for c in columns)
        for r in report_rows.to_dict("records")
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("damage")
    recipients = folder / "recipients.toml"
    recipients.write_text(RECIPIENTS, encoding="utf-8")
    # Near limit from 94%: Legg Mason is at 682,421.34 / 721,645.71 = 94.6% of its YTD limit, so every branch is in play
    _, report, _ = prepare(MONTH, _write(folder / "clean.csv", TABLE), recipients, default_history(), near_share=NEAR)
    assert {r.status for r in report.summary} == {"Capped", "Near limit", "Within limit", "No limit"}
    return recipients, report.frame()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(damage, min_size=1, max_size=4))
# One of each kind always runs (row 1 is Batterymarch Growth and Income, January; column 4 its Management fee):
@example(steps=[("blank", 1, 4, "")])  # a covered expense: an error (read as 0 before issue 12)
@example(steps=[("blank", 1, 6, "")])  # 12b-1 fees: none
@example(steps=[("text", 3, 5, "n/a")])
@example(steps=[("swap", 4, 9, None)])  # Management fee and Brokerage, headers with their columns: same figures
@example(steps=[("delete", 2, None, None)])  # a February row: a missing month (silent before issue 12)
@example(steps=[("delete", 1, None, None)])  # a January row: the year to date starts in February, and says so
@example(steps=[("duplicate", 5, None, None)])
def test_damage_is_a_clear_error_or_the_same_figures(
    baseline: tuple[Path, pd.DataFrame], tmp_path: Path, steps: list[Step]
) -> None:
    recipients, clean = baseline
    rows, blanked = _apply(TABLE, steps)
    path = _write(tmp_path / "damaged.csv", rows)
    try:
        _, report, _ = prepare(MONTH, path, recipients, default_history(), near_share=NEAR)
    except InputFileError as error:
        assert error.problems
        assert all(p.startswith(str(path)) for p in error.problems), error.problems
        return
    late = {p for names in report.ytd_starts().values() for p in names}
    got, want = _figures(report.frame(), FIGURES), _figures(clean, FIGURES)
    for key, figures in got.items():
        if key[0] not in late:
            assert figures == want[key], (key, steps)
    assert {k for k in want if k[0] not in late} == {k for k in got if k[0] not in late}, steps  # no row lost in silence
    for name in late:  # a year that now starts later: rows lost from its start only, and the report says so
        months = sorted(m for p, m in got if p == name)
        assert months == [str(m) for m in pd.period_range(months[0], MONTH, freq="M")]
        assert any(name in note or "portfolios" in note for note in report.ytd_notes())
    excluded_got, excluded_want = _figures(report.frame(), EXCLUDED), _figures(clean, EXCLUDED)
    titles = dict(zip(EXCLUDED, ["12b-1 fees", "Interest", "Taxes", "Brokerage", "Extraordinary expenses"], strict=True))
    for key, values in excluded_got.items():
        for column, value, was in zip(EXCLUDED, values, excluded_want[key], strict=True):
            assert value == (0.0 if (*key, titles[column]) in blanked else was), (key, column, steps)
