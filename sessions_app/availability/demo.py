"""Demo availability (seed_demo, through sessions_app.demo): every demo mentor is
bookable Mon–Fri 09:00–17:00 in their own zone, 15 minutes of buffer, 2 hours of
notice, 30 days ahead; `mentor` books instantly, `mentor2` takes requests.

Idempotent: a mentor who already has availability (seeded before, or edited since)
is left as they are."""

from __future__ import annotations

from .models import Availability
from .services import update_availability

WEEKDAYS_9_TO_5 = [{"weekday": d, "start": 9 * 60, "end": 17 * 60} for d in range(5)]
SETTINGS = {"buffer_minutes": 15, "min_notice_minutes": 120, "max_days_ahead": 30}
INSTANT = {"mentor": True, "mentor2": False}


def seed(users: dict) -> None:
    for username, instant in INSTANT.items():
        mentor = users.get(username)
        if mentor is None or Availability.objects.filter(mentor=mentor).exists():
            continue
        update_availability(mentor, weekly=WEEKDAYS_9_TO_5, instant_booking=instant, **SETTINGS)
