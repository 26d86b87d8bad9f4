"""Print a mentor's analytics for a period (the same figures as the tab and the API)."""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from analytics import charts
from analytics.insights import build_insights
from analytics.queries import DEFAULT_PERIOD, PERIODS, mentor_analytics


class Command(BaseCommand):
    help = "Print the analytics figures of one mentor (--period 30d|90d|365d|all)."

    def add_arguments(self, parser):
        parser.add_argument("--mentor", required=True, help="the mentor's username")
        parser.add_argument("--period", default=DEFAULT_PERIOD, choices=list(PERIODS))
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print the API payload as JSON"
        )

    def handle(self, *args, mentor, period, as_json=False, **options):
        user = User.objects.filter(username=mentor, role=User.Role.MENTOR).first()
        if user is None:
            raise CommandError(f"No mentor with username {mentor!r}.")
        data = mentor_analytics(user, period)
        if as_json:
            self.stdout.write(_dumps(data.as_dict()))
            return
        out = self.stdout.write
        out(f"Analytics for {user.username} · {data.period_label} · times in {data.tz}")
        rows = [
            ("total_students", data.total_students),
            ("session_count", data.session_count),
            ("hours_taught", data.hours_taught),
            ("average_rating", _fmt(data.average_rating)),
            ("rating_count", data.rating_count),
            ("repeat_learner_rate", charts.percent(data.repeat_learner_rate)),
            ("attendance_rate", charts.percent(data.attendance_rate)),
            ("acceptance_rate", charts.percent(data.acceptance_rate)),
            ("median_response_minutes", _fmt(data.median_response_minutes)),
            ("earnings", f"{data.earnings:.2f} {data.currency}"),
        ]
        for name, value in rows:
            out(f"  {name:<24} {value}")
        out("  popular_times (weekday 0=Monday, hour, bookings):")
        if not data.popular:
            out("    none")
        for slot in data.popular_times[:10]:
            out(f"    {slot['weekday']}  {slot['hour']:02d}:00  {slot['count']}")
        out("  monthly (month, sessions, hours, earnings):")
        for month in data.as_dict()["monthly"]:
            out(
                f"    {month['month']}  {month['sessions']:>4}  {month['hours']:>6}  {month['earnings']}"
            )
        insights = build_insights(data)
        out("  insights:")
        if not insights:
            out("    none yet (not enough data)")
        for item in insights:
            out(f"    - {item['text']}")


def _fmt(value) -> str:
    return "-" if value is None else f"{value:g}"


def _dumps(payload: dict) -> str:
    return json.dumps(payload, indent=2)
