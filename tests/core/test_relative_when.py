"""core.formatting.relative_when: a session's start as a mentor scans the list."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from core.formatting import relative_when

BERLIN = ZoneInfo("Europe/Berlin")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 7, 14, 15, 52, tzinfo=BERLIN)  # Tue 14 Jul 2026, 15:52 CEST


def at(*args, tz=BERLIN) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    ("when", "label"),
    [
        (NOW + timedelta(minutes=8), "Today · in 8 min"),
        (NOW + timedelta(minutes=7, seconds=30), "Today · in 8 min"),  # rounded up
        (NOW + timedelta(minutes=60), "Today · in 60 min"),
        (at(2026, 7, 14, 17, 0), "Today 17:00"),
        (at(2026, 7, 14, 9, 0), "Today 09:00"),
        (NOW, "Today · now"),
        (NOW - timedelta(minutes=12), "Today · 12 min ago"),
        (at(2026, 7, 15, 10, 0), "Tomorrow 10:00"),
        (at(2026, 7, 15, 0, 0), "Tomorrow 00:00"),
        (at(2026, 7, 13, 18, 30), "Yesterday 18:30"),
    ],
)
def test_it_names_today_tomorrow_and_yesterday(when, label):
    assert relative_when(NOW, when, BERLIN) == label


def test_it_gives_the_date_beyond_tomorrow_this_week_and_later():
    assert relative_when(NOW, at(2026, 7, 16, 9, 0), BERLIN) == "Thu 16 Jul, 09:00"
    assert relative_when(NOW, at(2026, 7, 21, 9, 0), BERLIN) == "Tue 21 Jul, 09:00"
    assert relative_when(NOW, at(2026, 7, 10, 9, 0), BERLIN) == "Fri 10 Jul, 09:00"


def test_it_adds_the_year_when_it_is_another_year():
    assert relative_when(NOW, at(2027, 1, 5, 9, 0), BERLIN) == "Tue 5 Jan 2027, 09:00"
    assert relative_when(NOW, at(2025, 12, 31, 9, 0), BERLIN) == "Wed 31 Dec 2025, 09:00"


def test_it_counts_across_midnight_as_tomorrow():
    now = at(2026, 7, 14, 23, 55)
    assert relative_when(now, at(2026, 7, 15, 0, 5), BERLIN) == "Tomorrow · in 10 min"


def test_it_counts_days_in_the_users_zone_not_utc():
    now = datetime(2026, 7, 15, 1, 0, tzinfo=UTC)  # 22:00 on the 14th in São Paulo
    when = datetime(2026, 7, 15, 13, 0, tzinfo=UTC)  # 10:00 on the 15th there
    assert relative_when(now, when, SAO_PAULO) == "Tomorrow 10:00"
    assert relative_when(now, when, BERLIN) == "Today 15:00"  # 03:00 → 15:00 CEST, same day


def test_it_counts_real_minutes_across_a_dst_change():
    # Sun 29 Mar 2026: Berlin's clocks jump from 02:00 CET to 03:00 CEST.
    now = at(2026, 3, 29, 1, 55)
    when = at(2026, 3, 29, 3, 5)  # 10 real minutes later (70 on the wall clock)
    assert relative_when(now, when, BERLIN) == "Today · in 10 min"


def test_it_uses_calendar_days_on_a_23_hour_day():
    now = at(2026, 3, 28, 23, 30)  # Saturday night before the change
    assert relative_when(now, at(2026, 3, 29, 23, 0), BERLIN) == "Tomorrow 23:00"


def test_it_names_the_zone_only_when_it_differs_from_todays():
    winter = at(2026, 2, 2, 10, 0)
    spring = at(2026, 4, 7, 9, 0)
    assert relative_when(winter, spring, BERLIN, zone_if_changed=True) == "Tue 7 Apr, 09:00 CEST"
    nearby = at(2026, 2, 3, 9, 0)
    assert relative_when(winter, nearby, BERLIN, zone_if_changed=True) == "Tomorrow 09:00"


def test_the_template_filter_uses_the_active_zone():
    when = timezone.now() + timedelta(minutes=30)
    template = Template("{% load formatting %}{{ when|relative_when }}")
    with timezone.override(SAO_PAULO):
        label = template.render(Context({"when": when}))
    local = when.astimezone(SAO_PAULO)
    today = timezone.now().astimezone(SAO_PAULO).date()
    assert label.endswith("· in 30 min") or label.endswith("· in 31 min")
    assert label.startswith("Today" if local.date() == today else "Tomorrow")
    assert Template("{% load formatting %}{{ none|relative_when }}").render(Context({})) == ""
