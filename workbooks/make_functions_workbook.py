"""Builds workbooks/xlcap_functions.xlsx: an example workbook that calls the xlcap Excel functions.

    python workbooks/make_functions_workbook.py [OUT]

The workbook is committed; tests/test_functions_workbook.py rebuilds it and checks the copy is
current. Asset figures in it are illustrative, not the Trust's.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).parent.parent))

from xlcap import schedule_in_force

OUT = Path(__file__).parent / "xlcap_functions.xlsx"
AS_OF = dt.date(2008, 1, 31)
READ_ME = [
    ("xlcap Excel functions: example workbook", "title"),
    ("The formulas in this workbook call xlcap's functions. They work in Excel with the xlwings add-in or xlwings Lite;", None),
    ("until one of them has registered the functions, Excel shows #NAME? in the formula cells.", None),
    ("Neither route was tried in real Excel while building this workbook; see README.md, Use in Excel.", "italic"),
    ("", None),
    ("Desktop Excel (Windows), classic xlwings add-in:", "bold"),
    ("1. In the xlcap folder: pip install -e .   then: xlwings addin install   (restart Excel).", None),
    ("2. File > Options > Trust Center > Trust Center Settings > Macro Settings:", None),
    ("   tick Trust access to the VBA project object model (Import Functions writes a VBA module).", None),
    ("3. Save this workbook as .xlsm. Alt+F11 opens the VBA editor: Tools > References, tick xlwings.", None),
    ("4. On the xlwings ribbon tab: UDF Modules = udfs; PYTHONPATH = the xlcap folder (the one holding udfs.py).", None),
    ("5. Click Import Functions, then press Ctrl+Alt+F9 so the formulas saved before the functions existed calculate.", None),
    ("6. Excel without dynamic arrays (before Excel 2021 / 365): select the whole output range of a spilling formula,", None),
    ("   type the formula and press Ctrl+Shift+Enter.", None),
    ("", None),
    ("xlwings Lite (Windows, Mac, Excel on the web):", "bold"),
    ("1. In the xlcap folder: xlcap excel lite --out lite", None),
    ("   (writes lite/main.py, with xlcap inside, and lite/requirements.txt).", None),
    ("2. Open xlwings Lite (Home > Add-ins, search xlwings, Add). Paste lite/main.py over Lite's main.py and", None),
    ("   lite/requirements.txt over its requirements.txt; then restart xlwings Lite from its menu.", None),
    ("3. Formulas saved before the functions were registered may stay #NAME?. Re-enter them all at once: Ctrl+H,", None),
    ("   Find what: =   Replace with: =   Look in: Formulas, Replace All.", None),
    ("", None),
    ("Functions:", "bold"),
    (
        "=EXPCAP(portfolio, assets, on_date, [share_class], [agreement]): annual limit as a rate (blended over tiers); "
        "NO LIMIT where Schedule A says None.",
        None,
    ),
    (
        "=EXPCAP_AMOUNT(portfolio, assets, on_date, [days], [share_class], [agreement]): dollar limit, annual or for days "
        "(actual/365 or 366).",
        None,
    ),
    (
        "=EXPCAP_INFO(portfolio, on_date, [share_class], [agreement]): one line: the limit, its Schedule A text, amendment, "
        "term, interpretation notes.",
        None,
    ),
    ("=EXPCAP_TIERS(portfolio, on_date, [share_class], [agreement]): spills the tier table (From, To, Rate).", None),
    ("=EXPCAP_PORTFOLIOS([as_of], [agreement]): spills the Schedule A in force; term ends as YYYY-MM-DD text.", None),
    ("Every argument may be a range: one formula over a column gives a column of answers (see column I of Portfolios).", None),
    ("An empty cell and 0 read alike (xlwings Lite sends an empty cell as 0): empty days gives the annual amount.", None),
    ("share_class is needed only where a portfolio's limits differ by share class; empty (or 0) means none given.", None),
    ("agreement (id or trust) is needed only where your data folder holds several agreements naming the portfolio.", None),
    ("", None),
    ("Net assets on the Portfolios sheet are illustrative figures, not the Trust's.", "italic"),
]


def build(out: Path = OUT) -> Path:
    workbook = xlsxwriter.Workbook(str(out))
    workbook.set_properties({"title": "xlcap functions example", "author": "xlcap", "created": dt.datetime(2008, 1, 31)})
    base = {"font_name": "Calibri", "font_size": 11}
    fmt = {
        "title": workbook.add_format({**base, "bold": True, "font_size": 14}),
        "bold": workbook.add_format({**base, "bold": True}),
        "italic": workbook.add_format({**base, "italic": True}),
        None: workbook.add_format(base),
        "header": workbook.add_format({**base, "bold": True, "bottom": 1, "bg_color": "#DDEBF7"}),
        "money": workbook.add_format({**base, "num_format": '_($* #,##0_);_($* (#,##0);_($* "-"_);_(@_)'}),
        "cents": workbook.add_format({**base, "num_format": '_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)'}),
        "rate": workbook.add_format({**base, "num_format": "0.0000%"}),
        "date": workbook.add_format({**base, "num_format": "yyyy-mm-dd"}),
    }

    read_me = workbook.add_worksheet("Read me")
    read_me.set_column(0, 0, 120)
    for row, (text, style) in enumerate(READ_ME):
        read_me.write_string(row, 0, text, fmt[style])

    sheet = workbook.add_worksheet("Portfolios")
    headers = [
        "Portfolio",
        "Net assets (illustrative)",
        "Date",
        "EXPCAP",
        "EXPCAP_AMOUNT (annual)",
        "EXPCAP_AMOUNT (31 days)",
        "EXPCAP_INFO",
        "",
        "EXPCAP over the whole column",
    ]
    for col, header in enumerate(headers):
        if header:
            sheet.write_string(0, col, header, fmt["header"])
    names = schedule_in_force(AS_OF).portfolios
    last = len(names) + 1
    for i, name in enumerate(names):
        r = i + 1
        excel_row = r + 1
        sheet.write_string(r, 0, name, fmt[None])
        sheet.write_number(r, 1, 100_000_000 + 25_000_000 * (i % 40), fmt["money"])  # illustrative
        sheet.write_datetime(r, 2, dt.datetime(AS_OF.year, AS_OF.month, AS_OF.day), fmt["date"])
        sheet.write_formula(r, 3, f"=EXPCAP(A{excel_row},B{excel_row},C{excel_row})", fmt["rate"], "")
        sheet.write_formula(r, 4, f"=EXPCAP_AMOUNT(A{excel_row},B{excel_row},C{excel_row})", fmt["cents"], "")
        sheet.write_formula(r, 5, f"=EXPCAP_AMOUNT(A{excel_row},B{excel_row},C{excel_row},31)", fmt["cents"], "")
        sheet.write_formula(r, 6, f"=EXPCAP_INFO(A{excel_row},C{excel_row})", fmt[None], "")
    sheet.write_dynamic_array_formula(1, 8, last - 1, 8, f"=EXPCAP(A2:A{last},B2:B{last},C2:C{last})", fmt["rate"], "")
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 2, 11)
    sheet.set_column(3, 3, 10)
    sheet.set_column(4, 5, 24)
    sheet.set_column(6, 6, 60)
    sheet.set_column(8, 8, 28)
    sheet.freeze_panes(1, 1)

    schedule = workbook.add_worksheet("Schedule A")
    schedule.write_string(0, 0, "Schedule A in force on 2008-01-31:", fmt["bold"])
    schedule.write_dynamic_array_formula(1, 0, 1, 0, "=EXPCAP_PORTFOLIOS(DATE(2008,1,31))", fmt[None], "")
    schedule.set_column(0, 0, 46)
    schedule.set_column(1, 1, 60)
    schedule.set_column(2, 2, 12)

    tiers = workbook.add_worksheet("Tiers")
    tiers.write_string(0, 0, "Batterymarch Growth and Income Portfolio, tiers in force on 2008-01-31:", fmt["bold"])
    tiers.write_dynamic_array_formula(
        1, 0, 1, 0, '=EXPCAP_TIERS("Batterymarch Growth and Income",DATE(2008,1,31))', fmt[None], ""
    )
    tiers.write_string(8, 0, "Blended rate at $1.25 billion:", fmt[None])
    tiers.write_formula(8, 1, '=EXPCAP("Batterymarch Growth and Income",1250000000,DATE(2008,1,31))', fmt["rate"], "")
    tiers.write_string(9, 0, "Why:", fmt[None])
    tiers.write_formula(9, 1, '=EXPCAP_INFO("Batterymarch Growth and Income",DATE(2008,1,31))', fmt[None], "")
    tiers.set_column(0, 2, 18)
    workbook.close()
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
