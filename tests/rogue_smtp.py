"""A small SMTP server of our own on 127.0.0.1 that misbehaves on purpose, with a bounded lifetime.

aiosmtpd (tests/smtp_server.py) is a well-behaved server; this one does what real servers and
networks sometimes do: refuse a recipient, answer 451 or 552, drop the connection after taking
the whole message but before replying, hang there, drip its replies a byte at a time, answer QUIT
oddly. It keeps every message whose final dot it received, replied to or not, so tests count the
copies that really reached the server. Hooks run at each stage (to SIGKILL the client there).
Every socket has a timeout and the server closes itself after `lifetime` seconds, so a test that
goes wrong cannot hang the suite.
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

Action = str  # per message: ok, 451, 552, drop, hang, drip, refuse_data (554 to the DATA command)
Stage = str  # rcpt, data, content, replied


@dataclass
class Got:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class Rogue:
    actions: dict[int, Action] = field(default_factory=dict)  # by message number (0: the first message whose DATA came)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    drop_at_mail: set[int] = field(default_factory=set)  # by MAIL command number: close the connection instead of answering
    hooks: dict[Stage, Callable[[], None]] = field(default_factory=dict)
    quit_reply: str | None = "221 2.0.0 bye"  # None: drop the connection at QUIT
    delay: float = 0.0  # seconds before every reply (a slow server)
    lifetime: float = 60.0
    received: list[Got] = field(default_factory=list)
    connections: int = 0
    data_commands: int = 0
    mail_commands: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def copies(self) -> dict[str, list[str]]:
        """Address -> the Message-IDs of every copy the server holds for it, in arrival order."""
        out: dict[str, list[str]] = {}
        for got in self.received:
            for address in got.recipients:
                out.setdefault(address, []).append(got.message_id)
        return out

    def _hook(self, stage: Stage) -> None:
        if stage in self.hooks:
            self.hooks[stage]()


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def _say(self, line: str, drip: bool = False) -> None:
        rogue = self.server.rogue
        if rogue.delay:
            time.sleep(rogue.delay)
        data = (line + "\r\n").encode()
        if drip:
            for b in data:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.02)
        else:
            self.wfile.write(data)
            self.wfile.flush()

    def handle(self) -> None:
        rogue = self.server.rogue
        self.request.settimeout(rogue.lifetime)
        with rogue.lock:
            rogue.connections += 1
        self._say("220 rogue.test ESMTP ready")
        sender, rcpts = "", []
        try:
            while line := self.rfile.readline(1000):
                verb = line.decode(errors="replace").strip()
                upper = verb.upper()
                if upper.startswith(("EHLO", "HELO")):
                    self._say("250 rogue.test")
                elif upper.startswith("MAIL FROM:"):
                    with rogue.lock:
                        number = rogue.mail_commands
                        rogue.mail_commands += 1
                    if number in rogue.drop_at_mail:
                        return
                    sender, rcpts = verb[10:].strip(" <>"), []
                    self._say("250 2.1.0 ok")
                elif upper.startswith("RCPT TO:"):
                    address = verb[8:].strip(" <>")
                    rogue._hook("rcpt")
                    if address in rogue.refuse:
                        self._say("550 5.1.1 mailbox unavailable")
                    else:
                        rcpts.append(address)
                        self._say("250 2.1.5 ok")
                elif upper == "DATA":
                    with rogue.lock:
                        number = rogue.data_commands
                        rogue.data_commands += 1
                    rogue._hook("data")
                    if rogue.actions.get(number) == "refuse_data":
                        self._say("554 5.5.1 transaction failed")
                        continue
                    self._say("354 end with <CRLF>.<CRLF>")
                    if not self._message(number, sender, rcpts):
                        return
                elif upper == "RSET":
                    sender, rcpts = "", []
                    self._say("250 2.0.0 ok")
                elif upper == "NOOP":
                    self._say("250 2.0.0 ok")
                elif upper == "QUIT":
                    if rogue.quit_reply is not None:
                        self._say(rogue.quit_reply)
                    return
                else:
                    self._say("502 5.5.2 not implemented")
        except OSError:
            return

    def _message(self, number: int, sender: str, rcpts: list[str]) -> bool:
        """Read the message to its final dot; answer as told. False: the connection is to be dropped."""
        rogue = self.server.rogue
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return False  # the client went away before the final dot: the message is not taken
            if line == b".\r\n":
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        got = Got(sender, list(rcpts), b"".join(lines))
        action = rogue.actions.get(number, "ok")
        if action not in ("451", "552"):
            with rogue.lock:
                rogue.received.append(got)  # the server has it, whatever it answers
        rogue._hook("content")
        if action == "drop":
            return False
        if action == "hang":
            time.sleep(rogue.lifetime)
            return False
        if action == "451":
            self._say("451 4.3.0 temporary failure, try later")
        elif action == "552":
            self._say("552 5.3.4 message too big for this system")
        else:
            self._say("250 2.0.0 Message accepted", drip=action == "drip")
            rogue._hook("replied")
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, rogue: Rogue) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.rogue = rogue


@contextmanager
def rogue_server(rogue: Rogue) -> Iterator[int]:
    """Serve on 127.0.0.1 (yields the port) until the block ends or `lifetime` seconds pass, whichever is first."""
    server = _Server(rogue)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    timer = threading.Timer(rogue.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        yield int(server.server_address[1])
    finally:
        timer.cancel()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
