"""Emailing each manager their month's workbook: once, with a record of every attempt.

`send` mails only workbooks that `xlcap report` wrote (the month folder's manifest.json says
which, for which month, and from which inputs); it never builds any itself. Everything is checked
before the first connection: the settings, the addresses, that each workbook is the one the
manifest names for this month, and that the folder lock and the send log can be written. The
folder lock is held for the whole run, so two runs cannot send the same message.

Each manager gets one message, to all of their addresses or to none, with a Message-ID derived
from (month, manager, the workbook's inputs hash): the same on every retry. The send log
(xlcap.mail.send_log) records the attempt before DATA and the result after the reply; an attempt
without a result is uncertain, reported, and sent again (same Message-ID) only when asked.
One manager's failure (a refused recipient, a 552) is that manager's; the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
import smtplib
from collections.abc import Collection
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import partial
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from xlcap.agreements.schedule import History
from xlcap.errors import EXIT_INTERRUPTED, DeliveryError, InputFileError, InvalidInputError, XlcapError
from xlcap.locking import folder_lock
from xlcap.mail.message import Envelope, compose, summarise_workbook
from xlcap.mail.send_log import SEND_LOG, Attempt, SendLog, new_attempt
from xlcap.mail.smtp import Checked, SmtpSettings, check_sender, check_settings, connect, quit_politely, transmit, wire_bytes
from xlcap.report.month_end import MANIFEST, default_out_dir
from xlcap.report.recipients import Manager, has_control, read_recipients, slug, valid_address

__all__ = ["SEND_LOG", "ManagerState", "SendResult", "SmtpSettings", "message_id", "send_month"]

OUTBOX = "outbox"
State = Literal["sent", "already", "changed", "uncertain", "failed", "not_attempted", "drafted"]


@dataclass(frozen=True)
class ManagerState:
    """What became of one manager's message in this run."""

    manager: str
    to: tuple[str, ...]
    state: State
    detail: str = ""


@dataclass
class SendResult:
    states: list[ManagerState] = field(default_factory=list)
    drafts: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stopped: XlcapError | None = None  # the run stopped part-way (the send log could not be written)

    def of(self, *states: State) -> list[ManagerState]:
        return [s for s in self.states if s.state in states]


@dataclass(frozen=True)
class _Book:
    manager: Manager
    path: Path


@dataclass(frozen=True)
class _Planned:
    book: _Book
    envelope: Envelope


def message_id(month: pd.Period, manager: str, inputs_sha256: str, sender: str) -> str:
    """The same for every attempt to send one version of a manager's month: receiving systems drop the duplicate."""
    digest = hashlib.sha256(f"{month}\n{manager}\n{inputs_sha256}".encode()).hexdigest()[:32]
    return f"<xlcap.{month}.{slug(manager)}.{digest}@{sender.rpartition('@')[2] or 'localhost'}>"


def send_month(
    month: pd.Period,
    smtp: SmtpSettings,
    *,
    out_dir: Path | None = None,
    recipients: Path | None = None,
    dry_run: bool = False,
    resend: Collection[str] = (),
    retry_uncertain: Collection[str] | None = None,
    history: History | None = None,
) -> SendResult:
    """Send (or, with dry_run, write as .eml files) each manager's workbook for `month`.

    resend: managers whose workbook changed since it was delivered, to send the new version to.
    retry_uncertain: managers whose uncertain message to send again with the same Message-ID (empty: all).
    """
    checked = None if dry_run else check_settings(smtp, dict(os.environ))
    envelope_from = check_sender(smtp.sender)
    out = Path(out_dir) if out_dir else default_out_dir(month)
    if not (out / MANIFEST).is_file():
        raise InputFileError(
            [f"{out}: no workbooks for {month} ({MANIFEST} is missing). send mails only workbooks that report made: "
             f"run xlcap report --month {month} --actuals YOUR-ACTUALS --out {out} first."]
        )  # fmt: skip
    with folder_lock(out, f"sending {month}'s workbooks"):
        manifest = _read_manifest(out, month)
        books = _books(out, month, manifest, recipients, history)
        unknown = sorted(set(resend) | set(retry_uncertain or ())) if books else []
        unknown = [n for n in unknown if n not in {b.manager.name for b in books}]
        if unknown:
            raise InvalidInputError(
                f"--resend/--retry-uncertain named {', '.join(map(repr, unknown))}, not a manager in this month's workbooks. "
                f"Valid: {', '.join(b.manager.name for b in books)}."
            )
        log = SendLog.open(out / SEND_LOG, readonly=dry_run)
        try:
            result = SendResult(warnings=[log.repaired] if log.repaired else [])
            inputs, illustrative = str(manifest["inputs_sha256"]), bool(manifest["illustrative"])
            if illustrative:
                result.warnings.append(
                    "These workbooks were made from the bundled ILLUSTRATIVE sample actuals, not the Trust's: each message "
                    "says so in its subject and first line. Run xlcap report --actuals with real figures to send real ones."
                )
            plan = []
            for book in books:
                item = _decide(book, log.for_manager(book.manager.name), month, inputs, smtp.sender, envelope_from,
                               book.manager.name in resend, retry_uncertain is not None and
                               (not retry_uncertain or book.manager.name in retry_uncertain))  # fmt: skip
                if isinstance(item, ManagerState):
                    result.states.append(item)
                else:
                    plan.append(item)
            messages = [(item, _message(item, month, illustrative)) for item in plan]
            if dry_run:
                _draft(out / OUTBOX, messages, result)
            elif messages and checked is not None:
                _deliver(checked, envelope_from, inputs, messages, log, result)
        finally:
            log.close()
    order = [b.manager.name for b in books]
    result.states.sort(key=lambda s: order.index(s.manager))
    return result


def _read_manifest(out: Path, month: pd.Period) -> dict[str, Any]:
    path = out / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError([f"{path}: cannot be read ({exc}); run xlcap report --month {month} --force to rebuild."]) from None
    rebuild = f"rebuild with xlcap report --month {month} --actuals YOUR-ACTUALS --out {out} --force"
    if not isinstance(manifest, dict) or manifest.get("month") != str(month):
        found = manifest.get("month") if isinstance(manifest, dict) else None
        raise InputFileError(
            [f"{path}: these workbooks are for {found}, not {month}; nothing was sent. Valid: --month {found}, or {rebuild}."]
        )
    if not isinstance(manifest.get("inputs_sha256"), str) or not isinstance(manifest.get("illustrative"), bool):
        raise InputFileError(
            [f"{path}: made by an older xlcap, without the record of the inputs the workbooks came from "
             f"(inputs_sha256, illustrative), so a resend cannot be told from a first send; {rebuild}."]
        )  # fmt: skip
    return manifest


def _books(
    out: Path, month: pd.Period, manifest: dict[str, Any], recipients: Path | None, history: History | None
) -> list[_Book]:
    """Each manager's workbook, checked against the manifest: present, unchanged, for these portfolios."""
    files = {f.get("manager"): f for f in manifest.get("files", []) if isinstance(f, dict) and f.get("manager")}
    if recipients is not None:
        from xlcap.agreements.datafiles import default_agreements

        # The agreement the workbooks were made for: the one that names every portfolio in them.
        made_for = [str(p) for f in files.values() for p in f.get("portfolios", ())]
        managers = read_recipients(recipients, history or default_agreements().naming_all(made_for))
    else:  # the managers and addresses report recorded
        managers = tuple(Manager(str(m), tuple(f.get("portfolios", ())), tuple(f.get("emails", ()))) for m, f in files.items())
    problems, books = [], []
    rebuild = f"run xlcap report --month {month} --out {out} --force with the same recipients file"
    for m in managers:
        entry = files.get(m.name)
        if has_control(m.name):
            problems.append(f"{out / MANIFEST}: manager {m.name!r} has a line break or control character in the name; {rebuild}.")
        bad = [a for a in m.emails if not isinstance(a, str) or not valid_address(a)]
        if bad or not m.emails:
            what = ", ".join(map(repr, bad)) or "no address"
            problems.append(f"{m.name}: {what} is not an email address; valid: name@example.com.")
        if entry is None:
            problems.append(f"{out / MANIFEST}: no workbook for {m.name}; {rebuild}.")
            continue
        if set(entry.get("portfolios", ())) != set(m.portfolios):
            problems.append(f"{out / MANIFEST}: {m.name}'s workbook covers other portfolios than the recipients name; {rebuild}.")
        path = out / str(entry.get("file"))
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            problems.append(f"{path}: {m.name}'s workbook cannot be read ({exc.strerror}); {rebuild}.")
            continue
        if digest != entry.get("sha256"):
            problems.append(f"{path}: not the workbook report wrote (its contents changed since); {rebuild}.")
        books.append(_Book(m, path))
    if problems:
        raise InputFileError(problems)
    return books


def _decide(
    book: _Book, attempts: list[Attempt], month: pd.Period, inputs: str, sender: str, envelope_from: str,
    resend: bool, retry: bool,
) -> _Planned | ManagerState:  # fmt: skip
    """From the log: send this manager's message (with which Message-ID), or why not."""
    name, emails = book.manager.name, book.manager.emails
    last = attempts[-1] if attempts else None
    if last is not None and last.state == "uncertain" and not (resend and last.inputs_sha256 != inputs):
        if retry and last.inputs_sha256 == inputs:
            return _Planned(book, Envelope(sender, last.recipients, last.message_id, last.date))
        why = (
            f"message {last.message_id} to {', '.join(last.recipients)} was handed to the server on {last.at} but no reply "
            "was recorded, so it may have arrived. "
        )
        if last.inputs_sha256 != inputs:
            why += f"The workbook has been rebuilt from changed inputs since; --resend {name!r} sends the new version."
        else:
            why += (
                f"Ask the recipients; to send it again, run with --retry-uncertain {name!r}: it carries the same "
                "Message-ID, so a receiving system that drops duplicates keeps one copy."
            )
        return ManagerState(name, last.recipients, "uncertain", why)
    delivered = [a for a in attempts if a.state == "delivered"]
    have = {r for a in delivered if a.inputs_sha256 == inputs for r in a.recipients}
    pending = tuple(e for e in emails if e not in have)
    if not pending:
        when = max(a.result_at for a in delivered if a.inputs_sha256 == inputs)
        return ManagerState(name, emails, "already", f"delivered on {when}")
    older = [a for a in delivered if a.inputs_sha256 != inputs]
    if older and not have and not resend:
        return ManagerState(
            name, emails, "changed",
            f"{book.path.name} was rebuilt from changed inputs since it was sent on {older[-1].result_at}; not sent again "
            f"(use --resend {name!r} to send the new version)",
        )  # fmt: skip
    return _Planned(book, Envelope(sender, pending, message_id(month, name, inputs, envelope_from), formatdate(localtime=True)))


def _message(item: _Planned, month: pd.Period, illustrative: bool) -> Any:
    summary = summarise_workbook(item.book.path)
    if summary.month_end != month.end_time.date():
        raise InputFileError(
            [f"{item.book.path}: its figures run to {summary.month_end}, not to the end of {month}; nothing was sent. "
             f"Rebuild with xlcap report --month {month} --force."]
        )  # fmt: skip
    title = summary.title.split(":")[0]
    subject = f"{title}: expense limits versus actual expenses, {month.strftime('%B %Y')} ({item.book.manager.name})"
    return compose(item.book.path, item.envelope, subject, summary, illustrative=illustrative)


def _draft(outbox: Path, messages: list[tuple[_Planned, Any]], result: SendResult) -> None:
    outbox.mkdir(exist_ok=True)
    for item, msg in messages:
        draft = outbox / f"{item.book.path.stem}.eml"
        draft.write_bytes(bytes(msg))
        result.drafts.append(draft)
        result.states.append(ManagerState(item.book.manager.name, item.envelope.to, "drafted", str(draft)))


def _stop(result: SendResult, exc: XlcapError, this: ManagerState, rest: list[tuple[_Planned, Any]]) -> None:
    """Stop the run (the send log cannot be written, or Ctrl-C), so that nothing more is sent."""
    result.stopped = exc
    result.states.append(this)
    result.states += [ManagerState(i.book.manager.name, i.envelope.to, "not_attempted", "the run stopped") for i, _ in rest]


class _Stopped(Exception):
    def __init__(self, error: XlcapError, state: ManagerState) -> None:
        super().__init__(error.message)
        self.error, self.state = error, state


class _Connection:
    """The server connection, made when first needed and again after one is lost; given up after a failed connect."""

    def __init__(self, checked: Checked) -> None:
        self.checked = checked
        self.server: smtplib.SMTP | None = None
        self.cannot = ""

    def get(self) -> smtplib.SMTP | None:
        if self.server is None and not self.cannot:
            try:
                self.server = connect(self.checked)
            except DeliveryError as exc:
                self.cannot = exc.message
        return self.server

    def drop(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def close(self) -> str | None:
        server, self.server = self.server, None
        return quit_politely(server) if server is not None else None


def _deliver(
    checked: Checked, envelope_from: str, inputs: str, messages: list[tuple[_Planned, Any]], log: SendLog, result: SendResult
) -> None:
    """Each message in turn; a manager's failure is theirs; a log that cannot be written, or Ctrl-C, stops the run."""
    connection = _Connection(checked)
    n, attempt = 0, None
    try:
        for n in range(len(messages)):  # n: where a stop leaves off
            item, msg = messages[n]
            envelope = item.envelope
            attempt = new_attempt(envelope.message_id, item.book.manager.name, envelope.to, item.book.path.name, inputs,
                                  envelope.date)  # fmt: skip
            result.states.append(_send_one(connection, envelope_from, attempt, wire_bytes(msg), log))
    except _Stopped as stop:
        _stop(result, stop.error, stop.state, messages[n + 1 :])
    except KeyboardInterrupt:
        name, to = messages[n][0].book.manager.name, messages[n][0].envelope.to
        recorded = attempt is not None and any(a is attempt for a in log.attempts)
        state: State = "not_attempted"
        if recorded and attempt is not None:
            state = {"delivered": "sent", "failed": "failed", "uncertain": "uncertain"}[attempt.state]  # type: ignore[assignment]
        why = "interrupted after the attempt was recorded; it may have arrived" if state == "uncertain" else "interrupted"
        interrupted = DeliveryError(
            "Interrupted (Ctrl-C). What was delivered is recorded in the send log; a message that was in flight is "
            "reported as uncertain by the next run.",
            exit_code=EXIT_INTERRUPTED,
        )
        _stop(result, interrupted, ManagerState(name, to, state, why), messages[n + 1 :])
    finally:
        warning = connection.close()
        if warning:
            result.warnings.append(f"SMTP server {checked.settings.where}: {warning}.")


def _send_one(connection: _Connection, envelope_from: str, attempt: Attempt, data: bytes, log: SendLog) -> ManagerState:
    name, to, where = attempt.manager, attempt.recipients, connection.checked.settings.where
    for tries in (1, 2):
        server = connection.get()
        if server is None:
            return ManagerState(name, to, "not_attempted", connection.cannot)
        try:
            outcome = transmit(server, envelope_from, to, data, partial(log.attempting, attempt))
        except XlcapError as exc:  # the attempt could not be recorded: nothing was sent to this manager
            connection.drop()
            raise _Stopped(exc, ManagerState(name, to, "not_attempted", exc.message)) from None
        if not outcome.usable:
            connection.drop()
        if not (outcome.result == "not_sent" and not outcome.usable and tries == 1):
            break  # else the connection went before anything was recorded or sent: once more, on a new one
    try:
        if outcome.result == "delivered":
            log.delivered(attempt, outcome.said)
        elif outcome.result == "failed":
            log.failed(attempt, outcome.said)
    except XlcapError as exc:
        said = f"the server answered {outcome.said}, but the send log could not record it"
        raise _Stopped(exc, ManagerState(name, to, "uncertain", f"{said}: {exc.message}")) from None
    if outcome.result == "delivered":
        return ManagerState(name, to, "sent", attempt.message_id)
    if outcome.result == "uncertain":
        again = f"Run with --retry-uncertain {name!r} to send it again with the same Message-ID"
        return ManagerState(name, to, "uncertain", f"{outcome.said}; it may have arrived. {again}.")
    return ManagerState(name, to, "failed", f"{where} said: {outcome.said}")
