"""The shipped Amendment No. 12 data against the filed document it claims to come from."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import xlcap
from xlcap.agreements.datafiles import load_history
from xlcap.agreements.limits import FlatLimit, NoLimit, TieredLimit

FILED = (Path(__file__).parent.parent / "xlcap" / "data" / "amendment-012.txt").read_text(encoding="utf-8")
AMENDMENT = xlcap.default_history().amendments[0]


def _cell_text(first: int, last: int) -> tuple[str, str]:
    """Name and limit cells of Schedule A lines first..last (1-based), wrapped lines joined by one space."""
    lines = FILED.splitlines()[first - 1 : last]
    name = " ".join(line[:48].strip() for line in lines if line[:48].strip())
    limit = " ".join(line[48:].strip() for line in lines if line[48:].strip())
    return name, limit


def test_amendment_header() -> None:
    assert AMENDMENT.number == 12
    assert AMENDMENT.date == dt.date(2007, 11, 1)
    assert AMENDMENT.manager == "Met Investors Advisory LLC"
    assert AMENDMENT.trust == "Met Investors Series Trust"
    assert "dated as of November 1, 2007, by and between Met Investors Advisory\nLLC" in AMENDMENT.source_text
    assert len(AMENDMENT.prior_amendment_dates) == 11
    assert AMENDMENT.prior_amendment_dates[-1] == dt.date(2007, 5, 1)
    assert AMENDMENT.new_portfolios == ("Rainier Large Cap Equity Portfolio",)


def test_all_43_portfolios_in_filed_order() -> None:
    filed_names = re.findall(r"^(\S.*? Portfolio)\s{2,}|^(\S.*? Portfolio) (?=0\.)", FILED, flags=re.M)
    names = [a or b for a, b in filed_names if (a or b) != "Name of Portfolio"]
    assert len(AMENDMENT.rows) == 43
    assert [row.portfolio for row in AMENDMENT.rows] == names


@pytest.mark.parametrize("row", AMENDMENT.rows, ids=lambda r: r.portfolio)
def test_row_text_is_the_filed_text(row: xlcap.ScheduleRow) -> None:
    name, limit = _cell_text(*row.source_lines)
    assert name == row.portfolio
    assert limit == row.limit_text


@pytest.mark.parametrize("row", AMENDMENT.rows, ids=lambda r: r.portfolio)
def test_structured_limit_agrees_with_plain_text(row: xlcap.ScheduleRow) -> None:
    if row.limit_text == "None":
        assert isinstance(row.limit, NoLimit)
    elif re.fullmatch(r"\d\.\d\d%", row.limit_text):
        assert isinstance(row.limit, FlatLimit)
        assert row.limit.describe() == row.limit_text
    else:
        assert isinstance(row.limit, TieredLimit)


def test_batterymarch_keeps_filed_text_and_marks_the_reading() -> None:
    (row,) = AMENDMENT.rows_for("Batterymarch Growth and Income Portfolio")
    assert row.permanent and row.term_end is None
    assert "up to assets over $1 billion up to $1.5 billion plus 0.45%" in row.limit_text  # the garble, as filed
    assert row.interpretation is not None
    assert "plus 0.50% of such assets over $1 billion up to $1.5 billion plus" in row.interpretation.reading
    assert "Amendment No. 17 to the Management Agreement" in row.interpretation.authority
    assert [(t.lower, t.upper, str(t.rate)) for t in row.limit.tiers] == [  # type: ignore[attr-defined]
        (0, 500_000_000, "0.0065"),
        (500_000_000, 1_000_000_000, "0.0055"),
        (1_000_000_000, 1_500_000_000, "0.005"),
        (1_500_000_000, 2_000_000_000, "0.0045"),
        (2_000_000_000, None, "0.004"),
    ]
    others = [r for r in AMENDMENT.rows if r is not row]
    assert all(r.interpretation is None and r.notes == () for r in others)


def test_result_carries_the_interpretation_note() -> None:
    result = xlcap.lookup("Batterymarch Growth and Income", 1.25e9, "2008-01-31")
    assert result.interpreted
    (note,) = result.notes
    assert note.startswith("Interpretation: the filed text lost a tier")
    assert "0.50% of such assets over $1 billion up to $1.5 billion" in note
    assert not xlcap.lookup("Lazard Mid-Cap", 1, "2008-01-31").notes


def test_terms_follow_section_3() -> None:
    assert "The expense limitation for the Batterymarch Growth and Income Portfolio is permanent." in AMENDMENT.term_clause
    ends = {row.portfolio: row.term_end for row in AMENDMENT.rows}
    assert ends.pop("Rainier Large Cap Equity Portfolio") == dt.date(2009, 4, 30)
    assert ends.pop("Batterymarch Growth and Income Portfolio") is None
    assert set(ends.values()) == {dt.date(2008, 4, 30)}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'rate = "0.15%"',
            'rate = "0.15"',
            "amendment-012.toml: portfolio 1 (Strategic Growth with Income Portfolio): limit cannot be read",
        ),
        ('kind = "none"', 'kind = "zero"', "limit kind 'zero' is unknown; valid kinds: flat, none, tiered."),
        (
            "to = 1_500_000_000, rate",
            "to = 1_400_000_000, rate",
            "tier 4 starts at 1,500,000,000 but tier 3 ends at 1,400,000,000",
        ),
        ('rate = "0.40%"', 'rate = "12.40%"', "tier 5 rate 12.40% is outside (0%, 10%)"),
        ("term_end = 2008-04-30\n", "", "portfolio 1 (Strategic Growth with Income Portfolio): missing field 'term_end'."),
        (
            'source_sha256 = "4537',
            'source_sha256 = "0000',
            "amendment-012.txt does not match source_sha256; the filed document was changed.",
        ),
    ],
)
def test_malformed_data_is_refused_with_file_and_field(data_dir: Path, old: str, new: str, message: str) -> None:
    _edit(data_dir / "amendment-012.toml", old, new)
    with pytest.raises(xlcap.ScheduleDataError) as info:
        load_history(data_dir)
    assert message in str(info.value)
    assert str(data_dir / "amendment-012.toml") in str(info.value)


def test_alias_to_nowhere_is_refused(data_dir: Path) -> None:
    (data_dir / "aliases.toml").write_text('[aliases]\n"Old Name" = "No Such Portfolio"\n', encoding="utf-8")
    with pytest.raises(xlcap.ScheduleDataError, match="alias 'Old Name' points to 'No Such Portfolio', which no amendment lists"):
        load_history(data_dir)
