"""The one way to alert a user: store, then push after commit.

Nothing else in the code base talks to the channel layer directly; callers
use `notify()` for stored notifications, `push_update()` for live fragments
(counts, balances; read fresh when rendered), `push_to_group()` for room
signaling, and `recheck_access()` / `close_user_sockets()` when a user's access changes.
"""

import logging
from collections.abc import Callable, Iterable
from contextlib import nullcontext

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.user_cache import forget_user
from core import live_fragments

from . import emails, preferences
from .models import Notification, NotifyOnce
from .queries import unread_count  # noqa: F401  (a read; callers still find it here)

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a push is a hint: the database already holds the truth
        logger.warning("push to %s failed", group, exc_info=True)


def safe_url(url: str) -> str:
    """A path on this site, or "" (notifications never link elsewhere)."""
    url = (url or "").strip()
    if not url.startswith("/") or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return ""
    return url[:300]


def notify(
    user,
    kind: str,
    title: str,
    *,
    body: str = "",
    url: str = "",
    level: str = Notification.Level.INFO,
    action: str = "",
    subject: tuple[int, str] | None = None,
    starts_at=None,
    email: bool = True,
    in_app: bool = True,
    attachments=(),
    once_key: str | None = None,
) -> Notification | None:
    """Alert `user`: a stored notification pushed after commit, and/or an email.

    Both follow the user's preferences (notifications/preferences.py): in-app
    off for the kind → nothing stored or pushed (returns None); email on → the
    outbox row is written in this same transaction (notifications/emails.py:
    now, after quiet hours, or into the digest). `email=False`/`in_app=False`
    rule a channel out for this call; `attachments` go with the email;
    `once_key` makes a repeated call with the same key a no-op (reminders).
    A rolled-back transaction stores, pushes and emails nothing. `url` must be
    a path of ours ("/live/12/"), else dropped. `subject` (id, name) and
    `starts_at` let an urgent banner count down and close with its subject.
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if level not in Notification.Level.values:
        raise ValueError(f"unknown notification level {level!r}")
    # One transaction with the caller's (no savepoint when there is one already).
    with nullcontext() if connection.in_atomic_block else transaction.atomic():
        if once_key is not None and not _first_time(once_key):
            return None
        prefs = preferences.for_user(user)
        url = safe_url(url)
        if email:
            emails.email_notification(
                user, kind, title, body=body, url=url, level=level, action=action,
                attachments=attachments, prefs=prefs,
            )  # fmt: skip
        if not (in_app and prefs.wants_in_app(kind)):
            return None
        notification = Notification.objects.create(
            user=user,
            kind=kind,
            title=title[:200],
            body=body,
            url=url,
            level=level,
            action=action[:40],
            subject_id=subject[0] if subject else None,
            subject_title=subject[1][:200] if subject else "",
            starts_at=starts_at,
        )
    push_created(notification)
    return notification


def _first_time(key: str) -> bool:
    """Record `key`; False when it was recorded before (by this or another process)."""
    try:
        with transaction.atomic():
            NotifyOnce.objects.create(key=key[:120])
    except IntegrityError:
        return False
    return True


def push_created(notification: Notification) -> None:
    """Tell the user's open pages about a stored notification, after commit."""
    user_id, pk = notification.user_id, notification.pk
    transaction.on_commit(
        lambda: _send(user_group(user_id), {"type": "notification.created", "id": pk})
    )


def push_update(user, name: str, **key: int) -> None:
    """After commit, tell the user's open pages that live fragment `name` changed.

    Only the hint `{name, key}` is sent: the consumer reads the fragment's
    state fresh and renders it (core.live_fragments), so a push never carries
    a stale value. `user` is a user or a user id; `key` holds the fragment's
    integer keys, e.g. `push_update(mentor, "participants", session_id=12)`.
    """
    fragment = live_fragments.get(name)
    if fragment is None or live_fragments.clean_key(fragment, key) is None:
        raise ValueError(f"unknown live fragment or key: {name!r} {key!r}")
    user_id = getattr(user, "pk", user)
    message = {"type": "live.update", "name": name, "key": key}
    transaction.on_commit(lambda: _send(user_group(user_id), message))


def push_to_group(group: str, message: dict) -> None:
    """Send a message to an arbitrary group after commit (e.g. live rooms)."""
    transaction.on_commit(lambda: _send(group, message))


# --- Access to open sockets ---------------------------------------------------------


def sockets_group(user_id: int) -> str:
    """Every open socket of a user (notifications, live rooms) listens here."""
    return f"sockets.{user_id}"


def recheck_access(user_ids: Iterable[int | None]) -> None:
    """After commit, the users' open sockets re-read their access from the
    database (booking or session cancelled, account deactivated) and close
    if it is gone. Call it from every write that can take access away."""
    ids = sorted({pk for pk in user_ids if pk})
    transaction.on_commit(lambda: _send_each(ids, {"type": "access.check"}))


def close_user_sockets(user_id: int | None) -> None:
    """Signed out: every open socket of the user closes (4001) after commit;
    a page still signed in elsewhere refreshes its cookies and reconnects."""
    if user_id:
        transaction.on_commit(lambda: _send_each([user_id], {"type": "access.revoked"}))


def _send_each(user_ids: list[int], message: dict) -> None:
    for pk in user_ids:
        _send(sockets_group(pk), message)


# --- Reading state --------------------------------------------------------------


def _push_bell(user) -> None:
    """Every open page of the user shows the new unread count."""
    push_update(user, "bell")


def get_notification_for_user(user, pk) -> Notification:
    """The user's own notification; anyone else's is "not found"."""
    try:
        return Notification.objects.get(pk=pk, user=user)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise Notification.DoesNotExist from exc


def mark_read(user, pk) -> Notification:
    """Mark one of the user's notifications read (idempotent: keeps the first read time)."""
    with transaction.atomic():
        notification = get_notification_for_user(user, pk)
        if notification.read_at is None:
            now = timezone.now()
            changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
                read_at=now
            )
            if changed:
                notification.read_at = now
                _push_bell(user)
                forget_user(user.pk)  # its open urgent alerts changed (queries.open_urgent_urls)
    return notification


def mark_unread(user, pk) -> Notification:
    with transaction.atomic():
        notification = get_notification_for_user(user, pk)
        if notification.read_at is not None:
            Notification.objects.filter(pk=notification.pk).update(read_at=None)
            notification.read_at = None
            _push_bell(user)
            forget_user(user.pk)  # an urgent alert may be open again
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    with transaction.atomic():
        changed = Notification.objects.filter(user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if changed:
            _push_bell(user)
            forget_user(user.pk)
    return changed


def mark_read_for_url(user, path: str) -> int:
    """The user opened `path`: urgent alerts that point there are done.

    Runs on every full page load, so it reads first and writes (taking the
    write lock) only when there is something to close.
    """
    if not path:
        return 0
    open_here = Notification.objects.filter(
        user=user, url=path, level=Notification.Level.URGENT, read_at__isnull=True
    )
    ids = list(open_here.values_list("id", flat=True)[:50])
    if not ids:
        return 0
    with transaction.atomic():
        changed = open_here.filter(id__in=ids).update(read_at=timezone.now())
        if changed:
            _push_bell(user)
            forget_user(user.pk)
    return changed


# --- Reminders (periodic jobs) ------------------------------------------------------


def send_reminders(
    queryset: models.QuerySet,
    stamp_field: str,
    send: Callable[[models.Model], None],
    *,
    limit: int = 500,
) -> int:
    """Claim due rows one by one and call `send(row)` for the rows this call won.

    The invariant: each row is sent at most once, however many processes or
    threads run this at the same time. A row is claimed by a conditional
    UPDATE (`… SET stamp = now WHERE pk = … AND stamp IS NULL`); only the
    caller whose UPDATE changed the row sends. Claim and send share one
    transaction, so a failing `send` releases the claim for the next pass, and
    notify()'s pushes happen only after the claim committed.

    Example (the Sessions app's "starts in 5 minutes" job):

        send_reminders(
            Session.objects.filter(status="scheduled", starts_at__lte=now + 5 min),
            "reminder_sent_at",
            lambda session: notify(session.mentor, "session_reminder", …),
        )
    """
    model = queryset.model
    candidates: Iterable = queryset.filter(**{f"{stamp_field}__isnull": True}).values_list(
        "pk", flat=True
    )[:limit]
    sent = 0
    for pk in list(candidates):
        try:
            with transaction.atomic():
                won = model._default_manager.filter(
                    pk=pk, **{f"{stamp_field}__isnull": True}
                ).update(**{stamp_field: timezone.now()})
                if not won:
                    continue  # another process claimed it first
                send(model._default_manager.get(pk=pk))
                sent += 1
        except Exception:
            logger.exception("reminder for %s %s failed; retried next pass", model.__name__, pk)
    return sent
