"""How amounts and times read, in one place: every app formats through here.

- `cents(value)`: a Decimal rounded half-up to the cent (aggregates, fees).
- `money(value)`: the contract's money string, two places ("120.00"): API
  payloads, CSV exports, messages.
- `money_label(value, currency)`: the same amount for display, grouped and
  with its currency ("EUR 1,234.50").
- `local_time_label(user, when)`: "Tue 14 Jul, 09:00" in the user's own zone,
  with the zone's abbreviation when `zone=True` ("Tue 14 Jul, 09:00 CET").

Templates use the same functions through `{% load formatting %}`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value) -> str:
    return str(cents(value))


def money_label(value, currency: str) -> str:
    return f"{currency} {cents(value):,.2f}"


def local_time_label(user, when: datetime, *, zone: bool = False) -> str:
    local = when.astimezone(user.tzinfo)
    label = local.strftime("%a %d %b, %H:%M")
    return f"{label} {local.tzname()}" if zone else label
