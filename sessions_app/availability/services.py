"""Writes of a mentor's availability: each one transaction, the rules checked first.

Every write locks the mentor's Availability row (created on first write), so two
writes of the same mentor (two tabs saving overrides for one date) run one after
the other and the overlap checks see each other's rows.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.errors import DomainError

from . import messages as msg
from . import rules
from .models import Availability, AvailabilityOverride, WeeklyHours


def mentor_today(mentor) -> date:
    return timezone.localtime(timezone.now(), mentor.tzinfo).date()


def get_availability(mentor) -> tuple[Availability, list[WeeklyHours]]:
    """The mentor's settings (unsaved defaults when none yet) and weekly hours (2 queries)."""
    availability = Availability.objects.filter(mentor=mentor).first()
    if availability is None:
        return Availability(mentor=mentor), []
    return availability, list(availability.weekly.all())


def _locked(mentor) -> Availability:
    Availability.objects.get_or_create(mentor=mentor)
    return Availability.objects.select_for_update().get(mentor=mentor)


def update_availability(mentor, *, weekly: list[dict] | None = None, **numbers) -> Availability:
    """Set the given settings; `weekly` (if given) replaces every weekly range at once."""
    clean = {
        name: rules.check_number(name, value)
        for name, value in numbers.items()
        if name in rules.NUMBERS
    }
    if "instant_booking" in numbers:
        clean["instant_booking"] = bool(numbers["instant_booking"])
    rows = None if weekly is None else rules.check_weekly(weekly)
    with transaction.atomic():
        availability = _locked(mentor)
        for name, value in clean.items():
            setattr(availability, name, value)
        availability.save()
        if rows is not None:
            availability.weekly.all().delete()
            WeeklyHours.objects.bulk_create(
                WeeklyHours(
                    availability=availability,
                    weekday=r["weekday"],
                    start_minute=r["start"],
                    end_minute=r["end"],
                )
                for r in rows
            )
    return availability


def overrides_of(mentor):
    """The mentor's overrides from their today on, by date."""
    return AvailabilityOverride.objects.filter(
        availability__mentor=mentor, date__gte=mentor_today(mentor)
    ).order_by("date", "start_minute", "pk")


def _check_day(existing: list[AvailabilityOverride], available: bool, span) -> None:
    """A day off stands alone; ranges of one date don't overlap."""
    if not available and existing:
        raise DomainError(msg.DAY_OFF_HAS_HOURS, field="date")
    if available and any(not row.available for row in existing):
        raise DomainError(msg.DAY_OFF_ALREADY, field="date")
    if available:
        ranges = [(row.start_minute, row.end_minute) for row in existing] + [span]
        rules.check_no_overlap(ranges, label="That date", field="start")


def add_override(mentor, *, day: date, available: bool, start=None, end=None):
    """A day off (`available` False) or one range of other hours on `day`."""
    rules.check_override_date(day, today=mentor_today(mentor))
    span = None
    if available:
        if start is None or end is None:
            raise DomainError(msg.RANGE_REQUIRED, field="start" if start is None else "end")
        span = rules.check_range(start, end)
    with transaction.atomic():
        availability = _locked(mentor)
        existing = list(availability.overrides.filter(date=day))
        _check_day(existing, available, span)
        return AvailabilityOverride.objects.create(
            availability=availability,
            date=day,
            available=available,
            start_minute=span[0] if span else None,
            end_minute=span[1] if span else None,
        )


def get_override_for_mentor(mentor, pk: int) -> AvailabilityOverride:
    """The mentor's own override; anyone else's answers 404."""
    return get_object_or_404(AvailabilityOverride, pk=pk, availability__mentor=mentor)


def delete_override(mentor, pk: int) -> None:
    with transaction.atomic():
        get_override_for_mentor(mentor, pk).delete()
