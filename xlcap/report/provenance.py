"""Where a workbook's figures came from, stamped on its Summary and in every page footer.

Read from the inputs the report records in manifest.json (report.report_inputs): the actuals file
and its SHA-256, the Schedule A amendments and a hash of the agreement data, the xlcap version;
so a reviewer holding a printed page can tell which files made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Provenance:
    actuals_file: str  # the name only: a path may say more about a desk than the figures need
    actuals_sha256: str
    amendments: str  # the Schedule A amendments on file, e.g. "Amendment No. 12"
    data_sha256: str  # the agreement data (every TOML of the data folder)
    xlcap: str

    @classmethod
    def from_inputs(cls, inputs: dict[str, Any]) -> Provenance:
        return cls(
            Path(inputs["actuals"]["file"]).name,
            inputs["actuals"]["sha256"],
            "; ".join(inputs["schedule"]["amendments"]) or "none on file",
            inputs["schedule"]["sha256"],
            inputs["xlcap"],
        )

    def lines(self, month_end: dt.date, generated_at: dt.datetime) -> list[tuple[str, str]]:
        """Label and text, one per fact, for the Summary's provenance block and Notes."""
        return [
            ("Actuals file", f"{self.actuals_file} (SHA-256 {self.actuals_sha256})"),
            ("Figures as of", f"{month_end:%B %-d, %Y} (month end)"),
            ("Agreement data", f"{self.amendments}; data SHA-256 {self.data_sha256}"),
            ("Made by", f"xlcap {self.xlcap}, {generated_at:%Y-%m-%d %H:%M:%S}"),
        ]

    def stamp(self, generated_at: dt.datetime) -> str:
        """One short line for the page footer (Excel allows 255 characters for the whole footer)."""
        return (
            f"{self.actuals_file[:40]} sha256 {self.actuals_sha256[:12]} | data {self.data_sha256[:12]} | "
            f"xlcap {self.xlcap} | {generated_at:%Y-%m-%d %H:%M}"
        )
