"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), keeping every message it accepted.

``on_message`` (optional) is called with the count after each message is stored and before the
server answers 250: the kill test uses it to stop the sender exactly inside the window between
the server having a message and the sender hearing so.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpServer:
    envelopes: list[Envelope] = field(default_factory=list)
    on_message: Callable[[int], None] | None = None
    port: int = 0
    starttls: ssl.SSLContext | None = None  # offer STARTTLS, and require it
    implicit_tls: ssl.SSLContext | None = None  # TLS from the first byte (port 465 style)
    logins: dict[str, str] = field(default_factory=dict)  # username -> password; when given, AUTH is required
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
            count = len(self.envelopes)
        if self.on_message is not None:
            self.on_message(count)
        return "250 Message accepted for delivery"

    def start(self) -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        options: dict[str, Any] = {}
        if self.starttls is not None:
            options.update(tls_context=self.starttls, require_starttls=True)
        if self.implicit_tls is not None:  # aiosmtpd counts only STARTTLS as TLS for AUTH; this is TLS throughout
            options.update(ssl_context=self.implicit_tls, auth_require_tls=False)
        if self.logins:
            options.update(authenticator=self._authenticate, auth_required=True)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()
        return self.port

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        login = getattr(data, "login", b"").decode()
        return AuthResult(success=self.logins.get(login) == getattr(data, "password", b"").decode())

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        found: dict[str, list[EmailMessage]] = {}
        with self._lock:
            for envelope in self.envelopes:
                for rcpt in envelope.rcpt_tos:
                    found.setdefault(rcpt.lower(), []).append(envelope.message())
        return found


def use_smtp(workspace: Any, port: int, rate: float = 50, unsubscribe: str | None = None) -> None:
    """Give the workspace's pressgen.yaml a ``mail:`` block sending through the loopback server on ``port``."""
    lines = ["", "mail:", '  from: "IOM Belgium Press <press@example.org>"']
    if unsubscribe:
        lines.append(f"  unsubscribe: {unsubscribe}")
    lines += [f"  rate: {rate}", f"  smtp: {{host: 127.0.0.1, port: {port}, tls: none}}", ""]
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text() + "\n".join(lines), encoding="utf-8")


def journalists(count: int, languages: tuple[str, ...] = ("nl", "fr", "en")) -> list[tuple[str, str, str]]:
    """``count`` journalists (name, e-mail, language), the languages taken in turn; names not ASCII."""
    return [(f"Journaliste {i} Dupré", f"j{i:03d}@example.org", languages[i % len(languages)]) for i in range(count)]


def media_csv(path: Any, people: list[tuple[str, str, str]]) -> Any:
    """Write a CSV media list of ``people`` and return its path."""
    rows = ["name,email,language,outlet,tags"] + [f"{name},{email},{lang},Daily News,politics" for name, email, lang
                                                 in people]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def self_signed(folder: Any) -> tuple[ssl.SSLContext, Any]:
    """A server TLS context with a certificate for 127.0.0.1 made now by openssl, and the certificate's path
    (what a client trusts through SSL_CERT_FILE)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert
