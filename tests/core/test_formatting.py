"""core.formatting: the one money string and the one local-time label every app uses."""

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import engines

from core import formatting

BERLIN = SimpleNamespace(tzinfo=ZoneInfo("Europe/Berlin"))
WHEN = datetime(2026, 7, 14, 7, 0, tzinfo=UTC)


def test_money_is_two_places_rounded_half_up():
    assert formatting.money(Decimal("120")) == "120.00"
    assert formatting.money(Decimal("0.005")) == "0.01"
    assert formatting.money(None) == "0.00"
    assert formatting.money_label(Decimal("1234.5"), "EUR") == "EUR\u00a01,234.50"
    assert formatting.money_label(Decimal("-990"), "USD") == "USD\u00a0-990.00"


def test_the_currency_is_joined_by_a_no_break_space():
    label = formatting.money_label(Decimal("990"), "USD")
    assert " " not in label and label.split("\u00a0") == ["USD", "990.00"]


def test_the_local_time_label_is_in_the_users_zone():
    assert formatting.local_time_label(BERLIN, WHEN) == "Tue 14 Jul, 09:00"
    assert formatting.local_time_label(BERLIN, WHEN, zone=True) == "Tue 14 Jul, 09:00 CEST"


def test_apps_format_through_core():
    from analytics import charts
    from earnings import queries, services
    from requests_app import services as requests_services
    from sessions_app.services import notices

    assert services.money is formatting.money
    assert queries.cents is formatting.cents
    assert charts.money is formatting.money_label
    assert notices.local_time_label is formatting.local_time_label
    assert requests_services.local_label(BERLIN, WHEN) == "Tue 14 Jul, 09:00 CEST"


def test_templates_use_the_same_functions():
    template = engines["django"].from_string(
        "{% load formatting %}{{ a|money }}|{{ a|money_label:'EUR' }}|{{ w|local_time_label:u }}"
    )
    html = template.render({"a": Decimal("1234.5"), "w": WHEN, "u": BERLIN})
    assert html == "1234.50|EUR\u00a01,234.50|Tue 14 Jul, 09:00"
