"""The cap-versus-actual workbook a manager opens: live formulas with their results stored.

Sheets: Summary (the month), Year to date (every month of the fiscal year: where the numbers
are computed), Actuals (the inputs as received), Schedule (Schedule A in force, tier table
included), Chart, Notes. Every derived number is a formula that Excel and LibreOffice both
compute (SUMPRODUCT, INDEX/MATCH, IF, ROUND, MAX, DATE), written with the value xlcap computed
(xlcap/report/compute.py follows the same steps), so previews and data-only readers show numbers and a
person can audit each figure from the contract's tier table. No add-in or UDF is needed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from xlcap.agreements.names import class_label
from xlcap.report import reconcile as reconcile
from xlcap.report.actuals import COLUMN_TITLES, EXPENSES
from xlcap.report.compute import METHODS, CapReport, schedule_key
from xlcap.report.recoupment_book import RecoupmentBook
from xlcap.report.status import NEAR_LIMIT, STATES, near_meaning
from xlcap.report.steps import class_group
from xlcap.report.styles import add_named_styles
from xlcap.report.words import WORDS
from xlcap.report.workbook_chart import chart_title, write_chart
from xlcap.report.workbook_recoupment import SHEET, summary_block, write_recoupment
from xlcap.report.workbook_sheets import FIRST, Sheets, WorkbookContext, cell, wrapped_height
from xlcap.report.workbook_summary import write_summary
from xlcap.report.workbook_ytd import actuals_columns, write_ytd

__all__ = ["WorkbookContext", "write_workbook"]


# --- Actuals: the inputs, as received ----------------------------------------------------------


def _write_actuals(sheets: Sheets, ws: Worksheet) -> None:
    fmt, report = sheets.fmt, sheets.report
    classes = report.has_classes
    headers = ["Portfolio", *(["Class"] if classes else []), "Month", "Days", "Average net assets",
               *(COLUMN_TITLES[e] for e in EXPENSES), "Total expenses", "Excluded expenses", COLUMN_TITLES["waiver_booked"],
               "Source row"]  # fmt: skip
    widths = [40, *([9] if classes else []), 10, 6, 19, *([15] * len(EXPENSES)), 17, 17, 17, 8]
    sheets.header_row(ws, FIRST - 1, headers, widths)
    at = actuals_columns(classes)
    first_expense, last_expense = at[EXPENSES[0]], at[EXPENSES[-1]]
    for i, rec in enumerate(report.rows):
        r = FIRST + i
        ws.write_string(r, 0, rec.portfolio, fmt["text"])
        if classes:
            ws.write_string(r, at["share_class"], rec.share_class or "", fmt["text"])
        ws.write_datetime(r, at["month"], dt.datetime.combine(rec.month_end, dt.time()), fmt["month"])
        ws.write_number(r, at["days"], rec.days, fmt["integer"])
        ws.write_number(r, at["assets"], rec.average_net_assets, fmt["money0"])
        for j, expense in enumerate(EXPENSES):
            ws.write_number(r, first_expense + j, getattr(rec, expense), fmt["money"])
        total = sum(getattr(rec, e) for e in EXPENSES)
        excluded = sum(getattr(rec, e) for e in EXPENSES[2:])
        ws.write_formula(r, last_expense + 1, f"=SUM({cell(r, first_expense)}:{cell(r, last_expense)})", fmt["money"], total)
        ws.write_formula(
            r, last_expense + 2, f"=SUM({cell(r, first_expense + 2)}:{cell(r, last_expense)})", fmt["money"], excluded
        )
        if rec.waiver_booked is None:  # no figure in the file: blank, never 0
            ws.write_blank(r, last_expense + 3, None, fmt["money"])
        else:
            ws.write_number(r, last_expense + 3, rec.waiver_booked, fmt["money"])
        ws.write_number(r, last_expense + 4, rec.source_row, fmt["integer"])
    last = FIRST + max(len(report.rows), 1) - 1
    ws.autofilter(FIRST - 1, 0, last, len(headers) - 1)


# --- Schedule: Schedule A in force, and the tier table the formulas read ------------------------


SCHEDULE_WIDTHS = [10, 40, 16, 16, 60, 40]
KEY_COL = 6  # hidden: amendment|portfolio, what the formulas match on


def _write_schedule(sheets: Sheets, ws: Worksheet) -> dict[str, int]:
    """Schedule A rows and tiers, with the names the formulas use; returns each key's position in SchedKey."""
    report, fmt, wb = sheets.report, sheets.fmt, sheets.workbook
    headers = ["Amendment", "Portfolio", "Kind", "Term end", "Limit (Schedule A, as filed)", "Notes"]
    sheets.header_row(ws, FIRST - 1, headers, SCHEDULE_WIDTHS, repeat=False)  # a repeated title would print over the tier table
    ws.write_string(FIRST - 1, KEY_COL, "Key", fmt["header"])
    ws.set_column(KEY_COL, KEY_COL, 30, None, {"hidden": True})
    positions: dict[str, int] = {}
    r = FIRST
    for amendment, row in report.schedule:
        key = schedule_key(amendment.number, row.portfolio, class_group(row))
        positions[key] = r - FIRST + 1
        note = "Interpretation: see below" if row.interpretation else ("New portfolio" if row.new_portfolio else "")
        if row.share_classes is not None:  # a row of some classes: its own key and tiers
            classes = f"Class{'es' * (len(row.share_classes) > 1)} {', '.join(sorted(row.share_classes))}"
            note = f"{classes}. {note}" if note else classes
        ws.write_number(r, 0, amendment.number, fmt["integer"])
        ws.write_string(r, 1, row.portfolio, fmt["text"])
        ws.write_string(r, 2, row.limit.label, fmt["text"])
        if row.term_end is None:
            ws.write_string(r, 3, "Permanent", fmt["text"])
        else:
            ws.write_datetime(r, 3, dt.datetime.combine(row.term_end, dt.time()), fmt["date"])
        ws.write_string(r, 4, row.limit_text, fmt["wrap"])
        ws.write_string(r, 5, note, fmt["wrap"])
        ws.write_string(r, KEY_COL, key, fmt["text"])
        if len(row.limit_text) > SCHEDULE_WIDTHS[4]:
            ws.set_row(r, wrapped_height(row.limit_text, SCHEDULE_WIDTHS[4]))  # before the next row: rows stream out
        r += 1
    last_sched = max(r - 1, FIRST)
    for name, col in (("SchedKey", KEY_COL), ("SchedPortfolio", 1), ("SchedKind", 2), ("SchedTermEnd", 3)):
        wb.define_name(name, f"=Schedule!{cell(FIRST, col, True)}:{cell(last_sched, col, True)}")

    r = last_sched + 3
    ws.write_string(r - 1, 0, "Tier table: each rate applies to the slice of average net assets from From up to To.", fmt["bold"])
    for col, header in enumerate(["Amendment", "Portfolio", "From", "To", "Rate"]):
        ws.write_string(r, col, header, fmt["header"])
    ws.write_string(r, KEY_COL, "Key", fmt["header"])
    first_tier = r + 1
    r = first_tier
    for tier in report.tiers:
        ws.write_number(r, 0, tier.amendment, fmt["integer"])
        ws.write_string(r, 1, class_label(tier.portfolio, tier.classes), fmt["text"])
        ws.write_number(r, 2, tier.lower, fmt["money0"])
        ws.write_number(r, 3, tier.upper, fmt["tier_to"])
        ws.write_number(r, 4, tier.rate, fmt["rate"])
        ws.write_string(r, KEY_COL, tier.key, fmt["text"])
        r += 1
    last_tier = max(r - 1, first_tier)
    for name, col in (("TierKey", KEY_COL), ("TierFrom", 2), ("TierTo", 3), ("TierRate", 4)):
        wb.define_name(name, f"=Schedule!{cell(first_tier, col, True)}:{cell(last_tier, col, True)}")

    r = last_tier + 2
    for _, row in report.schedule:
        if row.interpretation is None:
            continue
        i = row.interpretation
        for label, text in (
            (f"Interpretation: {row.portfolio}", i.note),
            ("Filed text", row.limit_text),
            ("Reading applied", i.reading),
            ("Authority", i.authority),
            *([("Literal reading", i.literal_reading + " Its figures: Summary, below the totals.")] if i.literal_reading else []),
        ):
            ws.set_row(r, wrapped_height(text, SCHEDULE_WIDTHS[4]))
            ws.write_string(r, 1, label, fmt["bold_top"])
            ws.write_string(r, 4, text, fmt["wrap"])
            r += 1
        r += 1
    return positions


def _write_notes(sheets: Sheets, ws: Worksheet) -> None:
    report, context, fmt = sheets.report, sheets.context, sheets.fmt
    amendments = sorted({(a.number, a.date, a.title) for a, _ in report.schedule})
    notes: list[tuple[str, str]] = [
        ("Month", report.month.strftime("%B %Y")),
        ("Portfolios", context.audience),
        ("Method", METHODS[report.method]),
        ("Day count", "Actual days in the period over the days in the calendar (= fiscal) year: 365, or 366 in a leap year."),
        (
            WORDS["covered"],
            "Management fee plus other expenses. Excluded, as the agreement provides: 12b-1 fees, interest, "
            "taxes, brokerage commissions and extraordinary expenses.",
        ),
        (
            "Limit $",
            "Each tier's rate on its slice of average net assets (Schedule sheet, tier table), times days in the "
            "period over days in the year, rounded to the cent.",
        ),
        ("Rounding", "Money is rounded to the cent where each reported amount is made (ROUND(x, 2)); ratios are not rounded."),
        (
            WORDS["gross"],
            f"{WORDS['covered']} over average net assets, annualised (days in the year over days in the "
            "period). Excludes 12b-1 fees, so it is not the prospectus expense ratio.",
        ),
        (WORDS["net"], f"The same after this month's waiver / reimbursement by {sheets.obligor}."),
        (
            WORDS["gross_12b1"],
            f"{WORDS['covered']} plus 12b-1 fees, over average net assets, annualised, before any waiver: ties each "
            "portfolio or share class to the prospectus fee table. 12b-1 fees stay outside the limit.",
        ),
        *(
            [
                (
                    "Share classes",
                    "Each class is priced at its own Schedule A row (a row naming no class prices every class) "
                    "and runs its own year to date; the Schedule's tier table holds each class group under its own key."
                    + "".join(" " + line for line in report.class_notes()),
                )
            ]
            if report.has_classes
            else []
        ),
        (
            "Near limit",
            near_meaning(report.near_share)
            + (" Setting: xlcap report --near." if report.method == "fytd" else " For this method: the month."),
        ),
        *((s.word, s.meaning) for s in STATES if s.word != NEAR_LIMIT),
        ("Reconciliation", reconcile.describe(report.tolerance) + " Setting: xlcap report --tolerance."),
        (
            "Year to date",
            " ".join(report.ytd_notes(most_names=20))
            or f"From January {report.month.year} for every portfolio: the fiscal year is the calendar year.",
        ),
        *((label, line) for label, line in zip(["Not in this workbook"], context.absent[:1], strict=False)),
        *(("", line) for line in context.absent[1:]),  # one row each: a list of 40 reads down, not across
        ("Schedule version", "; ".join(f"Amendment No. {n}, dated {d.isoformat()}" for n, d, _ in amendments) or "none on file"),
        ("Data source", context.source + (" (ILLUSTRATIVE sample figures, not the Trust's)" if context.illustrative else "")),
        ("Generated", f"{context.generated_at:%Y-%m-%d %H:%M:%S} by xlcap"),
        *(context.provenance.lines(report.month.end_time.date(), context.generated_at) if context.provenance else []),
        *([("Confidential", context.confidential + ".")] if context.for_manager else []),
    ]
    for _, row in report.schedule:
        if row.interpretation is not None:
            notes.append(("Interpretation", f"{row.portfolio}. {row.interpretation.note} Reading applied: "
                          f'"{row.interpretation.reading}" ({row.interpretation.authority}).'))  # fmt: skip
    ws.set_column(0, 0, 36)  # "Operating expenses subject to the limit"
    ws.set_column(1, 1, 100)
    r = FIRST - 1
    if context.absent:  # the mail names them too, read through this name
        first = FIRST - 1 + next(i for i, (label, _) in enumerate(notes) if label == "Not in this workbook")
        sheets.workbook.define_name(
            "NotInWorkbook", f"=Notes!{cell(first, 1, True)}:{cell(first + len(context.absent) - 1, 1, True)}"
        )
    for label, text in notes:
        ws.set_row(r, wrapped_height(text, 100))
        ws.write_string(r, 0, label, fmt["bold_top"])
        ws.write_string(r, 1, text, fmt["wrap"])
        r += 1


def write_workbook(report: CapReport, path: Path, context: WorkbookContext, recoupment: RecoupmentBook | None = None) -> Path:
    """Write one cap-versus-actual workbook to `path` (the caller makes it atomic).

    With `recoupment` (the ledger as of the month end), a Recoupment sheet and the repayment beside the waiver on
    the Summary (xlcap/report/workbook_recoupment.py); where the clause is not recorded, both say why.
    """
    # constant_memory: rows go to disk as they are finished, so a 1,000-portfolio complex stays small;
    # it asks that each sheet be written top to bottom, which every _write_* function does.
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties({
        "title": f"Expense limits versus actual expenses, {report.month.strftime('%B %Y')}",
        "subject": context.audience,
        "author": "xlcap",
        "company": context.trust,
        "created": context.generated_at,
    })  # fmt: skip
    workbook.set_calc_mode("auto")
    sheets = Sheets(workbook, report, context)
    month = report.month.strftime("%B %Y")
    who = "" if context.manager is None else f" ({context.manager})"
    schedule_line = "; ".join(sorted({f"Amendment No. {a.number}, dated {a.date.isoformat()}" for a, _ in report.schedule}))
    subtitle = f"{METHODS[report.method].split(':')[0]}. Schedule A: {schedule_line or 'none on file'}. US dollars."
    summary = sheets.sheet("Summary", f"{context.trust}: expense limits versus actual expenses, {month}{who}", subtitle)
    workbook.define_name("ReportTitle", "=Summary!$A$1")  # the mail's title line
    workbook.define_name("Method", f'="{report.method}"')  # the mail words "near the limit" for the method
    ytd = sheets.sheet("Year to date", f"Year to date, {report.month.year}: month by month{who}", subtitle)
    if late := report.ytd_notes():  # on the sheets a reader opens first, not only in Notes: a partial year is not a year
        for ws in (summary, ytd):
            ws.write_string(2, 0, " ".join(late), sheets.fmt["caution"])
        workbook.define_name("YearToDateNote", "=Summary!$A$3")  # the mail says it too
    actuals = sheets.sheet("Actuals", f"Actuals as received{who}", f"From {context.source}.")
    schedule = sheets.sheet(
        "Schedule", "Schedule A in force", f"Expense limitation agreement between {sheets.obligor} and {context.trust}."
    )
    chart = sheets.sheet("Chart", chart_title(month) + who, "Portfolios with a limit in force; the value axis starts at 0.")
    recoup = None
    if recoupment is not None:
        as_of = f"As of {report.month.end_time.date():%B %-d, %Y}. US dollars."
        recoup = sheets.sheet(SHEET, f"Recoupment: amounts the portfolio may repay the Manager{who}", as_of)
    notes = sheets.sheet("Notes", f"Notes: how these figures were made{who}", "", landscape=False)
    workbook.define_name("Obligor", '="' + sheets.obligor.replace('"', '""') + '"')  # the mail names who waives
    positions = _write_schedule(sheets, schedule)
    _write_actuals(sheets, actuals)
    where = write_ytd(sheets, ytd, positions)
    mine = None if context.manager is None else {rec.portfolio for rec in report.rows}
    block = None if recoupment is None else summary_block(recoupment, where, mine)
    summary_rows = write_summary(sheets, summary, where, block)
    write_chart(sheets, chart, summary_rows)
    if recoup is not None and recoupment is not None:
        write_recoupment(sheets, recoup, recoupment, where, mine)
    _write_notes(sheets, notes)
    summary.activate()
    workbook.close()
    add_named_styles(path, sheets.fmt)
    return path
