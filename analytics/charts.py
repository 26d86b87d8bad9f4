"""Shapes the figures into what the chart templates draw (HTML/CSS bars, a heatmap table).

No queries here: everything comes from an `Analytics` object. Bars carry a
percentage of the largest value so the templates only set a height/width.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.html import format_html_join

from core.charts import month_chart
from core.formatting import money_label as money

from .insights import daypart_totals
from .queries import DAYPARTS, WEEKDAYS, Analytics

HEAT_LEVELS = 5  # 0 = none, 1..4 = quartiles of the busiest cell
HEAT_CLASSES = ["bg-slate-100", "bg-indigo-200", "bg-indigo-400", "bg-indigo-600", "bg-indigo-800"]


def _pct(value, largest) -> int:
    if not largest or not value:
        return 0
    return max(2, round(100 * float(value) / float(largest)))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"


def cards(a: Analytics) -> list[dict]:
    """The summary cards: label, value, detail (a short explanation or the sample size)."""
    booked = a.attended + a.no_shows
    reviews = f"{a.rating_count} review{'s' if a.rating_count != 1 else ''}"
    repeat = (
        f"{a.repeat_learners} of {a.total_students} attended 2 or more"
        if a.total_students
        else "no learners yet"
    )
    attendance = f"{a.attended} attended of {booked} booked" if booked else "no past bookings"
    rating = "—" if a.average_rating is None else f"{a.average_rating:.1f} / 5"
    rows = [
        ("students", "Total students", str(a.total_students), "distinct learners who attended"),
        ("sessions", "Sessions held", str(a.session_count), "completed sessions"),
        ("hours", "Hours taught", f"{a.hours_taught:g}", "scheduled length of completed sessions"),
        ("rating", "Average rating", rating, reviews),
        ("repeat", "Repeat learners", percent(a.repeat_learner_rate), repeat),
        ("attendance", "Attendance", percent(a.attendance_rate), attendance),
        ("acceptance", "Requests accepted", percent(a.acceptance_rate), _acceptance_detail(a)),
        ("earnings", "Earnings", money(a.earnings, a.currency), "net of platform fees"),
    ]
    return [dict(zip(("key", "label", "value", "detail"), row, strict=True)) for row in rows]


def _acceptance_detail(a: Analytics) -> str:
    if not a.answered:
        return "no answered requests"
    detail = f"{a.accepted} of {a.answered} answered"
    if a.median_response_minutes is not None:
        detail += f" · median reply {minutes(a.median_response_minutes)}"
    return detail


def minutes(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 60:
        return f"{round(value)} min"
    if value < 48 * 60:
        return f"{value / 60:.1f} h"
    return f"{value / 1440:.1f} days"


def month_bars(a: Analytics, today: date | None = None) -> dict:
    """The monthly table rows and two month charts (core.charts): sessions, net earnings."""
    today = today or timezone.localtime(timezone.now(), a.tz).date()
    rows = [
        {
            "label": m["month"].strftime("%b %Y"),
            "sessions": m["sessions"],
            "hours": round(m["minutes"] / 60, 1),
            "net": money(m["net"], a.currency),
        }
        for m in a.monthly
    ]
    sessions = [
        (m["month"], m["sessions"], f"{m['sessions']} session{'' if m['sessions'] == 1 else 's'}")
        for m in a.monthly
    ]
    earnings = [(m["month"], m["net"], f"{money(m['net'], a.currency)} net") for m in a.monthly]
    return {
        "rows": rows,
        "sessions_chart": month_chart(sessions, today, integer=True),
        "earnings_chart": month_chart(earnings, today, integer=False),
        "has_data": any(m["sessions"] or m["net"] for m in a.monthly),
        "truncated": a.months_truncated,
    }


def rating_bars(a: Analytics) -> list[dict]:
    top = max(a.rating_distribution.values(), default=0)
    return [
        {"stars": stars, "count": n, "pct": _pct(n, top)}
        for stars, n in a.rating_distribution.items()
    ]


def heatmap(a: Analytics) -> dict:
    top = max(a.popular.values(), default=0)

    def level(n: int) -> int:
        if not n:
            return 0
        return min(HEAT_LEVELS - 1, 1 + (HEAT_LEVELS - 1) * (n - 1) // max(top, 1))

    rows = [
        {
            "day": day,
            "short": day[:3],
            "cells": [_cell(h, a.popular.get((w, h), 0), level) for h in range(24)],
        }
        for w, day in enumerate(WEEKDAYS)
    ]
    for row in rows:
        # 168 cells: built here in one go, the template engine would be the slow part.
        row["cells_html"] = format_html_join(
            "",
            '<td class="h-5 rounded-sm {}" title="{} {}:00 · {} booking{}">'
            '<span class="sr-only">{}</span></td>',
            (
                (
                    c["css"],
                    row["day"],
                    c["hour"],
                    c["count"],
                    "" if c["count"] == 1 else "s",
                    c["count"],
                )
                for c in row["cells"]
            ),
        )
    top_slots = [
        {
            "day": WEEKDAYS[r["weekday"]],
            "hour": r["hour"],
            "end": (r["hour"] + 1) % 24,
            "count": r["count"],
        }
        for r in a.popular_times[:3]
    ]
    return {"rows": rows, "hours": list(range(24)), "top": top, "top_slots": top_slots}


def _cell(hour: int, count: int, level) -> dict:
    lvl = level(count)
    return {"hour": hour, "count": count, "level": lvl, "css": HEAT_CLASSES[lvl]}


def demand(a: Analytics) -> dict:
    """Held sessions vs preferred times of declined/expired requests, by part of day and weekday."""
    held_parts, unmet_parts = daypart_totals(a.held), daypart_totals(a.unmet)
    held_days = [0] * 7
    unmet_days = [0] * 7
    for (w, _h), n in a.held.items():
        held_days[w] += n
    for (w, _h), n in a.unmet.items():
        unmet_days[w] += n
    top = max([*held_parts.values(), *unmet_parts.values(), *held_days, *unmet_days, 0])

    def row(label, held, unmet):
        return {
            "label": label,
            "held": held,
            "unmet": unmet,
            "held_pct": _pct(held, top),
            "unmet_pct": _pct(unmet, top),
        }

    return {
        "dayparts": [
            row(
                f"{name} ({start:02d}–{end:02d})", held_parts.get(name, 0), unmet_parts.get(name, 0)
            )
            for name, start, end in DAYPARTS
        ],
        "weekdays": [row(day, held_days[i], unmet_days[i]) for i, day in enumerate(WEEKDAYS)],
        "has_data": bool(top),
        "has_unmet": bool(unmet_parts),
    }
