"""Periodic jobs: reminders, ending overdue live sessions, cancelling unstarted ones
(mentor no-shows).

Idempotent and safe in several processes: each row is claimed by a
conditional UPDATE, and only the winner notifies.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.jobs import claim_each
from notifications.models import NotifyOnce
from policies.rules import Outcome

from ..models import Session
from . import notices
from .common import active_bookings
from .lifecycle import cancel_and_release, end_session

logger = logging.getLogger(__name__)
HOUR_REMINDER_MINUTES = 60


def send_session_reminders() -> int:
    """ "Starts in 5 minutes": once per session, to the mentor and each booked learner."""
    now = timezone.now()
    due = Session.objects.filter(
        status=Session.Status.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__lte=now + timedelta(minutes=5),
        starts_at__gt=now - timedelta(minutes=2),
    ).select_related("mentor")

    def claim(rows) -> int:
        return rows.filter(status=Session.Status.SCHEDULED, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )

    def remind(session) -> None:
        minutes = max(0, round((session.starts_at - timezone.now()).total_seconds() / 60))
        notices.reminders(session, [b.learner for b in active_bookings(session)], minutes)

    return claim_each(due, remind, claim=claim, label="sessions.reminders")


def send_hour_reminders() -> int:
    """Email reminders about an hour before each scheduled session (with its .ics).

    The once-keys (notifications.NotifyOnce) make each person's reminder go out
    once per start time, however many processes run this; sessions whose keys
    all exist are skipped with one read.
    """
    now = timezone.now()
    soon = (
        Session.objects.filter(
            status=Session.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(minutes=HOUR_REMINDER_MINUTES),
        )
        .select_related("mentor", "mentor__mentor_profile")
        .order_by("starts_at")
    )
    done = 0
    for session in soon[:200]:
        learners = [b.learner for b in active_bookings(session)]
        keys = {notices.hour_reminder_key(session, p.pk) for p in [session.mentor, *learners]}
        if NotifyOnce.objects.filter(key__in=keys).count() == len(keys):
            continue
        try:
            with transaction.atomic():
                notices.hour_reminders(session, learners)
            done += 1
        except Exception:
            logger.exception("hour reminder for session %s failed; retried next pass", session.pk)
    return done


def end_overdue_sessions() -> int:
    """Live sessions past their end + grace are completed."""
    cutoff = timezone.now() - timedelta(minutes=settings.SESSION_END_GRACE_MINUTES)
    live = Session.objects.filter(status=Session.Status.LIVE, starts_at__lt=cutoff).order_by(
        "starts_at"
    )

    def end(session) -> bool:
        if session.ends_at >= cutoff:
            return False
        end_session(None, session)  # ConflictError: ended meanwhile
        return True

    return claim_each(live, end, label="sessions.end_overdue")


def cancel_unstarted_sessions() -> int:
    """Mentor no-show: a scheduled session not started within
    MENTOR_NO_SHOW_MINUTES (15) after its start is cancelled, every booked learner
    refunded in full and told; it counts against the mentor's reliability."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=settings.MENTOR_NO_SHOW_MINUTES)
    missed = Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__lt=cutoff).order_by(
        "starts_at"
    )

    def cancel(session) -> bool:
        if not cancel_and_release(
            session, notices.NOT_STARTED_REASON, outcome=Outcome.MENTOR_NO_SHOW
        ):
            return False
        notices.not_started(session)
        return True

    return claim_each(missed, cancel, label="sessions.cancel_unstarted")
