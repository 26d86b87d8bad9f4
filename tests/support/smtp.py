"""A real SMTP server for tests (aiosmtpd in a thread of the test process), on a
free port of 127.0.0.1.

    server = SmtpServer()          # listening (also a context manager that stops it)
    server.messages                # parsed email.message.EmailMessage objects, in order
    server.wait_for(address)       # the next mail to `address` (waits)
    server.stop(); server.start()  # the mail server goes away and comes back (same port)
    server.refuse = {"bad@example.com"}  # 550 for these recipients

`smtp_settings(settings, server)` / `server.mailers()` point Django's default
mailer (Django 6.1 MAILERS) at it; browser tests hand the port to the Daphne
server process through its environment.
"""

from __future__ import annotations

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.support.server import free_port
from tests.support.wait import wait_until


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if address in self.server.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.server.lock:
            self.server._messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self.controller: Controller | None = None
        self.start()

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> SmtpServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return list(self._messages)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0):
        """The `count`-th message addressed to `address` (waits until it arrives)."""
        wait_until(lambda: len(self.to(address)) >= count, timeout, what=f"mail to {address}")
        return self.to(address)[count - 1]

    def mailers(self) -> dict:
        """A MAILERS setting that sends here."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": self.host, "port": self.port, "timeout": 5},
            }
        }


def smtp_settings(settings, server: SmtpServer) -> None:
    """The default mailer sends to `server`."""
    settings.MAILERS = server.mailers()


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
