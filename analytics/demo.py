"""Demo reviews for `seed_demo`: most attended bookings of completed sessions get one.

Idempotent (one review per session and learner, get_or_create). The newest
attended session of each learner stays unreviewed, so the learner home shows
its "Rate your session" prompt.
"""

from datetime import timedelta

from django.urls import reverse

from notifications.demo import add_once
from notifications.models import Notification
from sessions_app.models import Booking, Review, Session
from sessions_app.services.reviews import review_url

RATINGS = [5, 4, 5, 3, 5, 4, 5, 5, 4, 2, 5, 4]
COMMENTS = [
    "Clear explanations and very practical examples.",
    "",
    "Helped me unblock my project in one hour.",
    "Good session, a bit fast for me.",
    "",
    "Great structure and useful follow-up links.",
]


def seed(users: dict) -> None:
    for name in ("mentor", "mentor2"):
        mentor = users.get(name)
        if mentor is None:
            continue
        _seed_reviews(mentor)
        _seed_notes(mentor)


def _seed_reviews(mentor) -> None:
    bookings = list(
        Booking.objects.filter(
            session__mentor=mentor,
            session__status=Session.Status.COMPLETED,
            status=Booking.Status.ATTENDED,
        )
        .select_related("session")
        .order_by("-session__starts_at", "pk")
    )
    newest_seen: set[int] = set()
    for i, booking in enumerate(bookings):
        if booking.learner_id not in newest_seen:
            newest_seen.add(booking.learner_id)  # leave the newest one to rate in the UI
            continue
        session = booking.session
        review, created = Review.objects.get_or_create(
            session=session,
            learner_id=booking.learner_id,
            defaults={
                "mentor": mentor,
                "rating": RATINGS[i % len(RATINGS)],
                "comment": COMMENTS[i % len(COMMENTS)],
            },
        )
        if created:
            when = (session.ended_at or session.starts_at) + timedelta(hours=3)
            Review.objects.filter(pk=review.pk).update(created_at=when)


def _seed_notes(mentor) -> None:
    """The mentor's "new review" note is about a real 5-star review. A learner's prompt
    for a session the demo has already reviewed (months ago) is gone: it would ask to
    rate a rated session."""
    reviews = Review.objects.filter(mentor=mentor).select_related("session", "learner")
    for review in reviews:
        Notification.objects.filter(
            user_id=review.learner_id, kind="review", url=review_url(review.session_id)
        ).delete()
    fives = reviews.filter(rating=5).order_by("-created_at", "-pk")
    best = fives.exclude(comment="").first() or fives.first()
    if best is None:
        return
    comment = f"{best.learner.display_name}: {best.comment}" if best.comment else ""
    add_once(
        mentor,
        "review",
        f"New 5-star review for “{best.session.title}”",
        f"{reverse('analytics_tab')}#reviews",
        body=comment,
        read=True,
        at=best.created_at,
    )
