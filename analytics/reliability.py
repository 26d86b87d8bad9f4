"""Reliability: how often the mentor actually held the sessions learners booked.

A mentor no-show is a session the scheduler cancelled because it was not
started within MENTOR_NO_SHOW_MINUTES after its start (`Session.mentor_no_show`;
every learner was refunded in full). Reliability = held / (held + no-shows)
over the period, by the sessions' start; null when there is neither.

Kept apart from analytics.queries (one aggregate query, cached on its own key).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from core import cache
from sessions_app.models import Session

from .queries import PERIODS, parse_period


@dataclass(frozen=True)
class Reliability:
    rate: float | None  # 0–1
    held: int  # completed sessions
    mentor_no_shows: int  # cancelled automatically: never started

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        return "—" if self.rate is None else f"{round(self.rate * 100)} %"

    @property
    def detail(self) -> str:
        if self.rate is None:
            return "no sessions held or missed yet"
        missed = self.mentor_no_shows
        not_started = f"{missed} not started" if missed else "none missed"
        return f"{self.held} held · {not_started}"


def reliability(mentor, period: str) -> Reliability:
    """`compute_reliability()`, cached until the mentor's data changes."""
    period = parse_period(period)
    return cache.cached(
        mentor, "analytics.reliability", lambda: compute_reliability(mentor, period), period
    )


def compute_reliability(mentor, period: str, now=None) -> Reliability:
    now = now or timezone.now()
    days = PERIODS[parse_period(period)][1]
    window = Q(starts_at__lte=now)
    if days is not None:
        window &= Q(starts_at__gte=now - timedelta(days=days))
    # Only the two statuses counted: the index (mentor, status, starts_at) skips the rest.
    counted = [Session.Status.COMPLETED, Session.Status.CANCELLED]
    counts = Session.objects.filter(window, mentor=mentor, status__in=counted).aggregate(
        held=Count("pk", filter=Q(status=Session.Status.COMPLETED)),
        missed=Count("pk", filter=Q(status=Session.Status.CANCELLED, mentor_no_show=True)),
    )
    held, missed = counts["held"], counts["missed"]
    rate = round(held / (held + missed), 4) if held + missed else None
    return Reliability(rate=rate, held=held, mentor_no_shows=missed)
