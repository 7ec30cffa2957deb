"""The workbook's look: one table of formats, and real named cell styles for the main ones.

XlsxWriter writes formats but not named styles (Excel's Home > Cell Styles), so after the
workbook is written, `add_named_styles` registers a named style for each format in NAMED and
points the cells' formats at it: a person who adds a row can pick "xlcap Money" from the gallery.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from xlsxwriter.format import Format

from xlcap.report.status import STATES

ACCOUNTING = '_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)'
ACCOUNTING_0 = '_($* #,##0_);_($* (#,##0);_($* "-"_);_(@_)'
HEADER_FILL = "#1F3864"
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14, "font_color": HEADER_FILL},
    "subtitle": {"italic": True, "font_color": "#595959"},
    "caution": {"bold": True, "font_color": "#833C0B"},
    "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "text_wrap": True, "valign": "vcenter"},
    "text": {},
    "wrap": {"text_wrap": True, "valign": "top"},
    "bold": {"bold": True},
    "bold_top": {"bold": True, "valign": "top"},
    "month": {"num_format": "mmm yyyy", "align": "left"},
    "date": {"num_format": "yyyy-mm-dd", "align": "left"},
    "integer": {"num_format": "0", "align": "center"},
    "money0": {"num_format": ACCOUNTING_0},
    "money": {"num_format": ACCOUNTING},
    "rate": {"num_format": "0.000%", "align": "right"},
    "ratio": {"num_format": "0.000%"},
    "status": {"align": "center"},
    "input": {"bottom": 1, "locked": False, "bg_color": "#FFF2CC"},  # sign-off: typed in by the preparer
    "input_locked": {"bottom": 1},
    "tier_to": {"num_format": '[>=1E+15]"and above";#,##0'},
    "total_text": {"bold": True, "top": 1, "bottom": 6},
    "total_money0": {"bold": True, "top": 1, "bottom": 6, "num_format": ACCOUNTING_0},
    "total_money": {"bold": True, "top": 1, "bottom": 6, "num_format": ACCOUNTING},
    # Conditional formats (differential: only what they change); one per status, from xlcap/report/status.py
    "cf_over": {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"},
    "cf_soon": {"font_color": "#833C0B", "bg_color": "#FFEB9C"},  # recoupment: expires within 12 months
}


def status_style(word: str) -> str:
    return f"cf_status_{word}"


for _state in STATES:
    STYLES[status_style(_state.word)] = {
        k: v for k, v in (("font_color", _state.font), ("bg_color", _state.fill), ("bold", _state.bold or None)) if v
    }
NAMED = {
    "title": "xlcap Title",
    "header": "xlcap Header",
    "money": "xlcap Money",
    "money0": "xlcap Money (dollars)",
    "rate": "xlcap Limit rate",
    "ratio": "xlcap Ratio",
    "month": "xlcap Month",
    "date": "xlcap Date",
    "total_money": "xlcap Total",
}
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def add_named_styles(path: Path, formats: dict[str, Format]) -> None:
    """Register NAMED styles in the written workbook's styles.xml and base the matching formats on them."""
    with zipfile.ZipFile(path) as zf:
        styles = zf.read("xl/styles.xml")
    ET.register_namespace("", _NS)
    root = ET.fromstring(styles)
    q = f"{{{_NS}}}"
    style_xfs, cell_xfs, cell_styles = root.find(f"{q}cellStyleXfs"), root.find(f"{q}cellXfs"), root.find(f"{q}cellStyles")
    assert style_xfs is not None and cell_xfs is not None and cell_styles is not None
    xfs = list(cell_xfs)
    for key, name in NAMED.items():
        index = formats[key].xf_index
        if index is None:  # the format was never used in this workbook
            continue
        cell_xf = xfs[index]
        base = ET.SubElement(
            style_xfs, f"{q}xf", {k: v for k, v in cell_xf.attrib.items() if k in ("numFmtId", "fontId", "fillId", "borderId")}
        )
        for child in cell_xf:
            base.append(child)
        cell_xf.set("xfId", str(len(style_xfs) - 1))
        ET.SubElement(cell_styles, f"{q}cellStyle", {"name": name, "xfId": str(len(style_xfs) - 1)})
    style_xfs.set("count", str(len(style_xfs)))
    cell_styles.set("count", str(len(cell_styles)))
    data = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(root)
    _replace_part(path, "xl/styles.xml", data)


def _replace_part(path: Path, part: str, data: bytes) -> None:
    """Rewrite one part of an xlsx, keeping every other part and its zip metadata as it was."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".xlsx", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info, data if info.filename == part else src.read(info.filename))
        shutil.move(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)
