"""One small world of objects that every route of the access matrix can point at.

`owner` is the mentor who owns the objects, `learner` is booked on the owner's
scheduled and live sessions, attended (and reviewed) `past`, attended `unreviewed`
without a review yet, and sent the owner a (pending) request; `other` is another mentor with
nothing to do with them; `staff` is a staff superuser (learner role). `private` is the
owner's private one-to-one with `learner`: for everyone else it doesn't exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import User
from earnings.models import LedgerEntry, Payout
from notifications.models import Notification
from requests_app.models import SessionRequest
from sessions_app.models import Availability, AvailabilityOverride, Booking, Review, Session
from tests.conftest import bearer, jwt_client, make_user

PERSONAS = ("anon", "learner", "owner", "other", "staff")


@dataclass
class World:
    owner: User
    other: User
    learner: User
    other_learner: User
    staff: User
    draft: Session
    scheduled: Session
    soon: Session  # starts in minutes: its row shows Start Session
    live: Session
    past: Session
    unreviewed: Session
    other_session: Session
    private: Session
    booking: Booking
    review: Review
    request: SessionRequest
    declined_request: SessionRequest
    payout: Payout
    notification: Notification
    learner_notification: Notification
    override: AvailabilityOverride  # the owner's day off, 5 days ahead

    def user(self, persona: str) -> User | None:
        return None if persona == "anon" else getattr(self, persona)

    def page_client(self, persona: str, *, enforce_csrf: bool = False) -> Client:
        return jwt_client(self.user(persona), enforce_csrf=enforce_csrf)

    def api_client(self, persona: str):
        from rest_framework.test import APIClient

        user = self.user(persona)
        return APIClient() if user is None else bearer(user)


def _session(mentor: User, status: str, starts_in: timedelta, **extra) -> Session:
    return Session.objects.create(
        mentor=mentor,
        title=extra.pop("title", f"{status} session"),
        description="<p>About it</p>",
        topic="Python",
        starts_at=timezone.now() + starts_in,
        duration_minutes=60,
        capacity=extra.pop("capacity", 3),
        price=Decimal("40.00"),
        status=status,
        **extra,
    )


def _users() -> dict[str, User]:
    return {
        "owner": make_user("mx_owner", User.Role.MENTOR, first_name="Olivia"),
        "other": make_user("mx_other", User.Role.MENTOR, first_name="Otto"),
        "learner": make_user("mx_learner", User.Role.LEARNER, first_name="Lina"),
        "other_learner": make_user("mx_learner2", User.Role.LEARNER, first_name="Lars"),
        "staff": make_user("mx_staff", User.Role.LEARNER, is_staff=True, is_superuser=True),
    }


def _sessions(owner: User, other: User) -> dict[str, Session]:
    """One session per status the matrix needs; created in a fixed order (ids stay stable)."""
    done = Session.Status.COMPLETED
    return {
        "draft": _session(owner, Session.Status.DRAFT, timedelta(days=3)),
        "scheduled": _session(owner, Session.Status.SCHEDULED, timedelta(days=2), booked_count=1),
        "soon": _session(
            owner, Session.Status.SCHEDULED, timedelta(minutes=5), title="Starting soon"
        ),
        "live": _session(
            owner,
            Session.Status.LIVE,
            -timedelta(minutes=5),
            booked_count=1,
            started_at=timezone.now(),
        ),
        "past": _session(
            owner,
            done,
            -timedelta(days=2),
            booked_count=1,
            ended_at=timezone.now() - timedelta(days=2),
        ),
        "unreviewed": _session(
            owner,
            done,
            -timedelta(days=1),
            title="unreviewed session",
            booked_count=1,
            ended_at=timezone.now() - timedelta(days=1),
        ),
        "other_session": _session(other, Session.Status.SCHEDULED, timedelta(days=4)),
        "private": _session(
            owner,
            Session.Status.SCHEDULED,
            timedelta(days=2, hours=3),
            title="Private 1:1",
            capacity=1,
            booked_count=1,
            visibility=Session.Visibility.PRIVATE,
        ),
    }


def _bookings(s: dict[str, Session], learner: User, owner: User) -> dict:
    """`learner` is booked on private/scheduled/live, attended past (reviewed, paid out to the
    ledger) and unreviewed."""
    Booking.objects.create(session=s["private"], learner=learner, amount_paid=40)
    booking = Booking.objects.create(session=s["scheduled"], learner=learner, amount_paid=40)
    Booking.objects.create(session=s["live"], learner=learner, amount_paid=40)
    attended = Booking.Status.ATTENDED
    past_booking = Booking.objects.create(
        session=s["past"], learner=learner, amount_paid=40, status=attended
    )
    Booking.objects.create(
        session=s["unreviewed"], learner=learner, amount_paid=40, status=attended
    )
    review = Review.objects.create(session=s["past"], learner=learner, mentor=owner, rating=5)
    now = timezone.now()
    LedgerEntry.objects.create(
        mentor=owner,
        session=s["past"],
        booking=past_booking,
        gross=Decimal("40.00"),
        fee=Decimal("4.00"),
        net=Decimal("36.00"),
        created_at=now - timedelta(days=2),
        available_at=now - timedelta(days=1),
    )
    return {"booking": booking, "review": review}


def _requests(learner: User, owner: User) -> dict[str, SessionRequest]:
    now = timezone.now()
    times = [(now + timedelta(days=d)).isoformat() for d in (3, 4)]
    request = SessionRequest.objects.create(
        learner=learner,
        mentor=owner,
        topic="Django help",
        message="Please",
        preferred_times=times,
        last_preferred_at=now + timedelta(days=4),
    )
    declined_request = SessionRequest.objects.create(
        learner=learner,
        mentor=owner,
        topic="Old topic",
        preferred_times=times,
        status=SessionRequest.Status.DECLINED,
        decline_reason="Busy",
    )
    return {"request": request, "declined_request": declined_request}


def _payout_and_notifications(learner: User, owner: User) -> dict:
    return {
        "payout": Payout.objects.create(mentor=owner, amount=Decimal("20.00")),
        "notification": Notification.objects.create(
            user=owner, kind="booking", title="Lina booked", url="/mentor/dashboard/sessions/"
        ),
        "learner_notification": Notification.objects.create(
            user=learner, kind="booking", title="You booked", url="/sessions/"
        ),
    }


def _override(owner: User) -> dict:
    availability = Availability.objects.create(mentor=owner)
    day = (timezone.now() + timedelta(days=5)).date()
    return {"override": AvailabilityOverride.objects.create(availability=availability, date=day)}


def build_world() -> World:
    users = _users()
    owner, learner = users["owner"], users["learner"]
    sessions = _sessions(owner, users["other"])
    return World(
        **users,
        **sessions,
        **_bookings(sessions, learner, owner),
        **_requests(learner, owner),
        **_payout_and_notifications(learner, owner),
        **_override(owner),
    )


def access_cookie_header(user: User | None) -> bytes:
    from accounts.tokens import issue_tokens

    if user is None:
        return b""
    _refresh, access = issue_tokens(user)
    return f"{settings.JWT_ACCESS_COOKIE}={access}".encode()
