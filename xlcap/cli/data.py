"""`xlcap import` and `xlcap data check`: agreement data a fund administrator keeps and reviews."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from xlcap.agreements.datafiles import DATA_ENV, data_folder
from xlcap.cli.common import Parser, Reply, agreement_option, to_json
from xlcap.errors import EXIT_DATA, EXIT_OK, EXIT_USAGE, ImportRefusedError, InvalidInputError
from xlcap.render import render_import


def import_amendment(args: argparse.Namespace) -> Reply:
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
    shown = to_json(imported.to_dict()) if args.json else render_import(imported, compare(imported, history))
    if args.write:
        try:
            written = write_amendment(imported, data_dir, history)
        except ImportRefusedError as exc:
            return Reply(shown, exc.message, exc.exit_code)
        return Reply(shown, f"Wrote {written[0]} and {written[1]}; review them before merging.")
    if unresolved := len(imported.unresolved):
        return Reply(shown, f"{unresolved} unresolved problem(s): --write needs an interpretation recorded for each.", EXIT_USAGE)
    return Reply(shown)


def data_check(args: argparse.Namespace) -> Reply:
    from xlcap.agreements.datacheck import check_folder

    report = check_folder(Path(args.folder) if args.folder else data_folder())
    return Reply(report.summary(), code=EXIT_DATA if report.problems else EXIT_OK)


def add_parsers(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("import", help="read a filed amendment (text or HTML) and what it changes; --write adds it")
    p.add_argument("file", help="the amendment as filed: EDGAR plain text or HTML")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table and changes")
    p.add_argument("--write", action="store_true", help="add it as amendment-NNN.toml beside a copy of the file")
    p.add_argument("--interpretations", metavar="TOML", help="readings recorded for rows the text does not state plainly")
    agreement_option(p, "the agreement it amends (default: the one whose trust the file names)")
    p.add_argument(
        "--data-dir", metavar="DIR", help="the data files to compare with and write to (default: --data, XLCAP_DATA or bundled)"
    )
    p.set_defaults(run=import_amendment)

    p = sub.add_parser("data", help="the agreement data in use: check a folder before relying on it")
    data_sub = p.add_subparsers(dest="data_command", required=True, parser_class=Parser, help="check")
    check = data_sub.add_parser("check", help="every problem in a folder of agreement data, with file and line")
    check.add_argument("folder", nargs="?", help="the folder (default: --data, XLCAP_DATA or the bundled data)")
    check.set_defaults(run=data_check, json=False)
