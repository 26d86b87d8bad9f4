"""Free slots (issue #20 point 2): the pure rules of sessions_app.availability.slots.

Fixed cases for DST in Europe/Berlin and America/New_York (09:00 local on both
sides), the spring-forward gap and the fall-back hour, half-hour and no-DST zones,
overrides, buffer, notice and booking window; then a seeded property check over
random hours, sessions and zones.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sessions_app.availability.slots import Limits, free_slots

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY_9_TO_10 = {weekday: [(9 * 60, 10 * 60)] for weekday in range(7)}


def slots(tz, weekly, first, last=None, **kwargs):
    kwargs.setdefault("overrides", {})
    kwargs.setdefault("busy", [])
    kwargs.setdefault("duration", 60)
    kwargs.setdefault("now", datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC))
    return free_slots(tz=tz, weekly=weekly, first=first, last=last or first, **kwargs)


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


# --- DST -------------------------------------------------------------------------------------


def test_a_9am_slot_stays_9am_local_across_the_berlin_spring_change():
    found = slots(BERLIN, EVERY_DAY_9_TO_10, date(2026, 3, 28), date(2026, 3, 30))
    assert [m.isoformat() for m in found] == [
        "2026-03-28T09:00:00+01:00",
        "2026-03-29T09:00:00+02:00",
        "2026-03-30T09:00:00+02:00",
    ]
    assert [m.astimezone(UTC).hour for m in found] == [8, 7, 7]


def test_a_9am_slot_stays_9am_local_across_the_berlin_autumn_change():
    found = slots(BERLIN, EVERY_DAY_9_TO_10, date(2026, 10, 24), date(2026, 10, 26))
    assert [m.isoformat() for m in found] == [
        "2026-10-24T09:00:00+02:00",
        "2026-10-25T09:00:00+01:00",
        "2026-10-26T09:00:00+01:00",
    ]


def test_a_9am_slot_stays_9am_local_across_both_new_york_changes():
    spring = slots(NEW_YORK, EVERY_DAY_9_TO_10, date(2026, 3, 7), date(2026, 3, 9))
    autumn = slots(NEW_YORK, EVERY_DAY_9_TO_10, date(2026, 10, 31), date(2026, 11, 2))
    assert [m.isoformat()[11:] for m in spring] == [
        "09:00:00-05:00",
        "09:00:00-04:00",
        "09:00:00-04:00",
    ]
    assert [m.isoformat()[11:] for m in autumn] == [
        "09:00:00-04:00",
        "09:00:00-05:00",
        "09:00:00-05:00",
    ]
    assert [m.astimezone(UTC).hour for m in spring] == [14, 13, 13]
    assert [m.astimezone(UTC).hour for m in autumn] == [13, 14, 14]


def test_the_spring_forward_gap_is_skipped_and_the_23_hour_day_has_23_hourly_slots():
    whole_day = {6: [(0, 24 * 60)]}  # Sunday
    found = slots(BERLIN, whole_day, date(2026, 3, 29))
    assert len(found) == 23
    assert 2 not in [m.hour for m in found]  # 02:00-02:59 doesn't exist that night
    gap = slots(BERLIN, {6: [(minutes("01:00"), minutes("04:00"))]}, date(2026, 3, 29), duration=30)
    assert [m.strftime("%H:%M") for m in gap] == ["01:00", "01:30", "03:00", "03:30"]


def test_a_slot_whose_real_end_passes_the_range_end_across_the_gap_is_not_offered():
    # 01:30 CET + 60 min = 03:30 CEST: after the 03:00 end, though 01:30 + 60 on the wall is 02:30.
    found = slots(BERLIN, {6: [(minutes("01:30"), minutes("03:00"))]}, date(2026, 3, 29))
    assert found == []


def test_the_fall_back_hour_is_offered_once_and_no_slots_overlap():
    whole_day = {6: [(0, 24 * 60)]}
    for tz, day in ((BERLIN, date(2026, 10, 25)), (NEW_YORK, date(2026, 11, 1))):
        found = slots(tz, whole_day, day)
        assert len(found) == 24  # the 25-hour day: the repeated hour once
        starts = [m.astimezone(UTC) for m in found]
        assert all(b - a >= timedelta(hours=1) for a, b in zip(starts, starts[1:], strict=False))
    ambiguous = slots(NEW_YORK, {6: [(60, 120)]}, date(2026, 11, 1))
    assert [m.isoformat() for m in ambiguous] == ["2026-11-01T01:00:00-04:00"]  # first occurrence


def test_half_hour_and_no_dst_zones_keep_their_offsets():
    kolkata = slots(ZoneInfo("Asia/Kolkata"), EVERY_DAY_9_TO_10, date(2026, 3, 29))
    tokyo = slots(ZoneInfo("Asia/Tokyo"), EVERY_DAY_9_TO_10, date(2026, 3, 29))
    assert [m.isoformat() for m in kolkata] == ["2026-03-29T09:00:00+05:30"]
    assert [m.astimezone(UTC).strftime("%H:%M") for m in kolkata] == ["03:30"]
    assert [m.isoformat() for m in tokyo] == ["2026-03-29T09:00:00+09:00"]


# --- Hours, overrides, sessions, limits ----------------------------------------------------------

MONDAY = date(2030, 1, 7)
WEEKDAYS_8_TO_13 = {weekday: [(8 * 60, 13 * 60)] for weekday in range(5)}


def test_several_ranges_a_day_are_each_stepped_by_the_duration():
    weekly = {0: [(14 * 60, 15 * 60), (9 * 60, 10 * 60 + 30)]}
    found = slots(BERLIN, weekly, MONDAY, duration=30)
    assert [m.strftime("%H:%M") for m in found] == ["09:00", "09:30", "10:00", "14:00", "14:30"]


def test_overlapping_stored_ranges_give_each_start_once_in_order():
    weekly = {0: [(9 * 60, 11 * 60), (9 * 60, 10 * 60), (10 * 60, 12 * 60)]}
    found = slots(BERLIN, weekly, MONDAY)
    assert [m.strftime("%H:%M") for m in found] == ["09:00", "10:00", "11:00"]


def test_an_override_replaces_the_weekday_hours_and_a_day_off_has_none():
    overrides = {MONDAY: [(15 * 60, 16 * 60)], MONDAY + timedelta(days=1): []}
    found = slots(BERLIN, WEEKDAYS_8_TO_13, MONDAY, MONDAY + timedelta(days=2), overrides=overrides)
    by_day = {}
    for m in found:
        by_day.setdefault(m.date(), []).append(m.strftime("%H:%M"))
    assert by_day == {
        MONDAY: ["15:00"],
        MONDAY + timedelta(days=2): ["08:00", "09:00", "10:00", "11:00", "12:00"],
    }


def test_an_override_can_open_a_weekend_day():
    saturday = MONDAY + timedelta(days=5)
    found = slots(BERLIN, WEEKDAYS_8_TO_13, saturday, overrides={saturday: [(600, 660)]})
    assert [m.strftime("%a %H:%M") for m in found] == ["Sat 10:00"]


def _at(day: date, hhmm: str, tz=BERLIN) -> datetime:
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=tz)


def test_a_session_widened_by_the_buffer_on_both_sides_blocks_slots():
    busy = [(_at(MONDAY, "10:00"), _at(MONDAY, "11:00"))]
    found = slots(
        BERLIN, WEEKDAYS_8_TO_13, MONDAY, busy=busy, duration=30, limits=Limits(buffer_minutes=15)
    )
    assert [m.strftime("%H:%M") for m in found] == [
        "08:00",
        "08:30",
        "09:00",
        "11:30",
        "12:00",
        "12:30",
    ]
    unbuffered = slots(BERLIN, WEEKDAYS_8_TO_13, MONDAY, busy=busy, duration=30)
    assert "09:30" in [m.strftime("%H:%M") for m in unbuffered]
    assert "11:00" in [m.strftime("%H:%M") for m in unbuffered]


def test_slots_inside_the_minimum_notice_are_not_offered():
    now = _at(MONDAY, "08:10").astimezone(UTC)
    found = slots(
        BERLIN, WEEKDAYS_8_TO_13, MONDAY, duration=30, now=now, limits=Limits(min_notice_minutes=60)
    )
    assert found[0].strftime("%H:%M") == "09:30"
    assert all(m >= now + timedelta(minutes=60) for m in found)


def test_slots_in_the_past_are_never_offered_even_without_notice():
    now = _at(MONDAY, "10:00").astimezone(UTC)
    found = slots(BERLIN, WEEKDAYS_8_TO_13, MONDAY, now=now)
    assert [m.strftime("%H:%M") for m in found] == ["11:00", "12:00"]


def test_slots_past_the_booking_window_are_not_offered():
    now = _at(MONDAY, "12:00").astimezone(UTC)
    found = slots(
        BERLIN,
        WEEKDAYS_8_TO_13,
        MONDAY,
        MONDAY + timedelta(days=4),
        now=now,
        limits=Limits(max_days_ahead=2),
    )
    assert {m.date() for m in found} == {MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)}
    assert max(found) <= now + timedelta(days=2)


# --- Properties over random inputs -------------------------------------------------------------

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "UTC",
    "Australia/Lord_Howe",
]


def _random_weekly(rng: random.Random) -> dict[int, list[tuple[int, int]]]:
    weekly = {}
    for weekday in range(7):
        cursor, ranges = 0, []
        for _ in range(rng.randint(0, 3)):
            start = cursor + rng.randrange(0, 240, 15)
            end = start + rng.randrange(15, 300, 15)
            if end > 1440:
                break
            ranges.append((start, end))
            cursor = end
        weekly[weekday] = ranges
    return weekly


def _inside_local_hours(moment: datetime, duration: int, weekly, overrides) -> bool:
    day = moment.date()
    ranges = overrides.get(day, weekly.get(day.weekday(), []))
    start = moment.hour * 60 + moment.minute
    return any(s <= start and start + duration <= e for s, e in ranges)


def test_random_hours_and_sessions_never_give_a_slot_outside_hours_or_overlapping_a_session():
    rng = random.Random(20)
    for _ in range(60):
        tz = ZoneInfo(rng.choice(ZONES))
        first = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 360))
        weekly = _random_weekly(rng)
        overrides = {first + timedelta(days=rng.randrange(0, 10)): [] for _ in range(2)}
        busy = []
        for _ in range(rng.randint(0, 8)):
            start = datetime.combine(first, datetime.min.time(), tzinfo=UTC) + timedelta(
                minutes=rng.randrange(0, 10 * 1440, 5)
            )
            busy.append((start, start + timedelta(minutes=rng.choice([30, 60, 90]))))
        duration, buffer = rng.choice([15, 30, 45, 60]), rng.choice([0, 10, 30])
        found = slots(
            tz, weekly, first, first + timedelta(days=9), overrides=overrides, busy=busy,
            duration=duration, limits=Limits(buffer_minutes=buffer),
        )  # fmt: skip
        pad = timedelta(minutes=buffer)
        for moment in found:
            end = moment + timedelta(minutes=duration)
            assert all(not (moment < e + pad and end > s - pad) for s, e in busy)
            assert _inside_local_hours(moment, duration, weekly, overrides), moment
        instants = [m.astimezone(UTC) for m in found]
        assert instants == sorted(set(instants))
