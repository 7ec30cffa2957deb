"""Builds workbooks/actuals-template.xlsx: the Excel template for a month's actuals.

    python workbooks/make_actuals_template.py

First sheet: the columns xlcap reads, with one example row to overwrite; second sheet: what
each column means. The file is committed; tests check it reads back.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import xlsxwriter

OUT = Path(__file__).parent / "actuals-template.xlsx"
COLUMNS = [
    ("Month", "YYYY-MM, or any date in the month", "2008-01", 10),
    ("Portfolio", "As in Schedule A; case, spacing and a trailing 'Portfolio' do not matter", "Lazard Mid-Cap Portfolio", 40),
    ("Average net assets", "Average daily net assets for the period, in dollars", 250_000_000, 20),
    ("Days", "Days in the period: the month's days, fewer for a portfolio that starts mid-month", 31, 8),
    ("Management fee", "Covered by the limit", 150_000.00, 16),
    ("Other expenses", "Other operating expenses; covered by the limit", 30_000.00, 16),
    ("12b-1 fees", "Excluded from the limit. Blank means none", 0, 14),
    ("Interest", "Excluded", 0, 12),
    ("Taxes", "Excluded", 0, 12),
    ("Brokerage", "Brokerage commissions; excluded", 0, 12),
    ("Extraordinary expenses", "Excluded", 0, 14),
]


def build(out: Path = OUT) -> Path:
    book = xlsxwriter.Workbook(str(out))
    book.set_properties({"title": "xlcap actuals template", "author": "xlcap", "created": dt.datetime(2008, 1, 31)})
    header = book.add_format({"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF", "text_wrap": True})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet = book.add_worksheet("Actuals")
    for col, (title, _, example, width) in enumerate(COLUMNS):
        sheet.write_string(0, col, title, header)
        sheet.set_column(col, col, width)
        if isinstance(example, str):
            sheet.write_string(1, col, example)
        else:
            sheet.write_number(1, col, example, money if col >= 4 else None)
    sheet.freeze_panes(1, 2)
    help_sheet = book.add_worksheet("How to fill it in")
    help_sheet.set_column(0, 0, 24)
    help_sheet.set_column(1, 1, 90)
    help_sheet.write_string(0, 0, "One row per portfolio per month. Replace the example row. Header names may vary:", header)
    help_sheet.write_string(
        0, 1, "e.g. 'Average daily net assets', 'ADNA', 'Advisory fee', '12b-1'. See README, Actuals.", header
    )
    for row, (title, meaning, _, _) in enumerate(COLUMNS, start=1):
        help_sheet.write_string(row, 0, title)
        help_sheet.write_string(row, 1, meaning)
    book.close()
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
