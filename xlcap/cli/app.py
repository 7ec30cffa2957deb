"""Running one command: the parser built from each command module, and every error turned into an exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from xlcap.agreements.datafiles import DATA_ENV
from xlcap.cli import data, excel, lookups, month_end, recoupment
from xlcap.cli.common import Parser, Reply, UsageError, to_json
from xlcap.errors import EXIT_CLOSED_PIPE, EXIT_INTERNAL, EXIT_USAGE, XlcapError

COMMANDS = (lookups, month_end, recoupment, data, excel)  # each adds its subcommands, in the order help lists them


def build_parser() -> argparse.ArgumentParser:
    from xlcap import __version__

    parser = Parser(prog="xlcap", description="Expense limitation agreements: the limit in force, and why.")
    parser.add_argument("--version", action="version", version=f"xlcap {__version__}")
    parser.add_argument(
        "--data",
        metavar="DIR",
        help=f"folder of agreement data to use (default: ${DATA_ENV}, else the bundled Met Investors data)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMANDS:
        module.add_parsers(sub)
    return parser


def _fail(code: str, message: str, suggestions: Sequence[str], as_json: bool, exit_code: int) -> int:
    print(message, file=sys.stderr)
    if as_json:
        try:
            print(to_json({"error": {"code": code, "message": message, "suggestions": list(suggestions)}}), flush=True)
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
