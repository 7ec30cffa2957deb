"""`xlcap recoupment` over the made-up Zeta agreement (tests/recoupment), figures worked out by hand.

Zeta Growth: 1.00% (Amendment 1, 2008), 1.10% from Amendment 2 (1 Jan 2011). Each year's only month on
file is December: assets 36,500,000 over 31 of 365 days -> limit 36,500,000 x 1.00% x 31/365 = 31,000.
  2009: covered 25,000 + 9,000 = 34,000 -> 3,000 waived (expires 31 Dec 2012).
  Opening balance: 500 waived in 2008 (expires 31 Dec 2011).
  2010: covered 30,000, room 1,000 -> oldest first: 500 from 2008, 500 from 2009.
  2011: limit 1.10% -> 34,100; covered 30,100. Lesser-of cap: under 2009's 1.00% the limit is 31,000,
        so 2009's room is 31,000 - 30,100 = 900 -> 900 repaid. 2009: repaid 1,400, available 1,600.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xlcap.cli import main
from xlcap.errors import EXIT_DATA, EXIT_USAGE

HERE = Path(__file__).parent / "recoupment"
ZETA = ["--data", str(HERE / "data")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ledger_json_by_fiscal_year_of_origin(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, *ZETA, "recoupment", "--as-of", "2011-12-31", "--actuals", str(HERE / "actuals"),
        "--openings", str(HERE / "openings.csv"), "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert (data["agreement"], data["computed"], data["rules"]["cap_test"]) == ("zeta", True, "lesser_of")
    assert data["rules"]["clauses"]["window"].startswith("within three (3) years of the end of the fiscal year")
    growth = data["portfolios"][0]
    assert growth["portfolio"] == "Zeta Growth Portfolio"
    assert (growth["available"], growth["repaid_this_month"], growth["repaid_year_to_date"]) == (1600.0, 900.0, 900.0)
    assert growth["by_fiscal_year"] == [
        {"fiscal_year": 2008, "waived": 500.0, "repaid": 500.0, "expired": 0.0, "available": 0.0, "expires_on": "2011-12-31"},
        {
            "fiscal_year": 2009,
            "waived": 3000.0,
            "repaid": 1400.0,
            "expired": 0.0,
            "available": 1600.0,
            "expires_on": "2012-12-31",
        },
    ]


def test_as_of_a_year_earlier_and_text_says_who_pays_whom(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *ZETA, "recoupment", "--as-of", "2010-12-31", "--actuals", str(HERE / "actuals"))
    assert code == 0
    # No openings: 2010's room of 1,000 all goes to 2009's 3,000, leaving 2,000.
    assert "Zeta Growth Portfolio: available 2,000.00; repaid to the Manager this month 1,000.00" in out


def test_bundled_agreement_says_why_nothing_is_computed() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "xlcap", "recoupment", "--as-of", "2008-04-30", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert data["computed"] is False and data["portfolios"] == []
    assert "Section 2 of the base Expense Limitation Agreement) is not on file" in data["why_not_computed"]


def test_missing_actuals_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *ZETA, "recoupment", "--as-of", "2011-12-31")
    assert code == EXIT_USAGE and "--actuals" in err


def test_every_openings_problem_at_once_with_row_and_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "openings.csv"
    bad.write_text(
        "Agreement,Portfolio,Share class,Fiscal year,Amount\n"
        "zeta,Zeta Growth Portfolio,,2008,500.005\n"
        "zeta,No Such Portfolio,,2009,10\n"
        "zeta,Zeta Income Portfolio,A,20x9,-3\n"
        "zeta,Zeta Growth Portfolio,,2010,1\n"
        "zeta,Zeta Growth Portfolio,,2010,2\n"
    )
    code, _, err = run(
        capsys, *ZETA, "recoupment", "--as-of", "2011-12-31", "--actuals", str(HERE / "actuals"), "--openings", str(bad)
    )
    assert code == EXIT_USAGE
    assert "5 problems found" in err
    assert f"{bad}, row 2, column Amount: '500.005'" in err
    assert f"{bad}, row 3, column Portfolio: 'No Such Portfolio'" in err
    assert "column Share class" not in err  # a class is a ledger of its own, not a problem
    assert f"{bad}, row 4, column Fiscal year: '20x9'" in err
    assert f"{bad}, row 4, column Amount: '-3'" in err
    assert f"{bad}, row 6: Zeta Growth Portfolio, fiscal year 2010 is also on row 5" in err


def test_a_month_in_two_actuals_files_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for f in (HERE / "actuals").iterdir():
        (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "copy.csv").write_text((HERE / "actuals" / "2010-12.csv").read_text())
    code, _, err = run(capsys, *ZETA, "recoupment", "--as-of", "2011-12-31", "--actuals", str(tmp_path))
    assert code == EXIT_USAGE and "is also in" in err and "2010-12.csv" in err


def test_a_setting_without_its_clause_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for f in (HERE / "data").iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    text = (data / "agreement.toml").read_text().replace('cap_test_clause = "the expense cap', 'cap_test_note = "the expense cap')
    (data / "agreement.toml").write_text(text.replace("window = 3\n", "window = 0\n"))
    code, _, err = run(capsys, "--data", str(data), "recoupment", "--as-of", "2011-12-31", "--actuals", str(HERE / "actuals"))
    assert code == EXIT_DATA
    assert "unknown setting 'cap_test_note'" in err
    assert "'cap_test' has no cap_test_clause" in err
    assert "'window' is 0; valid: a whole number from 1 to 120" in err


def growth_by_class(folder: Path) -> Path:
    """December 2010, Zeta Growth given per class A and B: 36,500,000 each over 31 days (limit 31,000 each);
    covered A 25,000 + 5,000 = 30,000 (room 1,000), B 25,000 + 5,600 = 30,600 (room 400)."""
    path = folder / "2010-12.csv"
    path.write_text(
        "Month,Portfolio,Share class,Average net assets,Days,Management fee,Other expenses,12b-1 fees,Interest,Taxes,"
        "Brokerage,Extraordinary expenses\n"
        "2010-12,Zeta Growth Portfolio,A,36500000,31,25000,5000,0,0,0,0,0\n"
        "2010-12,Zeta Growth Portfolio,B,36500000,31,25000,5600,0,0,0,0,0\n"
    )
    return path


def test_an_opening_balance_with_a_class_opens_that_classs_ledger(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """December 2010, Zeta Growth (1.00%) by class; each class 36,500,000 over 31 days: limit 31,000.
    Class A: covered 25,000 + 5,000 = 30,000, room 1,000; opening 300 (FY 2009) -> 300 repaid, 0 left.
    Class B: covered 25,000 + 5,600 = 30,600, room 400; opening 700 (FY 2009) -> 400 repaid, 300 left until
    December 31, 2012 (three fiscal years after 2009). The openings spell the classes "Class A" and "b"."""
    actuals = growth_by_class(tmp_path)
    openings = tmp_path / "openings.csv"
    openings.write_text(
        "Agreement,Portfolio,Share class,Fiscal year,Amount\n"
        "zeta,Zeta Growth Portfolio,Class A,2009,300\n"
        "zeta,Zeta Growth Portfolio,b,2009,700\n"
    )
    code, out, err = run(
        capsys, *ZETA, "recoupment", "--as-of", "2010-12-31", "--actuals", str(actuals), "--openings", str(openings), "--json"
    )
    assert (code, err) == (0, "")
    got = {(p["portfolio"], p["share_class"]): p for p in json.loads(out)["portfolios"]}
    assert set(got) == {("Zeta Growth Portfolio", "A"), ("Zeta Growth Portfolio", "B")}
    a, b = got["Zeta Growth Portfolio", "A"], got["Zeta Growth Portfolio", "B"]
    assert (a["repaid_this_month"], a["available"]) == (300.0, 0.0)
    assert (b["repaid_this_month"], b["available"]) == (400.0, 300.0)
    assert b["by_fiscal_year"] == [
        {"fiscal_year": 2009, "waived": 700.0, "repaid": 400.0, "expired": 0.0, "available": 300.0, "expires_on": "2012-12-31"}
    ]


def test_an_opening_from_before_the_actuals_is_capped_by_its_own_years_schedule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Found by review: years of origin began at the first year of actuals, so an older opening took today's cap.
    January 2011, Zeta Growth: Amendment 2's 1.10% on 36,500,000 over 31/365 days = 34,100; covered 25,000 + 5,100
    = 30,100. The FY 2008 opening (5,000, until December 31, 2011) is capped by 2008's 1.00% (Amendment 1):
    31,000 - 30,100 = 900 repaid (not 34,100 - 30,100 = 4,000); 4,100 left."""
    actuals = tmp_path / "2011-01.csv"
    actuals.write_text(
        "Month,Portfolio,Average net assets,Days,Management fee,Other expenses,12b-1 fees,Interest,Taxes,Brokerage,"
        "Extraordinary expenses\n2011-01,Zeta Growth Portfolio,36500000,31,25000,5100,0,0,0,0,0\n"
    )
    openings = tmp_path / "openings.csv"
    openings.write_text("Agreement,Portfolio,Share class,Fiscal year,Amount\nzeta,Zeta Growth Portfolio,,2008,5000\n")
    code, out, err = run(
        capsys, *ZETA, "recoupment", "--as-of", "2011-01-31", "--actuals", str(actuals), "--openings", str(openings), "--json"
    )
    assert (code, err) == (0, "")
    growth = json.loads(out)["portfolios"][0]
    assert (growth["repaid_this_month"], growth["available"]) == (900.0, 4100.0)


def test_an_opening_balance_no_ledger_can_take_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Found by review: openings for a class the actuals never give (or for the whole portfolio, when the actuals give
    classes) became ledgers of their own, counted as available and printed in the note table, never repayable."""
    actuals = growth_by_class(tmp_path)
    openings = tmp_path / "openings.csv"
    openings.write_text(
        "Agreement,Portfolio,Share class,Fiscal year,Amount\n"
        "zeta,Zeta Growth Portfolio,C,2009,300\n"
        "zeta,Zeta Growth Portfolio,,2009,100\n"
        "zeta,Zeta Growth Portfolio,B,2009,70\n"
    )
    code, out, err = run(
        capsys, *ZETA, "recoupment", "--as-of", "2010-12-31", "--actuals", str(actuals), "--openings", str(openings)
    )
    assert (code, out) == (EXIT_USAGE, "")
    assert "2 problems found" in err
    valid = ": it joins no ledger. Valid: one per ledger the actuals make"
    for row, who in ((2, "Zeta Growth Portfolio, Class C"), (3, "Zeta Growth Portfolio")):
        assert (
            f"the opening balance on row {row} is for {who}, but the actuals give Zeta Growth Portfolio, Class A; "
            f"Zeta Growth Portfolio, Class B{valid}" in err
        )


def test_the_minimum_assets_test_reads_the_portfolios_assets_every_class_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Found by review: the test read each class's own assets. Zeta with a minimum of 50,000,000; December 2010,
    Zeta Growth (1.00%) by class: A 36,500,000 (limit 31,000, covered 30,000, room 1,000), B 18,250,000 (limit
    15,500, covered 15,000, room 500): the portfolio holds 54,750,000, above the minimum. Openings FY 2009: A 700,
    B 300 -> each repaid in full (700 <= 1,000; 300 <= 500). Read per class, both were held back: 0 repaid."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(HERE / "data", data)
    with (data / "agreement.toml").open("a") as f:
        f.write('minimum_assets = 50000000\nminimum_assets_clause = "provided the Portfolio\'s net assets are $50 million"\n')
    actuals = tmp_path / "2010-12.csv"
    actuals.write_text(
        "Month,Portfolio,Share class,Average net assets,Days,Management fee,Other expenses,12b-1 fees,Interest,Taxes,"
        "Brokerage,Extraordinary expenses\n"
        "2010-12,Zeta Growth Portfolio,A,36500000,31,25000,5000,0,0,0,0,0\n"
        "2010-12,Zeta Growth Portfolio,B,18250000,31,12000,3000,0,0,0,0,0\n"
    )
    openings = tmp_path / "openings.csv"
    openings.write_text(
        "Agreement,Portfolio,Share class,Fiscal year,Amount\nzeta,Zeta Growth Portfolio,A,2009,700\n"
        "zeta,Zeta Growth Portfolio,B,2009,300\n"
    )
    code, out, err = run(
        capsys, "--data", str(data), "recoupment", "--as-of", "2010-12-31", "--actuals", str(actuals),
        "--openings", str(openings), "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    got = {p["share_class"]: (p["repaid_this_month"], p["available"]) for p in json.loads(out)["portfolios"]}
    assert got == {"A": (700.0, 0.0), "B": (300.0, 0.0)}


def test_an_as_of_month_without_actuals_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    # Found by review: "nothing repaid this month" with no word that the month has no actuals at all.
    code, out, err = run(capsys, *ZETA, "recoupment", "--as-of", "2011-06-30", "--actuals", str(HERE / "actuals"))
    assert code == 0 and out
    assert err == (
        "Warning: the actuals hold no month 2011-06, so nothing is repaid in it and the balances are those of the last "
        "month on file before it; add that month's actuals for its repayment.\n"
    )
    assert run(capsys, *ZETA, "recoupment", "--as-of", "2011-12-31", "--actuals", str(HERE / "actuals"))[2] == ""
