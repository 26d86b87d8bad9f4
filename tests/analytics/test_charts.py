"""analytics.charts.month_bars: both month charts named by the API's figures, years told apart."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from analytics.charts import month_bars
from analytics.queries import Analytics

TZ = ZoneInfo("America/Sao_Paulo")


def _analytics() -> Analytics:
    months = [dt.date(2025, 12, 1)] + [dt.date(2026, m, 1) for m in range(1, 13)]
    monthly = [
        {"month": m, "sessions": i % 3, "minutes": 60 * (i % 3), "net": Decimal(i * 100)}
        for i, m in enumerate(months)
    ]
    monthly[-1]["net"] = Decimal("1234.50")
    until = dt.datetime(2026, 12, 2, 12, tzinfo=TZ)
    return Analytics(
        period="365d", since=until - dt.timedelta(days=365), until=until, tz=TZ, monthly=monthly
    )


def test_thirteen_months_name_both_decembers_with_their_year():
    months = month_bars(_analytics(), today=dt.date(2026, 12, 2))
    sessions = [b["name"] for b in months["sessions_chart"]["bars"]]
    assert sessions[0] == "Dec 2025: 0 sessions"
    assert sessions[1] == "Jan 2026: 1 session"
    assert sessions[-1] == "Dec 2026: 0 sessions (this month)"
    earnings = [b["name"] for b in months["earnings_chart"]["bars"]]
    assert earnings[-1] == "Dec 2026: USD\u00a01,234.50 net (this month)"
    assert [t["label"] for t in months["sessions_chart"]["ticks"]] == ["0", "1", "2"]
    assert [t["label"] for t in months["earnings_chart"]["ticks"]] == ["0", "500", "1,000", "1,500"]
    assert months["rows"][0] == {
        "label": "Dec 2025",
        "sessions": 0,
        "hours": 0.0,
        "net": "USD\u00a00.00",
    }
