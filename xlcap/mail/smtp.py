"""The mail-server side of `xlcap send`: settings checked before connecting, and one message's SMTP transaction.

The transaction is spelled out (MAIL, RCPT, DATA, the message, the reply) rather than left to
smtplib.send_message, because the send log must be written between the recipients being accepted
and the DATA command, and because what a failure means depends on exactly where it happened:
before the message's final dot the server cannot have it; after the dot and before the reply,
nobody on this side can know.
"""

from __future__ import annotations

import math
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from xlcap.errors import DeliveryError, InvalidInputError
from xlcap.report.recipients import has_control, valid_address

Tls = Literal["starttls", "ssl", "none"]
MAX_TIMEOUT = 3600.0


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


@dataclass(frozen=True)
class Checked:
    """Settings that passed every check: the envelope sender, the TLS context and the password (if any)."""

    settings: SmtpSettings
    envelope_from: str
    context: ssl.SSLContext | None
    password: str | None


def parse_server(text: str) -> tuple[str, int]:
    """HOST:PORT, as given to --smtp."""
    host, _, port = text.rpartition(":")
    if not host or has_control(host) or not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInputError(f"Parameter 'smtp' received {text!r}, which is not HOST:PORT. Valid: e.g. smtp.example.com:587.")
    return host, int(port)


def check_sender(sender: str) -> str:
    """The address in --from ('caps@example.com' or 'Caps Team <caps@example.com>'); refused with line breaks."""
    address = parseaddr(sender)[1]
    if has_control(sender) or not valid_address(address, dotted=False):
        raise InvalidInputError(
            f"Parameter 'from' received {sender!r}, which is not one email address on one line. "
            "Valid: caps@example.com or 'Caps Team <caps@example.com>'."
        )
    return address


def check_settings(smtp: SmtpSettings, environ: dict[str, str]) -> Checked:
    """Every setting checked before any connection is made; each problem is an InvalidInputError naming it."""
    envelope_from = check_sender(smtp.sender)
    if not (math.isfinite(smtp.timeout) and 0 < smtp.timeout <= MAX_TIMEOUT):
        raise InvalidInputError(
            f"Parameter 'timeout' received {smtp.timeout}, which is not a usable wait. "
            f"Valid: seconds to wait for each server reply, above 0 and at most {MAX_TIMEOUT:.0f} (default 30)."
        )
    if smtp.user is not None:
        if smtp.tls == "none":
            raise InvalidInputError(
                "Parameter 'tls' received 'none' with a login: xlcap will not send a password unencrypted. "
                "Valid: --tls starttls or --tls ssl."
            )
        if not smtp.user or has_control(smtp.user):
            raise InvalidInputError(f"Parameter 'user' received {smtp.user!r}. Valid: a user name on one line.")
    password = None
    if smtp.user is not None:
        password = environ.get(smtp.password_env)
        if not password:
            raise InvalidInputError(
                f"Parameter 'user' received {smtp.user!r}, but the environment variable {smtp.password_env} holding the "
                "password is not set. Valid: set it in the environment (never on the command line or in a file)."
            )
    context = None
    if smtp.tls == "none":
        if smtp.cafile is not None:
            raise InvalidInputError(
                f"Parameter 'cafile' received {str(smtp.cafile)!r} with --tls none, which makes no TLS connection to "
                "check it against. Valid: --tls starttls or --tls ssl with --cafile, or no --cafile."
            )
    else:
        try:
            context = ssl.create_default_context(cafile=str(smtp.cafile) if smtp.cafile else None)
        except (OSError, ssl.SSLError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InvalidInputError(
                f"Parameter 'cafile' received {str(smtp.cafile)!r}, which cannot be read as CA certificates ({reason}). "
                "Valid: a PEM file of the certificates that signed the server's certificate."
            ) from None
    return Checked(smtp, envelope_from, context, password)


def said(exc: BaseException) -> str:
    """What the server (or the network) said, in one line."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):  # smtplib rewraps a timeout
        return "no reply within the timeout"
    return str(exc) or type(exc).__name__


def _reply(code: int, text: bytes) -> str:
    return f"{code} {text.decode(errors='replace')}".strip()


def connect(checked: Checked) -> smtplib.SMTP:
    """Connected, TLS set up, greeted and logged in; DeliveryError saying what went wrong otherwise."""
    smtp = checked.settings
    try:
        if smtp.tls == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=checked.context)
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
            if smtp.tls == "starttls":
                server.starttls(context=checked.context)
        server.ehlo_or_helo_if_needed()
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            f"SMTP server {smtp.where} does not offer STARTTLS. Use --tls ssl for a server that expects TLS from the start, "
            "or --tls none for a server on this machine."
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"Cannot connect to SMTP server {smtp.where}: {said(exc)}.") from None
    if smtp.user is not None and checked.password is not None:
        try:
            server.login(smtp.user, checked.password)
        except (smtplib.SMTPException, OSError) as exc:
            server.close()
            raise DeliveryError(f"SMTP server {smtp.where} refused the login for {smtp.user!r}: {said(exc)}") from None
    return server


Result = Literal["not_sent", "failed", "uncertain", "delivered"]


@dataclass(frozen=True)
class Outcome:
    result: Result  # not_sent: refused before DATA; failed: refused, cannot have arrived; uncertain: may have arrived
    said: str
    usable: bool  # the connection can carry the next message


def wire_bytes(msg: EmailMessage) -> bytes:
    """The message as sent after DATA: CRLF line ends, leading dots doubled, the final dot line."""
    data = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def transmit(server: smtplib.SMTP, sender: str, to: tuple[str, ...], data: bytes, before_data: Callable[[], None]) -> Outcome:
    """One message to all of `to`, or to none of them; `before_data` (the log's attempting record) runs just before DATA."""
    try:
        code, text = server.mail(sender)
        if code != 250:
            server.rset()
            return Outcome("not_sent", f"sender refused: {_reply(code, text)}", True)
        refused = []
        for address in to:
            code, text = server.rcpt(address)
            if code not in (250, 251):
                refused.append(f"{address} refused: {_reply(code, text)}")
        if refused:
            server.rset()  # one message to all of the manager's addresses, or to none
            return Outcome("not_sent", "; ".join(refused), True)
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome("not_sent", said(exc), False)
    before_data()
    try:
        code, text = server.docmd("DATA")
        if code != 354:
            server.rset()  # end the transaction so the next message starts clean
            return Outcome("failed", f"DATA refused: {_reply(code, text)}", True)
        server.send(data)  # sendall: if it fails, the final dot never left, so the server cannot have the message
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome("failed", f"connection lost before the message was complete ({said(exc)})", False)
    try:
        code, text = server.getreply()
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome("uncertain", f"the whole message was sent but no reply came ({said(exc)})", False)
    if 200 <= code < 300:
        return Outcome("delivered", _reply(code, text), True)
    if 400 <= code < 600:
        return Outcome("failed", _reply(code, text), True)
    return Outcome("uncertain", f"the server answered the message with {_reply(code, text)!r}, which is not a result", False)


def quit_politely(server: smtplib.SMTP) -> str | None:
    """QUIT, and close; a warning (never a failure: what was accepted stays accepted) if the server answered oddly."""
    try:
        code, text = server.docmd("QUIT")
    except (smtplib.SMTPException, OSError) as exc:
        return f"the server did not answer QUIT ({said(exc)}); messages it had already accepted stand"
    finally:
        server.close()
    if code != 221:
        return f"the server answered QUIT with {_reply(code, text)!r} instead of 221; messages it had already accepted stand"
    return None
