"""`xlcap report` and `xlcap send`: the month's workbooks, and the mail that carries them, once."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from xlcap.cli.common import Parser, Reply, agreement_option, count
from xlcap.errors import EXIT_CONFLICT, EXIT_DELIVERY, EXIT_OK, InvalidInputError


def report(args: argparse.Namespace) -> str:
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
    n = count(len(run.files), "workbook")
    if run.up_to_date:
        lines = [f"The {n} for {month} in {run.out} are up to date (same inputs as when written); nothing written:"]
    else:
        lines = [f"Wrote {n} for {month} to {run.out}:"]
    for f in run.files:
        named = ", ".join(f.absent) if len(f.absent) <= 3 else f"{len(f.absent)} portfolios, named in its Notes"
        left_out = f"; not in this workbook, no actuals for {month}: {named}" if f.absent else ""
        who = f.manager if f.manager is None or len(f.manager) <= 60 else f.manager[:57] + "..."
        lines.append(f"  {f.path.name}  ({who or 'whole Trust'}, {count(len(f.portfolios), 'portfolio')}{left_out})")
    return "\n".join(lines + list(run.notes))


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


_SEND_LABELS = {
    "sent": "Sent",
    "already": "Already sent, skipped",
    "drafted": "Written for review",
    "changed": "Changed since sent, not sent",
    "uncertain": "Uncertain",
    "failed": "Failed",
    "not_attempted": "Not attempted",
}


def send(args: argparse.Namespace) -> Reply:
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
    lines = [f"Wrote {count(len(result.drafts), 'message')} for review, sent nothing."] if args.dry_run else []
    for s in result.states:  # one line per manager, in the recipients' order: the run's summary
        detail = "" if s.state == "sent" else f": {s.detail}"
        lines.append(f"{_SEND_LABELS[s.state]}: {s.manager} -> {', '.join(s.to)}{detail}")
    problems = [f"Warning: {w}" for w in result.warnings]
    undelivered = result.of("failed", "uncertain", "not_attempted")
    code = EXIT_DELIVERY if undelivered else EXIT_CONFLICT if result.of("changed") else EXIT_OK
    if undelivered:
        problems.append(f"{count(len(undelivered), 'manager')} of {len(result.states)} not delivered (see above).")
    elif code:
        problems.append("Changed workbooks were not sent (see above).")
    if result.stopped is not None:
        problems.append(result.stopped.message)
        code = result.stopped.exit_code
    return Reply("\n".join(lines or ["Nothing to send."]), "\n".join(problems), code)


def add_parsers(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("report", help="the month's cap-versus-actual workbooks: one per manager and one for the Trust")
    p.add_argument("--month", required=True, help="the month to report, YYYY-MM")
    p.add_argument(
        "--actuals",
        type=Path,
        help="actuals file, CSV or XLSX, or a folder of monthly files across years "
        "(the Recoupment sheet's history; default: the bundled illustrative sample)",
    )
    p.add_argument("--openings", type=Path, help="opening balances CSV/XLSX for the Recoupment sheet (see recoupment)")
    p.add_argument("--out", type=Path, help="folder for the workbooks (default: workbooks/YYYY-MM)")
    p.add_argument("--recipients", type=Path, help="recipients TOML: manager, portfolios, emails (default: the bundled sample)")
    p.add_argument("--method", choices=["fytd", "monthly"], default="fytd",
                   help="fytd: fiscal year to date, pro rata (default); monthly: monthly annualised")  # fmt: skip
    p.add_argument("--near", default="95%", metavar="PERCENT",
                   help='"Near limit" from this share of the limit, year to date (default: 95%%)')  # fmt: skip
    p.add_argument("--tolerance", default="1.00", metavar="DOLLARS",
                   help="reconciliation: a true-up this small needs no entry (default: 1.00)")  # fmt: skip
    p.add_argument("--force", action="store_true", help="replace the month's workbooks if they exist")
    agreement_option(p)
    p.set_defaults(run=report, json=False)

    p = sub.add_parser("send", help="email each manager their month's workbook, once")
    p.add_argument("--month", required=True, help="the month to send, YYYY-MM")
    p.add_argument("--out", type=Path, help="folder of the workbooks xlcap report made (default: workbooks/YYYY-MM)")
    p.add_argument("--recipients", type=Path, help="recipients TOML (default: the managers and addresses report recorded)")
    p.add_argument("--smtp", help="mail server as HOST:PORT")
    p.add_argument("--tls", choices=["starttls", "ssl", "none"], default="starttls",
                   help="starttls (default), ssl (implicit TLS, port 465), or none (a server on this machine)")  # fmt: skip
    p.add_argument("--user", help="log in as this user; the password is read from the environment")
    p.add_argument("--password-env", default="XLCAP_SMTP_PASSWORD", help="environment variable holding the password")
    p.add_argument("--from", dest="sender", default="xlcap@localhost", help="sender address")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each server reply (default 30)")
    p.add_argument("--cafile", type=Path, help="CA certificates to trust for the server's TLS certificate")
    p.add_argument("--dry-run", action="store_true", help="write each message as an .eml file in outbox/ and send nothing")
    p.add_argument("--resend", nargs="+", metavar="MANAGER",
                   help="send these managers the new version of a workbook rebuilt since it was delivered")  # fmt: skip
    p.add_argument("--retry-uncertain", nargs="*", metavar="MANAGER",
                   help="send uncertain messages again, same Message-ID (all, or these managers)")  # fmt: skip
    p.set_defaults(run=send, json=False)
