"""Demo requests for `seed_demo`: `mentor` has pending and answered ones, `mentor2` its own.

Idempotent: a mentor who already has pending (and answered) requests is left
alone; pending ones are topped up once the old ones have expired. Pending rows are
written directly (no notification spam); one request per mentor is accepted
through the service so its session and booking are real (and private).
"""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from notifications.demo import add_once
from sessions_app.models import Session

from .models import SessionRequest
from .services import accept_request, decline_request, local_label

Status = SessionRequest.Status

# learner, topic, message, preferred times (days ahead, local hour), duration, age (hours)
MENTOR_REQUESTS = [
    (
        "learner",
        "Review my Django REST API design",
        "I'm building an API for a small shop and I'm unsure about nested routes "
        "and permissions. Could we go through it together?",
        [(2, 10), (2, 15), (3, 11)],
        60,
        2,
    ),
    (
        "learner2",
        "Preparing for a backend interview",
        "I have an interview in two weeks: system design and Python questions.",
        [(3, 17), (4, 18)],
        45,
        20,
    ),
    (
        "learner",
        "Async views <and> Celery",
        "When should I use async views vs. a task queue? <b>Not bold</b>, just curious.",
        [(5, 9)],
        30,
        50,
    ),
    (
        "learner2",
        "Career: moving from QA to development",
        "",
        [(6, 14), (7, 14), (8, 14), (9, 14)],
        60,
        5,
    ),
]
MENTOR_ANSWERED = [
    # learner, topic, outcome, reason
    ("learner", "Debugging slow queries", "accepted", ""),
    ("learner2", "Weekly mentoring for a year", "declined", "I can't commit to weekly slots."),
    ("learner", "Intro to Docker", "withdrawn", ""),
]
MENTOR2_REQUESTS = [
    ("learner", "Accessible forms in React", "Focus management is my weak spot.", [(2, 12)]),
    ("learner2", "CSS grid layouts", "", [(3, 16), (4, 16)]),
]


def _times(mentor, spec) -> list[datetime]:
    today = timezone.now().astimezone(mentor.tzinfo).date()
    return sorted(
        timezone.make_aware(datetime.combine(today + timedelta(days=d), time(h)), mentor.tzinfo)
        for d, h in spec
    )


def _create(learner, mentor, topic, message, spec, duration=60, age_hours=1, status="pending"):
    times = _times(mentor, spec)
    row = SessionRequest.objects.create(
        learner=learner,
        mentor=mentor,
        topic=topic,
        message=message,
        preferred_times=[t.isoformat() for t in times],
        last_preferred_at=times[-1],
        duration_minutes=duration,
        status=status,
    )
    # created_at is auto_now_add: age the row afterwards for a realistic list.
    SessionRequest.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(hours=age_hours)
    )
    return row


def seed(users: dict) -> None:
    mentor, mentor2 = users["mentor"], users["mentor2"]
    learner, learner2 = users["learner"], users["learner2"]
    people = {"learner": learner, "learner2": learner2}

    # Pending rows expire once their times pass (the expiry job): a later
    # `seed_demo` (every `make run`) tops them up so `mentor` always has some.
    if not SessionRequest.objects.filter(mentor=mentor, status=Status.PENDING).exists():
        for who, topic, message, spec, duration, age in MENTOR_REQUESTS:
            _create(people[who], mentor, topic, message, spec, duration, age)
    if not SessionRequest.objects.filter(mentor=mentor).exclude(status=Status.PENDING).exists():
        for i, (who, topic, outcome, reason) in enumerate(MENTOR_ANSWERED):
            row = _create(
                people[who], mentor, topic, "", [(10 + i, 10), (11 + i, 10)], 60, 72 + 24 * i
            )
            if outcome == "accepted":
                accept_request(mentor, row, row.preferred_datetimes[0])
            elif outcome == "declined":
                decline_request(mentor, row, reason)
            else:
                SessionRequest.objects.filter(pk=row.pk).update(
                    status=Status.WITHDRAWN, answered_at=timezone.now()
                )

    # Sessions born from a request are one-to-one: private, also in a database
    # seeded before sessions had a visibility.
    Session.objects.filter(origin_request__isnull=False).exclude(
        visibility=Session.Visibility.PRIVATE
    ).update(visibility=Session.Visibility.PRIVATE)

    _note_newest_pending(mentor)

    if not SessionRequest.objects.filter(mentor=mentor2).exists():
        for who, topic, message, spec in MENTOR2_REQUESTS:
            _create(people[who], mentor2, topic, message, spec, 60, 6)
        row = _create(learner2, mentor2, "Design tokens 101", "", [(12, 15)], 60, 100)
        decline_request(mentor2, row, "Out of office that week.")


def _note_newest_pending(mentor) -> None:
    """The mentor's "New request" note is about a request waiting in the Requests tab."""
    row = (
        SessionRequest.objects.filter(mentor=mentor, status=Status.PENDING)
        .select_related("learner")
        .order_by("-created_at", "-pk")
        .first()
    )
    if row is None:
        return
    times = row.preferred_datetimes
    first = f" · first choice {local_label(mentor, times[0])}" if times else ""
    add_once(
        mentor,
        "new_request",
        f"New request from {row.learner.display_name}",
        f"{reverse('requests_tab')}#request-{row.pk}",
        body=f"{row.topic}{first}",
    )
