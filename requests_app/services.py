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
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks

from core.timebounds import check_datetime, check_schedulable
from mentorhub.errors import ConflictError, DomainError
from notifications.services import notify, push_update
from sessions_app.models import Booking, Session

from .models import SessionRequest
from .queries import pending_count

logger = logging.getLogger(__name__)

MAX_PENDING_PER_MENTOR = 3
MAX_PREFERRED_TIMES = 5
MIN_DURATION, MAX_DURATION = 15, 8 * 60
TOPIC_MAX, MESSAGE_MAX, REASON_MAX = 200, 2000, 500
REQUESTS_URL = "/mentor/dashboard/requests/"
LEARNER_HOME_URL = "/#my-requests"

Status = SessionRequest.Status


# --- Helpers ------------------------------------------------------------------------------


def _push_badge(mentor_id: int) -> None:
    """Every open dashboard of the mentor shows the new pending count.

    The count is read after commit, not inside the caller's transaction: two
    answers committing at the same time (PostgreSQL, read committed) would
    otherwise each count the other's row as still pending and both push a
    stale number.
    """
    transaction.on_commit(
        lambda: push_update(mentor_id, "requests_badge", count=pending_count(mentor_id))
    )


def local_label(user, when: datetime) -> str:
    """'Tue 3 Dec, 15:00 CET' in the user's own zone."""
    local = when.astimezone(user.tzinfo)
    return f"{local:%a} {local.day} {local:%b, %H:%M} {local.tzname()}"


def _aware(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise DomainError("Enter a valid date and time.", field=field)
    check_datetime(value, field=field)  # in range: the conversion to UTC can't overflow
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value.astimezone(UTC).replace(second=0, microsecond=0)


def _clean_times(times: Iterable[datetime], now: datetime) -> list[datetime]:
    times = list(times or [])
    if not times:
        raise DomainError("Suggest at least one time.", field="preferred_times")
    if len(times) > MAX_PREFERRED_TIMES:
        raise DomainError(f"Suggest at most {MAX_PREFERRED_TIMES} times.", field="preferred_times")
    cleaned = sorted({_aware(t, "preferred_times") for t in times})
    if any(t <= now for t in cleaned):
        raise DomainError("Preferred times must be in the future.", field="preferred_times")
    if any(t > now + timedelta(days=366) for t in cleaned):
        raise DomainError("Choose times within the next year.", field="preferred_times")
    return cleaned


def _plain(value: str, field: str, limit: int, *, required: bool = False, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"Enter a {label}.", field=field)
    if len(value) > limit:
        raise DomainError(f"Keep the {label} to {limit} characters or fewer.", field=field)
    return value


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
        return ConflictError("The learner withdrew this request.")
    if status == Status.EXPIRED:
        return ConflictError("This request has expired: all its times have passed.")
    return ConflictError("This request was already answered.")


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
        raise DomainError("Only learners can request sessions.")
    if mentor is None or not getattr(mentor, "is_mentor", False) or mentor.pk == learner.pk:
        raise DomainError("Choose a mentor to send your request to.", field="mentor")
    now = timezone.now()
    topic = _plain(topic, "topic", TOPIC_MAX, required=True, label="topic")
    message = _plain(message, "message", MESSAGE_MAX, label="message")
    times = _clean_times(preferred_times, now)
    if duration_minutes in (None, ""):
        profile = getattr(mentor, "mentor_profile", None)
        duration_minutes = profile.default_duration_minutes if profile else 60
    try:
        duration_minutes = int(duration_minutes)
    except (TypeError, ValueError):
        raise DomainError("Enter the duration in whole minutes.", field="duration_minutes")
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise DomainError(
            f"Choose a duration between {MIN_DURATION} and {MAX_DURATION} minutes.",
            field="duration_minutes",
        )

    with transaction.atomic():
        # Serialise one learner's requests (PostgreSQL; SQLite's IMMEDIATE
        # transactions already do) so the pending limit holds under races.
        get_user_model().objects.select_for_update().filter(pk=learner.pk).first()
        pending = SessionRequest.objects.filter(
            learner=learner, mentor=mentor, status=Status.PENDING
        ).count()
        if pending >= MAX_PENDING_PER_MENTOR:
            raise DomainError(
                f"You already have {pending} pending requests with {mentor.display_name}. "
                "Wait for an answer or withdraw one first."
            )
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
            url=REQUESTS_URL,
        )
        _push_badge(mentor.pk)
    return request_obj


def withdraw_request(learner, request_obj: SessionRequest) -> SessionRequest:
    """The learner takes back a pending request (no effect once answered)."""
    if request_obj.learner_id != learner.pk:
        raise DomainError("This is not your request.")
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

    In one transaction: claim the request (pending → accepted), create a
    private scheduled one-seat session at the mentor's default price and the
    learner's booking. A second Accept (another tab, a retry) finds the row no
    longer pending and gets ConflictError; nothing else is written.
    """
    if request_obj.mentor_id != mentor.pk:
        raise DomainError("This request is not addressed to you.")
    now = timezone.now()
    scheduled_at = _aware(scheduled_at, "scheduled_at")
    check_schedulable(
        scheduled_at, field="scheduled_at", now=now, past_message="Choose a time in the future."
    )
    profile = getattr(mentor, "mentor_profile", None)
    price = profile.default_price if profile else 0

    with transaction.atomic():
        won = SessionRequest.objects.filter(pk=request_obj.pk, status=Status.PENDING).update(
            status=Status.ACCEPTED, scheduled_at=scheduled_at, answered_at=now
        )
        if not won:
            raise _not_pending_error(request_obj)
        learner = request_obj.learner
        description = f"<p>Requested by {escape(learner.display_name)}.</p>"
        if request_obj.message:
            description += linebreaks(escape(request_obj.message))
        session = Session.objects.create(
            mentor=mentor,
            title=request_obj.topic[:200],
            topic=short_topic(request_obj.topic, profile),
            visibility=Session.Visibility.PRIVATE,  # one-to-one: never listed to others
            description=description,
            starts_at=scheduled_at,
            duration_minutes=request_obj.duration_minutes,
            capacity=1,
            price=price,
            status=Session.Status.SCHEDULED,
            published_at=now,
            booked_count=1,
        )
        Booking.objects.create(
            session=session, learner=learner, status=Booking.Status.BOOKED, amount_paid=price
        )
        SessionRequest.objects.filter(pk=request_obj.pk).update(session=session)
        notify(
            learner,
            "request_answered",
            f"{mentor.display_name} accepted your request",
            body=f"{request_obj.topic} · {local_label(learner, scheduled_at)}",
            url=f"/sessions/{session.pk}/",
        )
        _push_badge(mentor.pk)
    request_obj.refresh_from_db()
    return request_obj


def decline_request(mentor, request_obj: SessionRequest, reason: str = "") -> SessionRequest:
    """Decline a pending request with an optional reason the learner sees."""
    if request_obj.mentor_id != mentor.pk:
        raise DomainError("This request is not addressed to you.")
    reason = _plain(reason, "reason", REASON_MAX, label="reason")
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
            url=LEARNER_HOME_URL,
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
    candidates = list(
        SessionRequest.objects.filter(status=Status.PENDING, last_preferred_at__lt=now)
        .order_by("last_preferred_at")
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for pk in candidates:
        try:
            with transaction.atomic():
                won = SessionRequest.objects.filter(pk=pk, status=Status.PENDING).update(
                    status=Status.EXPIRED, answered_at=now
                )
                if not won:
                    continue
                row = SessionRequest.objects.select_related("learner", "mentor").get(pk=pk)
                notify(
                    row.learner,
                    "request_answered",
                    "Your request expired",
                    body=(
                        f"{row.topic}: {row.mentor.display_name} didn't answer before your "
                        "suggested times passed. Send new times any time."
                    ),
                    url=LEARNER_HOME_URL,
                )
                _push_badge(row.mentor_id)
                expired += 1
        except Exception:
            logger.exception("expiring request %s failed; retried next pass", pk)
    return expired
