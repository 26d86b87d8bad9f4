"""Reads for sessions and bookings, with constant query counts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from core import cache
from core.timebounds import add_minutes, latest_schedulable

from .models import Booking, Session
from .rules import MAX_DURATION_MINUTES

SUBTABS = [("draft", "Draft"), ("scheduled", "Scheduled"), ("past", "Past")]
SUBTAB_STATUSES = {
    "draft": [Session.Status.DRAFT],
    "scheduled": [Session.Status.SCHEDULED, Session.Status.LIVE],
    "past": [Session.Status.COMPLETED, Session.Status.CANCELLED],
}
# Scheduled: soonest first; Past: newest first; Draft: by start.
DEFAULT_ORDER = {"draft": "soonest", "scheduled": "soonest", "past": "newest"}
ORDERINGS = {"soonest": ("starts_at", "pk"), "newest": ("-starts_at", "-pk")}


def get_session_for_mentor(user, pk) -> Session:
    """The mentor's own session; anyone else's is "not found" (404)."""
    try:
        return Session.objects.select_related("mentor").get(pk=int(pk), mentor_id=user.pk)
    except (Session.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such session.") from exc


def overlapping_sessions(
    mentor, start: datetime, duration_minutes: int, *, exclude: int | None = None
) -> list[Session]:
    """The mentor's scheduled/live sessions overlapping [start, start + duration).

    Two intervals overlap when each starts before the other ends. The end of a
    session is computed in Python (portable across SQLite/PostgreSQL); the
    database narrows the candidates with the start index (no session is
    longer than MAX_DURATION_MINUTES).
    """
    candidates = Session.objects.filter(
        mentor=mentor,
        status__in=[Session.Status.SCHEDULED, Session.Status.LIVE],
        starts_at__lt=add_minutes(start, duration_minutes),
        starts_at__gt=start - timedelta(minutes=MAX_DURATION_MINUTES),
    ).order_by("starts_at")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return [s for s in candidates if s.ends_at > start]


def subtab_counts(mentor, page: Page | None = None) -> dict[str, int]:
    """Draft / Scheduled / Past counts in one query; with the `sessions_page()`
    shown beside them, cached under its key (they change with the same writes)."""
    return cache.cached_with_page(
        page,
        "counts",
        lambda: Session.objects.filter(mentor=mentor).aggregate(
            **{
                key: Count("pk", filter=Q(status__in=statuses))
                for key, statuses in SUBTAB_STATUSES.items()
            }
        ),
    )


def mentor_sessions(mentor, subtab: str, order: str | None = None) -> QuerySet[Session]:
    order = order if order in ORDERINGS else DEFAULT_ORDER[subtab]
    qs = Session.objects.filter(mentor=mentor, status__in=SUBTAB_STATUSES[subtab])
    if subtab == "past":
        # A correlated subquery, not a JOIN + GROUP BY: the database then pages
        # through the (mentor, status, starts_at) index and counts for one page only.
        attended = (
            Booking.objects.filter(session=OuterRef("pk"), status=Booking.Status.ATTENDED)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(attended_count=Coalesce(Subquery(attended), 0))
    if subtab == "scheduled":
        from .models import WaitlistEntry

        waiting = (
            WaitlistEntry.objects.filter(session=OuterRef("pk"), status="waiting")
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(waitlist_count=Coalesce(Subquery(waiting), 0))
    return qs.prefetch_related(_active_bookings_prefetch()).order_by(*ORDERINGS[order])


def session_row(mentor, pk: int) -> Session:
    """One row of `mentor_sessions()`, for re-rendering its card alone (same prefetch)."""
    status = get_session_for_mentor(mentor, pk).status
    subtab = next(key for key, statuses in SUBTAB_STATUSES.items() if status in statuses)
    return mentor_sessions(mentor, subtab).get(pk=pk)


def sessions_page(mentor, subtab: str, order: str, number, per_page: int) -> Page:
    """A page of `mentor_sessions()`; its rendered rows are cached until the
    mentor's data changes (`{% cachedrows page.cache_key %}`)."""
    rows = mentor_sessions(mentor, subtab, order)
    return cache.cached_page(mentor, "sessions.rows", rows, per_page, number, subtab, order)


def _active_bookings_prefetch() -> Prefetch:
    """Booked learners per session in one query (the "Private · 1:1 with Ana" chip)."""
    active = Booking.objects.exclude(status=Booking.Status.CANCELLED).select_related("learner")
    return Prefetch("bookings", queryset=active.order_by("created_at"), to_attr="active_bookings")


def session_participants(session: Session) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(session=session)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("learner")
        .order_by("created_at")
    )


def catalog_sessions(
    *, query: str = "", on: date | None = None, tz=None, mentor_id: int | None = None
) -> QuerySet[Session]:
    """Published public sessions that haven't started yet (search by title/topic, filter by day).

    Private sessions are never listed, not even to their own mentor or learner.
    """
    now = timezone.now()
    qs = Session.objects.public().filter(
        status=Session.Status.SCHEDULED,
        starts_at__gt=now,
        # Nothing can be scheduled later; a row stored before that bound (year 9999)
        # would overflow when shown in the reader's zone and break the list for everyone.
        starts_at__lte=latest_schedulable(now),
    )
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(title__icontains=query) | Q(topic__icontains=query) | Q(description__icontains=query)
        )
    if on is not None:
        tz = tz or timezone.get_current_timezone()
        start = datetime.combine(on, time.min, tzinfo=tz)
        end = datetime.combine(on + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    if mentor_id is not None:
        qs = qs.filter(mentor_id=mentor_id)
    return qs.select_related("mentor", "mentor__mentor_profile").order_by("starts_at", "pk")


def visible_session_for_learner(user, pk) -> Session:
    """A published session, or one the learner has/had a booking for.

    A private session exists only for its mentor and its learners: 404 for anyone else.
    """
    try:
        session = (
            Session.objects.visible_to(user)
            .select_related("mentor", "mentor__mentor_profile")
            .get(pk=int(pk))
        )
    except (Session.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such session.") from exc
    if session.status in (Session.Status.SCHEDULED, Session.Status.LIVE):
        return session
    if session.mentor_id == user.pk:
        return session
    if Booking.objects.filter(session=session, learner_id=user.pk).exists():
        return session
    raise Http404("No such session.")


def active_booking(learner, session: Session) -> Booking | None:
    return (
        Booking.objects.filter(session=session, learner=learner, status=Booking.Status.BOOKED)
        .order_by("-created_at")
        .first()
    )


def learner_bookings(learner) -> dict[str, list[Booking]]:
    """Upcoming (booked, scheduled or live) and recent past bookings of a learner."""
    base = Booking.objects.filter(learner=learner).select_related(
        "session", "session__mentor", "session__mentor__mentor_profile"
    )
    upcoming = list(
        base.filter(
            status=Booking.Status.BOOKED,
            session__status__in=[Session.Status.SCHEDULED, Session.Status.LIVE],
        ).order_by("session__starts_at")
    )
    past = list(
        base.filter(
            Q(status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW])
            | Q(status=Booking.Status.CANCELLED)
        ).order_by("-session__starts_at")[:10]
    )
    return {"upcoming": upcoming, "past": past}


def booked_session_ids(learner, session_ids) -> set[int]:
    if not getattr(learner, "is_authenticated", False):
        return set()
    return set(
        Booking.objects.filter(
            learner=learner, session_id__in=list(session_ids), status=Booking.Status.BOOKED
        ).values_list("session_id", flat=True)
    )


def waiting_session_ids(learner, session_ids) -> set[int]:
    """The sessions among `session_ids` whose waitlist `learner` is on (one query)."""
    from .models import WaitlistEntry

    if not getattr(learner, "is_authenticated", False):
        return set()
    return set(
        WaitlistEntry.objects.filter(
            learner=learner, session_id__in=list(session_ids), status="waiting"
        ).values_list("session_id", flat=True)
    )


def feed_sessions(mentor) -> QuerySet[Session]:
    """Calendar feed: published sessions from 30 days ago onward, cancelled ones
    included (STATUS:CANCELLED) so calendar apps remove them rather than keep them."""
    since = timezone.now() - timedelta(days=30)
    return Session.objects.filter(
        mentor=mentor,
        status__in=[
            Session.Status.SCHEDULED,
            Session.Status.LIVE,
            Session.Status.COMPLETED,
            Session.Status.CANCELLED,
        ],
        starts_at__gte=since,
    ).order_by("starts_at")


# --- Banners (notifications.queries.register_banner_rule, wired in apps.py) ----------

SESSION_BANNER_KINDS = ("session_reminder", "session_live")


def open_session_banners(rows: QuerySet) -> QuerySet:
    """Session banners that are still true, in SQL (one query with the rest).

    "Starts in …" (reminder) stays while the session is scheduled at the time
    it names, for its mentor or a learner still booked; "is live — Join" stays
    while it is live and the learner still booked. Started, ended or cancelled
    sessions and lost bookings leave no banner. Rows without a subject (older
    or general alerts) are left as they are.
    """
    session = Session.objects.filter(pk=OuterRef("subject_id"))
    scheduled = session.filter(status=Session.Status.SCHEDULED, starts_at=OuterRef("starts_at"))
    booked = Booking.objects.filter(
        session_id=OuterRef("subject_id"),
        learner_id=OuterRef("user_id"),
        status=Booking.Status.BOOKED,
    )
    reminder_true = Exists(scheduled.filter(mentor_id=OuterRef("user_id"))) | (
        Exists(scheduled) & Exists(booked)
    )
    live_true = Exists(session.filter(status=Session.Status.LIVE)) & Exists(booked)
    return rows.filter(
        ~Q(kind__in=SESSION_BANNER_KINDS)
        | Q(subject_id__isnull=True)
        | (Q(kind="session_reminder") & reminder_true)
        | (Q(kind="session_live") & live_true)
    )
