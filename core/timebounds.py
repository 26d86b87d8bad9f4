"""Bounds for every date and time a user submits (CONTRACT.md, "Times").

No date before 2000-01-01 or after 2100-12-31; no schedulable time in the
past or more than two years ahead. Python's datetime stops at year 9999, so
unbounded input (or `starts_at + duration` on it) overflows into 500s; every
form field, serializer field, query parameter and service that takes a date
or time checks it here first.

Bottom layer: imports Django, DRF and core.errors only, never a domain app.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from django import forms
from django.utils import timezone
from rest_framework import serializers

from core.errors import DomainError

__all__ = [
    "MAX_AHEAD",
    "MAX_DATE",
    "MIN_DATE",
    "BoundedDateFormField",
    "BoundedDateTimeField",
    "BoundedDateTimeFormField",
    "DomainError",
    "add_minutes",
    "check_date",
    "check_datetime",
    "check_schedulable",
    "latest_schedulable",
    "parse_query_date",
]

MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_AHEAD = timedelta(days=2 * 365 + 1)  # "2 years", whichever of them is a leap year

RANGE_MESSAGE = f"Enter a date between {MIN_DATE:%Y-%m-%d} and {MAX_DATE:%Y-%m-%d}."
AHEAD_MESSAGE = "Pick a time within the next 2 years."
PAST_MESSAGE = "Pick a time in the future."
INVALID_DATE_MESSAGE = "Enter a valid date (YYYY-MM-DD)."
INVALID_DATETIME_MESSAGE = "Enter a valid date and time."

# ASCII digits only: `\d` would also take "２０２４" or "٢٠٢٤".
_QUERY_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


# --- Checks ----------------------------------------------------------------------------


def latest_schedulable(now: datetime | None = None) -> datetime:
    """The latest time anything may be scheduled at."""
    return (now or timezone.now()) + MAX_AHEAD


def _utc_date(value: datetime) -> date | None:
    """The UTC day of `value` (naive: its own day); None if it can't be expressed."""
    if timezone.is_naive(value):
        return value.date()
    try:
        return value.astimezone(UTC).date()
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00 is in year 0 in UTC
        return None


def in_range(value: date | datetime) -> bool:
    """Whether `value` (a date, or a datetime by its UTC day) lies in the bounds."""
    day = _utc_date(value) if isinstance(value, datetime) else value
    return day is not None and MIN_DATE <= day <= MAX_DATE


def check_date(value: date, *, field: str) -> date:
    """`value` if it is a date within the bounds, else DomainError on `field`."""
    if not isinstance(value, date):
        raise DomainError(INVALID_DATE_MESSAGE, field=field)
    if not in_range(value):
        raise DomainError(RANGE_MESSAGE, field=field)
    return value


def check_datetime(value: datetime, *, field: str) -> datetime:
    """`value` if it is a datetime within the bounds, else DomainError on `field`."""
    if not isinstance(value, datetime):
        raise DomainError(INVALID_DATETIME_MESSAGE, field=field)
    if not in_range(value):
        raise DomainError(RANGE_MESSAGE, field=field)
    return value


def check_schedulable(
    value: datetime,
    *,
    field: str,
    now: datetime | None = None,
    past_message: str = PAST_MESSAGE,
) -> datetime:
    """`value` if it is an aware time after now and at most 2 years ahead."""
    check_datetime(value, field=field)
    if timezone.is_naive(value):
        raise DomainError("The time needs a time zone.", field=field)
    now = now or timezone.now()
    if value <= now:
        raise DomainError(past_message, field=field)
    if value > latest_schedulable(now):
        raise DomainError(AHEAD_MESSAGE, field=field)
    return value


def parse_query_date(value: str | None, field: str) -> date | None:
    """A `YYYY-MM-DD` query parameter: None when absent/empty, else a date in bounds.

    Raises DomainError (→ 400 with `{field: [message]}`) for anything else.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _QUERY_DATE.fullmatch(value):
        raise DomainError(INVALID_DATE_MESSAGE, field=field)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise DomainError(INVALID_DATE_MESSAGE, field=field)
    return check_date(parsed, field=field)


def add_minutes(start: datetime, minutes: int) -> datetime:
    """`start + minutes`, clamped to the largest datetime instead of overflowing.

    Derived values (a session's end) of a row stored before the bounds
    existed must not take a whole list down.
    """
    try:
        return start + timedelta(minutes=minutes)
    except OverflowError:
        return datetime.max.replace(tzinfo=start.tzinfo)


# --- Fields ----------------------------------------------------------------------------


def _field_error(value, *, schedulable: bool) -> str | None:
    """The bound a parsed value breaks (the past is left to each form's own message)."""
    if not in_range(value):
        return RANGE_MESSAGE
    if schedulable and isinstance(value, datetime) and value > latest_schedulable():
        return AHEAD_MESSAGE
    return None


class BoundedDateTimeField(serializers.DateTimeField):
    """DRF DateTimeField within the bounds; `schedulable` also caps it at 2 years ahead.

    Times in the past are left to the services, whose messages say what was meant
    ("The start time is in the past.").
    """

    def __init__(self, *, schedulable: bool = False, **kwargs):
        self.schedulable = schedulable
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)  # out of Python's range: 'overflow' (400)
        message = _field_error(parsed, schedulable=self.schedulable)
        if message:
            raise serializers.ValidationError(message, code="out_of_range")
        return parsed


class BoundedDateFormField(forms.DateField):
    """Form DateField within the bounds (the error is shown next to the field)."""

    def widget_attrs(self, widget):
        # The browser's date picker offers only days inside the bounds.
        return {**super().widget_attrs(widget), "min": f"{MIN_DATE}", "max": f"{MAX_DATE}"}

    def validate(self, value):
        super().validate(value)
        if value is not None and not in_range(value):
            raise forms.ValidationError(RANGE_MESSAGE, code="out_of_range")


class BoundedDateTimeFormField(forms.DateTimeField):
    """Form DateTimeField within the bounds; `schedulable` caps it at 2 years ahead."""

    def __init__(self, *, schedulable: bool = False, **kwargs):
        self.schedulable = schedulable
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        message = None if value is None else _field_error(value, schedulable=self.schedulable)
        if message:
            raise forms.ValidationError(message, code="out_of_range")
