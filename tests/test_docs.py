"""The README: its two set-up commands, and a command reference that matches --help."""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.readme_reference import BEGIN, END, cli_reference
from xlcap.cli import build_parser

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands() -> None:
    head = README.split("## What it is")[0]
    assert "<!-- main-command -->\n```bash\npython3 -m pip install . && xlcap report " in head
    assert "<!-- test-command -->\n```bash\npython3 -m pip install -e '.[test]' && python3 -m pytest\n```" in head


def test_cli_reference_is_current() -> None:
    current = README[README.index(BEGIN) : README.index(END) + len(END)]
    assert current == cli_reference(), "README's command reference is stale: run `python3 -m tools.readme_reference`"


def test_every_command_and_option_has_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    assert all(helps.get(name) for name in sub.choices), helps
    for name, command in sub.choices.items():
        for action in command._actions:
            assert action.help, f"xlcap {name} {action.dest} has no help text"
