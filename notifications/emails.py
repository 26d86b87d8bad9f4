"""Notification → email: by preference, in the notifying transaction, through the outbox.

`email_notification()` is called by `notify()` for every notification that
may go by email. It decides by the user's preferences: not at all (email off
for the kind, or no address), now, held until quiet hours end, or into the
daily digest (non-urgent kinds, when the digest is on). Every such email
carries List-Unsubscribe (+ One-Click, RFC 8058) and a footer link with a
signed token that turns that kind off without signing in.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from core.jobs import claim_each
from mailer import outbox

from . import preferences
from .models import ACTION_LABELS, DigestEntry, Notification, NotificationPreferences

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ALL_KINDS = "*"  # the digest's unsubscribe: every notification email off


# --- Unsubscribe tokens ------------------------------------------------------------------


def unsubscribe_token(user, kind: str) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) or signing.BadSignature (also SignatureExpired) when not ours / too old."""
    max_age = timedelta(days=settings.UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS)
    data = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign_object(token, max_age=max_age)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("malformed")
    kind = data.get("k")
    if kind != ALL_KINDS and kind not in preferences.KIND_VALUES:
        raise signing.BadSignature("unknown kind")
    return data["u"], kind


def unsubscribe_url(user, kind: str) -> str:
    return outbox.absolute_url(reverse("email_unsubscribe", args=[unsubscribe_token(user, kind)]))


def unsubscribe_headers(url: str) -> dict:
    targets = [f"<{url}>"]
    if settings.UNSUBSCRIBE_MAILTO:
        token = url.rstrip("/").rsplit("/", 1)[-1]
        targets.append(f"<mailto:{settings.UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20{token}>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- One notification ----------------------------------------------------------------------


def is_urgent(kind: str, level: str) -> bool:
    return level == Notification.Level.URGENT or kind in preferences.URGENT_KINDS


def email_notification(
    user,
    kind: str,
    title: str,
    *,
    body: str = "",
    url: str = "",
    level: str = Notification.Level.INFO,
    action: str = "",
    attachments=(),
    prefs: preferences.Prefs | None = None,
) -> str:
    """Email this notification per the user's preferences, in the current transaction.

    Returns what happened: "off", "sent" (queued now), "held" (after quiet
    hours) or "digest".
    """
    address = (getattr(user, "email", "") or "").strip()
    prefs = prefs or preferences.for_user(user)
    if not address or not user.is_active or not prefs.wants_email(kind):
        return "off"
    urgent = is_urgent(kind, level)
    if not urgent and prefs.email_digest == NotificationPreferences.Digest.DAILY:
        DigestEntry.objects.create(user=user, kind=kind, title=title[:200], body=body, url=url)
        return "digest"
    link = outbox.absolute_url(url) if url else ""
    unsubscribe = unsubscribe_url(user, kind)
    context = {
        "user": user,
        "kind_label": preferences.LABELS.get(kind, "Notifications"),
        "title": title,
        "body": body,
        "link": link,
        "action": action or ACTION_LABELS.get(kind, "Open MentorHub"),
        "unsubscribe_url": unsubscribe,
        "preferences_url": outbox.absolute_url(reverse("notification_preferences")),
    }
    subject, text, html = outbox.render_email("notifications/email/notification", context)
    held_until = None if urgent else preferences.quiet_until(prefs, user.tzinfo)
    outbox.enqueue(
        address,
        subject,
        text,
        html,
        headers=unsubscribe_headers(unsubscribe),
        attachments=attachments,
        user=user,
        kind=kind,
        urgent=urgent,
        not_before=held_until,
    )
    return "held" if held_until else "sent"


# --- The daily digest --------------------------------------------------------------------------


def last_digest_moment(tz, now: datetime | None = None) -> datetime:
    """The latest NOTIFICATION_DIGEST_HOUR:00 in zone `tz` at or before `now`."""
    now = now or timezone.now()
    local = now.astimezone(tz)
    moment = local.replace(
        hour=settings.NOTIFICATION_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    if moment > local:
        moment -= timedelta(days=1)
    return moment


def send_digests() -> int:
    """Job: each user's entries from before their last digest hour become one email."""
    from accounts.models import User

    users = User.objects.filter(
        pk__in=DigestEntry.objects.filter(batch="").values("user_id").distinct()
    ).order_by("pk")
    return claim_each(users, _send_digest, label="notifications.digest")


def _send_digest(user) -> bool:
    moment = last_digest_moment(user.tzinfo)
    batch = uuid.uuid4().hex
    taken = DigestEntry.objects.filter(user=user, batch="", created_at__lte=moment).update(
        batch=batch
    )
    if not taken:
        return False  # nothing due yet, or another process took them
    entries = list(DigestEntry.objects.filter(batch=batch).order_by("id"))
    prefs = preferences.for_user(user)
    if user.is_active and user.email:
        unsubscribe = unsubscribe_url(user, ALL_KINDS)
        items = [
            {
                "kind_label": preferences.LABELS.get(e.kind, ""),
                "title": e.title,
                "body": e.body,
                "link": outbox.absolute_url(e.url) if e.url else "",
            }
            for e in entries
        ]
        context = {
            "user": user,
            "items": items,
            "unsubscribe_url": unsubscribe,
            "preferences_url": outbox.absolute_url(reverse("notification_preferences")),
        }
        subject, text, html = outbox.render_email("notifications/email/digest", context)
        outbox.enqueue(
            user.email,
            subject,
            text,
            html,
            headers=unsubscribe_headers(unsubscribe),
            user=user,
            kind="digest",
            not_before=preferences.quiet_until(prefs, user.tzinfo),
        )
    DigestEntry.objects.filter(batch=batch).delete()
    return True


def prune_once_keys() -> int:
    """Job: forget once-keys older than a week (their reminders are long past)."""
    from .models import NotifyOnce

    old = NotifyOnce.objects.filter(created_at__lt=timezone.now() - timedelta(days=7))
    if not old.exists():  # most passes: a read, no write lock
        return 0
    deleted, _ = old.delete()
    return deleted
