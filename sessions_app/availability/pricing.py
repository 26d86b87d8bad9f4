"""What a one-to-one of a given length costs (issue #20 point 3).

One rule, used by the picker (the price shown next to each duration), the
confirmation step, booking a slot and accepting a request: the mentor's default
price per default duration, pro rata, rounded half-up to the cent (Decimal).
A mentor charging 60.00 for 60 minutes asks 30.00 for 30 and 90.00 for 90.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.errors import DomainError

from . import rules

CENT = Decimal("0.01")
STANDARD_DURATIONS = (30, 45, 60, 90)  # offered besides the mentor's own default
FALLBACK_DURATION, FALLBACK_PRICE = 60, Decimal("0.00")


def default_terms(mentor) -> tuple[int, Decimal]:
    """The mentor's default (duration, price); a mentor without a profile: 60 min, free."""
    profile = getattr(mentor, "mentor_profile", None)
    if profile is None:
        return FALLBACK_DURATION, FALLBACK_PRICE
    try:
        duration = rules.check_slot_duration(profile.default_duration_minutes)
    except DomainError:
        duration = FALLBACK_DURATION
    return duration, Decimal(profile.default_price or 0)


def price_for(mentor, duration_minutes: int) -> Decimal:
    """The price of `duration_minutes` with `mentor`: pro rata of the default, to the cent."""
    default_duration, default_price = default_terms(mentor)
    if not default_price:
        return FALLBACK_PRICE
    if int(duration_minutes) == default_duration:
        return default_price.quantize(CENT, rounding=ROUND_HALF_UP)
    exact = default_price * Decimal(int(duration_minutes)) / Decimal(default_duration)
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def duration_choices(mentor, longest_minutes: int | None = None) -> list[tuple[int, Decimal]]:
    """(minutes, price) learners may pick: the standard lengths and the mentor's default,
    within the slot rules (15 min to 8 h) and no longer than the mentor's longest range
    of hours (`longest_minutes`, when known): a length that never fits is not offered.
    The default is always offered."""
    default_duration, _price = default_terms(mentor)
    low, high = rules.SLOT_DURATION
    minutes = {default_duration}
    for length in STANDARD_DURATIONS:
        if low <= length <= high and (longest_minutes is None or length <= longest_minutes):
            minutes.add(length)
    return [(length, price_for(mentor, length)) for length in sorted(minutes)]


def chosen_duration(value, choices: list[tuple[int, Decimal]], default: int) -> int:
    """A `?duration=` among the choices, else the default."""
    allowed = {length for length, _price in choices}
    try:
        length = int(value)
    except (TypeError, ValueError):
        return default
    return length if length in allowed else default
