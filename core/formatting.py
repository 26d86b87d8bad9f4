"""How amounts and times read, in one place: every app formats through here.

- `cents(value)`: a Decimal rounded half-up to the cent (aggregates, fees).
- `money(value)`: the contract's money string, two places ("120.00"): API
  payloads, CSV exports, messages.
- `money_label(value, currency)`: the same amount for display, grouped and
  with its currency, joined by a no-break space ("EUR\u00a01,234.50").
- `local_time_label(user, when)`: "Tue 14 Jul, 09:00" in the user's own zone,
  with the zone's abbreviation when `zone=True` ("Tue 14 Jul, 09:00 CET").

One date style (the active zone unless `tz` is given; the middleware activates
the user's): `day_label` "Tue 20 Oct 2026", `when_label` "Tue 20 Oct, 14:00"
this year and "Tue 20 Oct 2027, 14:00" otherwise, `time_label` "14:00"; with
`zone=True` they end in `zone_abbrev`: "CET", or "GMT−3" where the zone's own
abbreviation is only a number ("-03"). Zones read as `zone_label`:
"São Paulo (GMT−3)" (CLDR's city through babel, the offset of today).
`relative_when(now, when, tz)` reads a start as a list is scanned: "Today · in 8 min",
"Tomorrow 10:00", then `when_label`.

Templates use the same functions through `{% load formatting %}`.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import Locale, get_global
from babel.dates import get_timezone_location
from django.utils import timezone

CENT = Decimal("0.01")


def cents(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value) -> str:
    return str(cents(value))


NBSP = "\u00a0"


def money_label(value, currency: str) -> str:
    # A no-break space: the currency never wraps onto a line of its own.
    return f"{currency}{NBSP}{cents(value):,.2f}"


def local_time_label(user, when: datetime, *, zone: bool = False) -> str:
    return when_label(when, user.tzinfo, zone=zone)


# --- Dates and times (English names whatever the process locale) -------------------------
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MINUS = "\u2212"  # a real minus sign: "GMT−3", not a hyphen


def _local(when: datetime, tz: tzinfo | None) -> datetime:
    return when.astimezone(tz or timezone.get_current_timezone())


def gmt_offset(offset: timedelta | None) -> str:
    """ "GMT+1", "GMT−3", "GMT+5:30", "GMT+0"."""
    minutes = round((offset or timedelta()).total_seconds() / 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{MINUS if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def zone_abbrev(when: datetime) -> str:
    """The zone's abbreviation at `when` (aware, already local): "CET", "EDT", "UTC";
    zones whose abbreviation is only a number ("-03", "+0530") read as "GMT−3"."""
    name = when.tzname() or ""
    return name if name[:1].isalpha() else gmt_offset(when.utcoffset())


def day_label(when: date | datetime, tz: tzinfo | None = None) -> str:
    """ "Tue 20 Oct 2026"; a datetime is taken in `tz` (default: the active zone)."""
    if isinstance(when, datetime):
        when = _local(when, tz)
    return f"{DAYS[when.weekday()]} {when.day} {MONTHS[when.month - 1]} {when.year}"


def time_label(when: datetime, tz: tzinfo | None = None, *, zone: bool = False) -> str:
    """ "14:00", or "14:00 CET" with `zone`."""
    local = _local(when, tz)
    return f"{local:%H:%M} {zone_abbrev(local)}" if zone else f"{local:%H:%M}"


def when_label(
    when: datetime, tz: tzinfo | None = None, *, zone: bool = False, now: datetime | None = None
) -> str:
    """ "Tue 20 Oct, 14:00" this year, "Tue 20 Oct 2027, 14:00" in another (as of `now`)."""
    local = _local(when, tz)
    this_year = _local(now or timezone.now(), local.tzinfo).year
    day = f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}"
    if local.year != this_year:
        day = f"{day} {local.year}"
    return f"{day}, {time_label(local, local.tzinfo, zone=zone)}"


# --- Time zones --------------------------------------------------------------------------
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"})
UTC_NAMES |= {"Etc/Zulu", "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0"}
UTC_NAMES |= {"GMT+0", "GMT-0", "Greenwich", "Etc/Greenwich"}


@lru_cache(maxsize=1024)
def _zone(zone_name: str) -> ZoneInfo:
    # ZoneInfo keeps only a few zones strongly: the picker's ~420 would be re-read from disk.
    return ZoneInfo(zone_name)


@lru_cache(maxsize=1024)
def zone_place(zone_name: str) -> str:
    """CLDR's English city for a zone ("São Paulo", "Kolkata" for "Asia/Calcutta");
    "" for zones that are only an offset (UTC, "Etc/GMT+3")."""
    if zone_name in UTC_NAMES or zone_name.startswith("Etc/"):
        return ""
    return get_timezone_location(zone_name, locale="en", return_city=True)


@lru_cache(maxsize=1024)
def zone_country(zone_name: str) -> str:
    """CLDR's English country of a zone ("Brazil"), "" when it has none."""
    canonical = get_global("zone_aliases").get(zone_name, zone_name)
    code = get_global("zone_territories").get(canonical, "")
    if not code or code.isdigit() or code == "ZZ":  # "001" world, "ZZ" unknown
        return ""
    return Locale("en").territories.get(code, "")


def zone_label(zone_name: str, at: datetime | None = None) -> str:
    """ "São Paulo (GMT−3)", "Kolkata (GMT+5:30)", "UTC": the offset in force `at`
    (default now), so a DST zone reads right in summer and in winter."""
    try:
        zone = _zone(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return str(zone_name)
    if zone_name in UTC_NAMES:
        return "UTC"
    offset = gmt_offset((at or timezone.now()).astimezone(zone).utcoffset())
    place = zone_place(zone_name)
    return f"{place} ({offset})" if place else offset


# --- Relative start times (session cards) ------------------------------------------------
NEAR = timedelta(hours=1)


def relative_when(
    now: datetime, when: datetime, tz: tzinfo, *, zone_if_changed: bool = False
) -> str:
    """When something happens, as a list is scanned: "Today · in 8 min", "Today 16:00",
    "Tomorrow 10:00", "Yesterday 18:30", else `when_label` ("Tue 14 Jul, 09:00",
    with the year when it isn't this one). Days are `tz`'s calendar days (a DST day
    has 23 or 25 hours); minutes are real elapsed time. `zone_if_changed` adds the
    abbreviation when it differs from today's ("Tue 31 Mar, 09:00 CEST" seen in winter).
    """
    local, local_now = when.astimezone(tz), now.astimezone(tz)
    zone = zone_abbrev(local)
    suffix = f" {zone}" if zone_if_changed and zone != zone_abbrev(local_now) else ""
    word = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}.get((local.date() - local_now.date()).days)
    if word is None:
        return when_label(when, tz, now=now) + suffix
    # In UTC: subtracting two times of the same zone object ignores a DST change.
    delta = when.astimezone(UTC) - now.astimezone(UTC)
    if timedelta() < delta <= NEAR:
        return f"{word} · in {math.ceil(delta / timedelta(minutes=1))} min"
    if -NEAR < delta <= timedelta():
        minutes = int(-delta // timedelta(minutes=1))
        return f"{word} · now" if minutes == 0 else f"{word} · {minutes} min ago"
    return f"{word} {local:%H:%M}{suffix}"
