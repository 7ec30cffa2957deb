"""Emailing each manager their month's workbook exactly once.

A send log (send-log.jsonl, one JSON line per recipient delivered, written and synced as soon
as the server accepts the message) sits beside the workbooks. A run sends only what the log does
not hold for the same workbook (same SHA-256); a workbook changed since it was sent is reported,
not re-sent, unless --resend. If the server refuses a recipient or the connection drops, the run
fails, what was delivered stays logged, and the next run delivers only the rest.

One window remains, as with any SMTP client: if the connection drops after the server accepted
a message but before its reply arrived, the message counts as not sent and goes again next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from xlcap.errors import DeliveryError, InputFileError, InvalidInputError
from xlcap.mail import compose, summarise_workbook
from xlcap.recipients import SAMPLE_RECIPIENTS, read_recipients
from xlcap.report import MANIFEST, default_out_dir, run_report
from xlcap.schedule import History

SEND_LOG = "send-log.jsonl"
OUTBOX = "outbox"
Tls = Literal["starttls", "ssl", "none"]


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: Tls = "starttls"
    user: str | None = None
    password_env: str = "XLCAP_SMTP_PASSWORD"
    sender: str = "xlcap@localhost"
    timeout: float = 30.0
    cafile: Path | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def parse_server(text: str) -> tuple[str, int]:
    """HOST:PORT, as given to --smtp."""
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInputError(f"Parameter 'smtp' received {text!r}, which is not HOST:PORT. Valid: e.g. smtp.example.com:587.")
    return host, int(port)


@dataclass
class SendResult:
    sent: list[str] = field(default_factory=list)  # "manager -> address"
    already: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    drafts: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class _Planned:
    manager: str
    workbook: Path
    sha256: str
    to: tuple[str, ...]


def read_log(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    entries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                raise InputFileError(
                    [f"{path}, line {n}: not a send-log entry ({line[:60]!r}); fix or remove that line."]
                ) from None
    return entries


def _log(path: Path, entry: dict[str, str]) -> None:
    """Append one delivery and make it durable before anything else is sent."""
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())


def send_month(
    month: pd.Period,
    smtp: SmtpSettings,
    *,
    out_dir: Path | None = None,
    recipients: Path | None = None,
    dry_run: bool = False,
    resend: bool = False,
    history: History | None = None,
) -> SendResult:
    """Send (or, with dry_run, write as .eml files) each manager's workbook for `month`."""
    out = Path(out_dir) if out_dir else default_out_dir(month)
    from xlcap.datafiles import default_history

    history = history or default_history()
    managers = read_recipients(recipients or SAMPLE_RECIPIENTS, history)  # checked before anything else
    if not (out / MANIFEST).exists():
        run_report(month, out_dir=out, recipients=recipients, history=history)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    files = {f["manager"]: out / f["file"] for f in manifest["files"] if f["manager"]}
    missing = [m.name for m in managers if m.name not in files or not files[m.name].exists()]
    if missing:
        raise InputFileError(
            [f"{out}: no workbook for {name} in {MANIFEST}; run xlcap report --month {month} --force." for name in missing]
        )

    log_path = out / SEND_LOG
    delivered = read_log(log_path)
    result = SendResult()
    plan: list[_Planned] = []
    for manager in managers:
        path = files[manager.name]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        pending = []
        for address in manager.emails:
            earlier = [e for e in delivered if e["manager"] == manager.name and e["recipient"] == address]
            if resend or not earlier:
                pending.append(address)
            elif any(e["sha256"] == digest for e in earlier):
                result.already.append(f"{manager.name} -> {address}")
            else:
                result.changed.append(
                    f"{manager.name} -> {address}: {path.name} changed since it was sent on {earlier[-1]['sent_at']}; "
                    "not sent again (use --resend to send the new version)"
                )
        if pending:
            plan.append(_Planned(manager.name, path, digest, tuple(pending)))

    trust_month = pd.Period(month, "M").strftime("%B %Y")
    messages = []
    for item in plan:
        summary = summarise_workbook(item.workbook)
        subject = f"{summary.title.split(':')[0]}: expense limits versus actual expenses, {trust_month} ({item.manager})"
        messages.append((item, compose(item.workbook, item.to, smtp.sender, subject, summary)))

    if dry_run:
        outbox = out / OUTBOX
        outbox.mkdir(exist_ok=True)
        for item, msg in messages:
            draft = outbox / f"{item.workbook.stem}.eml"
            draft.write_bytes(bytes(msg))
            result.drafts.append(draft)
        return result
    if not messages:
        return result

    password = None
    if smtp.user is not None:
        password = os.environ.get(smtp.password_env)
        if not password:
            raise InvalidInputError(
                f"Parameter 'user' received {smtp.user!r}, but the environment variable {smtp.password_env} holding the "
                "password is not set. Valid: set it in the environment (never on the command line or in a file)."
            )
        if smtp.tls == "none":
            raise InvalidInputError(
                "Parameter 'tls' received 'none' with a login: xlcap will not send a password unencrypted. "
                "Valid: --tls starttls or --tls ssl."
            )
    with _connect(smtp) as server:
        if smtp.user is not None and password is not None:
            try:
                server.login(smtp.user, password)
            except smtplib.SMTPException as exc:
                raise DeliveryError(f"SMTP server {smtp.where} refused the login for {smtp.user!r}: {_said(exc)}") from None
        for item, msg in messages:
            try:
                refused = server.send_message(msg, from_addr=smtp.sender, to_addrs=list(item.to))
            except smtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients
            except (smtplib.SMTPException, OSError) as exc:
                raise DeliveryError(
                    f"SMTP server {smtp.where} failed while sending to {item.manager} ({', '.join(item.to)}): {_said(exc)}. "
                    f"Delivered so far: {len(result.sent)}, recorded in {log_path}; run again to send the rest."
                ) from None
            now = dt.datetime.now().isoformat(timespec="seconds")
            for address in item.to:
                if address in refused:
                    code, text = refused[address]
                    result.refused.append(f"{item.manager} -> {address}: {code} {text.decode(errors='replace')}")
                    continue
                _log(log_path, {"manager": item.manager, "recipient": address, "message_id": str(msg["Message-ID"]),
                                "file": item.workbook.name, "sha256": item.sha256, "sent_at": now})  # fmt: skip
                result.sent.append(f"{item.manager} -> {address}")
    return result


def _said(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return (
            f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
        )
    return str(exc) or type(exc).__name__


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=str(smtp.cafile) if smtp.cafile else None)
    try:
        if smtp.tls == "ssl":
            return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.tls == "starttls":
            server.starttls(context=context)
        return server
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            f"SMTP server {smtp.where} does not offer STARTTLS. Use --tls ssl for a server that expects TLS from the start, "
            "or --tls none for a server on this machine."
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"Cannot connect to SMTP server {smtp.where}: {_said(exc)}.") from None
