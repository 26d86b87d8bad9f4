"""core.timebounds: the date bounds of the contract, as checks and as fields."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django import forms
from rest_framework import serializers

from core import timebounds
from core.timebounds import (
    AHEAD_MESSAGE,
    MAX_DATE,
    MIN_DATE,
    RANGE_MESSAGE,
    BoundedDateFormField,
    BoundedDateTimeField,
    BoundedDateTimeFormField,
    DomainError,
    add_minutes,
    check_date,
    check_datetime,
    check_schedulable,
    parse_query_date,
)

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


def test_the_bounds_are_the_contracts():
    assert date(2000, 1, 1) == MIN_DATE
    assert date(2100, 12, 31) == MAX_DATE
    assert timebounds.latest_schedulable(NOW) >= NOW.replace(year=2032)
    assert timebounds.latest_schedulable(NOW) < NOW.replace(year=2032) + timedelta(days=2)


@pytest.mark.parametrize("day", [MIN_DATE, MAX_DATE, date(2050, 2, 28)])
def test_check_date_accepts_days_inside_the_bounds(day):
    assert check_date(day, field="d") == day


@pytest.mark.parametrize(
    "day", [date(1, 1, 1), date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)]
)
def test_check_date_refuses_days_outside_with_a_field_error(day):
    with pytest.raises(DomainError) as caught:
        check_date(day, field="start")
    assert (caught.value.message, caught.value.field) == (RANGE_MESSAGE, "start")


@pytest.mark.parametrize(
    "value",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))),  # year 0 in UTC
        datetime(9999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-10))),  # year 10000
        datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(2101, 1, 1, tzinfo=UTC),
        datetime(1, 1, 1),  # naive
        "2030-01-01",
        None,
    ],
)
def test_check_datetime_refuses_anything_outside_without_overflowing(value):
    with pytest.raises(DomainError) as caught:
        check_datetime(value, field="at")
    assert caught.value.field == "at"


def test_check_datetime_judges_an_aware_time_by_its_utc_day():
    late = datetime(2100, 12, 31, 23, 0, tzinfo=ZoneInfo("America/New_York"))  # 2101 in UTC
    with pytest.raises(DomainError):
        check_datetime(late, field="at")
    early = datetime(2100, 12, 31, 23, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert check_datetime(early, field="at") == early


def test_check_schedulable_accepts_now_to_two_years_ahead():
    for ahead in (timedelta(minutes=1), timedelta(days=365), timedelta(days=730)):
        assert check_schedulable(NOW + ahead, field="at", now=NOW) == NOW + ahead


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (NOW, timebounds.PAST_MESSAGE),
        (NOW - timedelta(days=1), timebounds.PAST_MESSAGE),
        (NOW + timedelta(days=733), AHEAD_MESSAGE),
        (datetime(9999, 12, 31, 23, 30, tzinfo=UTC), RANGE_MESSAGE),
        (datetime(1, 1, 1, tzinfo=UTC), RANGE_MESSAGE),
        (datetime(2030, 7, 1), "The time needs a time zone."),
    ],
)
def test_check_schedulable_refuses_with_a_clear_message(value, message):
    with pytest.raises(DomainError) as caught:
        check_schedulable(value, field="starts_at", now=NOW)
    assert (caught.value.message, caught.value.field) == (message, "starts_at")


def test_check_schedulable_takes_the_callers_wording_for_the_past():
    with pytest.raises(DomainError, match="^The start time is in the past.$"):
        check_schedulable(NOW, field="x", now=NOW, past_message="The start time is in the past.")


@pytest.mark.parametrize("value", [None, ""])
def test_parse_query_date_reads_absent_as_none(value):
    assert parse_query_date(value, "date") is None


def test_parse_query_date_reads_an_iso_day():
    assert parse_query_date("2030-02-28", "date") == date(2030, 2, 28)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999-12-31", RANGE_MESSAGE),
        ("0001-01-01", RANGE_MESSAGE),
        ("2024-13-45", timebounds.INVALID_DATE_MESSAGE),
        ("2024-02-30", timebounds.INVALID_DATE_MESSAGE),
        ("20300101", timebounds.INVALID_DATE_MESSAGE),
        ("2030-W01-1", timebounds.INVALID_DATE_MESSAGE),
        ("٢٠٣٠-٠١-٠١", timebounds.INVALID_DATE_MESSAGE),  # non-ASCII digits
        ("nan", timebounds.INVALID_DATE_MESSAGE),
        ("9" * 5000, timebounds.INVALID_DATE_MESSAGE),
        ("2030-01-01T00:00", timebounds.INVALID_DATE_MESSAGE),
    ],
)
def test_parse_query_date_refuses_with_a_field_error(value, message):
    with pytest.raises(DomainError) as caught:
        parse_query_date(value, "end")
    assert (caught.value.message, caught.value.field) == (message, "end")


def test_add_minutes_clamps_instead_of_overflowing():
    start = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    assert add_minutes(start, 60) == datetime.max.replace(tzinfo=UTC)
    assert add_minutes(NOW, 90) == NOW + timedelta(minutes=90)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("9999-12-31T23:30Z", RANGE_MESSAGE),
        ("0001-01-01T00:00Z", RANGE_MESSAGE),
        ("9999-12-31T23:30-10:00", "Datetime value out of range."),  # DRF's own overflow error
        ("2090-01-01T10:00Z", AHEAD_MESSAGE),
        ("soon", None),
    ],
)
def test_the_serializer_field_refuses_out_of_bounds_times(value, error):
    with pytest.raises(serializers.ValidationError) as caught:
        BoundedDateTimeField(schedulable=True).run_validation(value)
    if error:
        assert caught.value.detail == [error]


def test_the_serializer_field_caps_ahead_only_when_schedulable():
    field = BoundedDateTimeField()
    assert field.run_validation("2090-01-01T10:00Z") == datetime(2090, 1, 1, 10, tzinfo=UTC)


def test_the_form_fields_show_the_range_message():
    with pytest.raises(forms.ValidationError, match="between 2000-01-01 and 2100-12-31"):
        BoundedDateFormField().clean("9999-12-31")
    assert BoundedDateFormField(required=False).clean("") is None
    with pytest.raises(forms.ValidationError, match="between 2000-01-01 and 2100-12-31"):
        BoundedDateTimeFormField().clean("0001-01-01 00:00")
    with pytest.raises(forms.ValidationError, match="within the next 2 years"):
        BoundedDateTimeFormField(schedulable=True).clean("2090-01-01 10:00")
    assert BoundedDateTimeFormField().clean("2090-01-01 10:00").year == 2090


def test_the_bottom_layer_imports_no_domain_app():
    import ast
    from pathlib import Path

    domain = {"accounts", "sessions_app", "requests_app", "earnings", "analytics", "live"}
    domain |= {"notifications"}
    tree = ast.parse(Path(timebounds.__file__).read_text())
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & domain


def test_the_date_picker_offers_only_days_inside_the_bounds():
    html = BoundedDateFormField(widget=forms.DateInput(attrs={"type": "date"})).widget.render(
        "d", None
    )
    assert 'min="2000-01-01"' in html and 'max="2100-12-31"' in html
