"""What every command shares: the reply it returns, the parser that reports instead of exiting, JSON."""

from __future__ import annotations

import argparse
import json
from typing import NamedTuple

from xlcap.errors import EXIT_OK


class Reply(NamedTuple):
    """A command's stdout, a message for stderr, and the exit code, for answers that come with a warning."""

    out: str
    err: str = ""
    code: int = EXIT_OK


class UsageError(Exception):
    """argparse's complaint, raised instead of exiting so --json can report it too."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def to_json(data: object) -> str:
    """JSON for stdout: never NaN or Infinity, which JSON readers reject."""
    return json.dumps(data, indent=2, allow_nan=False)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def agreement_option(parser: argparse.ArgumentParser, default: str = "needed only when the data holds several") -> None:
    parser.add_argument("--agreement", metavar="ID", help=f"the agreement's id or trust name ({default})")
