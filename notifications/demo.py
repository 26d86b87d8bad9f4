"""Demo notifications for `mentor` (and one for `learner`); idempotent."""

from django.urls import reverse_lazy

from .models import Notification

MENTOR_ALERTS = [
    # kind, title, body, url, level, read
    (
        "new_request",
        "New request from Liam Chen",
        "“Code review of my Django project” — three preferred times.",
        reverse_lazy("requests_tab"),
        "info",
        False,
    ),
    (
        "booking",
        "Liam Chen booked “Django deep dive”",
        "2 of 4 seats taken.",
        reverse_lazy("sessions_subtab", args=["scheduled"]),
        "info",
        False,
    ),
    (
        "payout_status",
        "Payout paid",
        "Your payout is on its way to your bank account.",
        reverse_lazy("earnings_tab"),
        "info",
        True,
    ),
    (
        "review",
        "New 5-star review",
        "“Clear, practical and patient. Highly recommended.”",
        reverse_lazy("analytics_tab"),
        "info",
        True,
    ),
    (
        "system",
        "Welcome to MentorHub",
        "Create a session, publish it and learners can book right away.",
        reverse_lazy("sessions_subtab", args=["draft"]),
        "info",
        True,
    ),
]

LEARNER_ALERTS = [
    (
        "request_answered",
        "Maya Okafor accepted your request",
        "Your session is scheduled; you'll get a reminder 5 minutes before.",
        reverse_lazy("home"),
        "info",
        False,
    ),
]


def _seed(user, alerts) -> None:
    from django.utils import timezone

    for kind, title, body, url, level, read in reversed(alerts):  # first = newest
        if Notification.objects.filter(user=user, kind=kind, title=title).exists():
            continue
        Notification.objects.create(
            user=user,
            kind=kind,
            title=title,
            body=body,
            url=str(url),  # stored as text
            level=level,
            read_at=timezone.now() if read else None,
        )


def seed(users) -> None:
    if "mentor" in users:
        _seed(users["mentor"], MENTOR_ALERTS)
    if "learner" in users:
        _seed(users["learner"], LEARNER_ALERTS)
