"""The rules of a session's fields, owned by the services, shown by everyone.

Each `check_*` returns the normalised value or raises DomainError (field=...)
with a message from messages.py. The services call `validated()` before any
write; forms and serializers call `field_errors()` to show every broken rule
at once with the same words; the model's validators (admin) wrap the same
checks. Date bounds come from core.timebounds. Rules that need the database
(overlap with the mentor's other sessions) are in services/common.py.

Imports no model: models.py uses the validators below.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import DomainError
from core.timebounds import check_schedulable

from . import messages as msg
from .sanitize import RichText, description_text

EDITABLE_FIELDS = (
    "title",
    "description",
    "topic",
    "starts_at",
    "duration_minutes",
    "capacity",
    "price",
    "visibility",
)
TITLE_MAX, TOPIC_MAX, DESCRIPTION_MAX, REASON_MAX = 200, 100, 10_000, 500
MAX_DURATION_MINUTES = 8 * 60
PRICE_LIMIT = Decimal("10000000000")  # 12 digits, 2 of them decimals
VISIBILITIES = ("public", "private")  # Session.Visibility (no model import here)
START_WINDOW = timedelta(minutes=10)  # Start Session is offered this long before the start
# What a new session gets for a field left out (title and start are required).
CREATE_DEFAULTS = {
    "title": "",
    "starts_at": None,
    "duration_minutes": 60,
    "capacity": 1,
    "price": "0",
}


# --- One field each ---------------------------------------------------------------------


def check_title(value) -> str:
    title = (value or "").strip()
    if not title:
        raise DomainError(msg.TITLE_REQUIRED, field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(msg.TITLE_TOO_LONG, field="title")
    return title


def check_topic(value) -> str:
    topic = (value or "").strip()
    if len(topic) > TOPIC_MAX:
        raise DomainError(msg.TOPIC_TOO_LONG, field="topic")
    return topic


def check_description(value) -> RichText:
    """Within the limit, then rendered (Markdown) and cleaned to the allowed markup."""
    description = value or ""
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(msg.DESCRIPTION_TOO_LONG, field="description")
    return description_text(description)


def check_starts_at(value) -> datetime:
    """An aware time within the bounds, after now and at most 2 years ahead."""
    if not isinstance(value, datetime):
        raise DomainError(msg.STARTS_AT_REQUIRED, field="starts_at")
    if timezone.is_naive(value):
        raise DomainError(msg.STARTS_AT_NAIVE, field="starts_at")
    return check_schedulable(value, field="starts_at", past_message=msg.STARTS_IN_PAST)


def _whole(value, field: str, message: str) -> int:
    if isinstance(value, bool):
        raise DomainError(message, field=field)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(message, field=field) from exc


def check_duration(value) -> int:
    duration = _whole(value, "duration_minutes", msg.DURATION_NOT_WHOLE)
    if duration <= 0:
        raise DomainError(msg.DURATION_TOO_SHORT, field="duration_minutes")
    if duration > MAX_DURATION_MINUTES:
        raise DomainError(msg.DURATION_TOO_LONG, field="duration_minutes")
    return duration


def sfu_configured() -> bool:
    """A media server (Janus) carries rooms above the mesh limit."""
    return bool(settings.JANUS_URL and settings.JANUS_API_SECRET)


def max_capacity() -> int:
    return settings.LIVE_SFU_LIMIT if sfu_configured() else settings.LIVE_MESH_LIMIT


def check_capacity(value, *, booked: int = 0) -> int:
    """1 up to the live mesh limit (the SFU's limit when Janus is configured), and
    never below the seats already booked."""
    capacity = _whole(value, "capacity", msg.CAPACITY_NOT_WHOLE)
    if capacity < 1:
        raise DomainError(msg.CAPACITY_TOO_SMALL, field="capacity")
    if capacity > max_capacity():
        if sfu_configured():
            raise DomainError(msg.capacity_above_sfu(settings.LIVE_SFU_LIMIT), field="capacity")
        raise DomainError(msg.capacity_above_mesh(settings.LIVE_MESH_LIMIT), field="capacity")
    if capacity < booked:
        raise DomainError(msg.capacity_below_booked(booked), field="capacity")
    return capacity


def check_price(value) -> Decimal:
    try:
        price = Decimal(str(value))
    except InvalidOperation as exc:
        raise DomainError(msg.PRICE_INVALID, field="price") from exc
    if not price.is_finite():
        raise DomainError(msg.PRICE_INVALID, field="price")
    if price < 0:
        raise DomainError(msg.PRICE_NEGATIVE, field="price")
    if price >= PRICE_LIMIT:
        raise DomainError(msg.PRICE_TOO_HIGH, field="price")
    if price != price.quantize(Decimal("0.01")):
        raise DomainError(msg.PRICE_DECIMALS, field="price")
    return price.quantize(Decimal("0.01"))


def check_visibility(value, session=None) -> str:
    """Any session can be made private; a private one with learners stays private."""
    if value not in VISIBILITIES:
        raise DomainError(msg.VISIBILITY_INVALID, field="visibility")
    if session is not None and session.is_private and value == "public" and session.booked_count:
        raise DomainError(msg.VISIBILITY_STAYS_PRIVATE, field="visibility")
    return value


def check_reason(value) -> str:
    """A cancellation reason: optional, plain text, at most 500 characters."""
    reason = (value or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(msg.REASON_TOO_LONG, field="reason")
    return reason


# --- All fields ----------------------------------------------------------------------


def _checks(session) -> dict[str, Callable]:
    """Field → check, in the order the first error is reported."""
    booked = session.booked_count if session is not None else 0
    return {
        "title": check_title,
        "topic": check_topic,
        "description": check_description,
        "starts_at": check_starts_at,
        "duration_minutes": check_duration,
        "capacity": lambda value: check_capacity(value, booked=booked),
        "price": check_price,
        "visibility": lambda value: check_visibility(value, session),
    }


def validated(fields: dict, *, session=None) -> dict:
    """`fields` checked and normalised; DomainError for the first broken rule.

    `session=None` means a new session: title and start are required, and
    duration, capacity and price get their defaults.
    """
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError(msg.unknown_field(unknown[0]), field=unknown[0])
    data = {**CREATE_DEFAULTS, **fields} if session is None else dict(fields)
    for name, check in _checks(session).items():
        if name in data:
            data[name] = check(data[name])
    if "description" in data:  # stored as the HTML shown and the Markdown edited
        rich = data["description"]
        data["description"], data["description_markdown"] = rich.html, rich.source
    return data


def field_errors(fields: dict, *, session=None) -> dict[str, str]:
    """Every given field's broken rule (field → message), for forms and serializers."""
    errors = {}
    for name, check in _checks(session).items():
        if name in fields:
            try:
                check(fields[name])
            except DomainError as error:
                errors[error.field or name] = error.message
    return errors


# --- Model validators (admin) -----------------------------------------------------------


def _validate(check: Callable, value) -> None:
    try:
        check(value)
    except DomainError as error:
        raise ValidationError(error.message) from error


def validate_duration(value) -> None:
    _validate(check_duration, value)


def validate_capacity(value) -> None:
    _validate(check_capacity, value)


def validate_price(value) -> None:
    _validate(check_price, value)
