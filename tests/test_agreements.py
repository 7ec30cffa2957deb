"""A data folder holding two agreements side by side: the bundled Met Investors one and a made-up second.

tests/agreements/acme is another trust's agreement (Acme Funds Trust, managed by Acme Advisers LLC),
with its own amendment numbers from 1, a per-class row and a 60-day termination notice:
- Amendment No. 1, January 1, 2008 (term to 2008-12-31): Acme Growth 0.75%; Acme Income Class A
  0.60%, Class B 0.85%; Lazard Mid-Cap 0.90% (a name the Met Investors Trust also uses).
- Amendment No. 2, July 1, 2008 (term to 2009-06-30): Acme Growth 0.70%; Acme Income Class A 0.60%,
  Class B 0.80%; Lazard Mid-Cap 0.90%.
- events.toml: notice for Acme Growth on 2008-09-01; 60 days later is 2008-10-31 (29 days left in
  September + 31 in October), its last day in force.
Every expected figure is worked by hand in its comment; the Met Investors answers come from
tests/answers/cap_cases.csv, written by hand from Amendment No. 12.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xlcap
from tests.conftest import DATA, read_answers
from tests.filed import TERM_HEADING, filed_text
from tests.libreoffice import SOFFICE, convert
from xlcap.agreements.datafiles import DATA_ENV, default_agreements, load_agreements
from xlcap.agreements.vectorised import explain
from xlcap.cli import main
from xlcap.errors import InvalidInputError, NoScheduleError, ScheduleDataError, TermEndedError, UnknownPortfolioError
from xlcap.excel import functions as ef
from xlcap.report.words import WORDS

ACME = Path(__file__).parent / "agreements" / "acme"
M = 10**6
BOTH = "acme (Acme Funds Trust), met-investors (Met Investors Series Trust)"


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's data folder: one subfolder per agreement, in use through XLCAP_DATA."""
    folder = tmp_path / "agreements"
    shutil.copytree(DATA, folder / "met-investors")
    shutil.copytree(ACME, folder / "acme")
    monkeypatch.setenv(DATA_ENV, str(folder))
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- the first trust's answers are unchanged -------------------------------------------------------------

ANSWERS = [c for c in read_answers("cap_cases.csv") if c["status"] in ("in_effect", "no_limit")]


@pytest.mark.parametrize("chosen", ["met-investors", "Met Investors Series Trust", "met investors"])
def test_met_investors_answers_stand_beside_a_second_agreement(two: Path, chosen: str) -> None:
    for case in ANSWERS:
        result = xlcap.lookup(case["typed"], case["assets"], case["date"], agreement=chosen)
        assert (result.portfolio, result.status, result.amendment, result.agreement) == (
            case["portfolio"], case["status"], 12, "met-investors",
        )  # fmt: skip
        if case["rate"]:
            assert result.rate == pytest.approx(float(case["rate"]), rel=1e-12)
            assert round(result.annual_amount or 0, 2) == round(float(case["annual_amount"]), 2)
    frame = xlcap.lookup_many(
        [c["typed"] for c in ANSWERS], [float(c["assets"]) for c in ANSWERS], [c["date"] for c in ANSWERS], agreements=chosen
    )
    assert frame["portfolio"].tolist() == [c["portfolio"] for c in ANSWERS]
    assert frame["status"].tolist() == [c["status"] for c in ANSWERS]
    expected = [float(c["annual_amount"]) if c["annual_amount"] else np.nan for c in ANSWERS]
    np.testing.assert_allclose(frame["annual_amount"], expected, rtol=1e-12)


def test_a_name_only_the_first_trust_uses_needs_no_agreement(two: Path) -> None:
    # Janus Forty is Met Investors' alone: 1.25% x $100m = $1,250,000 (Amendment No. 12, line 136)
    result = xlcap.lookup("Janus Forty", "$100m", "2008-01-31")
    assert (result.agreement, result.amendment, result.annual_amount) == ("met-investors", 12, 1_250_000.0)


# --- the second agreement: its own numbers, classes and notice ------------------------------------------


@pytest.mark.parametrize(
    ("on", "amendment", "annual"),
    [
        ("2008-01-01", 1, 750_000.0),  # No. 1 from its date: 0.75% x $100m
        ("2008-06-30", 1, 750_000.0),  # the day before No. 2
        ("2008-07-01", 2, 700_000.0),  # No. 2 from its date: 0.70% x $100m
        ("2008-10-31", 2, 700_000.0),  # the last day after the 60-day notice of 2008-09-01
    ],
)
def test_acme_amendments_by_date(two: Path, on: str, amendment: int, annual: float) -> None:
    result = xlcap.lookup("Acme Growth", "$100m", on)
    assert (result.agreement, result.amendment, result.annual_amount) == ("acme", amendment, annual)


def test_the_60_day_notice_ends_the_term(two: Path) -> None:
    assert xlcap.lookup("Acme Growth", "$100m", "2008-10-31").term_end == dt.date(2008, 10, 31)
    with pytest.raises(TermEndedError, match=r"ended on 2008-10-31 \(termination noticed 2008-09-01") as caught:
        xlcap.lookup("Acme Growth", "$100m", "2008-11-01")
    assert caught.value.message.endswith(f"record it in events.toml of agreement 'acme' ({two / 'acme'}).")
    # Met Investors' notice stays 90 days: its agreement's own terms
    assert {h.id: h.terms.notice_days for h in default_agreements()} == {"acme": 60, "met-investors": 90}


def test_before_acme_s_first_amendment_there_is_no_schedule(two: Path) -> None:
    with pytest.raises(NoScheduleError, match=re.escape("(Amendment No. 1, dated 2008-01-01)")):
        xlcap.lookup("Acme Growth", "$100m", "2007-12-31")


@pytest.mark.parametrize(
    ("share_class", "on", "annual"),
    [
        ("A", "2008-03-31", 1_200_000.0),  # 0.60% x $200m, No. 1
        ("Class B", "2008-03-31", 1_700_000.0),  # 0.85% x $200m, No. 1
        ("a", "2008-08-15", 1_200_000.0),  # 0.60% x $200m, No. 2
        ("b", "2008-08-15", 1_600_000.0),  # 0.80% x $200m, No. 2
    ],
)
def test_acme_income_per_class(two: Path, share_class: str, on: str, annual: float) -> None:
    result = xlcap.lookup("Acme Income", 200 * M, on, share_class=share_class)
    assert (result.agreement, round(result.annual_amount or 0, 2)) == ("acme", annual)


def test_acme_income_needs_a_class(two: Path) -> None:
    with pytest.raises(InvalidInputError, match="'Acme Income Portfolio' has limits per share class; valid: A, B"):
        xlcap.lookup("Acme Income", 200 * M, "2008-08-15")


def test_amendments_are_keyed_by_agreement_and_number(two: Path) -> None:
    acme, met = default_agreements().get("acme"), default_agreements().get("met-investors")
    assert [a.number for a in acme.amendments] == [1, 2]
    assert met.amendment(1) is None and acme.amendment(12) is None
    assert (met.amendment(12).trust, acme.amendment(1).trust) == ("Met Investors Series Trust", "Acme Funds Trust")  # type: ignore[union-attr]
    assert (acme.trust, acme.terms.manager) == ("Acme Funds Trust", "Acme Advisers LLC")
    agreements = xlcap.default_agreements()
    assert agreements.amendment("acme", 1).date == dt.date(2008, 1, 1)  # type: ignore[union-attr]
    assert agreements.amendment("Met Investors Series Trust", 12).date == dt.date(2007, 11, 1)  # type: ignore[union-attr]
    assert agreements.amendment("met-investors", 1) is None


# --- name matching per agreement ------------------------------------------------------------------------


def test_a_name_in_both_agreements_needs_the_agreement(two: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        xlcap.lookup("Lazard Mid-Cap", "$250m", "2008-01-31")
    assert f"a name in 2 agreements: {BOTH}" in caught.value.message
    assert "--agreement ID" in caught.value.message
    # Met: 0.80% x $250m = $2,000,000; for 31 days of 2008, 2,000,000 x 31 / 366 = 169,398.907... = $169,398.91
    met = xlcap.lookup("Lazard Mid-Cap", "$250m", "2008-01-31", agreement="met-investors")
    assert (met.annual_amount, round(met.period_amount(31) or 0, 2)) == (2_000_000.0, 169_398.91)
    # Acme: 0.90% x $50m = $450,000, chosen by its trust's name typed loosely
    acme = xlcap.lookup("Lazard Mid-Cap", "$50m", "2008-08-01", agreement="acme funds")
    assert (acme.agreement, acme.amendment, round(acme.annual_amount or 0, 2)) == ("acme", 2, 450_000.0)


def test_aliases_and_unknown_names_are_per_agreement(two: Path) -> None:
    assert xlcap.lookup("Acme Growth Fund", "$100m", "2008-03-31").portfolio == "Acme Growth Portfolio"
    with pytest.raises(UnknownPortfolioError, match="not a portfolio of any agreement on file") as caught:
        xlcap.lookup("Acme Grwth", "$100m", "2008-03-31")
    assert "Acme Growth Portfolio" in caught.value.suggestions
    # The Met alias does not reach the Acme agreement when Acme is chosen
    with pytest.raises(UnknownPortfolioError):
        xlcap.lookup("Strategic Growth and Income", "$100m", "2008-03-31", agreement="acme")


def test_an_unknown_agreement_names_the_valid_ones(two: Path) -> None:
    with pytest.raises(
        InvalidInputError, match=re.escape(f"received 'Zenith', which is not an agreement in the data folder. Valid: {BOTH}.")
    ):
        xlcap.lookup("Acme Growth", "$100m", "2008-03-31", agreement="Zenith")


def test_lookup_many_across_agreements_agrees_with_lookup_row_for_row(two: Path) -> None:
    rows: list[tuple[Any, ...]] = [
        ("Acme Growth", 100 * M, "2008-03-31", None, None),  # 750,000 (acme No. 1)
        ("Acme Income", 200 * M, "2008-08-15", "B", None),  # 1,600,000 (acme No. 2, Class B)
        ("Lazard Mid-Cap", 250 * M, "2008-01-31", None, "met-investors"),  # 2,000,000 (met No. 12)
        ("Lazard Mid-Cap", 50 * M, "2008-08-01", None, "acme"),  # 450,000 (acme No. 2)
        ("Lazard Mid-Cap", 250 * M, "2008-01-31", None, None),  # ambiguous: invalid input
        ("Janus Forty", 100 * M, "2008-01-31", None, None),  # 1.25% x 100m = 1,250,000 (met No. 12)
        ("Acme Growth", 100 * M, "2008-11-01", None, None),  # term ended (60-day notice)
        ("Nowhere", 100 * M, "2008-01-31", None, None),  # unknown
        ("Acme Growth", 100 * M, "2008-03-31", None, "Zenith"),  # unknown agreement: invalid input
    ]
    names, assets, dates, classes, chosen = (list(c) for c in zip(*rows, strict=True))
    frame = xlcap.lookup_many(names, assets, dates, share_classes=classes, agreements=chosen)
    assert frame["status"].tolist() == [
        "in_effect", "in_effect", "in_effect", "in_effect", "invalid_input", "in_effect", "term_ended",
        "unknown_portfolio", "invalid_input",
    ]  # fmt: skip
    assert frame["annual_amount"].round(2).fillna(-1).tolist() == [
        750_000.0,
        1_600_000.0,
        2_000_000.0,
        450_000.0,
        -1,
        1_250_000.0,
        -1,
        -1,
        -1,
    ]
    assert frame["amendment"].tolist() == [1, 2, 12, 2, 0, 12, 2, 0, 0]
    assert frame["agreement"].astype(object).where(frame["agreement"].notna(), None).tolist() == [
        "acme", "acme", "met-investors", "acme", None, "met-investors", "acme", None, None,
    ]  # fmt: skip
    for i, (name, amount, on, klass, agreement) in enumerate(rows):
        why = explain(name, amount, on, klass, agreement)
        assert (why is None) == (frame["status"][i] == "in_effect"), i
    ambiguous = explain("Lazard Mid-Cap", 250 * M, "2008-01-31")
    assert ambiguous is not None and BOTH in ambiguous.message


def test_one_agreement_for_every_row(two: Path) -> None:
    # met: Lazard 0.80% x $250m = 2,000,000; Janus Forty 1.25% x $250m = 3,125,000
    frame = xlcap.lookup_many(["Lazard Mid-Cap", "Janus Forty"], 250 * M, "2008-01-31", agreements="met-investors")
    assert frame["annual_amount"].tolist() == [2_000_000.0, 3_125_000.0]
    assert frame["agreement"].tolist() == ["met-investors", "met-investors"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["Acme Growth", "acme income", "Lazard Mid-Cap", "Janus Forty", "Acme Grwth", "", "Acme Growth Fund"]
            ),
            st.sampled_from([100e6, 0.0, -5.0, "$250m"]),
            st.sampled_from(["2007-12-31", "2008-01-31", "2008-07-01", "2008-10-31", "2008-11-01", "not a date"]),
            st.sampled_from([None, "A", "b", "Z", ""]),
            st.sampled_from([None, "acme", "Met Investors Series Trust", "met", "Zenith", "trust", ""]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_damaged_rows_across_agreements_answer_as_lookup_does(two: Path, rows: list[tuple[Any, ...]]) -> None:
    """Unknown, ambiguous and misspelt agreements, bad classes, amounts and dates: each row answers as the scalar
    lookup does, or with the status of the error it raises; never another agreement's figure."""
    names, assets, dates, classes, chosen = (list(c) for c in zip(*rows, strict=True))
    frame = xlcap.lookup_many(names, assets, dates, share_classes=classes, agreements=chosen)
    for i, (name, amount, on, klass, agreement) in enumerate(rows):
        try:
            result = xlcap.lookup(name, amount, on, share_class=klass, agreement=agreement)
        except xlcap.XlcapError as exc:
            assert frame["status"][i] == exc.code, (rows[i], exc.message)
            assert "valid" in exc.message.lower() or exc.code in ("term_ended", "no_schedule", "unknown_portfolio")
            continue
        assert (frame["status"][i], frame["agreement"][i], frame["amendment"][i]) == (
            result.status, result.agreement, result.amendment,
        ), rows[i]  # fmt: skip
        assert frame["annual_amount"][i] == pytest.approx(result.annual_amount, rel=1e-12, nan_ok=True), rows[i]


# --- the data folder -------------------------------------------------------------------------------------


def test_a_folder_of_amendments_stays_one_agreement() -> None:
    bundled = load_agreements(DATA)
    assert [(h.id, h.trust) for h in bundled] == [("met-investors", "Met Investors Series Trust")]


def test_amendments_beside_agreement_subfolders_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ACME, tmp_path / "data" / "acme")
    message = f"{tmp_path / 'data'}: holds amendment-*.toml files and agreement subfolders (acme)"
    with pytest.raises(ScheduleDataError, match=re.escape(message)):
        load_agreements(tmp_path / "data")
    code, out, _ = run(capsys, "data", "check", str(tmp_path / "data"))
    assert code == 3 and message in out


def test_an_agreement_without_an_id_takes_its_folder_name(tmp_path: Path) -> None:
    shutil.copytree(ACME, tmp_path / "acme-funds")
    text = (tmp_path / "acme-funds" / "agreement.toml").read_text(encoding="utf-8")
    (tmp_path / "acme-funds" / "agreement.toml").write_text(text.replace('id = "acme"\n', ""), encoding="utf-8")
    assert [h.id for h in load_agreements(tmp_path)] == ["acme-funds"]


def test_two_agreements_with_one_id_are_refused(two: Path) -> None:
    text = (two / "acme" / "agreement.toml").read_text(encoding="utf-8")
    (two / "acme" / "agreement.toml").write_text(text.replace('id = "acme"', 'id = "Met Investors"'), encoding="utf-8")
    used_twice = r"Agreement id 'met-investors' \(Met Investors Series Trust\) is empty or used twice"
    with pytest.raises(ScheduleDataError, match=used_twice):
        load_agreements(two)


def test_data_check_refuses_two_agreements_with_one_id(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (two / "acme" / "agreement.toml").read_text(encoding="utf-8")
    (two / "acme" / "agreement.toml").write_text(text.replace('id = "acme"', 'id = "met-investors"'), encoding="utf-8")
    code, out, _ = run(capsys, "data", "check")
    assert code == 3
    assert "Agreement id 'met-investors' (Met Investors Series Trust) is empty or used twice" in out


def test_data_check_checks_every_agreement(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "data", "check")
    # 1 + 2 amendments; 43 Met rows + 4 Acme rows in each of No. 1 and No. 2 (Acme Income is two rows)
    assert (code, out.strip()) == (
        0,
        f"{two}: 2 agreements (acme, met-investors), 3 amendments, 51 Schedule A rows; no problems.",
    )
    text = (two / "acme" / "agreement.toml").read_text(encoding="utf-8")
    (two / "acme" / "agreement.toml").write_text(text.replace("notice_days = 60", "notice_days = 0"), encoding="utf-8")
    code, out, _ = run(capsys, "data", "check")
    assert code == 3
    assert f"{two / 'acme' / 'agreement.toml'}: field 'notice_days' is 0" in out


# --- the command line ------------------------------------------------------------------------------------


def test_cli_cap_chooses_the_agreement(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "cap", "Lazard Mid-Cap", "--assets", "$50m", "--date", "2008-08-01", "--agreement", "acme", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert (data["agreement"], data["amendment"], round(data["annual_amount"], 2)) == ("acme", 2, 450_000.0)
    code, _, err = run(capsys, "cap", "Lazard Mid-Cap", "--assets", "$50m", "--date", "2008-08-01")
    assert code == 2 and BOTH in err


def test_cli_schedule_and_portfolios_need_the_agreement_in_a_folder_of_several(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("schedule", "portfolios"):
        code, _, err = run(capsys, command, "--as-of", "2008-08-01")
        assert (
            code == 2 and f"Parameter 'agreement' is missing, and the data folder holds 2 agreements. Valid: one of {BOTH}" in err
        )
    code, out, err = run(capsys, "portfolios", "--as-of", "2008-08-01", "--agreement", "acme", "--all")
    assert code == 0
    assert out.splitlines() == [
        "Acme Growth Portfolio\tin force through 2008-10-31",
        "Acme Income Portfolio, Class A\tin force through 2009-06-30",
        "Acme Income Portfolio, Class B\tin force through 2009-06-30",
        "Lazard Mid-Cap Portfolio\tin force through 2009-06-30",
    ]


# --- Excel functions -------------------------------------------------------------------------------------


def test_excel_functions_take_the_agreement_last(two: Path) -> None:
    on = dt.date(2008, 1, 31)
    assert ef.expcap("Lazard Mid-Cap", 250e6, on, None, "met-investors", officejs=False) == 0.008
    ambiguous = ef.expcap("Lazard Mid-Cap", 250e6, on, officejs=False)
    assert isinstance(ambiguous, str) and BOTH in ambiguous
    assert ef.expcap("Lazard Mid-Cap", 250e6, on, officejs=True) == "#VALUE!"
    # a range, one agreement per row: 0.80% (met), 0.90% (acme, No. 1 on 2008-01-31), 0.60% (Acme Income A)
    column = ef.expcap([["Lazard Mid-Cap"], ["Lazard Mid-Cap"], ["Acme Income"]], 250e6, on,
                       [[None], [None], ["A"]], [["met-investors"], ["acme"], [None]], officejs=False)  # fmt: skip
    assert column.tolist() == [[0.008], [0.009], [0.006]]
    # 0.75% x $100m x 31 / 366 = 23,250,000 / 366 = 63,524.590... = $63,524.59 (Acme Growth, No. 1)
    assert round(ef.expcap_amount("Acme Growth", 100e6, on, 31, None, "Acme Funds Trust", officejs=False), 2) == 63_524.59
    assert ef.expcap_info("Acme Income", on, "B", "acme").startswith(
        'In effect: 0.85% for share class B (Schedule A: "Class B 0.85%"), Amendment No. 1'
    )
    assert ef.expcap_tiers("Lazard Mid-Cap", on, None, "acme") == [["From", "To", "Rate"], [0.0, "", 0.009]]
    table = ef.expcap_portfolios(on, "acme")
    assert [r[0] for r in table] == ["Portfolio", "Acme Growth Portfolio", "Acme Income Portfolio, Class A",
                                     "Acme Income Portfolio, Class B", "Lazard Mid-Cap Portfolio"]  # fmt: skip
    with pytest.raises(InvalidInputError, match="Parameter 'agreement' is missing"):
        ef.expcap_portfolios(on)
    with pytest.raises(InvalidInputError, match="Parameter 'agreement' received 2008"):
        ef.expcap("Acme Growth", 100e6, on, None, 2008.0, officejs=False)


def test_excel_classic_call_path_with_an_agreement(two: Path) -> None:
    """Through xlwings' own classic code (tests/classic_excel.py): the agreement is the last argument."""
    serial = 39478  # 2008-01-31 is 39,478 days after 1899-12-30
    cases = [
        ["expcap", "Lazard Mid-Cap", 250e6, serial, None, "met-investors"],  # 0.80%
        ["expcap_amount", "Lazard Mid-Cap", 50e6, serial, 31, None, "acme"],  # 0.90% x 50m x 31/366 = 38,114.754...
        ["expcap", "Lazard Mid-Cap", 250e6, serial],  # ambiguous: the reason as text
    ]
    env = {**os.environ, DATA_ENV: str(two)}
    script = Path(__file__).parent / "classic_excel.py"
    proc = subprocess.run([sys.executable, str(script), json.dumps(cases)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rate, amount, ambiguous = (c["value"] for c in json.loads(proc.stdout)["calls"])
    assert rate == 0.008
    assert round(amount, 2) == 38_114.75
    assert BOTH in ambiguous


# --- import ----------------------------------------------------------------------------------------------

ACME_3 = [
    ("Acme Growth Portfolio", "0.70%"),
    ("Acme Income Portfolio", "Class A 0.55%; Class B 0.80%"),
    ("Lazard Mid-Cap Portfolio", "0.90%"),
]


def _acme_filing(tmp_path: Path, number: int, date: str, rows: list[tuple[str, str]], trust: str = "Acme Funds Trust") -> Path:
    path = tmp_path / f"filed-{number}.txt"
    term = "This Agreement shall continue in effect until June 30, 2010 with respect to all of the Portfolios."
    path.write_text(filed_text(number, date, [TERM_HEADING, term], rows, ("Acme Advisers LLC", trust)), encoding="utf-8")
    return path


def test_import_writes_into_the_agreement_its_trust_names(two: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    met_before = sorted(p.name for p in (two / "met-investors").iterdir())
    filing = _acme_filing(tmp_path, 3, "January 1, 2009", ACME_3)
    code, out, err = run(capsys, "import", str(filing), "--write")
    assert code == 0, err
    assert "Class A: 0.60%" in out and "0.55%" in out  # the changes are against Acme's No. 2, not Met's No. 12
    assert (two / "acme" / "amendment-003.toml").exists()
    assert sorted(p.name for p in (two / "met-investors").iterdir()) == met_before
    # 0.55% x $200m = $1,100,000 from 2009-01-01 (Class A)
    result = xlcap.lookup("Acme Income", 200 * M, "2009-01-02", share_class="A")
    assert (result.amendment, result.annual_amount) == (3, 1_100_000.0)


def test_an_amendment_number_may_repeat_across_agreements(two: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filing = _acme_filing(tmp_path, 12, "January 1, 2009", ACME_3)  # Met's No. 12 is on file too
    code, _, err = run(capsys, "import", str(filing), "--write", "--agreement", "acme")
    assert code == 0, err
    assert xlcap.lookup("Acme Growth", 100 * M, "2009-01-02").amendment == 12
    assert xlcap.lookup("Janus Forty", 100 * M, "2008-01-31").amendment == 12  # Met's own, unchanged: 1.25% x 100m
    assert xlcap.lookup("Janus Forty", 100 * M, "2008-01-31").annual_amount == 1_250_000.0


def test_met_investors_import_goes_to_its_own_agreement(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The filed Amendment No. 12 names Met Investors Series Trust: it is compared with, and refused by, Met's folder
    (No. 12 is on file there), not Acme's, which has no No. 12."""
    filed = str(DATA / "amendment-012.txt")
    interpretations = str(Path(__file__).parent / "amendments" / "amendment-012-interpretations.toml")
    code, out, err = run(capsys, "import", filed, "--interpretations", interpretations, "--write")
    assert code == 4
    assert (
        err == "Not written: Amendment No. 12, dated 2007-11-01 is already on file; xlcap never replaces an amendment on file.\n"
    )
    assert out.rstrip().endswith("Changes against Amendment No. 12, dated 2007-11-01, the schedule in force on 2007-11-01: none.")


def test_import_of_a_trust_no_agreement_is_with_is_refused(two: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filing = _acme_filing(tmp_path, 1, "January 1, 2009", ACME_3, trust="Zenith Trust")
    code, _, err = run(capsys, "import", str(filing), "--write")
    assert code == 2
    assert "The amendment names the trust 'Zenith Trust', which no agreements" in err and "--agreement ID" in err
    assert sorted(p.name for p in (two / "acme").glob("amendment-*")) == [
        "amendment-001.toml", "amendment-001.txt", "amendment-002.toml", "amendment-002.txt",
    ]  # fmt: skip


# --- the report: one agreement at a time -------------------------------------------------------------------

ACME_ACTUALS = """Month,Portfolio,Average net assets,Days,Management fee,Other expenses
2008-08,Acme Growth Portfolio,100000000,31,60000.00,6000.00
2008-08,Lazard Mid-Cap Portfolio,50000000,31,30000.00,5000.00
"""
ACME_RECIPIENTS = """[[manager]]
name = "Acme Advisers"
portfolios = ["Acme Growth", "Lazard Mid-Cap"]
emails = ["caps@acme.example.com"]
"""


def _summary(path: Path) -> dict[str, dict[str, object]]:
    """The Summary's table of portfolios and its totals: from the header row to the first empty row."""
    ws = openpyxl.load_workbook(path, data_only=True)["Summary"]
    header_row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Portfolio")
    header = [c.value for c in ws[header_row]]
    table = {}
    for r in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if not r[0]:
            break
        table[str(r[0])] = dict(zip(header, r, strict=True))
    return table


def test_report_needs_the_agreement_in_a_folder_of_several(two: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "--month", "2008-01", "--out", str(tmp_path / "out"))
    assert code == 2 and f"Parameter 'agreement' is missing, and the data folder holds 2 agreements. Valid: one of {BOTH}" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(SOFFICE is None and os.environ.get("CI") != "true", reason="LibreOffice not installed (CI installs it)")
def test_acme_report_recalculated_in_libreoffice(two: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "acme.csv").write_text(ACME_ACTUALS, encoding="utf-8")
    (tmp_path / "acme.toml").write_text(ACME_RECIPIENTS, encoding="utf-8")
    code, out, err = run(
        capsys, "report", "--month", "2008-08", "--agreement", "acme", "--actuals", str(tmp_path / "acme.csv"),
        "--recipients", str(tmp_path / "acme.toml"), "--out", str(tmp_path / "out"), "--method", "monthly",
    )  # fmt: skip
    assert code == 0, err
    assert "Acme Income Portfolio" in out  # in force, no actuals: named, not priced
    (trust,) = convert([tmp_path / "out" / "expense-caps-2008-08-trust.xlsx"], tmp_path / "lo")
    summary = _summary(trust)
    growth, lazard = summary["Acme Growth Portfolio"], summary["Lazard Mid-Cap Portfolio"]
    # Acme Growth, Amendment No. 2: 0.70% x $100m = $700,000 a year; x 31/366 = 21,700,000/366 = 59,289.617... = $59,289.62;
    # covered 60,000 + 6,000 = 66,000; waiver 66,000 - 59,289.62 = $6,710.38
    assert (growth["Limit $ (month)"], growth[WORDS["covered"]], growth[WORDS["waiver"]]) == (59_289.62, 66_000.0, 6_710.38)
    # Lazard Mid-Cap (Acme's, not Met's 0.80%): 0.90% x $50m = $450,000; x 31/366 = 13,950,000/366 = 38,114.754... = $38,114.75;
    # covered 35,000 is under it: no waiver
    assert (lazard["Limit $ (month)"], lazard[WORDS["covered"]], lazard[WORDS["waiver"]]) == (38_114.75, 35_000.0, 0)


def test_send_finds_the_agreement_its_workbooks_were_made_for(
    two: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "acme.csv").write_text(ACME_ACTUALS, encoding="utf-8")
    (tmp_path / "acme.toml").write_text(ACME_RECIPIENTS, encoding="utf-8")
    out = str(tmp_path / "out")
    code, _, err = run(capsys, "report", "--month", "2008-08", "--agreement", "acme", "--actuals", str(tmp_path / "acme.csv"),
                       "--recipients", str(tmp_path / "acme.toml"), "--out", out)  # fmt: skip
    assert code == 0, err
    # "Lazard Mid-Cap" in the recipients is in both agreements; the workbooks' portfolios name Acme's alone
    code, stdout, err = run(
        capsys, "send", "--month", "2008-08", "--out", out, "--recipients", str(tmp_path / "acme.toml"), "--dry-run"
    )
    assert code == 0, err
    assert "Written for review: Acme Advisers -> caps@acme.example.com" in stdout


def test_lite_embeds_every_agreement(two: Path, tmp_path: Path) -> None:
    import zipfile

    from xlcap.excel import lite as lite

    names = [name for name, _ in lite.package_files()]
    assert {"data/acme/amendment-002.toml", "data/met-investors/amendment-012.txt"} <= set(names)
    zipfile.ZipFile(io.BytesIO(lite._zip(lite.PACKAGE_DIR))).extractall(tmp_path / "lite")
    assert [h.id for h in load_agreements(tmp_path / "lite" / "xlcap" / "data")] == ["acme", "met-investors"]


def test_met_investors_report_is_the_same_from_a_folder_of_several(
    two: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1204536600")  # both runs stamped with one generation time
    code, _, err = run(capsys, "report", "--month", "2008-01", "--agreement", "met-investors", "--out", str(tmp_path / "two"))
    assert code == 0, err
    monkeypatch.delenv(DATA_ENV)
    code, _, err = run(capsys, "report", "--month", "2008-01", "--out", str(tmp_path / "bundled"))
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "bundled").glob("*.xlsx"))
    assert names == sorted(p.name for p in (tmp_path / "two").glob("*.xlsx")) and len(names) > 1
    for name in names:
        assert _summary(tmp_path / "two" / name) == _summary(tmp_path / "bundled" / name), name
