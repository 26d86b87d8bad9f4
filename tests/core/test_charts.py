"""core.charts: round y-axis ticks and month labels that never leave a month ambiguous."""

from datetime import date
from decimal import Decimal

import pytest

from core import charts


def months(first: date, count: int) -> list[date]:
    index = first.year * 12 + first.month - 1
    return [date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(count)]


@pytest.mark.parametrize(
    "top, integer, expected",
    [
        (100, True, [0, 25, 50, 75, 100]),
        (3, True, [0, 1, 2, 3]),
        (7, True, [0, 2, 4, 6, 8]),
        (10, True, [0, 5, 10]),  # no 2.5-session ticks
        (1, True, [0, 1]),
        (0, True, [0, 1]),  # an empty chart still has a scale
        (Decimal("1234.50"), False, [0, 500, 1000, 1500]),
        (Decimal("90.00"), False, [0, 25, 50, 75, 100]),
        (Decimal("45.00"), False, [0, 20, 40, 60]),
        (Decimal("0.50"), False, [0, Decimal("0.2"), Decimal("0.4"), Decimal("0.6")]),
    ],
)
def test_ticks_are_round_and_reach_the_top(top, integer, expected):
    ticks = charts.nice_ticks(top, integer=integer)
    assert ticks == [Decimal(t) for t in expected]
    assert ticks[-1] >= Decimal(top)


def test_tick_labels_are_grouped_and_keep_cents_only_when_needed():
    assert charts.tick_label(Decimal(1500)) == "1,500"
    assert charts.tick_label(Decimal("2.5")) == "2.50"
    assert charts.tick_label(Decimal(0)) == "0"


def test_a_range_over_two_years_names_each_december_with_its_year():
    rows = charts.month_labels(months(date(2025, 12, 1), 13), today=date(2026, 12, 2))
    assert [r["label"] for r in (rows[0], rows[-1])] == ["Dec 2025", "Dec 2026"]
    assert [r["short"] for r in (rows[0], rows[-1])] == ["Dec", "Dec"]
    # Wide: every month named; the year under the first one and under January.
    assert all(r["show_wide"] for r in rows)
    assert [r["month"] for r in rows if r["year_wide"]] == ["2025-12", "2026-01"]
    # Narrow: every third month counted from the newest (current) one, each new year shown.
    shown = [r["month"] for r in rows if r["show"]]
    assert shown == ["2025-12", "2026-03", "2026-06", "2026-09", "2026-12"]
    assert [r["month"] for r in rows if r["year"]] == ["2025-12", "2026-03"]


def test_the_current_month_is_marked_once():
    rows = charts.month_labels(months(date(2026, 1, 1), 12), today=date(2026, 12, 31))
    assert [r["month"] for r in rows if r["current"]] == ["2026-12"]
    assert rows[-1]["show"] and rows[-1]["show_wide"]  # its name is never skipped
    assert not any(
        r["current"]
        for r in charts.month_labels(months(date(2025, 1, 1), 3), today=date(2026, 12, 1))
    )


def test_a_month_chart_names_each_bar_by_its_value():
    points = [
        (date(2026, 10, 1), 3, "3 sessions"),
        (date(2026, 11, 1), 0, "0 sessions"),
        (date(2026, 12, 1), 1, "1 session"),
    ]
    chart = charts.month_chart(points, date(2026, 12, 2), integer=True)
    assert [b["name"] for b in chart["bars"]] == [
        "Oct 2026: 3 sessions",
        "Nov 2026: 0 sessions",
        "Dec 2026: 1 session (this month)",
    ]
    assert [t["label"] for t in chart["ticks"]] == ["0", "1", "2", "3"]
    assert [b["pct"] for b in chart["bars"]] == ["100.00", "0", "33.33"]
    assert [b["tip"] for b in chart["bars"]] == ["0.00", "50.00", "100.00"]
    assert chart["widest"] == "0" and chart["has_current"]


def test_a_tiny_or_negative_month_is_still_drawn_sensibly():
    points = [
        (date(2026, 10, 1), Decimal("-5.00"), "x"),
        (date(2026, 11, 1), Decimal("0.01"), "y"),
        (date(2026, 12, 1), Decimal("100.00"), "z"),
    ]
    chart = charts.month_chart(points, date(2026, 12, 1), integer=False)
    assert [b["pct"] for b in chart["bars"]] == ["0", "1.50", "100.00"]
