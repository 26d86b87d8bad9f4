"""Notification preferences: per kind in-app/email, quiet hours, the daily digest.

Read with `for_user(user)` (a `Prefs` with every kind filled in from the
defaults), write with `update_preferences(user, data)` (validated; raises
DomainError with the field), show with `as_api(prefs)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError

from .models import Notification, NotificationPreferences

K = Notification.Kind
MENTOR, LEARNER, BOTH = "mentor", "learner", "both"

# (kind, label, what it is, who gets it): the order of the settings page.
KINDS: list[tuple[str, str, str, str]] = [
    (K.NEW_REQUEST, "New requests", "A learner asks you for a session.", MENTOR),
    (K.BOOKING, "Bookings", "A learner books one of your sessions.", MENTOR),
    (K.BOOKING_CANCELLED, "Cancelled bookings", "A learner gives up a seat.", MENTOR),
    (K.REQUEST_ANSWERED, "Answers to your requests", "A mentor accepts or declines.", LEARNER),
    (K.SESSION_CHANGED, "Session changes", "A session changes or is cancelled.", BOTH),
    (K.SESSION_RESCHEDULED, "Reschedules", "A session moves to another time.", BOTH),
    (
        K.SESSION_REMINDER,
        "Reminders",
        "By email one hour before, with a calendar file; in the app at the start.",
        BOTH,
    ),
    (K.SESSION_LIVE, "Session started", "Your mentor starts a session you booked.", LEARNER),
    (K.SESSION_PUBLISHED, "Published sessions", "A session of yours is published.", MENTOR),
    (K.PAYOUT_STATUS, "Payouts", "A payout is paid or fails.", MENTOR),
    (K.REVIEW, "Reviews", "A new review, or a request to rate a session.", BOTH),
    (K.SYSTEM, "Announcements", "News about MentorHub.", BOTH),
]
KIND_VALUES = [kind.value for kind, *_ in KINDS]
LABELS = {kind.value: label for kind, label, *_ in KINDS}

# By email unless turned off: what a user acts on or must not miss.
EMAIL_DEFAULTS = {
    K.NEW_REQUEST,
    K.BOOKING,
    K.BOOKING_CANCELLED,
    K.REQUEST_ANSWERED,
    K.SESSION_CHANGED,
    K.SESSION_RESCHEDULED,
    K.SESSION_REMINDER,
    K.PAYOUT_STATUS,
}
# Sent through quiet hours and never held for the digest.
URGENT_KINDS = {K.SESSION_REMINDER, K.SESSION_LIVE}


def kinds_for(user) -> list[tuple[str, str, str]]:
    """(kind, label, help) the settings page shows to this user's role."""
    role = MENTOR if getattr(user, "is_mentor", False) else LEARNER
    return [(k.value, label, help_) for k, label, help_, who in KINDS if who in (role, BOTH)]


@dataclass
class Prefs:
    email: dict[str, bool]
    in_app: dict[str, bool]
    quiet_start: time | None
    quiet_end: time | None
    email_digest: str

    def wants_email(self, kind: str) -> bool:
        return self.email.get(kind, False)

    def wants_in_app(self, kind: str) -> bool:
        return self.in_app.get(kind, True)

    @property
    def quiet_hours(self) -> dict | None:
        if self.quiet_start is None or self.quiet_end is None:
            return None
        return {
            "start": self.quiet_start.strftime("%H:%M"),
            "end": self.quiet_end.strftime("%H:%M"),
        }


def _filled(row: NotificationPreferences | None) -> Prefs:
    email = {kind: kind in EMAIL_DEFAULTS for kind in KIND_VALUES}
    in_app = dict.fromkeys(KIND_VALUES, True)
    if row is None:
        return Prefs(email, in_app, None, None, NotificationPreferences.Digest.OFF)
    email.update({k: bool(v) for k, v in (row.email or {}).items() if k in email})
    in_app.update({k: bool(v) for k, v in (row.in_app or {}).items() if k in in_app})
    return Prefs(email, in_app, row.quiet_start, row.quiet_end, row.email_digest)


def for_user(user) -> Prefs:
    return _filled(NotificationPreferences.objects.filter(user_id=user.pk).first())


def as_api(prefs: Prefs) -> dict:
    return {
        "email": dict(prefs.email),
        "in_app": dict(prefs.in_app),
        "quiet_hours": prefs.quiet_hours,
        "email_digest": prefs.email_digest,
    }


# --- Validation and writes --------------------------------------------------------------


def _check_switches(value, field: str) -> dict[str, bool]:
    if not isinstance(value, dict):
        raise DomainError("Give an object of kind → true/false.", field=field)
    for kind, on in value.items():
        if kind not in KIND_VALUES:
            raise DomainError(f"Unknown notification kind “{kind}”.", field=field)
        if not isinstance(on, bool):
            raise DomainError(f"“{kind}” must be true or false.", field=field)
    return dict(value)


def parse_clock(value, field: str = "quiet_hours") -> time:
    if not isinstance(value, str):
        raise DomainError("Give times as HH:MM.", field=field)
    try:
        parsed = datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError as exc:
        raise DomainError("Give times as HH:MM, e.g. 22:00.", field=field) from exc
    return parsed


def check_quiet_hours(value) -> tuple[time | None, time | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        raise DomainError(
            'Give {"start": "HH:MM", "end": "HH:MM"}, or null for none.', field="quiet_hours"
        )
    start, end = parse_clock(value["start"]), parse_clock(value["end"])
    if start == end:
        raise DomainError("Quiet hours must start and end at different times.", field="quiet_hours")
    return start, end


def check_digest(value) -> str:
    if value not in NotificationPreferences.Digest.values:
        raise DomainError("Choose “off” or “daily”.", field="email_digest")
    return value


FIELDS = {"email", "in_app", "quiet_hours", "email_digest"}


def update_preferences(user, data) -> Prefs:
    """Apply the fields present in `data` (kinds left out keep their value)."""
    if not isinstance(data, dict):
        raise DomainError("Send a JSON object.")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise DomainError(f"Unknown field “{unknown[0]}”.", field=unknown[0])
    changes: dict = {}
    if "email" in data:
        changes["email"] = _check_switches(data["email"], "email")
    if "in_app" in data:
        changes["in_app"] = _check_switches(data["in_app"], "in_app")
    if "quiet_hours" in data:
        changes["quiet_start"], changes["quiet_end"] = check_quiet_hours(data["quiet_hours"])
    if "email_digest" in data:
        changes["email_digest"] = check_digest(data["email_digest"])
    with transaction.atomic():
        row, _ = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
        for name in ("email", "in_app"):
            if name in changes:
                setattr(row, name, {**(getattr(row, name) or {}), **changes.pop(name)})
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
    return _filled(row)


def turn_off_email(user, kind: str) -> None:
    """Unsubscribe: one kind's email off ("*" → every kind)."""
    kinds = KIND_VALUES if kind == "*" else [kind]
    update_preferences(user, {"email": dict.fromkeys(kinds, False)})


# --- Quiet hours ---------------------------------------------------------------------------


def quiet_until(prefs: Prefs, tz, now: datetime | None = None) -> datetime | None:
    """When the quiet hours that hold `now` end (aware, UTC), or None if not quiet now."""
    if prefs.quiet_start is None or prefs.quiet_end is None:
        return None
    now = now or timezone.now()
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    start, end = prefs.quiet_start, prefs.quiet_end
    within = (start <= clock < end) if start < end else (clock >= start or clock < end)
    if not within:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    ends = datetime.combine(day, end, tzinfo=tz)
    # A wall time that doesn't exist (spring forward) or repeats: ZoneInfo's fold=0 reading.
    return ends.astimezone(UTC)
