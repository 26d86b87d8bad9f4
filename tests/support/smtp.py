"""A real SMTP server for tests (aiosmtpd in a thread of the test process).

`SMTPServer()` starts on a free loopback port; `.messages` holds every mail it
received as `email.message.EmailMessage`; `wait_for(to)` waits for the next one
addressed to `to`. Used by the HTTP tests (override MAILERS / EMAIL_*) and by the
browser tests (the Daphne server process sends to it through its settings).
"""

from __future__ import annotations

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.support.server import free_port
from tests.support.wait import wait_until


class _Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.inbox = _Inbox()
        self.port = free_port()
        self.host = "127.0.0.1"
        self.controller = Controller(self.inbox, hostname=self.host, port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list:
        with self.inbox.lock:
            return list(self.inbox.messages)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0):
        """The `count`-th message addressed to `address` (waits until it arrives)."""
        wait_until(lambda: len(self.to(address)) >= count, timeout, what=f"mail to {address}")
        return self.to(address)[count - 1]

    def mailers(self) -> dict:
        """A MAILERS setting that sends here (Django 6.1)."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": self.host, "port": self.port, "timeout": 5},
            }
        }


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
