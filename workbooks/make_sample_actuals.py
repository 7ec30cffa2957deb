"""Builds xlcap/data/sample-actuals.csv: ILLUSTRATIVE actuals for the Trust's 43 portfolios, Nov 2007 - Apr 2008.

    python workbooks/make_sample_actuals.py

The figures are made up, chosen to exercise the report: some portfolios are capped, some near
their limit, some have no limit (Schedule A "None"), and Rainier Large Cap Equity starts
mid-period (December 3, 2007). The file is committed; re-running gives the same file.
"""

from __future__ import annotations

import calendar
import csv
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

OUT = Path(__file__).parent.parent / "xlcap" / "data" / "sample-actuals.csv"
MONTHS = [(2007, 11), (2007, 12), (2008, 1), (2008, 2), (2008, 3), (2008, 4)]

# portfolio: (average net assets in Nov 2007 ($M), Schedule A limit (% a year, None for "None"), covered
# expenses relative to the limit (bp a year; None: a plain ratio for "None" rows), management fee share)
PROFILES: dict[str, tuple[float, float | None, float, float]] = {
    "Strategic Growth with Income Portfolio": (1_450, 0.15, +4, 0.70),  # capped
    "Strategic Growth Portfolio": (2_100, 0.15, -3, 0.70),  # near
    "Strategic Conservative Growth Portfolio": (620, 0.15, -1, 0.70),  # near
    "Met/AIM Capital Appreciation Portfolio": (410, 1.25, -35, 0.62),
    "Met/AIM Small Cap Growth Portfolio": (260, 1.05, +6, 0.84),  # capped
    "Batterymarch Growth and Income Portfolio": (1_250, None, +62, 0.80),  # tiered: 0.62% a year, capped
    "Batterymarch Mid-Cap Stock Portfolio": (180, 0.95, -22, 0.74),
    "Cyclical Growth and Income ETF Portfolio": (95, 0.55, +9, 0.82),  # capped
    "Cyclical Growth ETF Portfolio": (140, 0.55, -2, 0.82),  # near
    "Dreman Small-Cap Value Portfolio": (75, 1.10, +14, 0.74),  # capped
    "BlackRock High Yield Bond Portfolio": (330, 0.95, -30, 0.64),
    "Goldman Sachs Mid-Cap Value Portfolio": (290, 0.95, -18, 0.79),
    "Harris Oakmark International Portfolio": (1_020, 1.10, -26, 0.78),
    "Legg Mason Partners Aggressive Growth Portfolio": (540, 0.90, -12, 0.72),
    "Janus Forty Portfolio": (860, 1.25, -48, 0.62),
    "Lazard Mid-Cap Portfolio": (250, 0.80, +7, 0.86),  # capped
    "Legg Mason Partners Managed Assets Portfolio": (120, 1.25, -70, 0.55),
    "Legg Mason Value Equity Portfolio": (370, 0.80, -4, 0.88),  # near
    "Loomis Sayles Global Markets Portfolio": (230, 0.90, -15, 0.76),
    "Lord Abbett Bond Debenture Portfolio": (1_330, None, 58, 0.80),  # "None"
    "Lord Abbett Growth and Income Portfolio": (2_600, None, 55, 0.88),  # "None"
    "Van Kampen Mid-Cap Growth Portfolio": (65, 0.90, +11, 0.78),  # capped
    "Lord Abbett Mid-Cap Value Portfolio": (480, None, 72, 0.92),  # "None"
    "MetLife Aggressive Strategy Portfolio": (3_900, 0.10, -2, 0.80),  # near
    "MetLife Balanced Strategy Portfolio": (8_700, 0.10, -4, 0.82),  # near
    "MetLife Defensive Strategy Portfolio": (1_900, 0.10, +2, 0.80),  # capped
    "MetLife Growth Strategy Portfolio": (7_200, 0.10, -3, 0.82),  # near
    "MetLife Moderate Strategy Portfolio": (4_400, 0.10, -5, 0.82),
    "MFS Emerging Markets Equity Portfolio": (310, 1.30, -24, 0.80),
    "MFS Research International Portfolio": (590, 1.00, -16, 0.72),
    "MFS Value Portfolio": (380, 1.00, -29, 0.71),
    "Neuberger Berman Real Estate Portfolio": (450, 0.90, -10, 0.72),
    "Oppenheimer Capital Appreciation Portfolio": (780, 0.75, -6, 0.81),
    "PIMCO Inflation Protected Bond Portfolio": (1_150, 0.65, -13, 0.77),
    "PIMCO Total Return Portfolio": (3_450, None, 56, 0.86),  # "None"
    "Pioneer Fund Portfolio": (210, 1.00, -21, 0.75),
    "Pioneer Strategic Income Portfolio": (88, 1.25, -40, 0.61),
    "RCM Technology Portfolio": (205, 1.10, -8, 0.80),
    "Rainier Large Cap Equity Portfolio": (40, 0.80, +15, 0.66),  # new: starts December 3, 2007; capped
    "T. Rowe Price Mid-Cap Growth Portfolio": (420, 0.90, -17, 0.83),
    "Third Avenue Small Cap Value Portfolio": (640, 0.95, -19, 0.79),
    "Turner Mid-Cap Growth Portfolio": (170, 0.95, -9, 0.84),
    "Van Kampen Comstock Portfolio": (700, 0.80, -14, 0.78),
}
HEADER = [
    "Month",
    "Portfolio",
    "Average net assets",
    "Days",
    "Management fee",
    "Other expenses",
    "12b-1 fees",
    "Interest",
    "Taxes",
    "Brokerage",
    "Extraordinary expenses",
]


def cents(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rows() -> list[list[str]]:
    rng = random.Random(20071101)
    out = []
    for name, (assets_m, limit, offset_bp, mgmt_share) in PROFILES.items():
        assets = assets_m * 1e6
        for year, month in MONTHS:
            days = calendar.monthrange(year, month)[1]
            year_days = 366 if calendar.isleap(year) else 365
            if name.startswith("Rainier"):
                if (year, month) == (2007, 11):
                    continue
                if (year, month) == (2007, 12):
                    days = 29  # commenced operations December 3, 2007
            assets *= 1 + rng.uniform(-0.025, 0.03)
            if limit is None and name.startswith("Batterymarch Growth"):
                ratio = offset_bp / 10_000  # 0.62% a year against a blended limit of about 0.58%
            elif limit is None:
                ratio = offset_bp / 10_000
            else:
                ratio = (limit * 100 + offset_bp) / 10_000
            ratio += rng.uniform(-0.5, 0.5) / 10_000  # month-to-month noise of half a basis point
            covered = assets * ratio * days / year_days
            mgmt = cents(covered * mgmt_share)
            other = cents(covered) - mgmt
            period = assets * days / year_days
            distribution = cents(period * 0.0010)  # 12b-1 on the B and E classes, excluded
            interest = cents(period * rng.choice([0, 0, 0.00002]))
            taxes = cents(period * rng.choice([0, 0.00001]))
            brokerage = cents(period * rng.uniform(0.0002, 0.0012))
            extraordinary = cents(150_000.0) if (name.startswith("Janus") and (year, month) == (2008, 2)) else Decimal("0.00")
            out.append(
                [
                    f"{year}-{month:02d}",
                    name,
                    f"{cents(assets)}",
                    str(days),
                    str(mgmt),
                    str(other),
                    str(distribution),
                    str(interest),
                    str(taxes),
                    str(brokerage),
                    str(extraordinary),
                ]
            )
    return out


def build(out: Path = OUT) -> Path:
    with out.open("w", newline="", encoding="utf-8") as f:
        f.write("# ILLUSTRATIVE sample actuals for xlcap: made-up figures, not Met Investors Series Trust's.\n")
        f.write("# Built by workbooks/make_sample_actuals.py. Amounts in dollars; one row per portfolio and month.\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows())
    return out


if __name__ == "__main__":
    print(build())
