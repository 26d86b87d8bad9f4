"""Learner reviews of completed sessions (rating 1–5, optional plain-text comment).

Invariants: only a learner whose booking was *attended* can review, only once
the session is completed, and once per session (the database constraint
`review_once_per_session` backs the check against two tabs at once). The
mentor can read reviews, never edit them.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse

from core.errors import DomainError
from notifications.services import notify

from ..models import Booking, Review, Session

MAX_COMMENT = 2000
RATE_ACTION = "Rate session"  # the link on a learner's review prompt


def review_url(session_id: int) -> str:
    return reverse("session_review", args=[session_id])


def _rating(value) -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError("Choose a rating from 1 to 5 stars.", field="rating")
    if str(rating) != str(value).strip() or not 1 <= rating <= 5:
        raise DomainError("Choose a rating from 1 to 5 stars.", field="rating")
    return rating


def check_can_review(learner, session: Session) -> None:
    """Raise DomainError(field="session") unless `learner` may review `session` now."""
    if session.status != Session.Status.COMPLETED:
        raise DomainError("You can review a session once it has taken place.", field="session")
    attended = Booking.objects.filter(
        session=session, learner=learner, status=Booking.Status.ATTENDED
    ).exists()
    if not attended:
        raise DomainError("Only learners who attended this session can review it.", field="session")
    if Review.objects.filter(session=session, learner=learner).exists():
        raise DomainError("You have already reviewed this session.", field="session")


def leave_review(learner, session: Session, rating, comment: str = "") -> Review:
    """Store the learner's review and notify the mentor (pushed after commit)."""
    rating = _rating(rating)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(
            f"Keep your comment under {MAX_COMMENT:,} characters ({len(comment):,} now).",
            field="comment",
        )
    check_can_review(learner, session)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                session=session,
                learner=learner,
                mentor_id=session.mentor_id,
                rating=rating,
                comment=comment,
            )
            notify(
                session.mentor,
                "review",
                f"New {rating}-star review for “{session.title}”",
                body=f"{learner.display_name}: {comment[:200]}" if comment else "",
                url=f"{reverse('analytics_tab')}#reviews",
            )
    except IntegrityError:  # the same learner, a second tab, at the same time
        raise DomainError("You have already reviewed this session.", field="session")
    return review


def ask_for_reviews(session: Session) -> int:
    """Notify each attended learner of a completed session; returns how many were asked.

    Called from `session_completed` (sent once per session, inside the
    completing transaction): rows are stored with it and pushed after commit.
    """
    learners = [
        b.learner
        for b in Booking.objects.filter(session=session, status=Booking.Status.ATTENDED)
        .select_related("learner")
        .order_by("pk")
    ]
    mentor_name = session.mentor.display_name
    for learner in learners:
        notify(
            learner,
            "review",
            f"How was “{session.title}”?",
            body=f"Rate your session with {mentor_name}: it takes a few seconds.",
            url=review_url(session.pk),
            action=RATE_ACTION,  # the kind's default, "Read review", is the mentor's verb
        )
    return len(learners)


def sessions_to_review(learner, limit: int = 10) -> list[Session]:
    """Completed sessions the learner attended and has not reviewed yet, newest first."""
    return list(
        Session.objects.filter(
            status=Session.Status.COMPLETED,
            bookings__learner=learner,
            bookings__status=Booking.Status.ATTENDED,
        )
        .exclude(Exists(Review.objects.filter(session=OuterRef("pk"), learner=learner)))
        .select_related("mentor", "mentor__mentor_profile")
        .order_by("-starts_at")[:limit]
    )


def session_for_review(learner, pk) -> Session:
    """A session the learner had a booking on (any status), or 404."""
    session = (
        Session.objects.filter(pk=pk, bookings__learner=learner)
        .select_related("mentor", "mentor__mentor_profile")
        .distinct()
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    return session


def reviews_by(learner):
    return Review.objects.filter(learner=learner).select_related("session").order_by("-created_at")
