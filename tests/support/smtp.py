"""A real SMTP server for tests (aiosmtpd), on a free port of 127.0.0.1.

    server = SmtpServer()          # listening
    server.messages                # parsed email.message.EmailMessage objects, in order
    server.stop(); server.start()  # the mail server goes away and comes back (same port)
    server.refuse = {"bad@example.com"}  # 550 for these recipients

`smtp_settings(settings, server)` points Django's default mailer at it.
"""

from __future__ import annotations

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.support.server import free_port


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self.controller: Controller | None = None
        self.start()

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def smtp_settings(settings, server: SmtpServer) -> None:
    """The default mailer (Django 6.1 MAILERS) sends to `server`."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
