"""The Recoupment sheet: waived amounts the Manager may recover, the month's repayment, and the note table.

Three tables, top to bottom (the workbook streams rows, so positions are laid out first):

1. The month's repayment per portfolio (and class): the year-to-date repayment is a live formula,
   MIN(room, recoverable balance) while year-to-date covered expenses stay at or under the
   year-to-date limit, else 0, then the agreement's conditions (recorded approvals, minimum assets);
   the month's repayment is the change, and a negative change says "reversal of repayment".
2. The ledger by fiscal year of origin: waived, repaid, expired, available, expires on; each year's
   share of the room is a formula (oldest first, each under its own cap where the lesser-of test
   applies), and an expiry within 12 months of the month end is highlighted.
3. The financial-statement note: amounts subject to repayment, by the date they may be recovered until.

Figures come from xlcap.report.recoupment_book (the same ledger as `xlcap recoupment`); each formula is
written with that result stored. Where the agreement's clause is not recorded, the sheet says why
and shows no figures. `write_summary_block` puts the repayment beside the waiver on the Summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from xlcap.agreements.names import class_key
from xlcap.agreements.recoupment import REVERSAL, Origin, RecoupmentRules
from xlcap.money import excel_round
from xlcap.report.columns import ytd_layout
from xlcap.report.recoupment_book import PortfolioRecoupment, RecoupmentBook
from xlcap.report.words import WORDS
from xlcap.report.workbook_sheets import Sheets, cell, wrapped_height

YtdRows = dict[tuple[str, str, object], int]  # the Year-to-date row of each (portfolio, class key, month)


def _ytd_row(ytd_rows: YtdRows, p: PortfolioRecoupment, period: object) -> int | None:
    return ytd_rows.get((p.portfolio, class_key(p.share_class) if p.share_class else "", period))


def _portfolio_assets(ytd_rows: YtdRows, p: PortfolioRecoupment, period: object, col: int, stored: float) -> tuple[str, float]:
    """The portfolio's average net assets for the month, every class's Year-to-date row summed (the minimum-assets test)."""
    rows = [row for (portfolio, _, month), row in ytd_rows.items() if portfolio == p.portfolio and month == period]
    if not rows:
        return f"={stored!r}", stored
    return "=" + "+".join(f"'Year to date'!{cell(row, col)}" for row in sorted(rows)), stored


SHEET = "Recoupment"
REPAYMENT_NAME = "RepaymentData"  # the Summary's waiver-and-repayment table, as the mail reads it
REPAID_WORDS = "Repayment: the portfolio pays the Manager"
REVERSED_WORDS = f"{REVERSAL.capitalize()}: the Manager pays the portfolio back"
NOTHING_WORDS = "Nothing repaid"
SOON = "Expires within 12 months"

# The month's table: name, header, width, format
MONTH_COLUMNS: list[tuple[str, str, float, str]] = [
    ("portfolio", "Portfolio", 36, "text"),
    ("share_class", "Share class", 8, "text"),
    ("assets", "Portfolio's average net assets (month)", 17, "money0"),
    ("ytd_limit", WORDS["ytd_limit"], 16, "money"),
    ("ytd_covered", WORDS["ytd_covered"], 17, "money"),
    ("room", WORDS["headroom"], 15, "money"),
    ("balance", "Recoverable balance (earlier fiscal years)", 17, "money"),
    ("repayable", "Room for repayment (cap test, oldest first)", 17, "money"),
    ("approved", "Approved and not yet repaid", 15, "money"),
    ("ytd_repaid", WORDS["ytd_repayment"], 17, "money"),
    ("before", "Repaid to the Manager (YTD, previous month)", 17, "money"),
    ("repaid", WORDS["repayment"], 17, "money"),
    ("words", "In words", 34, "wrap"),
    ("held", "Held back because", 40, "wrap"),
]
M = {name: i for i, (name, *_) in enumerate(MONTH_COLUMNS)}
LEDGER_COLUMNS: list[tuple[str, str, str]] = [
    ("portfolio", "Portfolio", "text"),
    ("share_class", "Share class", "text"),
    ("fiscal_year", "Fiscal year of origin", "integer"),
    ("waived", "Waived / reimbursed by the Manager", "money"),
    ("before", "Repaid in earlier fiscal years", "money"),
    ("eligible", "Recoverable this fiscal year", "money"),
    ("cap", "Limit $ (YTD) for repaying this year's amounts", "money"),
    ("share", "Room for this year's amounts (oldest first)", "money"),
    ("this_year", "Repaid this fiscal year", "money"),
    ("repaid", "Repaid to the Manager (total)", "money"),
    ("expired", "Expired", "money"),
    ("available", "Available (subject to repayment)", "money"),
    ("expires_on", "Subject to repayment until", "date"),
    ("soon", "Note", "text"),
]
L = {name: i for i, (name, *_) in enumerate(LEDGER_COLUMNS)}


@dataclass(frozen=True)
class _Series:
    """One portfolio's (or class's) place on the sheet: its month row (None: no actuals this month) and ledger rows."""

    item: PortfolioRecoupment
    month_row: int | None
    ledger_rows: tuple[int, ...]


def _series_for(book: RecoupmentBook, portfolios: set[str] | None) -> list[PortfolioRecoupment]:
    return [p for p in book.portfolios if portfolios is None or p.portfolio in portfolios]


def _rules_lines(rules: RecoupmentRules) -> list[tuple[str, str]]:
    unit = "fiscal years after the fiscal year" if rules.window_unit == "fiscal_years" else "months after the month"
    lines = [
        ("Window", f'{rules.window} {unit} of the waiver. Clause: "{rules.clauses.get("window", "")}"'),
        (
            "Cap test",
            ("the limit in force now" if rules.cap_test == "current" else "the lesser of the limit when waived and now")
            + (f'. Clause: "{rules.clauses["cap_test"]}"' if "cap_test" in rules.clauses else ""),
        ),
        ("Order", "oldest amounts first" + (f'. Clause: "{rules.clauses["order"]}"' if "order" in rules.clauses else "")),
    ]
    if rules.minimum_assets is not None:
        clause = rules.clauses.get("minimum_assets", "")
        lines.append(("Minimum assets", f'no new repayment below {rules.minimum_assets:,.2f}. Clause: "{clause}"'))
    if rules.approval_required:
        clause = rules.clauses.get("approval_required", "")
        lines.append(("Approval", f'only amounts approved (events.toml [[approval]]) are repaid. Clause: "{clause}"'))
    return lines


def _layout(book: RecoupmentBook, portfolios: set[str] | None) -> tuple[list[tuple[str, str]], int, list[_Series], int]:
    """The rules' lines, the month table's title row, each series' rows, and the ledger table's title row."""
    assert book.rules is not None
    lines = _rules_lines(book.rules)
    if book.approvals:
        shown = "; ".join(a.describe() for a in book.approvals if portfolios is None or a.portfolio in portfolios)
        lines.append(("Approvals on record", shown or "none for these portfolios"))
    items = _series_for(book, portfolios)
    month_title = 3 + len(lines)
    with_month = sum(p.month is not None for p in items)
    ledger_title = month_title + 2 + with_month + 1
    places: list[_Series] = []
    row, at = ledger_title + 2, month_title + 2
    for p in items:
        mine = tuple(range(row, row + len(p.ledger.origins)))
        places.append(_Series(p, at if p.month is not None else None, mine))
        at += p.month is not None
        row += len(mine)
    return lines, month_title, places, ledger_title


def write_recoupment(sheets: Sheets, ws: Worksheet, book: RecoupmentBook, ytd_rows: YtdRows, portfolios: set[str] | None) -> None:
    """The whole sheet; `ytd_rows` maps (portfolio, month) to its Year-to-date row, `portfolios` narrows a manager's book."""
    fmt = sheets.fmt
    ws.set_column(0, 0, 36)
    if book.rules is None:
        ws.set_row(4, wrapped_height(book.why_none, 120))
        ws.write_string(3, 0, "No recoupment is computed for this agreement.", fmt["bold_top"])
        ws.write_string(4, 0, book.why_none, fmt["wrap"])
        return
    month = sheets.report.month
    end = month.end_time.date()
    lines, month_title, places, ledger_title = _layout(book, portfolios)
    for r, (label, text) in enumerate(lines, start=3):  # the rules, each with the clause it came from
        ws.write_string(r, 0, label, fmt["bold_top"])
        ws.write_string(r, 1, text, fmt["text"])
    _month_table(sheets, ws, month_title, places, ytd_rows, book.rules, month.strftime("%B %Y"))
    r = _ledger_table(sheets, ws, ledger_title, places, end)
    _note_table(sheets, ws, r + 1, places, end)


def _month_table(
    sheets: Sheets,
    ws: Worksheet,
    r: int,
    places: list[_Series],
    ytd_rows: YtdRows,
    rules: RecoupmentRules,
    month: str,
) -> None:
    fmt, ytd_at = sheets.fmt, ytd_layout(sheets.report.has_classes).at
    ws.write_string(
        r, 0, f"Repayment to the Manager, {month}: what the portfolio pays back of amounts waived earlier", fmt["bold"]
    )
    r += 1
    ws.set_row(r, 54)
    for col, (_, header, width, _) in enumerate(MONTH_COLUMNS):
        ws.write_string(r, col, header, fmt["header"])
        if col:
            ws.set_column(col, col, width)
    for place in places:
        p, at = place.item, place.month_row
        if at is None or p.month is None:
            continue
        figures = p.month
        period = sheets.report.month
        ytd = _ytd_row(ytd_rows, p, period)

        def ref(name: str, stored: float, ytd: int | None = ytd) -> tuple[str, float]:
            return (f"='Year to date'!{cell(ytd, ytd_at[name])}", stored) if ytd is not None else (f"={stored!r}", stored)

        def at_(name: str, row: int = at) -> str:
            return cell(row, M[name])

        eligible = [cell(x, L["eligible"]) for x in place.ledger_rows]
        shares = [cell(x, L["share"]) for x in place.ledger_rows]
        balance = excel_round(sum(o.eligible for o in p.ledger.origins))
        room = excel_round(max(0.0, figures.ytd_limit - figures.ytd_covered))
        share_values = _shares(p, figures.ytd_limit, figures.ytd_covered)
        repayable = excel_round(sum(share_values)) if rules.cap_test == "lesser_of" else min(room, balance)
        last = p.ledger.months[-1]
        cells: dict[str, tuple[str, object]] = {
            "assets": _portfolio_assets(ytd_rows, p, period, ytd_at["assets"], figures.average_net_assets),
            "ytd_limit": ref("ytd_limit", figures.ytd_limit),
            "ytd_covered": ref("ytd_covered", figures.ytd_covered),
            "room": (f"=ROUND(MAX(0,{at_('ytd_limit')}-{at_('ytd_covered')}),2)", room),
            "balance": (f"=ROUND({'+'.join(eligible) or '0'},2)", balance),
            "repayable": (
                f"=ROUND({'+'.join(shares) or '0'},2)"
                if rules.cap_test == "lesser_of"
                else f"=MIN({at_('room')},{at_('balance')})",
                repayable,
            ),
        }
        conditions = [at_("repayable")]
        if p.approved_left is not None:
            conditions.append(at_("approved"))
        if rules.minimum_assets is not None:  # below the minimum nothing new: the year to date may stay or fall
            conditions.append(f"IF({at_('assets')}<{rules.minimum_assets!r},{at_('before')},{at_('repayable')})")
        cells["ytd_repaid"] = (
            f"=ROUND(IF({at_('ytd_covered')}<={at_('ytd_limit')},MIN({','.join(conditions)}),0),2)",
            last.ytd_repaid,
        )
        cells["repaid"] = (f"=ROUND({at_('ytd_repaid')}-{at_('before')},2)", p.repaid_month)
        cells["words"] = (
            f'=IF({at_("repaid")}>0,"{REPAID_WORDS}",IF({at_("repaid")}<0,"{REVERSED_WORDS}","{NOTHING_WORDS}"))',
            words(p.repaid_month),
        )
        if p.held_back:  # rows stream out (constant_memory): the height before the row's first cell
            ws.set_row(at, wrapped_height(p.held_back, MONTH_COLUMNS[M["held"]][2]))
        ws.write_string(at, M["portfolio"], p.portfolio, fmt["text"])
        ws.write_string(at, M["share_class"], p.share_class or "", fmt["text"])
        for name, (formula, stored) in cells.items():
            ws.write_formula(at, M[name], formula, fmt[MONTH_COLUMNS[M[name]][3]], stored)
        if p.approved_left is None:
            ws.write_string(at, M["approved"], "all eligible" if rules.approval_required else "not required", fmt["text"])
        else:
            ws.write_number(at, M["approved"], p.approved_left, fmt["money"])
        ws.write_number(at, M["before"], p.repaid_before_month, fmt["money"])
        ws.write_string(at, M["held"], p.held_back, fmt["wrap"])


def words(repaid: float) -> str:
    """The month's repayment in words: who pays whom (a sign alone is easy to misread)."""
    return REPAID_WORDS if repaid > 0 else REVERSED_WORDS if repaid < 0 else NOTHING_WORDS


def _caps(p: PortfolioRecoupment, ytd_limit: float) -> list[float]:
    """Each year of origin's year-to-date limit for repaying it: today's, or the lesser of its own year's and today's."""
    under = p.month.ytd_limit_under if p.month is not None else {}
    return [min(ytd_limit, under.get(o.fiscal_year, ytd_limit)) for o in p.ledger.origins]


def _shares(p: PortfolioRecoupment, ytd_limit: float, ytd_covered: float) -> list[float]:
    """Each year of origin's share of the room, oldest first: the ledger's step, for the stored results."""
    out: list[float] = []
    taken = 0.0
    for o, cap in zip(p.ledger.origins, _caps(p, ytd_limit), strict=True):
        share = 0.0 if ytd_covered > ytd_limit else excel_round(max(0.0, min(o.eligible, cap - ytd_covered - taken)))
        out.append(share)
        taken = excel_round(taken + share)
    return out


def _ledger_table(sheets: Sheets, ws: Worksheet, r: int, places: list[_Series], end: dt.date) -> int:
    fmt = sheets.fmt
    ws.write_string(r, 0, f"Ledger by fiscal year of origin, as of {end:%B %-d, %Y}", fmt["bold"])
    r += 1
    ws.set_row(r, 54)
    for col, (_, header, _) in enumerate(LEDGER_COLUMNS):
        ws.write_string(r, col, header, fmt["header"])
    first = r + 1
    horizon = _a_year_after(end)
    for place in places:
        p, at = place.item, place.month_row
        caps = _caps(p, p.month.ytd_limit) if p.month is not None else [0.0] * len(p.ledger.origins)
        shares = _shares(p, p.month.ytd_limit, p.month.ytd_covered) if p.month is not None else [0.0] * len(caps)
        for i, (row, o, cap, share) in enumerate(zip(place.ledger_rows, p.ledger.origins, caps, shares, strict=True)):

            def here(name: str, row: int = row) -> str:
                return cell(row, L[name])

            older = place.ledger_rows[:i]
            this_year = excel_round(o.repaid - o.repaid_before_year)
            ws.write_string(row, L["portfolio"], p.portfolio, fmt["text"])
            ws.write_string(row, L["share_class"], p.share_class or "", fmt["text"])
            ws.write_number(row, L["fiscal_year"], o.fiscal_year, fmt["integer"])
            ws.write_number(row, L["waived"], o.waived, fmt["money"])
            ws.write_number(row, L["before"], o.repaid_before_year, fmt["money"])
            ws.write_number(row, L["eligible"], o.eligible, fmt["money"])
            if at is None:  # no actuals this month: the ledger's figures, nothing to recompute
                ws.write_blank(row, L["cap"], None, fmt["money"])
                ws.write_number(row, L["share"], 0.0, fmt["money"])
                ws.write_number(row, L["this_year"], this_year, fmt["money"])
            else:
                limit, covered = cell(at, M["ytd_limit"]), cell(at, M["ytd_covered"])
                under = p.month.ytd_limit_under.get(o.fiscal_year) if p.month is not None else None
                cap_formula = f"=MIN({under!r},{limit})" if under is not None else f"={limit}"
                ws.write_formula(row, L["cap"], cap_formula, fmt["money"], cap)
                prior = "".join(f"-{cell(x, L['share'])}" for x in older)
                ws.write_formula(
                    row, L["share"],
                    f"=IF({covered}>{limit},0,ROUND(MAX(0,MIN({here('eligible')},{here('cap')}-{covered}{prior})),2))",
                    fmt["money"], share,
                )  # fmt: skip
                given = "".join(f"-{cell(x, L['this_year'])}" for x in older)
                ws.write_formula(
                    row, L["this_year"], f"=ROUND(MAX(0,MIN({here('share')},{cell(at, M['ytd_repaid'])}{given})),2)",
                    fmt["money"], this_year,
                )  # fmt: skip
            ws.write_formula(row, L["repaid"], f"=ROUND({here('before')}+{here('this_year')},2)", fmt["money"], o.repaid)
            ws.write_number(row, L["expired"], o.expired, fmt["money"])
            ws.write_formula(
                row, L["available"], f"=ROUND({here('waived')}-{here('repaid')}-{here('expired')},2)", fmt["money"], o.available
            )
            if o.expires_on is None:
                ws.write_blank(row, L["expires_on"], None, fmt["date"])
            else:
                ws.write_datetime(row, L["expires_on"], dt.datetime.combine(o.expires_on, dt.time()), fmt["date"])
            soon = o.expires_on is not None and o.available > 0 and end <= o.expires_on <= horizon
            h = horizon
            ws.write_formula(
                row, L["soon"],
                f'=IF(AND({here("available")}>0,{here("expires_on")}<=DATE({h.year},{h.month},{h.day})),"{SOON}","")',
                fmt["text"], SOON if soon else "",
            )  # fmt: skip
    last = max(first, first + sum(len(p.ledger_rows) for p in places) - 1)
    ws.conditional_format(
        first, 0, last, len(LEDGER_COLUMNS) - 1,
        {"type": "formula", "criteria": f'=${cell(first, L["soon"])[0]}{first + 1}="{SOON}"', "format": fmt["cf_soon"]},
    )  # fmt: skip
    return last + 1


def _a_year_after(end: dt.date) -> dt.date:
    """The month end twelve months after `end` (a month end itself): the highlight's horizon."""
    nxt = dt.date(end.year + 1, end.month % 12 + 1, 1) if end.month < 12 else dt.date(end.year + 2, 1, 1)
    return nxt - dt.timedelta(days=1)


def _note_table(sheets: Sheets, ws: Worksheet, r: int, places: list[_Series], end: dt.date) -> int:
    """The financial statements' note: per portfolio, what is subject to repayment until each date, and the total."""
    fmt = sheets.fmt
    ws.write_string(
        r, 0, f"For the notes to the financial statements: amounts subject to repayment, as of {end:%B %-d, %Y}", fmt["bold"]
    )
    r += 1
    ws.set_row(r, 30)
    for col, title in enumerate(["Portfolio", "Share class", "Amount", "Subject to repayment until"]):
        ws.write_string(r, col, title, fmt["header"])
    totals: dict[dt.date, list[tuple[str, float]]] = {}
    for place in places:
        by_date: dict[dt.date, list[tuple[int, Origin]]] = {}
        for row, o in zip(place.ledger_rows, place.item.ledger.origins, strict=True):
            if o.expires_on is not None and o.available > 0:
                by_date.setdefault(o.expires_on, []).append((row, o))
        for until, found in sorted(by_date.items()):
            r += 1
            amount = excel_round(sum(o.available for _, o in found))
            ws.write_string(r, 0, place.item.portfolio, fmt["text"])
            ws.write_string(r, 1, place.item.share_class or "", fmt["text"])
            ws.write_formula(r, 2, "=" + "+".join(cell(x, L["available"]) for x, _ in found), fmt["money"], amount)
            ws.write_string(r, 3, f"subject to repayment until {until:%B %-d, %Y}", fmt["text"])
            totals.setdefault(until, []).append((cell(r, 2), amount))
    if not totals:
        r += 1
        ws.write_string(r, 0, "Nothing is subject to repayment.", fmt["text"])
        return r + 1
    for until, parts in sorted(totals.items()):
        r += 1
        ws.write_string(r, 0, "All portfolios", fmt["total_text"])
        ws.write_blank(r, 1, None, fmt["total_text"])
        amount = excel_round(sum(a for _, a in parts))
        ws.write_formula(r, 2, "=" + "+".join(c for c, _ in parts), fmt["total_money"], amount)
        ws.write_string(r, 3, f"subject to repayment until {until:%B %-d, %Y}", fmt["total_text"])
    return r + 1


def summary_block(
    book: RecoupmentBook, ytd_rows: YtdRows, portfolios: set[str] | None
) -> Callable[[Sheets, Worksheet, int], int]:
    """The Summary's block: the month's repayment beside its waiver, per portfolio, in words as well as figures."""

    def write(sheets: Sheets, ws: Worksheet, r: int) -> int:
        fmt = sheets.fmt
        period = sheets.report.month
        ws.write_string(r, 0, f"Waiver and repayment, {period.strftime('%B %Y')}: money each way between portfolio and Manager",
                        fmt["bold"])  # fmt: skip
        if book.rules is None:
            ws.write_string(r + 1, 0, "Repayment to the Manager (recoupment) is not computed: " + book.why_none, fmt["text"])
            return r + 2
        r += 1
        ws.set_row(r, 42)
        first = r
        for col, title in enumerate(["Portfolio", WORDS["waiver"], WORDS["repayment"], "In words"]):
            ws.write_string(r, col, title, fmt["header"])
        waivers = {(rec.portfolio, rec.share_class): rec.waiver for rec in sheets.report.summary}
        ytd_at = ytd_layout(sheets.report.has_classes).at
        for place in _layout(book, portfolios)[2]:
            p, at = place.item, place.month_row
            if at is None:
                continue
            r += 1
            ytd = _ytd_row(ytd_rows, p, period)
            ws.write_string(r, 0, p.label, fmt["text"])
            if ytd is not None:
                waiver = waivers.get((p.portfolio, p.share_class))
                shown = float(waiver) if isinstance(waiver, (int, float)) and waiver == waiver else ""
                ws.write_formula(r, 1, f"='Year to date'!{cell(ytd, ytd_at['waiver'])}", fmt["money"], shown)
            else:
                ws.write_blank(r, 1, None, fmt["money"])
            ws.write_formula(r, 2, f"={SHEET}!{cell(at, M['repaid'])}", fmt["money"], p.repaid_month)
            ws.write_formula(r, 3, f"={SHEET}!{cell(at, M['words'])}", fmt["text"], words(p.repaid_month))
        sheets.workbook.define_name(REPAYMENT_NAME, f"=Summary!{cell(first, 0, True)}:{cell(r, 3, True)}")  # the mail's
        return r + 1

    return write
