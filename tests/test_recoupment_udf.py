"""EXPCAP_RECOUPABLE through udfs.py (xlwings' own decorators), over the made-up Zeta agreement.

Figures from tests/test_recoupment_cli.py's hand computation, with the 2008 opening balance of 500.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from xlwings import XlwingsError

import udfs
from tests.test_recoupment_cli import growth_by_class

HERE = Path(__file__).parent / "recoupment"


@pytest.fixture
def zeta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLCAP_DATA", str(HERE / "data"))
    monkeypatch.setenv("XLCAP_ACTUALS", str(HERE / "actuals"))
    monkeypatch.setenv("XLCAP_OPENINGS", str(HERE / "openings.csv"))


@pytest.mark.usefixtures("zeta")
def test_available_balance_per_date_and_a_range_of_names() -> None:
    # 31 Dec 2010: 3,000 + 500 waived, 1,000 repaid -> 2,500. 31 Dec 2011: 900 more repaid -> 1,600.
    assert udfs.expcap_recoupable("Zeta Growth", "2010-12-31") == 2500.0
    assert udfs.expcap_recoupable("Zeta Growth Portfolio", "2011-12-31") == 1600.0
    got = udfs.expcap_recoupable([["Zeta Growth"], ["Zeta Income"]], "2011-12-31")
    assert [list(r) for r in got] == [[1600.0], [0.0]]


def test_not_configured_says_which_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLCAP_DATA", str(HERE / "data"))
    monkeypatch.delenv("XLCAP_ACTUALS", raising=False)
    text = udfs.expcap_recoupable("Zeta Growth", "2011-12-31")
    assert isinstance(text, str) and "XLCAP_ACTUALS is not set" in text and "\n" not in text
    monkeypatch.setenv("XLWINGS_ON_SERVER", "true")
    with pytest.raises(XlwingsError, match="XLCAP_ACTUALS is not set"):
        udfs.expcap_recoupable("Zeta Growth", "2011-12-31")


def test_bundled_agreement_answers_why_no_balance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XLCAP_DATA", raising=False)
    monkeypatch.delenv("XLCAP_ACTUALS", raising=False)
    text = udfs.expcap_recoupable("Lazard Mid-Cap", "2008-03-31")
    assert isinstance(text, str) and "recoupment clause" in text and "not on file" in text


def test_recorded_approvals_apply_without_an_argument(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # approval_required, 400 approved on 2010-06-30: 31 Dec 2010 room 1,000 -> 400 repaid: 3,500 - 400 = 3,100.
    data = tmp_path / "data"
    shutil.copytree(HERE / "data", data)
    with (data / "agreement.toml").open("a") as f:
        f.write('approval_required = true\napproval_required_clause = "with the approval of the Board"\n')
    (data / "events.toml").write_text(
        '[[approval]]\nportfolio = "Zeta Growth"\napproved = 2010-06-30\namount = 400\nreference = "m"\n'
    )
    monkeypatch.setenv("XLCAP_DATA", str(data))
    monkeypatch.setenv("XLCAP_ACTUALS", str(HERE / "actuals"))
    monkeypatch.setenv("XLCAP_OPENINGS", str(HERE / "openings.csv"))
    assert udfs.expcap_recoupable("Zeta Growth", "2010-12-31") == 3100.0


def test_a_portfolio_kept_per_class_answers_the_sum_of_its_classes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Found by review: a portfolio with per-class ledgers answered 0.0. The case of tests/test_recoupment_cli.py's
    per-class opening balances: Class A 0 left, Class B 300 left -> 300.00 for the portfolio."""
    (tmp_path / "openings.csv").write_text(
        "Agreement,Portfolio,Share class,Fiscal year,Amount\nzeta,Zeta Growth Portfolio,A,2009,300\n"
        "zeta,Zeta Growth Portfolio,B,2009,700\n"
    )
    monkeypatch.setenv("XLCAP_DATA", str(HERE / "data"))
    monkeypatch.setenv("XLCAP_ACTUALS", str(growth_by_class(tmp_path)))
    monkeypatch.setenv("XLCAP_OPENINGS", str(tmp_path / "openings.csv"))
    assert udfs.expcap_recoupable("Zeta Growth", "2010-12-31") == 300.0
