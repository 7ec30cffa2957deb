"""`xlcap excel lite`: the files that put the Excel functions into xlwings Lite."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlcap.cli.common import Parser


def lite(args: argparse.Namespace) -> str:
    from xlcap.excel.lite import write_lite

    main_py, requirements = write_lite(args.out, force=args.force)
    return (
        f"Wrote {main_py} and {requirements}.\n"
        "In Excel, open xlwings Lite: paste main.py over its main.py and requirements.txt over its\n"
        "requirements.txt, then restart xlwings Lite (menu > Restart)."
    )


def add_parsers(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("excel", help="files for using the Excel functions: lite writes xlwings Lite's main.py")
    excel_sub = p.add_subparsers(dest="excel_command", required=True, parser_class=Parser, help="what to write")
    p = excel_sub.add_parser("lite", help="write main.py (xlcap embedded) and requirements.txt for xlwings Lite")
    p.add_argument("--out", type=Path, required=True, help="folder to write main.py and requirements.txt into")
    p.add_argument("--force", action="store_true", help="replace main.py and requirements.txt if they exist")
    p.set_defaults(run=lite, json=False)
