"""The availability page's forms: they only parse what the browser sends, then run
the same rules as the API (rules.py) and keep every typed value for a re-render.

Week editor fields, per weekday N (0=Monday): `day-N-on` (checkbox) and repeated
`day-N-start` / `day-N-end` (HH:MM pairs, in order). Settings: `buffer_minutes`,
`min_notice_minutes`, `max_days_ahead`, `instant_booking`.
"""

from __future__ import annotations

from django import forms

from core.errors import DomainError
from core.timebounds import BoundedDateFormField

from . import messages as msg
from . import rules

NUMBER_FIELDS = ("buffer_minutes", "min_notice_minutes", "max_days_ahead")
DEFAULT_RANGE = ("09:00", "17:00")  # what a day switched on starts with
# `<input type=time>` can't hold "24:00": an END of 00:00 means midnight at the end of
# the day (1440), like calendar apps' "until 12:00 am". The API takes "24:00".
MIDNIGHT_INPUT = "00:00"


def end_minutes(value: str, *, field: str = "end") -> int:
    """An end typed in a time input: "00:00" (or "24:00") is the end of the day."""
    minutes = rules.parse_hhmm(value, field=field)
    return rules.DAY_MINUTES if minutes == 0 else minutes


def end_input(minutes: int | None) -> str | None:
    """What a time input shows for a stored end: midnight (1440) as 00:00."""
    return MIDNIGHT_INPUT if minutes == rules.DAY_MINUTES else rules.format_hhmm(minutes)


def _day(weekday: int, on: bool, ranges: list[tuple[str, str]], error: str = "") -> dict:
    return {
        "weekday": weekday,
        "name": msg.WEEKDAYS[weekday],
        "on": on,
        "ranges": ranges or [DEFAULT_RANGE],
        "error": error,
    }


def days_from_weekly(weekly) -> list[dict]:
    """The editor's seven days from saved WeeklyHours rows."""
    by_day: dict[int, list[tuple[str, str]]] = {d: [] for d in range(7)}
    for row in weekly:
        by_day[row.weekday].append((rules.format_hhmm(row.start_minute), end_input(row.end_minute)))
    return [_day(d, bool(ranges), ranges) for d, ranges in by_day.items()]


def numbers_from(availability) -> dict:
    values = {name: getattr(availability, name) for name in NUMBER_FIELDS}
    return {**values, "instant_booking": availability.instant_booking}


def _parse_day(data, weekday: int) -> tuple[dict, list[dict]]:
    """One weekday: its editor state and, when it is on and valid, its rows."""
    prefix = f"day-{weekday}"
    on = data.get(f"{prefix}-on") == "on"
    pairs = list(zip(data.getlist(f"{prefix}-start"), data.getlist(f"{prefix}-end"), strict=False))
    typed = [(s.strip(), e.strip()) for s, e in pairs if s.strip() or e.strip()]
    if not on:
        return _day(weekday, False, typed), []
    try:
        spans = [
            rules.check_range(rules.parse_hhmm(s, field="start"), end_minutes(e)) for s, e in typed
        ]
        rules.check_no_overlap(spans, label=msg.WEEKDAYS[weekday], field="weekly")
    except DomainError as error:
        return _day(weekday, True, typed, f"{msg.WEEKDAYS[weekday]}: {error.message}"), []
    if not spans:
        return _day(weekday, True, typed, f"{msg.WEEKDAYS[weekday]}: {msg.RANGE_REQUIRED}"), []
    return _day(weekday, True, typed), [
        {"weekday": weekday, "start": s, "end": e} for s, e in spans
    ]


def _parse_number(data, name: str, errors: dict) -> int | str:
    raw = (data.get(name) or "").strip()
    try:
        return rules.check_number(name, int(raw) if raw.lstrip("-").isdigit() else raw)
    except DomainError as error:
        errors[name] = error.message
        return raw


def parse_week(data) -> tuple[list[dict], list[dict], dict, dict]:
    """POST data → (days for the editor, weekly rows, settings, errors by field).

    `errors` keys: "day-N" for a weekday, a setting's name, or "weekly".
    """
    days, rows, errors = [], [], {}
    for weekday in range(7):
        day, day_rows = _parse_day(data, weekday)
        days.append(day)
        rows.extend(day_rows)
        if day["error"]:
            errors[f"day-{weekday}"] = day["error"]
    numbers = {name: _parse_number(data, name, errors) for name in NUMBER_FIELDS}
    numbers["instant_booking"] = data.get("instant_booking") == "on"
    if len(rows) > rules.MAX_WEEKLY_RANGES:
        errors["weekly"] = msg.TOO_MANY_RANGES
    return days, rows, numbers, errors


class OverrideForm(forms.Form):
    """A day off or other hours on one date (the service checks the date and hours)."""

    KINDS = (("off", "Day off"), ("hours", "Other hours"))

    date = BoundedDateFormField(label="Date")
    kind = forms.ChoiceField(choices=KINDS, initial="off", widget=forms.RadioSelect)
    start = forms.CharField(required=False, label="From")
    end = forms.CharField(required=False, label="To")

    def _minutes(self, name: str) -> int | None:
        value = self.cleaned_data.get(name) or ""
        if self.cleaned_data.get("kind") != "hours" or not value:
            return None
        if name == "end":
            return end_minutes(value)
        return rules.parse_hhmm(value, field=name)

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            try:
                cleaned[f"{name}_minutes"] = self._minutes(name)
            except DomainError as error:
                self.add_error(name, error.message)
        return cleaned
