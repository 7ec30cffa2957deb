"""Shared helpers for the workbook tests: building test workbooks, reading cells, comparing parts."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

import xlcap
from xlcap.report.actuals import read_actuals
from xlcap.report.compute import compute
from xlcap.report.month_end import SAMPLE_RECIPIENTS, report_inputs
from xlcap.report.provenance import Provenance
from xlcap.report.workbook import WorkbookContext, write_workbook

HAND = Path(__file__).parent / "actuals" / "hand.csv"
SAMPLE = Path(xlcap.__file__).parent / "data" / "sample-actuals.csv"
GENERATED = dt.datetime(2008, 3, 3, 9, 30)
TRUST = "Met Investors Series Trust"


def build(out: Path, month: str, method: str = "fytd", actuals: Path = HAND, manager: str | None = None,
          portfolios: set[str] | None = None, history: xlcap.History | None = None, **settings: float) -> Path:  # fmt: skip
    history = history or xlcap.default_history()
    period = pd.Period(month, "M")
    report = compute(read_actuals(actuals, history, period), period, history, method, **settings)  # type: ignore[arg-type]
    if portfolios is not None:
        report = report.for_portfolios(portfolios)
    provenance = Provenance.from_inputs(report_inputs(period, method, actuals, SAMPLE_RECIPIENTS, history))
    context = WorkbookContext(TRUST, manager, GENERATED, actuals.name, actuals == SAMPLE, provenance=provenance)
    return write_workbook(report, out, context)


# Parts or attributes that change from run to run in any writer, and say nothing about content.
VOLATILE = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: VOLATILE.sub(b"", zf.read(name)) for name in zf.namelist()}


def element_diff(a: bytes, b: bytes) -> str | None:
    """The first element that differs between two XML parts, as a readable line; None if equal."""
    if a == b:
        return None
    if not a.lstrip().startswith(b"<"):
        return "binary part differs"
    ea, eb = list(ET.fromstring(a).iter()), list(ET.fromstring(b).iter())
    for x, y in zip(ea, eb, strict=False):
        if (x.tag, x.attrib, (x.text or "").strip()) != (y.tag, y.attrib, (y.text or "").strip()):
            return f"{x.tag} {x.attrib} {x.text!r}  !=  {y.tag} {y.attrib} {y.text!r}"
    return f"element counts differ: {len(ea)} != {len(eb)}"
