"""Builders for notifications tests."""

from notifications.models import Notification


def make_notification(
    user, title="Hello", *, level="info", kind="system", url="", read=False, body=""
):
    from django.utils import timezone

    return Notification.objects.create(
        user=user,
        kind=kind,
        title=title,
        body=body,
        url=url,
        level=level,
        read_at=timezone.now() if read else None,
    )
