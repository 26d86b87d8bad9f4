"""Writes for session requests: create, accept, decline, withdraw, expire.

Every status change is a conditional UPDATE (`filter(pk=…, status=PENDING)
.update(…)`) inside one transaction: the caller whose UPDATE changed the row
won, every other caller gets ConflictError and nothing is written. That is
what makes accepting exactly-once when two tabs (or two servers) press
Accept at the same moment. Notifications and badge pushes go out after
commit (notifications.services does that).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks

from core.errors import ConflictError, DomainError
from core.formatting import local_time_label
from core.jobs import claim_each
from notifications.services import notify, push_update
from sessions_app.availability.pricing import price_for
from sessions_app.models import Session
from sessions_app.rules import DESCRIPTION_MAX
from sessions_app.services import schedule_private_session

from . import messages as msg
from . import rules
from .models import SessionRequest
from .rules import MAX_PENDING_PER_MENTOR, MAX_PREFERRED_TIMES, MESSAGE_MAX, REASON_MAX, TOPIC_MAX

logger = logging.getLogger(__name__)

__all__ = [  # limits re-exported for callers: the rules are in rules.py
    "MAX_PENDING_PER_MENTOR",
    "MAX_PREFERRED_TIMES",
    "MESSAGE_MAX",
    "REASON_MAX",
    "TOPIC_MAX",
    "accept_request",
    "create_request",
    "decline_request",
    "expire_requests",
    "local_label",
    "short_topic",
    "withdraw_request",
]


def _requests_url() -> str:
    return reverse("requests_tab")


def _learner_home_url() -> str:
    return f"{reverse('home')}#my-requests"


Status = SessionRequest.Status


# --- Helpers ------------------------------------------------------------------------------


def _push_badge(mentor_id: int) -> None:
    """Every open dashboard of the mentor shows the new pending count (read by
    the socket after commit, so two answers committing at once can't push a
    stale number)."""
    push_update(mentor_id, "requests_badge")
    push_update(mentor_id, "requests_version")  # an open Requests tab reloads its list


def local_label(user, when: datetime) -> str:
    """'Tue 03 Dec, 15:00 CET' in the user's own zone (the zone: times are proposed across zones)."""
    return local_time_label(user, when, zone=True)


def short_topic(text: str, profile) -> str:
    """A chip-sized topic for a request's session: the mentor's expertise tag it mentions.

    The request's own words become the session title; repeating them (or a
    truncated copy) as the topic chip would only duplicate the title.
    """
    for tag in getattr(profile, "expertise", None) or []:
        tag = " ".join(str(tag).split())
        if tag and re.search(rf"(?<!\w){re.escape(tag)}(?!\w)", text, re.IGNORECASE):
            return tag[:40]
    return ""


def _not_pending_error(request_obj: SessionRequest) -> ConflictError:
    status = (
        SessionRequest.objects.filter(pk=request_obj.pk).values_list("status", flat=True).first()
    )
    if status == Status.WITHDRAWN:
        return ConflictError(msg.WITHDRAWN)
    if status == Status.EXPIRED:
        return ConflictError(msg.EXPIRED)
    return ConflictError(msg.ALREADY_ANSWERED)


# --- Learner ------------------------------------------------------------------------------


def create_request(
    learner,
    mentor,
    *,
    topic: str,
    message: str = "",
    preferred_times: Iterable[datetime],
    duration_minutes: int | None = None,
) -> SessionRequest:
    """A learner asks a mentor for a session.

    Invariants: only learners ask, only mentors are asked, nobody asks
    themself; at most MAX_PENDING_PER_MENTOR pending requests per learner and
    mentor; 1–5 distinct future start times, stored in UTC.
    """
    if not getattr(learner, "is_learner", False):
        raise DomainError(msg.ONLY_LEARNERS_REQUEST)
    if mentor is None or not getattr(mentor, "is_mentor", False) or mentor.pk == learner.pk:
        raise DomainError(msg.CHOOSE_MENTOR, field="mentor")
    topic = rules.check_topic(topic)
    message = rules.check_message(message)
    times = rules.check_preferred_times(preferred_times, timezone.now())
    duration_minutes = rules.check_duration(duration_minutes, mentor)

    with transaction.atomic():
        # Serialise one learner's requests (PostgreSQL; SQLite's IMMEDIATE
        # transactions already do) so the pending limit holds under races.
        get_user_model().objects.select_for_update().filter(pk=learner.pk).first()
        pending = SessionRequest.objects.filter(
            learner=learner, mentor=mentor, status=Status.PENDING
        ).count()
        if pending >= MAX_PENDING_PER_MENTOR:
            raise DomainError(msg.pending_limit(pending, mentor.display_name))
        request_obj = SessionRequest.objects.create(
            learner=learner,
            mentor=mentor,
            topic=topic,
            message=message,
            preferred_times=[t.isoformat() for t in times],
            last_preferred_at=times[-1],
            duration_minutes=duration_minutes,
        )
        notify(
            mentor,
            "new_request",
            f"New request from {learner.display_name}",
            body=f"{topic} · first choice {local_label(mentor, times[0])}",
            url=_requests_url(),
        )
        _push_badge(mentor.pk)
    return request_obj


def withdraw_request(learner, request_obj: SessionRequest) -> SessionRequest:
    """The learner takes back a pending request (no effect once answered)."""
    if request_obj.learner_id != learner.pk:
        raise DomainError(msg.NOT_YOUR_REQUEST)
    with transaction.atomic():
        won = SessionRequest.objects.filter(pk=request_obj.pk, status=Status.PENDING).update(
            status=Status.WITHDRAWN, answered_at=timezone.now()
        )
        if not won:
            raise _not_pending_error(request_obj)
        _push_badge(request_obj.mentor_id)
    request_obj.refresh_from_db()
    return request_obj


# --- Mentor -------------------------------------------------------------------------------


def accept_request(mentor, request_obj: SessionRequest, scheduled_at: datetime) -> SessionRequest:
    """Accept a pending request at `scheduled_at`: exactly one session per request.

    In one transaction: claim the request (pending → accepted), then schedule
    a private one-seat session (its price pro rata of the mentor's default price
    for the requested duration, availability.pricing) with the learner
    booked, through sessions_app (its rules and the overlap check with the
    mentor's other sessions). A second Accept (another tab, a retry) finds the
    row no longer pending and gets ConflictError; a refused time rolls the
    claim back. Nothing else is written either way.
    """
    if request_obj.mentor_id != mentor.pk:
        raise DomainError(msg.NOT_ADDRESSED_TO_YOU)
    now = timezone.now()
    scheduled_at = rules.check_accept_time(scheduled_at, now)
    with transaction.atomic():
        won = SessionRequest.objects.filter(pk=request_obj.pk, status=Status.PENDING).update(
            status=Status.ACCEPTED, scheduled_at=scheduled_at, answered_at=now
        )
        if not won:
            raise _not_pending_error(request_obj)
        session = _schedule(mentor, request_obj, scheduled_at)
        SessionRequest.objects.filter(pk=request_obj.pk).update(session=session)
        learner = request_obj.learner
        notify(
            learner,
            "request_answered",
            f"{mentor.display_name} accepted your request",
            body=f"{request_obj.topic} · {local_label(learner, scheduled_at)}",
            url=reverse("session_detail", args=[session.pk]),
        )
        _push_badge(mentor.pk)
    request_obj.refresh_from_db()
    return request_obj


def _schedule(mentor, request_obj: SessionRequest, scheduled_at: datetime) -> Session:
    """The request's private session; a refused time is reported on `scheduled_at`."""
    profile = getattr(mentor, "mentor_profile", None)
    description = f"<p>Requested by {escape(request_obj.learner.display_name)}.</p>"
    if request_obj.message:
        description += linebreaks(escape(request_obj.message))
    try:
        return schedule_private_session(
            mentor,
            request_obj.learner,
            starts_at=scheduled_at,
            duration_minutes=request_obj.duration_minutes,
            title=request_obj.topic[:200],
            topic=short_topic(request_obj.topic, profile),
            # Escaping can lengthen a 2,000-character message past the limit;
            # the cleaner closes any tag the cut leaves open.
            description=description[:DESCRIPTION_MAX],
            price=price_for(mentor, request_obj.duration_minutes),
        )
    except DomainError as error:
        if error.field != "starts_at":
            raise
        raise type(error)(error.message, field="scheduled_at") from error


def decline_request(mentor, request_obj: SessionRequest, reason: str = "") -> SessionRequest:
    """Decline a pending request with an optional reason the learner sees."""
    if request_obj.mentor_id != mentor.pk:
        raise DomainError(msg.NOT_ADDRESSED_TO_YOU)
    reason = rules.check_reason(reason)
    with transaction.atomic():
        won = SessionRequest.objects.filter(pk=request_obj.pk, status=Status.PENDING).update(
            status=Status.DECLINED, decline_reason=reason, answered_at=timezone.now()
        )
        if not won:
            raise _not_pending_error(request_obj)
        notify(
            request_obj.learner,
            "request_answered",
            f"{mentor.display_name} declined your request",
            body=f"{request_obj.topic}" + (f" · “{reason}”" if reason else ""),
            url=_learner_home_url(),
        )
        _push_badge(mentor.pk)
    request_obj.refresh_from_db()
    return request_obj


# --- Periodic job -------------------------------------------------------------------------


def expire_requests(*, limit: int = 500) -> int:
    """Expire pending requests whose preferred times have all passed.

    Idempotent and safe in several processes: each row is claimed by a
    conditional UPDATE, and only the winner tells the learner.
    """
    now = timezone.now()
    overdue = (
        SessionRequest.objects.filter(status=Status.PENDING, last_preferred_at__lt=now)
        .select_related("learner", "mentor")
        .order_by("last_preferred_at")
    )

    def claim(rows) -> int:
        return rows.filter(status=Status.PENDING).update(status=Status.EXPIRED, answered_at=now)

    def tell(row) -> None:
        notify(
            row.learner,
            "request_answered",
            "Your request expired",
            body=(
                f"{row.topic}: {row.mentor.display_name} didn't answer before your "
                "suggested times passed. Send new times any time."
            ),
            url=_learner_home_url(),
        )
        _push_badge(row.mentor_id)

    return claim_each(overdue, tell, claim=claim, label="requests.expire", limit=limit)
