"""Sending the outbox: claim due rows, send, record the outcome; retry with backoff.

Invariant: a row is handed to the mail server by one process only. Rows are
claimed in one short transaction (a conditional UPDATE to "sending" with a
token of this pass; on PostgreSQL the candidates are first locked with
SELECT … FOR UPDATE SKIP LOCKED so concurrent passes take different rows),
then sent outside any transaction (no lock is held while talking SMTP), then
marked sent / retrying / failed with an UPDATE that requires the same token.

A process that dies between the SMTP hand-over and "sent" leaves the row in
"sending"; after MAILER_SENDING_LEASE_SECONDS it is tried again with the same
Message-ID. That crash window is the only way a message can go out twice.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import close_old_connections, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from .models import Outbox

logger = logging.getLogger(__name__)

PENDING = (Outbox.Status.QUEUED, Outbox.Status.RETRYING)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base, … capped at MAILER_RETRY_MAX_SECONDS."""
    seconds = settings.MAILER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.MAILER_RETRY_MAX_SECONDS))


def release_stale() -> int:
    """Rows left in "sending" by a process that died go back to the queue."""
    cutoff = timezone.now() - timedelta(seconds=settings.MAILER_SENDING_LEASE_SECONDS)
    return Outbox.objects.filter(status=Outbox.Status.SENDING, claimed_at__lt=cutoff).update(
        status=Outbox.Status.RETRYING, claim_token="", last_error="sending interrupted"
    )


def claim_due(limit: int = 50) -> list[Outbox]:
    """Take up to `limit` due rows for this pass; another pass never gets the same ones."""
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        due = Outbox.objects.filter(status__in=PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "id"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Outbox.objects.filter(pk__in=ids, status__in=PENDING, next_attempt_at__lte=now).update(
            status=Outbox.Status.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return list(Outbox.objects.filter(claim_token=token, status=Outbox.Status.SENDING))


def build_message(row: Outbox) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        from_email=row.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        headers=dict(row.headers or {}),
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for item in row.attachments or []:
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    return message


def _permanent(exc: Exception) -> bool:
    """A refusal the server will repeat (5xx), as opposed to "try later" (4xx, no server)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(
        exc, smtplib.SMTPServerDisconnected
    ):
        return exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError)
    return isinstance(exc, (ValueError, UnicodeError))


def _connection_level(exc: Exception) -> bool:
    return isinstance(exc, (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError))


def _finish(row: Outbox, **fields) -> None:
    Outbox.objects.filter(
        pk=row.pk, claim_token=row.claim_token, status=Outbox.Status.SENDING
    ).update(claim_token="", **fields)


def _mark_failed_attempt(row: Outbox, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if _permanent(exc) or row.attempts >= settings.MAILER_MAX_ATTEMPTS:
        _finish(row, status=Outbox.Status.FAILED, last_error=error)
        logger.warning("email %s to %s failed for good: %s", row.pk, row.to, error)
    else:
        _finish(
            row,
            status=Outbox.Status.RETRYING,
            last_error=error,
            next_attempt_at=timezone.now() + retry_delay(row.attempts),
        )


def deliver_due(limit: int = 50) -> int:
    """One pass: send what is due. Returns how many rows it attempted."""
    release_stale()
    rows = claim_due(limit)
    if not rows:
        return 0
    smtp = mailers.default  # one connection for the pass (settings.MAILERS)
    try:
        try:
            smtp.open()
        except Exception as exc:  # no server: every row of the pass waits
            for row in rows:
                _mark_failed_attempt(row, exc)
            return len(rows)
        for index, row in enumerate(rows):
            try:
                smtp.send_messages([build_message(row)])
            except Exception as exc:
                _mark_failed_attempt(row, exc)
                if _connection_level(exc):
                    # The server is unreachable: the rest of this pass waits too.
                    for rest in rows[index + 1 :]:
                        _mark_failed_attempt(rest, exc)
                    break
            else:
                _finish(row, status=Outbox.Status.SENT, sent_at=timezone.now(), last_error="")
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection
            smtp.close()
    return len(rows)


def retry_now(queryset) -> int:
    """Admin action: failed or retrying rows are due again at once (attempts kept)."""
    return queryset.filter(status__in=(Outbox.Status.FAILED, Outbox.Status.RETRYING)).update(
        status=Outbox.Status.RETRYING, next_attempt_at=timezone.now()
    )


# --- Sending right after the commit ---------------------------------------------------

_wake = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def wake() -> None:
    """Ask this process's sender thread for a pass now (called on commit)."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_sender, name="mentorhub-mailer", daemon=True)
            _thread.start()
    _wake.set()


def _sender() -> None:
    while True:
        _wake.wait()
        _wake.clear()
        try:
            close_old_connections()
            while deliver_due():
                pass
        except Exception:  # the job runner picks the rows up later
            logger.exception("sending the outbox failed")
        finally:
            connections.close_all()
