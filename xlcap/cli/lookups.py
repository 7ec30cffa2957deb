"""`xlcap cap`, `schedule` and `portfolios`: the limit in force, and what is in force, on a date."""

from __future__ import annotations

import argparse
import datetime as dt
import math

from xlcap.agreements.lookup import lookup, schedule_in_force
from xlcap.cli.common import Parser, Reply, agreement_option, to_json
from xlcap.errors import InvalidInputError
from xlcap.parse import DATE_FORMS, parse_date
from xlcap.render import render_cap, render_portfolios, render_schedule


def cap(args: argparse.Namespace) -> str:
    result = lookup(args.portfolio, args.assets, args.date, share_class=args.share_class, agreement=args.agreement)
    if args.days is not None and not 1 <= args.days <= 366:
        raise InvalidInputError(
            f"Parameter 'days' received {args.days}, which is outside 1 to 366. Valid: a whole number of days, 1 to 366 "
            "(a year at most, as in EXPCAP_AMOUNT)."
        )
    amounts = [result.annual_amount, result.period_amount(args.days) if args.days is not None else None]
    if any(a is not None and not math.isfinite(a) for a in amounts):  # JSON has no Infinity; say so, never print it
        raise InvalidInputError(
            f"Parameter 'assets' received {args.assets!r}, for which the dollar limit is too large to compute. "
            "Valid: an amount of average net assets a fund can hold, e.g. 250000000 or 1.2bn."
        )
    if args.json:
        data = result.to_dict()
        if args.days is not None:
            data["days"] = args.days
            data["period_amount"] = amounts[1]
        return to_json(data)
    return render_cap(result, args.days)


def _as_of(args: argparse.Namespace) -> tuple[dt.date, bool]:
    """The date asked, and whether it is today because none was given."""
    return (dt.date.today(), True) if args.as_of is None else (parse_date(args.as_of, "as-of"), False)


def schedule(args: argparse.Namespace) -> str:
    on, today = _as_of(args)
    return render_schedule(schedule_in_force(on, agreement=args.agreement), on, today)


def portfolios(args: argparse.Namespace) -> Reply:
    on, today = _as_of(args)
    out, note = render_portfolios(schedule_in_force(on, agreement=args.agreement), on, args.all, today)
    return Reply(out, note)


def add_parsers(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("cap", help="the expense limit for one portfolio, asset level and date")
    p.add_argument("portfolio", help="portfolio name as you would type it, e.g. 'Lazard Mid-Cap'")
    p.add_argument("--assets", required=True, help="average net assets: 250000000, 250,000,000, 250e6, $250m, 1.2bn")
    p.add_argument("--date", required=True, help=DATE_FORMS)
    p.add_argument("--days", type=int, help="also give the dollar limit for this many days (actual/365 or 366)")
    p.add_argument(
        "--class",
        dest="share_class",
        metavar="CLASS",
        help="share class, e.g. A or 'Class A' (needed where limits differ by class)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    agreement_option(p, "needed only for a name in several agreements")
    p.set_defaults(run=cap)

    p = sub.add_parser("schedule", help="the Schedule A in force on a date, as a table")
    p.add_argument("--as-of", help=f"{DATE_FORMS} (default: today)")
    agreement_option(p)
    p.set_defaults(run=schedule, json=False)

    p = sub.add_parser("portfolios", help="the portfolios in force on a date, one per line")
    p.add_argument("--as-of", help=f"{DATE_FORMS} (default: today)")
    p.add_argument("--all", action="store_true", help="every row of the schedule, with its term, in force or not")
    agreement_option(p)
    p.set_defaults(run=portfolios, json=False)
