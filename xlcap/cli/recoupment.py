"""`xlcap recoupment`: what the Manager may recover, by fiscal year of origin."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlcap.cli.common import Parser, Reply, agreement_option, to_json
from xlcap.parse import DATE_FORMS, parse_date


def recoupment(args: argparse.Namespace) -> Reply:
    from xlcap.report.recoupment_book import book_json, book_text, run_recoupment

    on = parse_date(args.as_of, "as-of")
    book = run_recoupment(on, args.actuals, args.openings, args.agreement)
    shown = to_json(book_json(book)) if args.json else book_text(book)
    if book.rules is not None and not any(p.month for p in book.portfolios):  # balances as of the last month on file
        return Reply(
            shown,
            f"Warning: the actuals hold no month {on:%Y-%m}, so nothing is repaid in it and the balances are those of the "
            "last month on file before it; add that month's actuals for its repayment.",
        )
    return Reply(shown)


def add_parsers(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("recoupment", help="waived amounts the Manager may recover: by fiscal year of origin, with expiry")
    p.add_argument("--as-of", required=True, help=DATE_FORMS)
    p.add_argument("--actuals", type=Path, help="actuals file, or a folder of monthly actuals files across years")
    p.add_argument("--openings", type=Path, help="opening balances CSV/XLSX: amounts waived before the actuals start")
    p.add_argument("--json", action="store_true", help="print one JSON object (its keys: README, section Recoupment)")
    agreement_option(p)
    p.set_defaults(run=recoupment)
