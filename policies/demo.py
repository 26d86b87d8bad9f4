"""Demo data: the demo mentors' cancellation policies (idempotent)."""

from .models import CancellationPolicy


def seed(users) -> None:
    for username, hours, percent in (("mentor", 24, 50), ("mentor2", 48, 25)):
        CancellationPolicy.objects.get_or_create(
            mentor=users[username],
            defaults={"free_cancel_hours": hours, "late_cancel_refund_percent": percent},
        )
