"""The send log, read and written directly: what a person or another tool may find in send-log.jsonl.

The exactly-once behaviour is tested end to end with a real SMTP server in tests/test_send.py;
these pin the file format itself (killing the mutants tools/mutation.py found there).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlcap.errors import InputFileError
from xlcap.send import _log, read_log


def test_a_missing_log_is_an_empty_log(tmp_path: Path) -> None:
    assert read_log(tmp_path / "send-log.jsonl") == []


def test_entries_are_written_one_per_line_with_sorted_keys(tmp_path: Path) -> None:
    log = tmp_path / "send-log.jsonl"
    _log(log, {"to": "a@example.com", "message_id": "<1@x>", "at": "2008-02-01T09:00:00"})
    _log(log, {"to": "b@example.com", "message_id": "<2@x>", "at": "2008-02-01T09:00:01"})
    # sorted keys: the same entry is always the same line, so two logs can be compared with diff
    assert log.read_text(encoding="utf-8").splitlines() == [
        '{"at": "2008-02-01T09:00:00", "message_id": "<1@x>", "to": "a@example.com"}',
        '{"at": "2008-02-01T09:00:01", "message_id": "<2@x>", "to": "b@example.com"}',
    ]
    assert [e["to"] for e in read_log(log)] == ["a@example.com", "b@example.com"]


def test_a_damaged_line_is_named_by_its_number_and_text(tmp_path: Path) -> None:
    log = tmp_path / "send-log.jsonl"
    damaged = "x" * 70  # longer than the 60 characters quoted back
    log.write_text('{"to": "a@example.com"}\n\n' + damaged + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_log(log)
    # line 1 is an entry, line 2 blank (skipped), line 3 the damage
    assert info.value.problems == [f"{log}, line 3: not a send-log entry ({'x' * 60!r}); fix or remove that line."]


def test_the_log_is_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    # A line written by another tool may hold UTF-8 text unescaped. Python in the C locale with UTF-8 mode off
    # reads files as ASCII unless told the encoding, as a Windows machine reads them as cp1252.
    log = tmp_path / "send-log.jsonl"
    log.write_text('{"manager": "Société Générale", "to": "a@example.com"}\n', encoding="utf-8")
    code = "import sys, pathlib, xlcap.send as s; print(s.read_log(pathlib.Path(sys.argv[1]))[0]['manager'])"
    env = {**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-X", "utf8=0", "-c", code, str(log)], capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8").strip() == "Société Générale"
    assert read_log(log)[0]["manager"] == "Société Générale"  # and in this process, whatever its locale
