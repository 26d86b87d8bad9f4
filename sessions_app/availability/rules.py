"""The rules of availability fields: each `check_*` returns the normalised value or
raises DomainError(field=...) with a message from messages.py. The serializers and
the model validators (admin) run the same checks; the services run them before
writing. Imports no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from core.errors import DomainError
from core.timebounds import check_date

from . import messages as msg

DAY_MINUTES = 24 * 60
MAX_WEEKLY_RANGES = 50
# Field → (lowest, highest, default).
NUMBERS = {
    "buffer_minutes": (0, 240, 0),
    "min_notice_minutes": (0, 30 * DAY_MINUTES, 120),
    "max_days_ahead": (1, 730, 60),  # 730: never past core.timebounds' 2 years
}
INSTANT_BOOKING_DEFAULT = False
OVERRIDE_AHEAD = timedelta(days=730)
SLOT_DURATION = (15, 8 * 60)  # step of the slots: a quarter hour up to a session's 8 hours
MAX_RANGE_DAYS = 62

_HHMM = re.compile(r"([01][0-9]|2[0-4]):([0-5][0-9])", re.ASCII)


def parse_hhmm(value, *, field: str) -> int:
    """ "HH:MM" (00:00-24:00) → minutes after midnight."""
    match = _HHMM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise DomainError(msg.TIME_INVALID, field=field)
    minutes = int(match[1]) * 60 + int(match[2])
    if minutes > DAY_MINUTES:
        raise DomainError(msg.TIME_INVALID, field=field)
    return minutes


def format_hhmm(minutes: int | None) -> str | None:
    return None if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_range(start: int, end: int) -> tuple[int, int]:
    """A time range inside one day: start before end (end 1440 = midnight)."""
    if not 0 <= start < DAY_MINUTES:
        raise DomainError(msg.TIME_INVALID, field="start")
    if not 0 < end <= DAY_MINUTES:
        raise DomainError(msg.TIME_INVALID, field="end")
    if end <= start:
        raise DomainError(msg.END_NOT_AFTER_START, field="end")
    return start, end


def check_weekday(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise DomainError(msg.WEEKDAY_INVALID, field="weekday")
    return value


def check_number(name: str, value) -> int:
    low, high, _default = NUMBERS[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(msg.NOT_WHOLE, field=name)
    if not low <= value <= high:
        raise DomainError(msg.out_of_bounds(low, high), field=name)
    return value


def check_no_overlap(ranges: Iterable[tuple[int, int]], *, label: str, field: str) -> None:
    """Ranges of one day may touch (09:00-12:00, 12:00-14:00) but not overlap."""
    ordered = sorted(ranges)
    for (s1, e1), (s2, e2) in zip(ordered, ordered[1:], strict=False):
        if s2 < e1:
            first = f"{format_hhmm(s1)}-{format_hhmm(e1)}"
            second = f"{format_hhmm(s2)}-{format_hhmm(e2)}"
            raise DomainError(msg.overlapping(label, first, second), field=field)


def check_weekly(rows: list[dict]) -> list[dict]:
    """Weekly ranges ({weekday, start, end} in minutes), sorted; no overlaps in a day."""
    if len(rows) > MAX_WEEKLY_RANGES:
        raise DomainError(msg.TOO_MANY_RANGES, field="weekly")
    clean = []
    for row in rows:
        weekday = check_weekday(row.get("weekday"))
        start, end = check_range(row.get("start"), row.get("end"))
        clean.append({"weekday": weekday, "start": start, "end": end})
    for weekday in range(7):
        ranges = [(r["start"], r["end"]) for r in clean if r["weekday"] == weekday]
        check_no_overlap(ranges, label=msg.WEEKDAYS[weekday], field="weekly")
    return sorted(clean, key=lambda r: (r["weekday"], r["start"]))


def check_override_date(value, *, today: date) -> date:
    """A day within the bounds, from the mentor's today up to 2 years ahead."""
    check_date(value, field="date")
    if value < today:
        raise DomainError(msg.DATE_IN_PAST, field="date")
    if value > today + OVERRIDE_AHEAD:
        raise DomainError(msg.DATE_TOO_FAR, field="date")
    return value


def check_slot_duration(value) -> int:
    low, high = SLOT_DURATION
    try:
        duration = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(msg.DURATION_INVALID, field="duration") from exc
    if not low <= duration <= high:
        raise DomainError(msg.DURATION_INVALID, field="duration")
    return duration


def check_day_range(first: date, last: date) -> tuple[date, date]:
    if last < first:
        raise DomainError(msg.RANGE_BACKWARDS, field="to")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(msg.RANGE_TOO_LONG, field="to")
    return first, last


# --- Model validators (admin) ------------------------------------------------------------


def _validate(check, *args) -> None:
    try:
        check(*args)
    except DomainError as error:
        raise ValidationError(error.message) from error


def validate_buffer(value) -> None:
    _validate(check_number, "buffer_minutes", value)


def validate_notice(value) -> None:
    _validate(check_number, "min_notice_minutes", value)


def validate_days_ahead(value) -> None:
    _validate(check_number, "max_days_ahead", value)


def validate_weekday(value) -> None:
    _validate(check_weekday, value)
