"""The send log: a durable record of every attempt to email a manager's workbook, and its result.

send-log.jsonl beside the workbooks holds one JSON line per event, each about one whole message
(never one line per recipient, so a message's recipients are recorded together or not at all):

- ``attempting``: written and fsynced after the server accepted the recipients and *before* the
  DATA command: message id, manager, recipients, workbook file and its inputs hash.
- ``delivered``: after the server's 250 reply to the message.
- ``failed``: the server refused the message outright (it cannot have been delivered).

An ``attempting`` line with no result after it is *uncertain*: the run stopped (killed, connection
lost, no reply) somewhere between DATA and recording the reply, so the message may or may not have
arrived. Each line is one ``os.write`` on a file opened for appending, followed by ``fsync``. A torn
last line (a crash or a full disk mid-write) is cut off and kept in send-log.jsonl.torn for audit:
every event before it is whole, and losing the torn one only ever makes the state more cautious
(a lost ``delivered`` leaves the message uncertain; a lost ``attempting`` was never followed by
DATA). Each record carries a digest of its content, so a line damaged anywhere else (a flipped
byte, a hand edit) is refused, naming the line, rather than read as something it never said.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from xlcap.errors import OutputWriteError, SendLogError

SEND_LOG = "send-log.jsonl"
State = Literal["uncertain", "delivered", "failed"]
_FIELDS = {
    "attempting": {"message_id", "manager", "recipients", "file", "inputs_sha256", "date", "at"},
    "delivered": {"message_id", "reply", "at"},
    "failed": {"message_id", "reason", "at"},
}


@dataclass
class Attempt:
    """One attempt to send one message, and what became of it."""

    message_id: str
    manager: str
    recipients: tuple[str, ...]
    file: str
    inputs_sha256: str
    date: str  # the message's Date header, reused when an uncertain message is sent again
    at: str
    state: State = "uncertain"
    result: str = ""  # the server's reply, or why it failed
    result_at: str = ""


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


class SendLog:
    """The month's send log, read and checked, open for appending while the folder lock is held."""

    def __init__(self, path: Path, attempts: list[Attempt], fd: int, repaired: str | None) -> None:
        self.path = path
        self.attempts = attempts
        self.repaired = repaired  # a note for the user when a torn last line was cut off
        self._fd = fd

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> SendLog:
        """Read the log (repairing a torn last line) and open it for appending; fails before anything is sent.

        readonly (a dry run): read only, repair nothing, create nothing."""
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise OutputWriteError(
                f"The send log {path} is not a regular file (a symbolic link or a folder); nothing was sent. "
                "Valid: a plain file in the month's folder, or none (it is made on the first send)."
            )
        repaired = None
        raw = path.read_bytes() if path.exists() else b""
        whole, torn = _split_torn(raw)
        attempts = _parse(path, whole)
        if readonly:
            return cls(path, attempts, -1, None)
        try:
            if torn:
                torn_path = path.with_name(path.name + ".torn")
                with torn_path.open("ab") as f:
                    f.write(torn + b"\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.truncate(path, len(whole))
                repaired = (
                    f"The last line of {path} was incomplete (a run was cut off while writing it); it was removed and kept "
                    f"in {torn_path.name}. Any message it was about is treated as uncertain or unsent, never as delivered."
                )
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputWriteError(
                f"Cannot write the send log {path}: {exc.strerror}; nothing was sent. "
                "Check that the month's folder and its send-log.jsonl are writable and the disk is not full."
            ) from None
        return cls(path, attempts, fd, repaired)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)

    def _write(self, entry: dict[str, Any]) -> None:
        line = (json.dumps({**entry, "check": _check(entry)}, sort_keys=True, ensure_ascii=True) + "\n").encode("ascii")
        try:
            written = os.write(self._fd, line)  # O_APPEND: one write, one whole line at the end
            if written != len(line):
                raise OSError(28, "No space left on device (partial write)")
            os.fsync(self._fd)
        except OSError as exc:
            raise OutputWriteError(
                f"Cannot write to the send log {self.path}: {exc.strerror}. The run stopped so that nothing is sent "
                "without a record; free space or fix permissions, then run again."
            ) from None

    def attempting(self, attempt: Attempt) -> None:
        self._write(
            {"event": "attempting", "message_id": attempt.message_id, "manager": attempt.manager,
             "recipients": list(attempt.recipients), "file": attempt.file, "inputs_sha256": attempt.inputs_sha256,
             "date": attempt.date, "at": attempt.at}
        )  # fmt: skip
        self.attempts.append(attempt)

    def delivered(self, attempt: Attempt, reply: str) -> None:
        at = _now()
        self._write({"event": "delivered", "message_id": attempt.message_id, "reply": reply, "at": at})
        attempt.state, attempt.result, attempt.result_at = "delivered", reply, at

    def failed(self, attempt: Attempt, reason: str) -> None:
        at = _now()
        self._write({"event": "failed", "message_id": attempt.message_id, "reason": reason, "at": at})
        attempt.state, attempt.result, attempt.result_at = "failed", reason, at

    def for_manager(self, manager: str) -> list[Attempt]:
        return [a for a in self.attempts if a.manager == manager]


def new_attempt(message_id: str, manager: str, recipients: tuple[str, ...], file: str, inputs: str, date: str) -> Attempt:
    return Attempt(message_id, manager, recipients, file, inputs, date, _now())


def _split_torn(raw: bytes) -> tuple[bytes, bytes]:
    """The whole lines, and a last line cut off before its newline (empty when there is none)."""
    if not raw or raw.endswith(b"\n"):
        return raw, b""
    cut = raw.rfind(b"\n") + 1
    return raw[:cut], raw[cut:]


def _check(entry: dict[str, Any]) -> str:
    """A digest of the record's content: a line altered by a flipped byte or a hand edit no longer matches."""
    body = {k: v for k, v in entry.items() if k != "check"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=True).encode()).hexdigest()[:16]


def _parse(path: Path, whole: bytes) -> list[Attempt]:
    attempts: list[Attempt] = []
    open_by_id: dict[str, Attempt] = {}
    for n, line in enumerate(whole.split(b"\n")[:-1], start=1):
        if not line.strip():
            continue
        where = f"{path}, line {n}"
        try:
            entry = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _damaged(where, f"not a send-log record ({line[:60]!r})") from None
        if not isinstance(entry, dict) or entry.get("check") != _check(entry):
            raise _damaged(where, f"a record whose content does not match its check digest ({line[:60]!r})")
        event = entry.get("event")
        if event not in _FIELDS:
            raise _damaged(where, f"unknown record {line[:60]!r}; valid: an attempting, delivered or failed record")
        missing = sorted(_FIELDS[event] - set(entry))
        if missing or not all(isinstance(entry[k], list if k == "recipients" else str) for k in _FIELDS[event]):
            raise _damaged(where, f"{event} record with missing or mistyped fields {', '.join(missing) or ''}".rstrip())
        if event == "attempting":
            attempt = Attempt(
                entry["message_id"], entry["manager"], tuple(map(str, entry["recipients"])), entry["file"],
                entry["inputs_sha256"], entry["date"], entry["at"],
            )  # fmt: skip
            attempts.append(attempt)
            open_by_id[attempt.message_id] = attempt
            continue
        opened = open_by_id.pop(entry["message_id"], None)
        if opened is None:
            raise _damaged(where, f"{event} record for {entry['message_id']} with no attempting record before it")
        opened.state = "delivered" if event == "delivered" else "failed"
        opened.result = entry["reply" if event == "delivered" else "reason"]
        opened.result_at = entry["at"]
    return attempts


def _damaged(where: str, what: str) -> SendLogError:
    return SendLogError(
        f"{where}: {what}. The send log is what keeps each message from being sent twice, so nothing was sent. "
        "Restore the file from a backup, or move the damaged line out after checking with the recipients what arrived."
    )
