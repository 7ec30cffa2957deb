"""The Chart sheet: each portfolio's ratio before waiver against its limit, so a breach shows as a breach.

The ratio after waiver equals the limit for every capped portfolio, so it cannot show a breach;
the ratio before waiver can. The value axis starts at 0, so bar lengths compare honestly; a bar
over its limit is drawn red.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from xlcap.agreements.names import class_label
from xlcap.report.columns import summary_layout
from xlcap.report.words import WORDS
from xlcap.report.workbook_sheets import FIRST, Sheets, cell, value

WITHIN_COLOUR, OVER_COLOUR, LIMIT_COLOUR = "#2F5597", "#C00000", "#A5A5A5"


def chart_title(month: str) -> str:
    return f"{WORDS['gross']} against the limit, {month}: red bars are over the limit"


def write_chart(sheets: Sheets, ws: Worksheet, summary_rows: tuple[int, int]) -> None:
    fmt, wb = sheets.fmt, sheets.workbook
    sheets.header_row(ws, FIRST - 1, ["Portfolio", WORDS["gross"], "Limit"], [40, 12, 10])
    r = FIRST
    first, _ = summary_rows
    points = []
    col = summary_layout(sheets.report.has_classes).at
    for i, rec in enumerate(sheets.report.summary):
        if not isinstance(rec.limit, float):
            continue
        source = first + i
        name = f"=Summary!{cell(source, col['portfolio'])}"
        if rec.share_class:  # one bar per class: each has its own limit
            name += f'&", Class "&Summary!{cell(source, col["share_class"])}'
        label = class_label(rec.portfolio, rec.share_class)
        ws.write_formula(r, 0, name, fmt["text"], label)
        ws.write_formula(r, 1, f"=Summary!{cell(source, col['gross'])}", fmt["ratio"], value(rec.gross_ratio))
        ws.write_formula(r, 2, f"=Summary!{cell(source, col['limit'])}", fmt["ratio"], rec.limit)
        over = isinstance(rec.gross_ratio, float) and rec.gross_ratio > rec.limit
        points.append({"fill": {"color": OVER_COLOUR if over else WITHIN_COLOUR}})
        r += 1
    if r == FIRST:
        ws.write_string(FIRST, 0, "No portfolio has a limit in force this month.", fmt["text"])
        return
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": WORDS["gross"], "categories": ["Chart", FIRST, 0, r - 1, 0], "values": ["Chart", FIRST, 1, r - 1, 1],
        "fill": {"color": WITHIN_COLOUR}, "points": points, "gap": 60,
    })  # fmt: skip
    chart.add_series({
        "name": "Limit", "categories": ["Chart", FIRST, 0, r - 1, 0], "values": ["Chart", FIRST, 2, r - 1, 2],
        "fill": {"color": LIMIT_COLOUR}, "gap": 60,
    })  # fmt: skip
    chart.set_title({"name": chart_title(sheets.report.month.strftime("%B %Y")), "name_font": {"size": 11}})
    chart.set_x_axis({
        "min": 0, "num_format": "0.00%", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
    })  # fmt: skip
    chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
    chart.set_legend({"position": "top"})
    chart.set_size({"width": 900, "height": max(320, 22 * (r - FIRST) + 120)})
    ws.insert_chart(FIRST - 1, 4, chart)
