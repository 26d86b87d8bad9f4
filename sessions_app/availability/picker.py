"""The learner's slot picker on a mentor's public page (issue #20 point 3): the
mentor's free starts (slots.mentor_slots, one call) grouped by the LEARNER's
local day, the next PICKER_DAYS days of the learner's calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import F, Max
from django.utils import timezone

from . import pricing
from .models import Availability, WeeklyHours
from .slots import mentor_slots

PICKER_DAYS = 14


def picker_duration(mentor) -> int:
    """The 1:1 duration learners book by default: the mentor's (15 min to 8 h)."""
    return pricing.default_terms(mentor)[0]


def has_availability(mentor) -> bool:
    return Availability.objects.filter(mentor=mentor, weekly__isnull=False).exists()


def longest_range(mentor) -> int | None:
    """The longest range of the mentor's weekly hours, in minutes (None: no hours)."""
    spans = WeeklyHours.objects.filter(availability__mentor=mentor).aggregate(
        longest=Max(F("end_minute") - F("start_minute"))
    )
    return spans["longest"]


def durations(mentor) -> tuple[list, int] | None:
    """The picker's (duration choices with price, default), or None when the mentor
    has no weekly hours (one query)."""
    longest = longest_range(mentor)
    if longest is None:
        return None
    return pricing.duration_choices(mentor, longest), picker_duration(mentor)


def slots_by_day(
    mentor, learner_tz, duration: int, *, now=None, exclude: int | None = None
) -> dict[date, list[datetime]]:
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
        exclude=exclude,
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
