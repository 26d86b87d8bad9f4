"""Demo notifications for `seed_demo`: each one about a real object of the demo data.

A notification about a session, request, payout or review is added by the demo
of the app that owns that object (`<app>/demo.py`, through `add_once`), right
after the object exists, so its link opens that object for its reader. Here:
the welcome note, and removing the notes of earlier versions of the demo that
pointed at sessions and requests which never existed.
"""

from django.urls import reverse
from django.utils import timezone

from .models import Notification

# kind, title and link (route name, args) of the notes earlier demos made up: no such
# session, request or review existed.
RETIRED = [
    ("new_request", "New request from Liam Chen", "requests_tab", []),
    ("booking", "Liam Chen booked “Django deep dive”", "sessions_subtab", ["scheduled"]),
    ("payout_status", "Payout paid", "earnings_tab", []),
    ("review", "New 5-star review", "analytics_tab", []),
    ("request_answered", "Maya Okafor accepted your request", "home", []),
]


def add_once(user, kind: str, title: str, url: str, *, body: str = "", read: bool = False, at=None):
    """Store a demo notification unless `user` already has one of `kind` for `url`;
    `at`: when it was sent (its object's time), default now.

    Stored directly (no push, no email): nobody is listening while seeding."""
    if Notification.objects.filter(user=user, kind=kind, url=url).exists():
        return None
    note = Notification.objects.create(
        user=user,
        kind=kind,
        title=title,
        body=body,
        url=url,
        read_at=timezone.now() if read else None,
    )
    if at is not None:  # created_at is auto_now_add
        Notification.objects.filter(pk=note.pk).update(created_at=at)
    return note


def _retire_made_up(users) -> None:
    for kind, title, route, args in RETIRED:
        Notification.objects.filter(
            user__in=users.values(), kind=kind, title=title, url=reverse(route, args=args)
        ).delete()


def seed(users) -> None:
    """Runs first (DEMO_APPS), so the welcome note is the oldest in the list."""
    _retire_made_up(users)
    if "mentor" in users:
        add_once(
            users["mentor"],
            "system",
            "Welcome to MentorHub",
            reverse("sessions_subtab", args=["draft"]),
            body="Create a session, publish it and learners can book right away.",
            read=True,
        )
