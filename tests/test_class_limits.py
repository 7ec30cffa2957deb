"""Per-class limit wordings (limit_wordings.md 7 and 8, and the forms the issue names) read per class group."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import xlcap
from tests.filed import TERM_HEADING, filed_text, flat, tiered
from xlcap.agreements.datacheck import check_folder
from xlcap.agreements.datafiles import load_history
from xlcap.cli import main
from xlcap.importing.class_limits import read_class_limits, read_class_list
from xlcap.importing.diff import compare
from xlcap.importing.imported import import_amendment
from xlcap.importing.limit_text import UnreadableLimit
from xlcap.importing.write import write_amendment

M = 10**6


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        (
            "0.80% for Class A and 1.05% for Class B",
            [(("A",), "0.80% for Class A", "0.80"), (("B",), "1.05% for Class B", "1.05")],
        ),
        ("Class A 0.80%; Class B 1.05%", [(("A",), "Class A 0.80%", "0.80"), (("B",), "Class B 1.05%", "1.05")]),
        ("Class A 0.80%, Class B 1.05%.", [(("A",), "Class A 0.80%", "0.80"), (("B",), "Class B 1.05%", "1.05")]),
        (
            "Classes A and C: 0.90%; Class B 1.05%",
            [(("A", "C"), "Classes A and C: 0.90%", "0.90"), (("B",), "Class B 1.05%", "1.05")],
        ),
        (
            # limit_wordings.md 7, with its preamble
            "would exceed an annual rate of 0.95% for Institutional Class and 1.20% for Financial Intermediary Class.",
            [
                (("Institutional",), "0.95% for Institutional Class", "0.95"),
                (("Financial Intermediary",), "1.20% for Financial Intermediary Class", "1.20"),
            ],
        ),
    ],
)
def test_flat_rates_per_class_group(text: str, groups: list[tuple[tuple[str, ...], str, str]]) -> None:
    assert [(g.classes, g.text, g.limit) for g in read_class_limits(text)] == [(c, t, flat(r)) for c, t, r in groups]


def test_a_class_may_have_its_own_breakpoints() -> None:
    a, b = read_class_limits("Class A 0.90% of the first $100 million, 0.85% over $100 million; Class B 1.05%")
    assert (a.classes, a.limit) == (("A",), tiered((0, 100 * M, "0.90"), (100 * M, None, "0.85")))
    assert (b.classes, b.limit) == (("B",), flat("1.05"))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0.80% for Class A", "it names a share class but states one limit only; a limit per class group is expected"),
        ("Class A 0.80%; Class a 1.05%", "it states a limit for class a twice"),
        (
            "0.80% for Class A plus 1.05% for Class B",
            "the share classes 'Class A plus 1.05% for Class B' are not a list of class names such as \"A, C\"",
        ),
        ("Class A 0.80%; Class B", "the part 'Class B' is not a class followed by its limit (\"Class A 0.80%\")"),
        ("Class A 0.80%; Class B 12.5%", "the rate 12.50% is outside (0%, 10%)"),
        (
            "up to $5 million 0.80% for Class A and 1.05% for Class B",
            "the text before the first class's rate is not read: 'up to $5 million'",
        ),
        ("Class A shares are limited", "it states no rate"),
        (
            "Limits per class: see the prospectus",
            'it names a share class, but no "<rate> for Class <name>" or "Class <name> <rate>" in it',
        ),
    ],
)
def test_what_does_not_read_cleanly_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(UnreadableLimit) as info:
        read_class_limits(text)
    assert info.value.reason == reason


def test_class_lists() -> None:
    assert read_class_list("L, R, S, I") == ("L", "R", "S", "I")
    assert read_class_list("Class A and Class C shares") == ("A", "C")
    with pytest.raises(UnreadableLimit):
        read_class_list("")


ROWS = [
    ("Tarn Portfolio", "0.80% for Class A and 1.05% for Class B"),
    ("Birch Portfolio", "Class A 0.70%; Class B 0.95%"),
    ("Cedar Portfolio", "0.75%"),
]
SECTIONS = [TERM_HEADING, "This Agreement shall continue in effect until April 30, 2011 with respect to all of the Portfolios."]


def _filing(folder: Path, number: int, date: str, rows: list[tuple[str, str]]) -> Path:
    path = folder / f"amendment-{number:03d}.txt"
    path.write_text(filed_text(number, date, SECTIONS, rows), encoding="utf-8")
    return path


def test_inline_per_class_wordings_import_write_and_price(tmp_path: Path, data_dir: Path) -> None:
    imported = import_amendment(_filing(tmp_path, 23, "May 1, 2010", ROWS))
    assert imported.problems == ()
    assert [(r.portfolio, r.share_classes, r.limit_text) for r in imported.rows] == [
        ("Tarn Portfolio", ("A",), "0.80% for Class A"),
        ("Tarn Portfolio", ("B",), "1.05% for Class B"),
        ("Birch Portfolio", ("A",), "Class A 0.70%"),
        ("Birch Portfolio", ("B",), "Class B 0.95%"),
        ("Cedar Portfolio", None, "0.75%"),
    ]
    write_amendment(imported, data_dir, load_history(data_dir))
    assert check_folder(data_dir).problems == ()
    history = load_history(data_dir)
    # Tarn: 0.80% x $200m = $1,600,000 (A), 1.05% x $200m = $2,100,000 (B); Cedar: 0.75% x $200m = $1,500,000, any class
    frame = xlcap.lookup_many(
        ["Tarn", "Tarn", "Cedar", "Cedar"], 200 * M, "2010-05-03", share_classes=["Class A", "b", None, "Q"], history=history
    )
    assert frame["annual_amount"].round(2).tolist() == [1_600_000.0, 2_100_000.0, 1_500_000.0, 1_500_000.0]


def test_the_diff_keys_rows_by_portfolio_and_class(tmp_path: Path, data_dir: Path) -> None:
    write_amendment(import_amendment(_filing(tmp_path, 23, "May 1, 2010", ROWS)), data_dir, load_history(data_dir))
    later = [("Tarn Portfolio", "0.80% for Class A and 1.10% for Class B"), *ROWS[1:]]
    (tmp_path / "next").mkdir()
    changes = compare(import_amendment(_filing(tmp_path / "next", 24, "May 1, 2011", later)), load_history(data_dir))
    assert changes.limits == (("Tarn Portfolio", "Class A: 0.80%; Class B: 1.05%", "Class A: 0.80%; Class B: 1.10%"),)
    assert changes.added == () and changes.removed == ()


def test_import_json_and_text_name_the_classes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _filing(tmp_path, 23, "May 1, 2010", ROWS)
    assert main(["import", str(path), "--json"]) == 0
    portfolios = json.loads(capsys.readouterr().out)["portfolios"]
    assert [p.get("share_classes") for p in portfolios] == [["A"], ["B"], ["A"], ["B"], None]
    assert portfolios[1]["limit"] == {"kind": "flat", "rate": float(Decimal("0.0105"))}
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Schedule A: 3 portfolios" in out and "Tarn Portfolio, Class B" in out


def test_a_term_interpretation_gives_every_class_group_its_term(tmp_path: Path, data_dir: Path) -> None:
    """The term clause leaves Tarn out; one recorded interpretation settles Tarn's term for both its class rows."""
    sections = [TERM_HEADING, "This Agreement shall continue in effect until April 30, 2011 with respect to the Birch Portfolio."]
    path = tmp_path / "amendment-023.txt"
    path.write_text(filed_text(23, "May 1, 2010", sections, ROWS[:2]), encoding="utf-8")
    assert [(p.portfolio, p.kind) for p in import_amendment(path).problems] == [("Tarn Portfolio", "term")]
    entries = tmp_path / "interpretations.toml"
    entries.write_text(
        '[[interpretation]]\nportfolio = "Tarn Portfolio"\nreading = "until April 30, 2011, as Birch"\n'
        'note = "Tarn was left out of section 3 by mistake."\nauthority = "Letter from the Trust"\nterm_end = 2011-04-30\n',
        encoding="utf-8",
    )
    imported = import_amendment(path, entries)
    assert [(r.share_classes, r.term_end) for r in imported.rows if r.portfolio == "Tarn Portfolio"] == [
        (("A",), dt.date(2011, 4, 30)),
        (("B",), dt.date(2011, 4, 30)),
    ]
    write_amendment(imported, data_dir, load_history(data_dir))
    tarn_b = xlcap.lookup("Tarn", 1e8, "2011-04-30", share_class="B", history=load_history(data_dir))
    assert (tarn_b.term_end, tarn_b.annual_amount, tarn_b.notes != ()) == (dt.date(2011, 4, 30), 1_050_000.0, True)
