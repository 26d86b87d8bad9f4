"""The one way to send an email: render it, then `enqueue` it in the caller's transaction.

    from mailer import outbox

    subject, text, html = outbox.render_email("notifications/email/notification", context)
    outbox.enqueue(user.email, subject, text, html, user=user, kind="booking")

The row is written inside the current transaction (a rolled-back write sends
nothing) and sent after commit by a background thread of this process and by
the `mailer.deliver` job in every server process / `manage.py scheduler`,
with retries and exponential backoff while the mail server is unreachable
(mailer/delivery.py). `send_templated` does both steps.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Outbox


def absolute_url(path: str) -> str:
    """SITE_URL + a path of ours ("/mentor/dashboard/" → "https://…/mentor/dashboard/")."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) from `<prefix>_subject.txt`, `<prefix>.txt`, `<prefix>.html`.

    The context also gets `site_url`. The subject is one line (newlines dropped).
    """
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    subject = " ".join(subject.split())[:255]
    text = render_to_string(f"{template_prefix}.txt", context).strip() + "\n"
    html = render_to_string(f"{template_prefix}.html", context)
    return subject, text, html


def _attachment(item) -> dict:
    if isinstance(item, dict):
        filename, content, mimetype = item["filename"], item["content"], item.get("mimetype")
    else:
        filename, content, mimetype = item
    if isinstance(content, str):
        content = content.encode()
    return {
        "filename": str(filename),
        "mimetype": mimetype or "application/octet-stream",
        "content": base64.b64encode(content).decode("ascii"),
    }


def _message_id() -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return make_msgid(domain=host)


_suppressed = threading.local()


@contextmanager
def suppressed():
    """Inside this block `enqueue` stores nothing (seed_demo: demo data sends no email)."""
    before = getattr(_suppressed, "on", False)
    _suppressed.on = True
    try:
        yield
    finally:
        _suppressed.on = before


def enqueue(
    to: str,
    subject: str,
    text: str,
    html: str = "",
    *,
    headers: dict | None = None,
    attachments: Iterable = (),
    user=None,
    kind: str = "",
    urgent: bool = False,
    not_before=None,
    from_email: str = "",
) -> Outbox | None:
    """Store one email in the outbox, in the current transaction; sent after commit.

    `attachments`: (filename, bytes or str, mimetype) tuples or dicts with those keys.
    `not_before`: hold it until then (quiet hours). The Message-ID is fixed now, so
    a retry after an unclear failure carries the same one. Returns None inside
    `suppressed()`.
    """
    if getattr(_suppressed, "on", False):
        return None
    if not to or "@" not in to:
        raise ValueError(f"not an email address: {to!r}")
    now = timezone.now()
    message_headers = {"Message-ID": _message_id(), **(headers or {})}
    row = Outbox.objects.create(
        to=to.strip(),
        subject=" ".join(subject.split())[:255],
        text=text,
        html=html,
        from_email=from_email,
        headers=message_headers,
        attachments=[_attachment(item) for item in attachments],
        user=user,
        kind=kind[:40],
        urgent=urgent,
        next_attempt_at=max(now, not_before) if not_before else now,
        message_id=message_headers["Message-ID"],
    )
    if settings.MAILER_SEND_ON_COMMIT and row.next_attempt_at <= now:
        from .delivery import wake

        transaction.on_commit(wake)
    return row


def send_templated(to: str, template_prefix: str, context: dict, **options) -> Outbox | None:
    """`render_email` then `enqueue` (options as for enqueue)."""
    subject, text, html = render_email(template_prefix, context)
    return enqueue(to, subject, text, html, **options)
