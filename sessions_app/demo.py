"""Demo sessions for `seed_demo`: every state for `mentor`, some for `mentor2`.

Idempotent: a mentor who already has sessions is left alone. Past sessions
are written directly in their final state (times in the past can't go
through the services) and `session_completed` is sent for each, so the
Earnings ledger fills exactly as it does for real sessions.
"""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from notifications.demo import add_once
from notifications.models import Notification

from .availability import demo as availability_demo
from .models import Booking, Session
from .services import clean_description
from .services.reviews import RATE_ACTION, review_url
from .signals import session_completed

MENTOR_UPCOMING = [
    # title, topic, starts in (minutes), duration, capacity, price, learners
    ("Code review: your Django project", "Django", 8, 45, 2, "60.00", ["learner"]),
    (
        "System design for beginners",
        "System design",
        60 * 26,
        60,
        4,
        "40.00",
        ["learner", "learner2"],
    ),
    ("Career chat: moving to senior", "Career", 60 * 50, 30, 1, "35.00", ["learner2"]),
    ("Testing with pytest, hands-on", "Python", 60 * 24 * 6, 90, 4, "55.00", []),
]
BOOKED_DEMO_TITLE = "System design for beginners"  # `mentor`'s "New booking" note is about it
MENTOR_DRAFTS = [
    # title, topic, starts in (minutes), duration, capacity, price, visibility
    ("Async Django in practice", "Django", 60 * 24 * 9, 60, 3, "50.00", "public"),
    ("Mock interview: backend", "Career", 60 * 24 * 12, 45, 1, "70.00", "private"),
]
PAST_TITLES = [
    ("Getting started with Django", "Django"),
    ("REST APIs with DRF", "Django"),
    ("Python packaging demystified", "Python"),
    ("Interview prep: data structures", "Career"),
    ("SQL for application developers", "Databases"),
    ("Debugging production incidents", "Operations"),
    ("Designing a URL shortener", "System design"),
    ("Writing good pull requests", "Career"),
    ("Celery and background jobs", "Python"),
    ("Caching strategies", "System design"),
    ("Type hints that help", "Python"),
    ("From junior to mid-level", "Career"),
]
MENTOR2_UPCOMING = [
    ("Accessible forms in React", "Accessibility", 60 * 30, 60, 3, "45.00", ["learner2"]),
    ("CSS layout clinic", "CSS", 60 * 24 * 4, 45, 2, "30.00", []),
]

DESCRIPTION = (
    "<p>A focused, practical session. Bring your questions and, if you like, some code.</p>"
    "<ul><li>Short intro</li><li>Hands-on work</li><li>Q&amp;A and next steps</li></ul>"
)


def _scheduled(mentor, title, topic, minutes, duration, capacity, price, learners, users, now):
    session = Session.objects.create(
        mentor=mentor,
        title=title,
        topic=topic,
        description=clean_description(DESCRIPTION),
        starts_at=now + timedelta(minutes=minutes),
        duration_minutes=duration,
        capacity=capacity,
        price=Decimal(price),
        status=Session.Status.SCHEDULED,
        published_at=now - timedelta(days=2),
        booked_count=len(learners),
    )
    for name in learners:
        Booking.objects.create(session=session, learner=users[name], amount_paid=session.price)
    return session


def _completed(mentor, title, topic, starts_at, price, attendees, no_shows, users):
    session = Session.objects.create(
        mentor=mentor,
        title=title,
        topic=topic,
        description=clean_description(DESCRIPTION),
        starts_at=starts_at,
        duration_minutes=60,
        capacity=4,
        price=Decimal(price),
        status=Session.Status.COMPLETED,
        published_at=starts_at - timedelta(days=5),
        started_at=starts_at,
        ended_at=starts_at + timedelta(minutes=60),
        reminder_sent_at=starts_at - timedelta(minutes=5),
        booked_count=len(attendees) + len(no_shows),
    )
    for name in attendees:
        Booking.objects.create(
            session=session,
            learner=users[name],
            amount_paid=session.price,
            status=Booking.Status.ATTENDED,
            joined_at=starts_at + timedelta(minutes=1),
        )
    for name in no_shows:
        Booking.objects.create(
            session=session,
            learner=users[name],
            amount_paid=session.price,
            status=Booking.Status.NO_SHOW,
        )
    session_completed.send(sender=Session, session=session)
    return session


def seed(users: dict) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    availability_demo.seed(users)
    if not Session.objects.filter(mentor=users["mentor"]).exists():
        _seed_mentor(users, now)
    if not Session.objects.filter(mentor=users["mentor2"]).exists():
        _seed_mentor2(users, now)
    _seed_notes(users)


def _seed_notes(users: dict) -> None:
    """`mentor` hears of the latest booking of a real session; the learners' review
    prompts (sent by `session_completed`) offer "Rate session" (also in a database
    seeded before they did) and are dated when their session ended."""
    learners = [users[name] for name in ("learner", "learner2") if name in users]
    prompts = Notification.objects.filter(user__in=learners, kind="review")
    prompts.filter(action="").update(action=RATE_ACTION)
    mentors = [users[name] for name in ("mentor", "mentor2") if name in users]
    ended = Session.objects.filter(
        mentor__in=mentors, status=Session.Status.COMPLETED, ended_at__isnull=False
    )
    for session in ended:
        # Sent when the session ended, not when the demo was seeded.
        prompts.filter(url=review_url(session.pk)).update(created_at=session.ended_at)
    session = Session.objects.filter(mentor=users["mentor"], title=BOOKED_DEMO_TITLE).first()
    booking = (
        Booking.objects.filter(session=session, status=Booking.Status.BOOKED)
        .select_related("learner")
        .order_by("-pk")
        .first()
    )
    if booking is None:
        return
    add_once(
        users["mentor"],
        "booking",
        f"New booking: {session.title}",
        reverse("session_view", args=[session.pk]),
        body=f"{booking.learner.display_name} booked a seat "
        f"({session.booked_count} / {session.capacity}).",
    )


def _seed_mentor(users: dict, now) -> None:
    """`mentor`: sessions in every state, a year of past ones, one cancelled."""
    mentor = users["mentor"]
    for row in MENTOR_UPCOMING:
        _scheduled(mentor, *row, users, now)
    for title, topic, minutes, duration, capacity, price, visibility in MENTOR_DRAFTS:
        Session.objects.create(
            mentor=mentor,
            title=title,
            topic=topic,
            description=clean_description(DESCRIPTION),
            starts_at=now + timedelta(minutes=minutes),
            duration_minutes=duration,
            capacity=capacity,
            price=Decimal(price),
            visibility=visibility,
        )
    # One per month over the last 12 months, at 17:00 UTC.
    for index, (title, topic) in enumerate(PAST_TITLES):
        starts_at = (now - timedelta(days=12 + 30 * index)).replace(hour=17, minute=0)
        attendees = ["learner", "learner2"] if index % 3 else ["learner"]
        no_shows = ["learner2"] if index % 3 == 0 else []
        price = f"{40 + (index % 4) * 10}.00"
        _completed(mentor, title, topic, starts_at, price, attendees, no_shows, users)
    cancelled = Session.objects.create(
        mentor=mentor,
        title="Live coding: building a CLI",
        topic="Python",
        description=clean_description(DESCRIPTION),
        starts_at=now - timedelta(days=20),
        duration_minutes=60,
        capacity=3,
        price=Decimal("30.00"),
        status=Session.Status.CANCELLED,
        cancel_reason="I was ill, sorry! I'll schedule it again soon.",
        published_at=now - timedelta(days=30),
    )
    Booking.objects.create(
        session=cancelled,
        learner=users["learner"],
        amount_paid=cancelled.price,
        status=Booking.Status.CANCELLED,
        cancelled_at=now - timedelta(days=21),
    )


def _seed_mentor2(users: dict, now) -> None:
    """`mentor2`: data of its own, for isolation checks."""
    mentor2 = users["mentor2"]
    for row in MENTOR2_UPCOMING:
        _scheduled(mentor2, *row, users, now)
    Session.objects.create(
        mentor=mentor2,
        title="Design tokens 101",
        topic="CSS",
        starts_at=now + timedelta(days=10),
        duration_minutes=60,
        capacity=4,
        price=Decimal("25.00"),
    )
    for index, title in enumerate(["Semantic HTML", "Keyboard navigation", "Colour contrast"]):
        starts_at = (now - timedelta(days=20 + 45 * index)).replace(hour=15, minute=0)
        _completed(mentor2, title, "Accessibility", starts_at, "45.00", ["learner2"], [], users)
