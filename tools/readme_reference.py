"""The README's command reference, generated from the parser so it cannot drift from --help.

Run `python3 -m tools.readme_reference` from the checkout to rewrite it; tests/test_docs.py checks it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from xlcap.cli import build_parser

BEGIN, END = "<!-- cli-reference:begin -->", "<!-- cli-reference:end -->"


def cli_reference() -> str:
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps help to the terminal width; fix it for the README
    try:
        return _reference(build_parser())
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def _commands(parser: argparse.ArgumentParser, prefix: str) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command under a parser, nested ones too (xlcap excel lite), in the parser's order."""
    found: list[tuple[str, argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                found.append((f"{prefix} {name}", command))
                found += _commands(command, f"{prefix} {name}")
    return found


def _reference(parser: argparse.ArgumentParser) -> str:
    sections = [parser.format_help()]
    for name, command in _commands(parser, "xlcap"):
        sections.append(f"### {name}\n\n```\n{command.format_help().rstrip()}\n```\n")
    return f"{BEGIN}\n```\n{sections[0].rstrip()}\n```\n\n" + "\n".join(sections[1:]) + END


def update_readme(path: Path) -> bool:
    """Rewrite the reference between the markers; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + cli_reference() + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    update_readme(Path(__file__).parent.parent / "README.md")
