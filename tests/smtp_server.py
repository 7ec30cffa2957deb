"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), with switches to misbehave."""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    fail_data_after: int | None = None  # answer 451 to every message after this many

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope, address: str, options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        if self.fail_data_after is not None and len(self.received) >= self.fail_data_after:
            return "451 4.3.0 temporary failure, try later"
        message = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, made with openssl for this test run."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)

    return check


@contextmanager
def smtp_server(handler: Handler, *, tls: str = "none", cert: tuple[Path, Path] | None = None,
                login: tuple[str, str] | None = None, login_needs_tls: bool = True) -> Iterator[int]:  # fmt: skip
    """Run a server on 127.0.0.1; yields its port. tls: none, starttls (required) or ssl (implicit)."""
    kwargs: dict[str, Any] = {}
    context = None
    if cert is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert[0]), str(cert[1]))
    if tls == "starttls":
        kwargs.update(tls_context=context, require_starttls=True)
    if login is not None:
        kwargs.update(authenticator=_authenticator(*login), auth_required=True, auth_require_tls=login_needs_tls)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context if tls == "ssl" else None,
                            server_hostname="localhost", **kwargs)  # fmt: skip
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
