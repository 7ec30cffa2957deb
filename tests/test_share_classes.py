"""Per-share-class limits, end to end, on a made-up amendment (not a filing) in a private data folder.

Amendment No. 13 (test), dated 2010-01-01, lists:
- Lazard Mid-Cap: Class A 0.80%, Class B 1.05% (its limits differ by class, so a class is needed);
- MFS Value: Class A tiered, 0.70% on the first $500m and 0.60% above; every other class 0.90%;
- Janus Forty: 0.75% for every class (no share_classes), so any class, or none, gets 0.75%.
Every expected figure below is worked by hand in its comment, never taken from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xlcap
from tests.conftest import DATA, add_test_amendment
from xlcap.agreements.datafiles import DATA_ENV, load_history
from xlcap.agreements.names import class_key
from xlcap.agreements.schedule import History
from xlcap.agreements.vectorised import INVALID, STATUSES, explain, lookup_arrays

TEXT = """Schedule A (test)
Lazard Mid-Cap Portfolio  Class A 0.80%
Lazard Mid-Cap Portfolio  Class B 1.05%
MFS Value Portfolio  Class A 0.70% of the first $500 million; 0.60% above
MFS Value Portfolio  all other classes 0.90%
Janus Forty Portfolio  0.75%
"""
ROWS = """[[portfolio]]
name = "Lazard Mid-Cap Portfolio"
share_classes = ["A"]
limit_text = "Class A 0.80%"
source_lines = [2, 2]
limit = { kind = "flat", rate = "0.80%" }
term_end = 2011-04-30

[[portfolio]]
name = "Lazard Mid-Cap Portfolio"
share_classes = ["B"]
limit_text = "Class B 1.05%"
source_lines = [3, 3]
limit = { kind = "flat", rate = "1.05%" }
term_end = 2011-04-30

[[portfolio]]
name = "MFS Value Portfolio"
share_classes = ["A"]
limit_text = "Class A 0.70% of the first $500 million; 0.60% above"
source_lines = [4, 4]
term_end = 2010-06-30
[portfolio.limit]
kind = "tiered"
tiers = [{ from = 0, to = 500_000_000, rate = "0.70%" }, { from = 500_000_000, rate = "0.60%" }]

[[portfolio]]
name = "MFS Value Portfolio"
limit_text = "all other classes 0.90%"
source_lines = [5, 5]
limit = { kind = "flat", rate = "0.90%" }
term_end = 2011-04-30

[[portfolio]]
name = "Janus Forty Portfolio"
limit_text = "0.75%"
source_lines = [6, 6]
limit = { kind = "flat", rate = "0.75%" }
term_end = 2011-04-30
"""
ON = "2010-01-31"


@pytest.fixture
def classes_dir(data_dir: Path) -> Path:
    add_test_amendment(data_dir, 13, "2010-01-01", TEXT, ROWS)
    return data_dir


@pytest.fixture
def history(classes_dir: Path) -> History:
    return load_history(classes_dir)


@pytest.mark.parametrize("typed", ["A", "a", "Class A", " class  a ", "CLASS A SHARES"])
def test_class_names_are_matched_loosely(typed: str) -> None:
    assert class_key(typed) == "A"
    assert class_key(" class  b ") == "B" and class_key("Institutional Class") == "INSTITUTIONAL"


def test_each_class_gets_its_own_limit(history: History) -> None:
    a = xlcap.lookup("Lazard Mid-Cap", "$250m", ON, share_class="Class A", history=history)
    b = xlcap.lookup("Lazard Mid-Cap", "$250m", ON, share_class="b", history=history)
    # Class A: 0.80% x 250,000,000 = 2,000,000.00; Class B: 1.05% x 250,000,000 = 2,625,000.00
    assert (a.share_class, a.rate, a.annual_amount, a.limit_text) == ("A", 0.008, 2_000_000.0, "Class A 0.80%")
    assert (b.share_class, b.rate, b.annual_amount, b.limit_text) == ("B", 0.0105, 2_625_000.0, "Class B 1.05%")
    # 31 days of 2010 (365 days): 2,625,000 x 31 / 365 = 222,945.205... -> 222,945.21
    assert round(b.period_amount(31) or 0, 2) == 222_945.21
    assert b.to_dict()["share_class"] == "B"


def test_a_tiered_class_and_the_row_for_every_other_class(history: History) -> None:
    # Class A at $800m: 0.70% x 500m + 0.60% x 300m = 3,500,000 + 1,800,000 = 5,300,000; blended 5.3m / 800m = 0.6625%
    a = xlcap.lookup("MFS Value", 800e6, ON, share_class="A", history=history)
    assert (a.annual_amount, round(a.rate or 0, 6)) == (5_300_000.0, 0.006625)
    # Class C is not listed, so the row for every other class applies: 0.90% x 800m = 7,200,000
    c = xlcap.lookup("MFS Value", 800e6, ON, share_class="Class C", history=history)
    assert (c.share_class, round(c.annual_amount or 0, 2)) == ("C", 7_200_000.0)
    # Class A's row ends 2010-06-30; the other classes run on to 2011-04-30.
    with pytest.raises(xlcap.TermEndedError, match="ended on 2010-06-30"):
        xlcap.lookup("MFS Value", 800e6, "2010-07-01", share_class="A", history=history)
    assert xlcap.lookup("MFS Value", 800e6, "2010-07-01", share_class="I", history=history).rate == 0.009


def test_a_class_agnostic_portfolio_answers_any_class_and_none(history: History) -> None:
    # 0.75% x 250,000,000 = 1,875,000.00, whatever the class
    for share_class in (None, "A", "Class Z"):
        result = xlcap.lookup("Janus Forty", 250e6, ON, share_class=share_class, history=history)
        assert result.annual_amount == 1_875_000.0
    assert xlcap.lookup("Janus Forty", 250e6, ON, history=history).share_class is None


@pytest.mark.parametrize(
    ("share_class", "received", "valid"),
    [
        (None, "no class", "A, B"),
        ("", "no class", "A, B"),
        ("Class C", "'Class C'", "A, B"),
    ],
)
def test_a_class_is_needed_where_limits_differ(history: History, share_class: str | None, received: str, valid: str) -> None:
    with pytest.raises(xlcap.InvalidInputError) as info:
        xlcap.lookup("Lazard Mid-Cap", 250e6, ON, share_class=share_class, history=history)
    assert str(info.value) == (
        f"Parameter 'share_class' received {received}, but 'Lazard Mid-Cap Portfolio' has limits per share class; valid: {valid}."
    )


def test_no_class_for_a_portfolio_with_a_row_for_other_classes(history: History) -> None:
    with pytest.raises(xlcap.InvalidInputError, match=r"received no class, .* valid: A \(or any other class\)\."):
        xlcap.lookup("MFS Value", 1e8, ON, history=history)


def test_vectorised_prices_each_row_by_its_class(history: History) -> None:
    frame = xlcap.lookup_many(
        ["Lazard Mid-Cap", "Lazard Mid-Cap", "Lazard Mid-Cap", "MFS Value", "MFS Value", "Janus Forty", "Lazard Mid-Cap"],
        [250e6, 250e6, 250e6, 800e6, 800e6, 250e6, 250e6],
        ON,
        share_classes=["A", "Class B", None, "a", "C", None, "Q"],
        history=history,
    )
    # the hand figures above: 2,000,000; 2,625,000; (no class); 5,300,000; 7,200,000; 1,875,000; (class Q not listed)
    assert frame["status"].tolist() == [
        "in_effect",
        "in_effect",
        "invalid_input",
        "in_effect",
        "in_effect",
        "in_effect",
        "invalid_input",
    ]
    assert frame["annual_amount"].fillna(-1).round(2).tolist() == [
        2_000_000.0,
        2_625_000.0,
        -1,
        5_300_000.0,
        7_200_000.0,
        1_875_000.0,
        -1,
    ]
    one = xlcap.lookup_many(["Lazard Mid-Cap", "Janus Forty"], 250e6, ON, share_classes="B", history=history)
    assert one["annual_amount"].tolist() == [2_625_000.0, 1_875_000.0]  # one class, broadcast
    why = explain("Lazard Mid-Cap", 250e6, ON, "Q", history=history)
    assert why is not None and "received 'Q'" in why.message and "valid: A, B" in why.message


def test_the_bundled_data_is_priced_as_before_with_or_without_a_class() -> None:
    # Met Investors lists no classes: any class gets the row's limit, 0.80% x 250m = 2,000,000
    frame = xlcap.lookup_many(["Lazard Mid-Cap"] * 2, 250e6, "2008-01-31", share_classes=[None, "Class A"])
    assert frame["annual_amount"].tolist() == [2_000_000.0, 2_000_000.0]


NAMES = ["Lazard Mid-Cap", "MFS Value", "Janus Forty", "PIMCO Total Return", "Nope"]
CLASSES = [None, "A", "class b", "B ", "C", "", "Class A", "Q", 5]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.sampled_from([1e6, 250e6, 500e6, 500_000_001.0, 800e6]),
            st.dates(min_value=dt.date(2007, 6, 1), max_value=dt.date(2011, 6, 1)),
            st.sampled_from(CLASSES),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_scalar_and_vectorised_agree_row_for_row(history: History, rows: list[tuple[Any, ...]]) -> None:
    names, amounts, dates, classes = (list(c) for c in zip(*rows, strict=True))
    found = lookup_arrays(names, amounts, dates, classes, history=history)
    for i, (name, amount, day, share_class) in enumerate(rows):
        try:
            result = xlcap.lookup(name, amount, day, share_class=share_class, history=history)
        except xlcap.XlcapError as exc:
            assert STATUSES[found.status[i]] != "in_effect", (rows[i], exc)
            if isinstance(exc, xlcap.InvalidInputError):
                assert found.status[i] == INVALID, rows[i]
            continue
        assert STATUSES[found.status[i]] == result.status, rows[i]
        if result.rate is not None:
            assert math.isclose(found.rate[i], result.rate, rel_tol=1e-12), rows[i]
            assert found.annual_amount[i] == pytest.approx(result.annual_amount, rel=1e-12), rows[i]
        else:
            assert np.isnan(found.rate[i])


def _cli(classes_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, DATA_ENV: str(classes_dir)}
    return subprocess.run([sys.executable, "-m", "xlcap", *argv], capture_output=True, text=True, env=env, timeout=60)


def test_cli_class_option(classes_dir: Path) -> None:
    proc = _cli(classes_dir, "cap", "Lazard Mid-Cap", "--assets", "$250m", "--date", ON, "--class", "Class B", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["share_class"], data["rate"], data["annual_amount"]) == ("B", 0.0105, 2_625_000.0)
    text = _cli(classes_dir, "cap", "Lazard Mid-Cap", "--assets", "$250m", "--date", ON, "--class", "a")
    assert text.returncode == 0 and text.stdout.startswith("Lazard Mid-Cap Portfolio, share class A, on 2010-01-31")
    assert "$2,000,000.00 a year" in text.stdout
    missing = _cli(classes_dir, "cap", "Lazard Mid-Cap", "--assets", "$250m", "--date", ON)
    assert missing.returncode == 2
    assert (
        "Parameter 'share_class' received no class, but 'Lazard Mid-Cap Portfolio' has limits per share class" in missing.stderr
    )


def test_data_check_accepts_per_class_rows(classes_dir: Path) -> None:
    proc = _cli(classes_dir, "data", "check", str(classes_dir))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_class_in_two_rows_is_refused_with_its_file(data_dir: Path) -> None:
    add_test_amendment(data_dir, 13, "2010-01-01", TEXT, ROWS.replace('share_classes = ["B"]', 'share_classes = ["Class A"]'))
    with pytest.raises(xlcap.ScheduleDataError, match=r"amendment-013.toml: portfolio 'Lazard Mid-Cap Portfolio': share class "):
        load_history(data_dir)


def _excel(script: str, classes_dir: Path, cases: list[list[Any]]) -> dict[str, Any]:
    env = {**os.environ, DATA_ENV: str(classes_dir)}
    path = Path(__file__).parent / script
    proc = subprocess.run([sys.executable, str(path), json.dumps(cases)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


DATE_2010_01_31 = 40209  # Excel serial: 2010-01-31 is 40,209 days after 1899-12-30
EXCEL_CASES: list[list[Any]] = [
    ["expcap", "Lazard Mid-Cap", 250e6, DATE_2010_01_31, "Class B"],  # 1.05%
    ["expcap_amount", "Lazard Mid-Cap", 250e6, DATE_2010_01_31, 31, "A"],  # 2,000,000 x 31 / 365 = 169,863.013...
    [
        "expcap",
        {"range": [["Lazard Mid-Cap"], ["Lazard Mid-Cap"], ["Janus Forty"]]},
        250e6,
        DATE_2010_01_31,
        {"range": [["A"], ["b"], [None]]},
    ],  # 0.80%, 1.05%, 0.75%
    ["expcap", "Lazard Mid-Cap", 250e6, DATE_2010_01_31],  # no class: the reason as text
    ["expcap_info", "Lazard Mid-Cap", DATE_2010_01_31, "B"],
    ["expcap_tiers", "MFS Value", DATE_2010_01_31, "Class A"],
]


def test_excel_classic_call_path(classes_dir: Path) -> None:
    rate, amount, column, missing, info, tiers = (
        c["value"] for c in _excel("classic_excel.py", classes_dir, EXCEL_CASES)["calls"]
    )
    assert rate == 0.0105
    assert round(amount, 2) == 169_863.01
    assert column == [[0.008], [0.0105], [0.0075]]
    assert missing.startswith("Parameter 'share_class' received no class, but 'Lazard Mid-Cap Portfolio'")
    assert info.startswith('In effect: 1.05% for share class B (Schedule A: "Class B 1.05%"), Amendment No. 13')
    assert tiers == [["From", "To", "Rate"], [0.0, 500_000_000.0, 0.007], [500_000_000.0, "", 0.006]]


@pytest.mark.skipif(
    not os.environ.get("XLWINGS_LICENSE_KEY") and os.environ.get("CI") != "true", reason="needs XLWINGS_LICENSE_KEY"
)
def test_excel_officejs_dispatch(classes_dir: Path) -> None:
    # Office.js hands every argument as a 2-D list and an empty cell as 0 (no class given).
    cases = [
        ["expcap", [["Lazard Mid-Cap"]], [[250e6]], [[DATE_2010_01_31]], [["Class B"]]],
        ["expcap_amount", [["Lazard Mid-Cap"]], [[250e6]], [[DATE_2010_01_31]], [[0]], [["A"]]],  # annual: 2,000,000
        ["expcap", [["Lazard Mid-Cap"], ["Janus Forty"]], [[250e6], [250e6]], [[DATE_2010_01_31]] * 2, [[0], [0]]],
    ]
    rate, amount, column = _excel("officejs_dispatch.py", classes_dir, cases)["calls"]
    assert rate == [[0.0105]]
    assert amount == [[2_000_000.0]]
    assert column == [[{"type": "Error", "errorType": "Value"}], [0.0075]]  # Lazard needs a class: #VALUE!


def test_bundled_data_has_no_per_class_rows_so_answers_stand() -> None:
    assert not any(row.share_classes for a in load_history(DATA).amendments for row in a.rows)


def test_import_diff_shows_every_class_group_replaced(classes_dir: Path, tmp_path: Path) -> None:
    """Importing a class-agnostic 0.85% over the per-class rows: the change names both class groups it replaces."""
    from types import SimpleNamespace

    from xlcap.agreements.limits import FlatLimit
    from xlcap.importing.diff import compare
    from xlcap.importing.imported import ImportedRow

    history = load_history(classes_dir)
    row = ImportedRow("Lazard Mid-Cap Portfolio", "0.85%", (2, 2), FlatLimit(Decimal("0.0085")), None)
    # compare reads only the date and the rows of what was imported
    changes = compare(SimpleNamespace(date=history.amendments[-1].date, rows=(row,)), history)  # type: ignore[arg-type]
    (limit,) = changes.limits
    assert limit[0] == "Lazard Mid-Cap Portfolio"
    assert limit[1].startswith("Class A: ") and "; Class B: " in limit[1]  # neither class's limit is hidden


def test_excel_class_cells_are_read_like_the_other_arguments(classes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad class cell answers its own row only; 0 and empty are no class; a whole number is read as its digits."""
    from xlcap.excel.functions import expcap

    monkeypatch.setenv(DATA_ENV, str(classes_dir))
    names = [["Lazard Mid-Cap"], ["Lazard Mid-Cap"], ["Janus Forty"], ["Janus Forty"]]
    cells = expcap(names, 250e6, DATE_2010_01_31, [["b"], ["#N/A"], [0], [7]], officejs=False)
    assert cells[0][0] == 0.0105 and cells[2][0] == 0.0075 and cells[3][0] == 0.0075  # Janus: every class alike
    assert cells[1][0] == (
        'Parameter \'share_class\' received the Excel error #N/A. Valid: a share class as text, e.g. "A" or "Class A"; '
        "or an empty cell where limits do not differ by class."
    )
    assert expcap("Lazard Mid-Cap", 250e6, DATE_2010_01_31, [[None]], officejs=True) == "#VALUE!"  # a class is needed


def test_schedule_portfolios_and_expcap_portfolios_name_each_class_group(classes_dir: Path) -> None:
    schedule = _cli(classes_dir, "schedule", "--as-of", ON)
    assert schedule.returncode == 0, schedule.stderr
    assert "In force on 2010-01-31: all 3 portfolios." in schedule.stdout  # five rows, three portfolios
    assert "Lazard Mid-Cap Portfolio, Class A" in schedule.stdout and "Lazard Mid-Cap Portfolio, Class B" in schedule.stdout
    listed = _cli(classes_dir, "portfolios", "--as-of", ON)
    assert listed.stdout.split("\n")[:3] == ["Lazard Mid-Cap Portfolio", "MFS Value Portfolio", "Janus Forty Portfolio"]
    assert "Amendment No. 13, dated 2010-01-01: 3 of 3 portfolios in force on 2010-01-31" in listed.stderr
    every = _cli(classes_dir, "portfolios", "--as-of", "2010-07-01", "--all")
    assert "MFS Value Portfolio, Class A\tended 2010-06-30" in every.stdout
    assert "MFS Value Portfolio\tin force through 2011-04-30" in every.stdout  # the row for every other class


def test_expcap_portfolios_lists_each_class_group(classes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlcap.excel.functions import expcap_portfolios

    monkeypatch.setenv(DATA_ENV, str(classes_dir))
    rows = expcap_portfolios(DATE_2010_01_31, officejs=False)
    assert [r[:2] for r in rows[1:3]] == [
        ["Lazard Mid-Cap Portfolio, Class A", "Class A 0.80%"],
        ["Lazard Mid-Cap Portfolio, Class B", "Class B 1.05%"],
    ]
