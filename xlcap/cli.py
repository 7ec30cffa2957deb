"""The `xlcap` command: a few lines per command over one library call; errors become exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from xlcap.agreements.datafiles import DATA_ENV, data_folder
from xlcap.agreements.lookup import lookup, schedule_in_force
from xlcap.errors import (
    EXIT_CLOSED_PIPE,
    EXIT_CONFLICT,
    EXIT_DATA,
    EXIT_DELIVERY,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ImportRefusedError,
    InvalidInputError,
    XlcapError,
)
from xlcap.parse import DATE_FORMS, parse_date
from xlcap.render import render_cap, render_import, render_portfolios, render_schedule


class Reply(NamedTuple):
    """A command's stdout, a message for stderr, and the exit code, for answers that come with a warning."""

    out: str
    err: str = ""
    code: int = EXIT_OK


class UsageError(Exception):
    """argparse's complaint, raised instead of exiting so --json can report it too."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _cmd_cap(args: argparse.Namespace) -> str:
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
        return _json(data)
    return render_cap(result, args.days)


def _json(data: object) -> str:
    return json.dumps(data, indent=2, allow_nan=False)


def _as_of(args: argparse.Namespace) -> tuple[dt.date, bool]:
    """The date asked, and whether it is today because none was given."""
    return (dt.date.today(), True) if args.as_of is None else (parse_date(args.as_of, "as-of"), False)


def _cmd_schedule(args: argparse.Namespace) -> str:
    on, today = _as_of(args)
    return render_schedule(schedule_in_force(on, agreement=args.agreement), on, today)


def _cmd_portfolios(args: argparse.Namespace) -> Reply:
    on, today = _as_of(args)
    out, note = render_portfolios(schedule_in_force(on, agreement=args.agreement), on, args.all, today)
    return Reply(out, note)


def _cmd_report(args: argparse.Namespace) -> str:
    from xlcap.parse import parse_amount
    from xlcap.report.actuals import parse_month
    from xlcap.report.month_end import run_report
    from xlcap.report.status import parse_near

    month = parse_month(args.month, "month")
    near = parse_near(args.near)
    tolerance = parse_amount(args.tolerance, "tolerance")
    with _progress_bar() as progress:
        run = run_report(
            month, actuals=args.actuals, out_dir=args.out, recipients=args.recipients, force=args.force,
            method=args.method, progress=progress, agreement=args.agreement, near_share=near, tolerance=tolerance,
            openings=args.openings,
        )  # fmt: skip
    n = _count(len(run.files), "workbook")
    if run.up_to_date:
        lines = [f"The {n} for {month} in {run.out} are up to date (same inputs as when written); nothing written:"]
    else:
        lines = [f"Wrote {n} for {month} to {run.out}:"]
    for f in run.files:
        named = ", ".join(f.absent) if len(f.absent) <= 3 else f"{len(f.absent)} portfolios, named in its Notes"
        left_out = f"; not in this workbook, no actuals for {month}: {named}" if f.absent else ""
        who = f.manager if f.manager is None or len(f.manager) <= 60 else f.manager[:57] + "..."
        lines.append(f"  {f.path.name}  ({who or 'whole Trust'}, {_count(len(f.portfolios), 'portfolio')}{left_out})")
    return "\n".join(lines + list(run.notes))


_SEND_LABELS = {
    "sent": "Sent",
    "already": "Already sent, skipped",
    "drafted": "Written for review",
    "changed": "Changed since sent, not sent",
    "uncertain": "Uncertain",
    "failed": "Failed",
    "not_attempted": "Not attempted",
}


def _cmd_send(args: argparse.Namespace) -> Reply:
    from xlcap.mail.send import SmtpSettings, send_month
    from xlcap.mail.smtp import parse_server
    from xlcap.report.actuals import parse_month

    month = parse_month(args.month, "month")
    if args.smtp is None and not args.dry_run:
        raise InvalidInputError(
            "Parameter 'smtp' is missing. Valid: --smtp HOST:PORT, or --dry-run to write the messages as .eml files."
        )
    host, port = parse_server(args.smtp) if args.smtp else ("localhost", 25)
    smtp = SmtpSettings(host, port, args.tls, args.user, args.password_env, args.sender, args.timeout, args.cafile)
    result = send_month(
        month, smtp, out_dir=args.out, recipients=args.recipients, dry_run=args.dry_run, resend=args.resend or (),
        retry_uncertain=args.retry_uncertain,
    )  # fmt: skip
    lines = [f"Wrote {_count(len(result.drafts), 'message')} for review, sent nothing."] if args.dry_run else []
    for s in result.states:  # one line per manager, in the recipients' order: the run's summary
        detail = "" if s.state == "sent" else f": {s.detail}"
        lines.append(f"{_SEND_LABELS[s.state]}: {s.manager} -> {', '.join(s.to)}{detail}")
    problems = [f"Warning: {w}" for w in result.warnings]
    undelivered = result.of("failed", "uncertain", "not_attempted")
    code = EXIT_DELIVERY if undelivered else EXIT_CONFLICT if result.of("changed") else EXIT_OK
    if undelivered:
        problems.append(f"{_count(len(undelivered), 'manager')} of {len(result.states)} not delivered (see above).")
    elif code:
        problems.append("Changed workbooks were not sent (see above).")
    if result.stopped is not None:
        problems.append(result.stopped.message)
        code = result.stopped.exit_code
    return Reply("\n".join(lines or ["Nothing to send."]), "\n".join(problems), code)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise (logs, pipes, tests)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("Writing workbooks", total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=f"Writing {name}")

        yield update


def _cmd_import(args: argparse.Namespace) -> Reply:
    from xlcap.importing.diff import agreement_folder, compare, history_in  # the import machinery loads only here
    from xlcap.importing.imported import import_amendment
    from xlcap.importing.write import write_amendment

    data_dir = Path(args.data_dir) if args.data_dir else data_folder()
    if not data_dir.is_dir():
        raise InvalidInputError(f"Parameter 'data-dir' received {args.data_dir!r}, which is not a directory.")
    own_folder = args.data_dir or os.environ.get(DATA_ENV)
    if args.write and not own_folder and {"site-packages", "dist-packages"} & set(data_dir.parts):
        # An installed copy's data would vanish with the next upgrade, unreviewed: write into a checkout.
        raise InvalidInputError(
            f"--write would add the amendment to the installed package ({data_dir}). "
            "Valid: your own data folder (--data DIR or XLCAP_DATA), or --data-dir pointing at the xlcap/data folder "
            "of a checkout, where the change can be reviewed."
        )
    imported = import_amendment(Path(args.file), Path(args.interpretations) if args.interpretations else None)
    data_dir = agreement_folder(data_dir, args.agreement, imported.header.trust)
    history = history_in(data_dir)
    shown = _json(imported.to_dict()) if args.json else render_import(imported, compare(imported, history))
    if args.write:
        try:
            written = write_amendment(imported, data_dir, history)
        except ImportRefusedError as exc:
            return Reply(shown, exc.message, exc.exit_code)
        return Reply(shown, f"Wrote {written[0]} and {written[1]}; review them before merging.")
    if unresolved := len(imported.unresolved):
        return Reply(shown, f"{unresolved} unresolved problem(s): --write needs an interpretation recorded for each.", EXIT_USAGE)
    return Reply(shown)


def _cmd_data_check(args: argparse.Namespace) -> Reply:
    from xlcap.agreements.datacheck import check_folder

    report = check_folder(Path(args.folder) if args.folder else data_folder())
    return Reply(report.summary(), code=EXIT_DATA if report.problems else EXIT_OK)


def _agreement_option(parser: argparse.ArgumentParser, default: str = "needed only when the data holds several") -> None:
    parser.add_argument("--agreement", metavar="ID", help=f"the agreement's id or trust name ({default})")


def build_parser() -> argparse.ArgumentParser:
    from xlcap import __version__

    parser = _Parser(prog="xlcap", description="Expense limitation agreements: the limit in force, and why.")
    parser.add_argument("--version", action="version", version=f"xlcap {__version__}")
    parser.add_argument(
        "--data",
        metavar="DIR",
        help=f"folder of agreement data to use (default: ${DATA_ENV}, else the bundled Met Investors data)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    cap = sub.add_parser("cap", help="the expense limit for one portfolio, asset level and date")
    cap.add_argument("portfolio", help="portfolio name as you would type it, e.g. 'Lazard Mid-Cap'")
    cap.add_argument("--assets", required=True, help="average net assets: 250000000, 250,000,000, 250e6, $250m, 1.2bn")
    cap.add_argument("--date", required=True, help=DATE_FORMS)
    cap.add_argument("--days", type=int, help="also give the dollar limit for this many days (actual/365 or 366)")
    cap.add_argument(
        "--class",
        dest="share_class",
        metavar="CLASS",
        help="share class, e.g. A or 'Class A' (needed where limits differ by class)",
    )
    cap.add_argument("--json", action="store_true", help="print one JSON object")
    _agreement_option(cap, "needed only for a name in several agreements")
    cap.set_defaults(run=_cmd_cap)

    schedule = sub.add_parser("schedule", help="the Schedule A in force on a date, as a table")
    schedule.add_argument("--as-of", help=f"{DATE_FORMS} (default: today)")
    _agreement_option(schedule)
    schedule.set_defaults(run=_cmd_schedule, json=False)

    portfolios = sub.add_parser("portfolios", help="the portfolios in force on a date, one per line")
    portfolios.add_argument("--as-of", help=f"{DATE_FORMS} (default: today)")
    portfolios.add_argument("--all", action="store_true", help="every row of the schedule, with its term, in force or not")
    _agreement_option(portfolios)
    portfolios.set_defaults(run=_cmd_portfolios, json=False)

    report = sub.add_parser("report", help="the month's cap-versus-actual workbooks: one per manager and one for the Trust")
    report.add_argument("--month", required=True, help="the month to report, YYYY-MM")
    report.add_argument(
        "--actuals",
        type=Path,
        help="actuals file, CSV or XLSX, or a folder of monthly files across years "
        "(the Recoupment sheet's history; default: the bundled illustrative sample)",
    )
    report.add_argument("--openings", type=Path, help="opening balances CSV/XLSX for the Recoupment sheet (see recoupment)")
    report.add_argument("--out", type=Path, help="folder for the workbooks (default: workbooks/YYYY-MM)")
    report.add_argument(
        "--recipients", type=Path, help="recipients TOML: manager, portfolios, emails (default: the bundled sample)"
    )
    report.add_argument("--method", choices=["fytd", "monthly"], default="fytd",
                        help="fytd: fiscal year to date, pro rata (default); monthly: monthly annualised")  # fmt: skip
    report.add_argument("--near", default="95%", metavar="PERCENT",
                        help='"Near limit" from this share of the limit, year to date (default: 95%%)')  # fmt: skip
    report.add_argument("--tolerance", default="1.00", metavar="DOLLARS",
                        help="reconciliation: a true-up this small needs no entry (default: 1.00)")  # fmt: skip
    report.add_argument("--force", action="store_true", help="replace the month's workbooks if they exist")
    _agreement_option(report)
    report.set_defaults(run=_cmd_report, json=False)

    send = sub.add_parser("send", help="email each manager their month's workbook, once")
    send.add_argument("--month", required=True, help="the month to send, YYYY-MM")
    send.add_argument("--out", type=Path, help="folder of the workbooks xlcap report made (default: workbooks/YYYY-MM)")
    send.add_argument("--recipients", type=Path, help="recipients TOML (default: the managers and addresses report recorded)")
    send.add_argument("--smtp", help="mail server as HOST:PORT")
    send.add_argument("--tls", choices=["starttls", "ssl", "none"], default="starttls",
                      help="starttls (default), ssl (implicit TLS, port 465), or none (a server on this machine)")  # fmt: skip
    send.add_argument("--user", help="log in as this user; the password is read from the environment")
    send.add_argument("--password-env", default="XLCAP_SMTP_PASSWORD", help="environment variable holding the password")
    send.add_argument("--from", dest="sender", default="xlcap@localhost", help="sender address")
    send.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each server reply (default 30)")
    send.add_argument("--cafile", type=Path, help="CA certificates to trust for the server's TLS certificate")
    send.add_argument("--dry-run", action="store_true", help="write each message as an .eml file in outbox/ and send nothing")
    send.add_argument("--resend", nargs="+", metavar="MANAGER",
                      help="send these managers the new version of a workbook rebuilt since it was delivered")  # fmt: skip
    send.add_argument("--retry-uncertain", nargs="*", metavar="MANAGER",
                      help="send uncertain messages again, same Message-ID (all, or these managers)")  # fmt: skip
    send.set_defaults(run=_cmd_send, json=False)

    imports = sub.add_parser("import", help="read a filed amendment (text or HTML) and what it changes; --write adds it")
    imports.add_argument("file", help="the amendment as filed: EDGAR plain text or HTML")
    imports.add_argument("--json", action="store_true", help="print one JSON object instead of the table and changes")
    imports.add_argument("--write", action="store_true", help="add it as amendment-NNN.toml beside a copy of the file")
    imports.add_argument("--interpretations", metavar="TOML", help="readings recorded for rows the text does not state plainly")
    _agreement_option(imports, "the agreement it amends (default: the one whose trust the file names)")
    imports.add_argument(
        "--data-dir", metavar="DIR", help="the data files to compare with and write to (default: --data, XLCAP_DATA or bundled)"
    )
    imports.set_defaults(run=_cmd_import)

    recoup = sub.add_parser("recoupment", help="waived amounts the Manager may recover: by fiscal year of origin, with expiry")
    recoup.add_argument("--as-of", required=True, help=DATE_FORMS)
    recoup.add_argument("--actuals", type=Path, help="actuals file, or a folder of monthly actuals files across years")
    recoup.add_argument("--openings", type=Path, help="opening balances CSV/XLSX: amounts waived before the actuals start")
    recoup.add_argument("--json", action="store_true", help="print one JSON object (keys: README, Recoupment)")
    _agreement_option(recoup)
    recoup.set_defaults(run=_cmd_recoupment)

    data = sub.add_parser("data", help="the agreement data in use: check a folder before relying on it")
    data_sub = data.add_subparsers(dest="data_command", required=True, parser_class=_Parser, help="check")
    check = data_sub.add_parser("check", help="every problem in a folder of agreement data, with file and line")
    check.add_argument("folder", nargs="?", help="the folder (default: --data, XLCAP_DATA or the bundled data)")
    check.set_defaults(run=_cmd_data_check, json=False)

    excel = sub.add_parser("excel", help="files for using the Excel functions: lite writes xlwings Lite's main.py")
    excel_sub = excel.add_subparsers(dest="excel_command", required=True, parser_class=_Parser, help="what to write")
    lite = excel_sub.add_parser("lite", help="write main.py (xlcap embedded) and requirements.txt for xlwings Lite")
    lite.add_argument("--out", type=Path, required=True, help="folder to write main.py and requirements.txt into")
    lite.add_argument("--force", action="store_true", help="replace main.py and requirements.txt if they exist")
    lite.set_defaults(run=_cmd_excel_lite, json=False)
    return parser


def _cmd_recoupment(args: argparse.Namespace) -> str:
    from xlcap.report.recoupment_book import book_json, book_text, run_recoupment

    book = run_recoupment(parse_date(args.as_of, "as-of"), args.actuals, args.openings, args.agreement)
    return _json(book_json(book)) if args.json else book_text(book)


def _cmd_excel_lite(args: argparse.Namespace) -> str:
    from xlcap.excel.lite import write_lite

    main_py, requirements = write_lite(args.out, force=args.force)
    return (
        f"Wrote {main_py} and {requirements}.\n"
        "In Excel, open xlwings Lite: paste main.py over its main.py and requirements.txt over its\n"
        "requirements.txt, then restart xlwings Lite (menu > Restart)."
    )


def _fail(code: str, message: str, suggestions: Sequence[str], as_json: bool, exit_code: int) -> int:
    print(message, file=sys.stderr)
    if as_json:
        try:
            print(_json({"error": {"code": code, "message": message, "suggestions": list(suggestions)}}), flush=True)
        except BrokenPipeError:
            _closed_stdout()
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (the table in xlcap.errors). Only an interrupt escapes."""
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    saved_data = os.environ.get(DATA_ENV)
    try:
        args = build_parser().parse_args(argv)
        if args.data is not None:  # --data DIR is XLCAP_DATA=DIR for this command
            os.environ[DATA_ENV] = args.data
        run: Callable[[argparse.Namespace], str | Reply] = args.run
        reply = run(args)
        reply = Reply(reply) if isinstance(reply, str) else reply
        print(reply.out)
        sys.stdout.flush()  # a closed pipe shows here, inside the try
        if reply.err:
            print(reply.err, file=sys.stderr)
        return reply.code
    except UsageError as exc:
        return _fail("usage", str(exc), (), as_json, EXIT_USAGE)
    except XlcapError as exc:
        return _fail(exc.code, exc.message, exc.suggestions, as_json, exc.exit_code)
    except BrokenPipeError:
        return _closed_stdout()
    except Exception as exc:  # a bug: one short line for the user, the traceback in a file for the report
        log = _crash_log(argv)
        print(
            f"xlcap: internal error ({type(exc).__name__}: {exc}). This is a bug in xlcap, not in your input. "
            f"The details are in {log}; please send that file with your report.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        if saved_data is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = saved_data


def _closed_stdout() -> int:
    """The reader went away (`xlcap portfolios | head -1`): stop quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain
    return EXIT_CLOSED_PIPE


def _crash_log(argv: Sequence[str]) -> Path:
    from xlcap import __version__

    fd, name = tempfile.mkstemp(prefix="xlcap-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"xlcap {__version__}, Python {sys.version.split()[0]}, {dt.datetime.now().isoformat()}\n")
        f.write(f"command: xlcap {' '.join(argv)}\n\n{traceback.format_exc()}")
    return Path(name)


def main_exit() -> None:
    """Console-script entry point."""
    try:
        code = main()
    except KeyboardInterrupt:
        print("xlcap: interrupted; nothing half-written was left in place.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    sys.exit(code)
