"""The `xlcap` command: a module per group of commands, each a few lines over one library call.

app.py builds the parser from each command module's `add_parsers` and turns errors into exit codes
(the table in xlcap.errors); a new command is a function and its parser in one module.
"""

from __future__ import annotations

import sys

from xlcap.cli.app import build_parser, main
from xlcap.errors import EXIT_INTERRUPTED

__all__ = ["build_parser", "main", "main_exit"]


def main_exit() -> None:
    """Console-script entry point."""
    try:
        code = main()
    except KeyboardInterrupt:
        print("xlcap: interrupted; nothing half-written was left in place.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    sys.exit(code)
