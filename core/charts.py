"""Scales and month labels for the server-rendered bar charts (earnings, analytics).

- `nice_ticks(top, integer=...)`: round y-axis ticks from 0 up to at least
  `top`, in steps of 1, 2, 2.5 or 5 × 10ⁿ (0/25/50/75/100, 0/500/1,000/1,500).
- `month_labels(months, today)`: per month its short name, the year where the
  name alone is ambiguous, whether it is the current month, and which labels
  a narrow or a wide chart shows (a phone can't fit 13 month names).
- `month_chart(points, today, integer=...)`: everything the template
  `mentorhub/_bar_chart.html` draws, as percentages of the top tick.

No queries and no app imports: earnings and analytics both draw with it.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_CEILING, Decimal

STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
# At most this many month names under a narrow (phone) or a wide chart.
NARROW_LABELS, WIDE_LABELS = 6, 13
MIN_BAR_PCT = Decimal("1.5")  # a small positive month stays visible


def nice_ticks(top, *, integer: bool = False, target: int = 4) -> list[Decimal]:
    """Evenly spaced round ticks 0, step, …, ≥ top (about `target` steps)."""
    top = Decimal(top)
    if top <= 0:
        top = Decimal(1)
    raw = top / target
    magnitude = Decimal(10) ** raw.adjusted()
    candidates = [m * magnitude for m in STEPS]
    if integer:  # whole sessions: no 2.5 and nothing under 1
        candidates = [c for c in candidates if c >= 1 and c == c.to_integral_value()] or [
            Decimal(1)
        ]
    step = next((c for c in candidates if c >= raw), candidates[-1])
    count = int((top / step).to_integral_value(rounding=ROUND_CEILING))
    return [step * i for i in range(count + 1)]


def tick_label(value: Decimal) -> str:
    """1500 → "1,500"; 2.5 → "2.50" (money ticks below one unit keep cents)."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _shown(count: int, index: int, most: int) -> bool:
    # Counted from the newest month, so the current month always has its label.
    stride = max(1, math.ceil(count / most))
    return (count - 1 - index) % stride == 0


def month_labels(months: list[date], today: date) -> list[dict]:
    """One dict per month (first days, oldest first): short ("Dec"), label
    ("Dec 2026"), current, show/show_wide (name visible on a narrow/wide chart)
    and year/year_wide (the year printed under that name: on the first name
    shown and wherever the year changes, so "Dec" never appears twice alone)."""
    rows = []
    last_year: dict[str, int | None] = {"narrow": None, "wide": None}
    for index, month in enumerate(months):
        row = {
            "month": month.strftime("%Y-%m"),
            "short": month.strftime("%b"),
            "label": month.strftime("%b %Y"),
            "current": (month.year, month.month) == (today.year, today.month),
            "show": _shown(len(months), index, NARROW_LABELS),
            "show_wide": _shown(len(months), index, WIDE_LABELS),
        }
        for width, key in (("narrow", "show"), ("wide", "show_wide")):
            year_key = "year" if width == "narrow" else "year_wide"
            row[year_key] = row[key] and last_year[width] != month.year
            if row[key]:
                last_year[width] = month.year
        rows.append(row)
    return rows


def _pct(value, top: Decimal) -> str:
    value = Decimal(value)
    if value <= 0:
        return "0"
    return f"{max(MIN_BAR_PCT, 100 * value / top):.2f}"


def month_chart(points: list[tuple[date, object, str]], today: date, *, integer: bool) -> dict:
    """`points`: (first day of the month, value, spoken value such as "3 sessions"
    or "USD 1,234.50 net"), oldest first. Bars carry their accessible name
    ("Oct 2026: 3 sessions (this month)"), height and tooltip position in %."""
    values = [Decimal(value) for _month, value, _spoken in points]
    ticks = nice_ticks(max(values, default=0), integer=integer)
    top = ticks[-1]
    labels = month_labels([month for month, _value, _spoken in points], today)
    count = len(points)
    bars = []
    for index, ((_month, value, spoken), label) in enumerate(zip(points, labels, strict=True)):
        name = f"{label['label']}: {spoken}" + (" (this month)" if label["current"] else "")
        bars.append(
            {
                **label,
                "name": name,
                "value": value,
                "pct": _pct(value, top),
                # The tooltip's left edge, as a share of the plot: it slides from
                # the left edge (first bar) to the right edge (last bar).
                "tip": f"{100 * index / max(count - 1, 1):.2f}",
            }
        )
    tick_rows = [{"label": tick_label(t), "pct": f"{100 * t / top:.2f}"} for t in ticks]
    return {
        "bars": bars,
        "ticks": tick_rows,
        "widest": max((t["label"] for t in tick_rows), key=len),
        "has_current": any(b["current"] for b in bars),
    }
