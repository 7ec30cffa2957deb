"""What makes the workbook a control document: settings recorded, interpretations shown, sign-off,
provenance, ILLUSTRATIVE on every sheet, protected manager workbooks, one vocabulary everywhere."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import openpyxl
import pytest

from tests.libreoffice import SOFFICE, convert
from tests.workbooks import HAND, SAMPLE, build
from xlcap.cli import main
from xlcap.mail.message import body_lines, summarise_workbook
from xlcap.report.words import WORDS

needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true", reason="LibreOffice not installed (CI installs it)"
)
BATTERYMARCH = "Batterymarch Growth and Income Portfolio"
RECIPIENTS = """
[[manager]]
name = "Batterymarch"
portfolios = ["Batterymarch Growth and Income"]
emails = ["ops@batterymarch.example.com"]

[[manager]]
name = "Lazard"
portfolios = ["Lazard Mid-Cap"]
emails = ["caps@lazard.example.com"]
"""


def _report(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str, actuals: Path = HAND) -> tuple[int, Path, str]:
    recipients = tmp_path / "recipients.toml"
    recipients.write_text(RECIPIENTS, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["report", "--month", "2008-01", "--actuals", str(actuals), "--recipients", str(recipients),
                 "--out", str(out), *extra])  # fmt: skip
    return code, out, capsys.readouterr().err


def _notes(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["Notes"]
    return {str(r[0]): str(r[1]) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}


def _below(ws: object) -> dict[str, object]:
    """Column A label -> column B value, for the blocks below the Summary's table."""
    return {str(r[0]): r[1] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}  # type: ignore[attr-defined]


# --- Settings: near limit by share, the tolerance; recorded where the figures are -----------------


def test_near_and_tolerance_are_recorded_in_the_manifest_workbook_and_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _report(tmp_path, capsys, "--near", "99.7%", "--tolerance", "2.50")
    assert (code, err) == (0, "")
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["inputs"]["near_share"], manifest["inputs"]["tolerance"]) == (0.997, 2.5)
    trust = out / "expense-caps-2008-01-trust.xlsx"
    book = openpyxl.load_workbook(trust)
    assert (book.defined_names["NearShare"].attr_text, book.defined_names["ReconTolerance"].attr_text) == ("0.997", "2.5")
    notes = _notes(trust)
    assert notes["Near limit"].startswith("Within the limit, with expenses subject to the limit at 99.7% or more of it")
    assert "$2.50 or less (the tolerance)" in notes["Reconciliation"]
    # Janus: 105,500.00 against 105,874.32 is 99.65% of its limit: near at 95%, within at 99.7%
    summary = openpyxl.load_workbook(trust, data_only=True)["Summary"]
    statuses = {r[0]: r[8] for r in summary.iter_rows(min_row=5, max_row=8, values_only=True)}
    assert statuses["Janus Forty Portfolio"] == "Within limit"


@pytest.mark.parametrize("near", ["0", "101%", "ninety", "-5"])
def test_a_near_share_that_is_not_a_share_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], near: str
) -> None:
    code, out, err = _report(tmp_path, capsys, "--near", near)
    assert code == 2
    assert f"Parameter 'near' received {near!r}, which is not a share of the limit. Valid: a percentage above 0" in err
    assert not out.exists() or not any(out.glob("*.xlsx"))


@needs_libreoffice
def test_libreoffice_reaches_near_limit_and_waiver_reversed(tmp_path: Path) -> None:
    built = [build(tmp_path / "jan.xlsx", "2008-01"), build(tmp_path / "feb.xlsx", "2008-02")]
    jan, feb = (openpyxl.load_workbook(p, data_only=True)["Summary"] for p in convert(built, tmp_path / "lo"))
    assert jan["A6"].value == "Janus Forty Portfolio" and jan["I6"].value == "Near limit"  # 99.65% of its limit
    # February gives back 8,469.95 of January's waiver: labelled a reversal, not "Capped" or "Within limit"
    assert (feb["A5"].value, feb["G5"].value, feb["I5"].value) == ("Lazard Mid-Cap Portfolio", -8_469.95, "Waiver reversed")
    # Year to date, annualised: asset-years 250,000,000 x (31 + 29) / 366 = 15,000,000,000 / 366. Before waiver:
    # 330,000.00 x 366 / 15,000,000,000 = 0.008052; after: (330,000.00 - 2,131.14) x 366 / 15,000,000,000
    # = 120,000,002.76 / 15,000,000,000 = 0.0080000002 (the limit, but for the cent rounding of the limits)
    header = [c.value for c in feb[4]]
    ytd_gross, ytd_net = (feb.cell(5, header.index(WORDS[w]) + 1).value for w in ("ytd_gross", "ytd_net"))
    assert ytd_gross == pytest.approx(0.008052, rel=1e-12)
    assert ytd_net == pytest.approx(120_000_002.76 / 15_000_000_000, rel=1e-12)


# --- Interpretation: marked on Summary, the literal reading's figure beside it, and in the mail ---

# Under the reading applied: 0.65% x 500M + 0.55% x 500M + 0.50% x 250M = 7,250,000 a year; January 614,071.04;
# waiver 680,000.00 - 614,071.04 = 65,928.96. Read literally (0.55% on $500M to $1.5B): 0.65% x 500M + 0.55% x 750M
# = 7,375,000 a year; x 31 / 366 = 228,625,000 / 366 = 624,658.469 -> 624,658.47; waiver 680,000.00 - 624,658.47
# = 55,341.53. The interpretation is worth 65,928.96 - 55,341.53 = 10,587.43 this month (and year to date).
APPLIED, LITERAL, DIFFERENCE = 65_928.96, 55_341.53, 10_587.43


@needs_libreoffice
def test_summary_marks_the_interpretation_and_shows_the_literal_figure(tmp_path: Path) -> None:
    built = build(tmp_path / "jan.xlsx", "2008-01")
    (again,) = convert([built], tmp_path / "lo")
    for path in (built, again):
        book = openpyxl.load_workbook(path, data_only=True)
        summary = book["Summary"]
        header = [c.value for c in summary[4]]
        assert summary["A5"].value == BATTERYMARCH and summary.cell(5, header.index("Note") + 1).value == "Interpretation †"
        assert summary.cell(6, header.index("Note") + 1).value in (None, "")  # Janus: none
        sheet, ref = next(iter(book.defined_names["Interpretations"].destinations))
        head, row = [[c.value for c in r] for r in book[sheet][ref.replace("$", "")]]
        got = dict(zip(head, row, strict=True))
        assert got["Portfolio †"] == BATTERYMARCH
        assert (got["Waiver (month), reading applied"], got["Waiver (month), literal reading"]) == (APPLIED, LITERAL)
        assert (got["Difference (month)"], got["Difference (YTD)"]) == (DIFFERENCE, DIFFERENCE)


def test_the_mail_says_the_figure_rests_on_an_interpretation(tmp_path: Path) -> None:
    book = build(tmp_path / "bm.xlsx", "2008-01", manager="Batterymarch", portfolios={BATTERYMARCH})
    body = "\n".join(body_lines(summarise_workbook(book), book.name))
    assert (
        f"Interpretation: the figures for {BATTERYMARCH} rest on xlcap's reading of a garbled Schedule A text (marked † on "
        "the Summary sheet). Read literally, the filed text gives a waiver / reimbursement this month of $55,341.53 instead "
        "of $65,928.96 (a difference of $10,587.43)."
    ) in body
    assert body.splitlines()[2].startswith("To Batterymarch: ")
    assert "Met Investors Advisory LLC" in body


# --- Sign-off, provenance, illustrative, protection, confidentiality ------------------------------


def test_signoff_block_and_provenance_from_the_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _report(tmp_path, capsys)
    assert (code, err) == (0, "")
    inputs = json.loads((out / "manifest.json").read_text())["inputs"]
    actuals_sha = hashlib.sha256(HAND.read_bytes()).hexdigest()
    assert inputs["actuals"]["sha256"] == actuals_sha
    for name in ("trust", "lazard"):
        book = openpyxl.load_workbook(out / f"expense-caps-2008-01-{name}.xlsx")
        below = _below(book["Summary"])
        assert {"Prepared by", "Reviewed by", "Version (Draft or Final)"} <= set(below)
        assert below["Version (Draft or Final)"] == "Draft"
        assert below["Actuals file"] == f"hand.csv (SHA-256 {actuals_sha})"
        assert below["Agreement data"] == f"Amendment No. 12, dated 2007-11-01; data SHA-256 {inputs['schedule']['sha256']}"
        assert below["Figures as of"] == "January 31, 2008 (month end)"
        assert str(below["Made by"]).startswith(f"xlcap {inputs['xlcap']}, ")
        validation = book["Summary"].data_validations.dataValidation
        assert any(v.formula1 == '"Draft,Final"' for v in validation)
        for ws in book.worksheets:  # every printed page says where its figures came from
            assert f"hand.csv sha256 {actuals_sha[:12]} | data {inputs['schedule']['sha256'][:12]}" in ws.oddFooter.left.text


def test_manager_workbooks_are_protected_and_confidential_the_trusts_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _report(tmp_path, capsys)
    assert code == 0
    lazard = openpyxl.load_workbook(out / "expense-caps-2008-01-lazard.xlsx")
    for ws in lazard.worksheets:
        assert ws.protection.sheet and not ws.protection.password  # opens and reads without a password; edits blocked
        assert ws.protection.autoFilter is False  # False: filtering stays allowed
        assert ws.oddFooter.left.text.startswith("Confidential: prepared for Lazard; not for further distribution")
    trust = openpyxl.load_workbook(out / "expense-caps-2008-01-trust.xlsx")
    assert not any(ws.protection.sheet for ws in trust.worksheets)
    assert trust["Summary"]["B" + str(_row_of(trust["Summary"], "Prepared by"))].protection.locked is False  # to type in


def _row_of(ws: object, label: str) -> int:
    return next(r[0].row for r in ws.iter_rows(min_row=5) if r[0].value == label)  # type: ignore[attr-defined]


def test_sample_built_workbooks_say_illustrative_on_every_sheet(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(build(tmp_path / "sample.xlsx", "2008-04", actuals=SAMPLE))
    for ws in book.worksheets:
        assert "ILLUSTRATIVE" in ws.oddHeader.center.text, ws.title
        assert str(ws["A1"].value).startswith("ILLUSTRATIVE: "), ws.title
    real = openpyxl.load_workbook(build(tmp_path / "real.xlsx", "2008-01"))
    assert not any("ILLUSTRATIVE" in (ws.oddHeader.center.text or "") for ws in real.worksheets)


# --- One vocabulary, one column order, print titles where they belong ------------------------------


def test_words_of_the_trade_and_one_waiver_order_on_every_sheet(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(build(tmp_path / "jan.xlsx", "2008-01"))
    for sheet in ("Summary", "Year to date"):
        header = [c.value for c in book[sheet][4]]
        for word in (WORDS["covered"], WORDS["gross"], WORDS["net"], WORDS["waiver"], WORDS["ytd_waiver"], WORDS["headroom"]):
            assert word in header, (sheet, word)
        assert not {"Covered expenses", "Headroom", "Gross ratio", "Net ratio", "Capped"} & set(header)
        order = [header.index(w) for w in (WORDS["gross"], WORDS["waiver"], WORDS["net"], WORDS["ytd_waiver"], WORDS["headroom"])]
        assert order == sorted(order), sheet  # the month's waiver, then the year to date's, in the same order everywhere
    assert book["Summary"].print_title_rows == "$4:$4"
    assert book["Schedule"].print_title_rows is None  # a repeated Schedule A header would print over the tier table


# --- The term of each limit, where the preparer reads it ----------------------------------------


def _terms(path: Path) -> dict[str, tuple[object, ...]]:
    ws = openpyxl.load_workbook(path, data_only=True)["Summary"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Terms of the limitation")) + 2
    out = {}
    for r in rows[start:]:
        if not r[0]:
            break
        assert r[5] is None  # the clause runs on into an empty cell, never cut off by a neighbour
        out[str(r[0])] = r[1:5]
    return out


@needs_libreoffice
def test_term_tracker_with_days_left_and_a_recorded_continuance(data_dir: Path, tmp_path: Path) -> None:
    from xlcap.agreements.datafiles import load_history

    (jan,) = convert([build(tmp_path / "jan.xlsx", "2008-01")], tmp_path / "lo")
    terms = _terms(jan)
    # Lazard: term ends April 30, 2008; from January 31: 29 (Feb) + 31 (Mar) + 30 (Apr) = 90 days
    assert terms["Lazard Mid-Cap Portfolio"][1:] == (90, "None", "Amendment No. 12, section 3")  # the term clause: agreement.toml
    assert terms[BATTERYMARCH][:2] == ("Permanent", None)
    events = data_dir / "events.toml"
    events.write_text(events.read_text(encoding="utf-8").replace("continuance = []", """[[continuance]]
portfolio = "Lazard Mid-Cap Portfolio"
approved = 2008-02-20
new_end = 2009-04-30
reference = "Board minutes, February 20, 2008, item 7"
"""), encoding="utf-8")  # fmt: skip
    feb = build(tmp_path / "feb.xlsx", "2008-02", history=load_history(data_dir))
    (again,) = convert([feb], tmp_path / "lo2")
    end, days, continued, basis = _terms(again)["Lazard Mid-Cap Portfolio"]
    # from February 29, 2008 to April 30, 2009: 306 days to December 31, 2008, then 31 + 28 + 31 + 30 = 120: 426
    assert (str(end)[:10], days, continued) == ("2009-04-30", 426, "Yes")
    assert "continuance approved 2008-02-20" in str(basis)
