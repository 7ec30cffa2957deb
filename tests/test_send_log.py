"""The send log under damage: a torn tail is cut and only ever makes the state more cautious; any other
damage is refused. Never a record read as something it did not say.

The log below is written through the real SendLog to a real file: five records, in this order,
  1 attempting A   2 delivered A   3 attempting B   4 failed B   5 attempting C
so after the first j whole lines the state is, by hand:
  j=0: nothing; 1: A uncertain; 2: A delivered; 3: + B uncertain; 4: B failed; 5: + C uncertain.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcap.errors import SendLogError
from xlcap.mail.send_log import Attempt, SendLog, new_attempt

AFTER_LINES = [
    [],
    [("A", "uncertain")],
    [("A", "delivered")],
    [("A", "delivered"), ("B", "uncertain")],
    [("A", "delivered"), ("B", "failed")],
    [("A", "delivered"), ("B", "failed"), ("C", "uncertain")],
]


def write_log(folder: Path) -> bytes:
    path = folder / "send-log.jsonl"
    path.unlink(missing_ok=True)
    log = SendLog.open(path)
    a, b, c = (
        new_attempt(f"<{m}@x>", m, (f"{m.lower()}@example.com",), f"{m}.xlsx", "f" * 64, "Thu, 31 Jan 2008") for m in "ABC"
    )
    log.attempting(a)
    log.delivered(a, "250 ok")
    log.attempting(b)
    log.failed(b, "552 too big")
    log.attempting(c)
    log.close()
    return path.read_bytes()


def states(path: Path) -> list[tuple[str, str]]:
    return [(a.manager, a.state) for a in records(path)]


def records(path: Path) -> list[Attempt]:
    log = SendLog.open(path)
    log.close()
    return log.attempts


def test_the_log_reads_back_as_written(tmp_path: Path) -> None:
    raw = write_log(tmp_path)
    assert raw.count(b"\n") == 5
    assert states(tmp_path / "send-log.jsonl") == AFTER_LINES[5]


@settings(max_examples=80, deadline=None)
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_a_log_cut_anywhere_reads_as_its_whole_lines(tmp_path_factory: pytest.TempPathFactory, cut: int) -> None:
    folder = tmp_path_factory.mktemp("cut")
    raw = write_log(folder)
    cut %= len(raw) + 1
    path = folder / "send-log.jsonl"
    path.write_bytes(raw[:cut])
    whole_lines = raw[:cut].count(b"\n")
    assert states(path) == AFTER_LINES[whole_lines]
    assert path.read_bytes() == b"".join(raw.splitlines(keepends=True)[:whole_lines])  # the torn part was cut off


@settings(max_examples=120, deadline=None)
@given(where=st.integers(min_value=0, max_value=10_000), byte=st.integers(min_value=0, max_value=255))
def test_a_damaged_byte_is_refused_or_changes_nothing(tmp_path_factory: pytest.TempPathFactory, where: int, byte: int) -> None:
    folder = tmp_path_factory.mktemp("flip")
    raw = bytearray(write_log(folder))
    before = records(folder / "send-log.jsonl")
    where %= len(raw)
    if raw[where] == byte:
        byte ^= 0x01
    raw[where] = byte
    path = folder / "send-log.jsonl"
    path.write_bytes(bytes(raw))
    try:
        got = records(path)
    except SendLogError as exc:
        assert f"{path}, line " in exc.message
        return
    if where == len(raw) - 1:  # the last newline damaged: a torn last line, cut off
        assert [(a.manager, a.state) for a in got] == AFTER_LINES[4]
    else:  # only insignificant whitespace can change and still read: the same records, field for field
        assert got == before
