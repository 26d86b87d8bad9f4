"""The one way to alert a user: store, then push after commit.

Nothing else in the code base talks to the channel layer directly; callers
use `notify()` for stored notifications and `push_update()` for live values
(counts) that are not stored.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import Notification


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a push is a hint: the database already holds the truth
        import logging

        logging.getLogger(__name__).warning("push to %s failed", group, exc_info=True)


def notify(
    user,
    kind: str,
    title: str,
    *,
    body: str = "",
    url: str = "",
    level: str = Notification.Level.INFO,
) -> Notification:
    """Store a notification for `user` and push it once the transaction commits.

    A rolled-back transaction stores nothing and pushes nothing.
    """
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:200], body=body, url=url, level=level
    )
    user_id = notification.user_id
    transaction.on_commit(
        lambda: _send(user_group(user_id), {"type": "notification.created", "id": notification.pk})
    )
    return notification


def push_update(user_id: int, kind: str, **data) -> None:
    """Push a non-stored live update (a count, a badge) to a user after commit.

    `kind` names the fragment the consumer renders, e.g. "participants"
    (data: session_id, booked, capacity) or "requests_badge" (data: count).
    """
    message = {"type": "live.update", "kind": kind, "data": data}
    transaction.on_commit(lambda: _send(user_group(user_id), message))


def push_to_group(group: str, message: dict) -> None:
    """Send a message to an arbitrary group after commit (e.g. live rooms)."""
    transaction.on_commit(lambda: _send(group, message))
