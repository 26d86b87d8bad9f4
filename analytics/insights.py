"""Insights in words, computed from the figures, each shown only when the data supports it.

Every insight carries the rule that allowed it, so the page can say why.
"""

from __future__ import annotations

from .queries import DAYPARTS, WEEKDAYS, Analytics

MIN_SLOT_BOOKINGS = 5  # bookings in the period before naming a most booked slot
MIN_FILL_BOOKINGS = 5  # bookings in each group (weekend, weekday) to compare fill speed
MIN_FILL_DIFFERENCE = 0.10  # and at least 10 % apart
MIN_QUARTER_REVIEWS = 3  # reviews in each of the two quarters to speak of a trend
MIN_UNMET_TIMES = 3  # declined/expired preferred times in one part of the day
MIN_ATTENDANCE_BOOKINGS = 10
LOW_ATTENDANCE = 0.8


def _hour_range(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def _quarter_name(day) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def build_insights(a: Analytics) -> list[dict]:
    """Every insight whose rule the data meets, in a fixed order."""
    return [insight for rule in RULES if (insight := rule(a)) is not None]


def _slot_insight(a: Analytics) -> dict | None:
    total_bookings = sum(a.popular.values())
    ranked = a.popular_times
    leads = len(ranked) == 1 or (len(ranked) > 1 and ranked[0]["count"] > ranked[1]["count"])
    if total_bookings < MIN_SLOT_BOOKINGS or not leads:
        return None
    top = ranked[0]
    return {
        "key": "slot",
        "text": f"Your most booked slot is {WEEKDAYS[top['weekday']]} "
        f"{_hour_range(top['hour'])} ({top['count']} of {total_bookings} bookings).",
        "rule": f"Shown from {MIN_SLOT_BOOKINGS} bookings in the period; times in {a.tz}.",
    }


def _fill_insight(a: Analytics) -> dict | None:
    weekend, weekday = a.fill_hours.get("weekend", {}), a.fill_hours.get("weekday", {})
    if not (
        weekend.get("count", 0) >= MIN_FILL_BOOKINGS
        and weekday.get("count", 0) >= MIN_FILL_BOOKINGS
        and weekend.get("hours") is not None
        and weekday.get("hours") is not None
        and max(weekend["hours"], weekday["hours"]) > 0
    ):
        return None
    fast, slow, fast_name = (
        (weekend["hours"], weekday["hours"], "weekends")
        if weekend["hours"] < weekday["hours"]
        else (weekday["hours"], weekend["hours"], "weekdays")
    )
    gain = (slow - fast) / slow
    if gain < MIN_FILL_DIFFERENCE:
        return None
    return {
        "key": "fill",
        "text": f"Sessions on {fast_name} fill {round(gain * 100)} % faster "
        f"(a booking arrives {_duration(fast)} after publishing on average, "
        f"vs {_duration(slow)}).",
        "rule": f"Average time from publishing to booking; shown with at least "
        f"{MIN_FILL_BOOKINGS} bookings on each side and a difference of "
        f"{round(MIN_FILL_DIFFERENCE * 100)} % or more.",
    }


def _rating_insight(a: Analytics) -> dict | None:
    if len(a.quarters) != 2 or any(q["count"] < MIN_QUARTER_REVIEWS for q in a.quarters):
        return None
    before, now = a.quarters
    if now["average"] > before["average"]:
        verb = f"rose from {before['average']:.1f} to {now['average']:.1f}"
    elif now["average"] < before["average"]:
        verb = f"fell from {before['average']:.1f} to {now['average']:.1f}"
    else:
        verb = f"held steady at {now['average']:.1f}"
    return {
        "key": "rating",
        "text": f"Average rating {verb} this quarter "
        f"({_quarter_name(now['quarter'])} vs {_quarter_name(before['quarter'])}).",
        "rule": f"Shown with at least {MIN_QUARTER_REVIEWS} reviews in each quarter.",
    }


def _demand_insight(a: Analytics) -> dict | None:
    unmet_parts = daypart_totals(a.unmet)
    if not unmet_parts:
        return None
    name, count = max(unmet_parts.items(), key=lambda item: item[1])
    if count < MIN_UNMET_TIMES:
        return None
    held = daypart_totals(a.held).get(name, 0)
    return {
        "key": "demand",
        "text": f"Learners proposed {count} {name.lower()} times in requests you "
        f"declined or let expire, while you held {held} {name.lower()} "
        f"session{'s' if held != 1 else ''}: consider opening {name.lower()} slots.",
        "rule": f"Shown when one part of the day has at least {MIN_UNMET_TIMES} "
        "preferred times of declined or expired requests.",
    }


def _attendance_insight(a: Analytics) -> dict | None:
    booked = a.attended + a.no_shows
    rate = a.attendance_rate
    if booked < MIN_ATTENDANCE_BOOKINGS or rate is None or rate >= LOW_ATTENDANCE:
        return None
    return {
        "key": "attendance",
        "text": f"{round((1 - rate) * 100)} % of booked learners did not show up; "
        "a reminder message before the session may help.",
        "rule": f"Shown with at least {MIN_ATTENDANCE_BOOKINGS} past bookings and "
        f"attendance under {round(LOW_ATTENDANCE * 100)} %.",
    }


RULES = (_slot_insight, _fill_insight, _rating_insight, _demand_insight, _attendance_insight)


def daypart_totals(slots: dict[tuple[int, int], int]) -> dict[str, int]:
    totals = {name: 0 for name, _start, _end in DAYPARTS}
    for (_weekday, hour), count in slots.items():
        for name, start, end in DAYPARTS:
            if start <= hour < end:
                totals[name] += count
    return {name: n for name, n in totals.items() if n}


def _duration(hours: float) -> str:
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{hours:.1f} h".replace(".0 h", " h")
    return f"{hours / 24:.1f} days".replace(".0 days", " days")
