"""The learner's slot picker on a mentor's public page (issue #20 point 3): the
mentor's free starts (slots.mentor_slots, one call) grouped by the LEARNER's
local day, the next PICKER_DAYS days of the learner's calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from core.errors import DomainError

from . import rules
from .models import Availability
from .slots import mentor_slots

PICKER_DAYS = 14


def picker_duration(mentor) -> int:
    """The 1:1 duration learners book: the mentor's default (15 min to 8 h)."""
    profile = getattr(mentor, "mentor_profile", None)
    try:
        return rules.check_slot_duration(getattr(profile, "default_duration_minutes", 60))
    except DomainError:
        return 60


def has_availability(mentor) -> bool:
    return Availability.objects.filter(mentor=mentor, weekly__isnull=False).exists()


def slots_by_day(mentor, learner_tz, duration: int, *, now=None) -> dict[date, list[datetime]]:
    """Learner-local day → free starts that day (every one of the PICKER_DAYS days)."""
    now = now or timezone.now()
    first = timezone.localtime(now, learner_tz).date()
    days = {first + timedelta(days=n): [] for n in range(PICKER_DAYS)}
    mentor_first = timezone.localtime(now, mentor.tzinfo).date() - timedelta(days=1)
    found = mentor_slots(
        mentor,
        duration=duration,
        first=mentor_first,
        last=mentor_first + timedelta(days=PICKER_DAYS + 2),
        now=now,
    )
    for moment in found:
        day = timezone.localtime(moment, learner_tz).date()
        if day in days:
            days[day].append(moment)
    return days


def parse_day(value, days) -> date | None:
    """A `?day=YYYY-MM-DD` among the picker's days, else None."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return day if day in days else None
