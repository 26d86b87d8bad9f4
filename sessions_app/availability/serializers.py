"""API shapes of availability, overrides and slots (CONTRACT.md: payload fields).

The serializers parse types; the rules (rules.py) and their words are the same as
the services' and the admin's. Times of day travel as "HH:MM".
"""

from __future__ import annotations

from rest_framework import serializers

from core.errors import DomainError

from . import messages as msg
from . import rules


def _mapped(check, *args):
    """A rule's DomainError as this field's error."""
    try:
        return check(*args)
    except DomainError as error:
        raise serializers.ValidationError(error.message) from error


class TimeOfDayField(serializers.CharField):
    """ "HH:MM" (00:00-24:00) ↔ minutes after local midnight."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(msg.TIME_INVALID)
        return _mapped(lambda value: rules.parse_hhmm(value, field=self.field_name), data)

    def to_representation(self, value):
        return rules.format_hhmm(value)


def _range_errors(attrs: dict) -> dict:
    if "start" in attrs and "end" in attrs:
        try:
            rules.check_range(attrs["start"], attrs["end"])
        except DomainError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from error
    return attrs


class WeeklyRangeSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(
        min_value=0,
        max_value=6,
        error_messages={
            "invalid": msg.WEEKDAY_INVALID,
            "min_value": msg.WEEKDAY_INVALID,
            "max_value": msg.WEEKDAY_INVALID,
        },
    )
    start = TimeOfDayField()
    end = TimeOfDayField()

    def validate(self, attrs: dict) -> dict:
        return _range_errors(attrs)


def _number(name: str) -> serializers.IntegerField:
    low, high, _default = rules.NUMBERS[name]
    bounds = msg.out_of_bounds(low, high)
    return serializers.IntegerField(
        required=False,
        min_value=low,
        max_value=high,
        error_messages={"invalid": msg.NOT_WHOLE, "min_value": bounds, "max_value": bounds},
    )


class AvailabilitySerializer(serializers.Serializer):
    """GET answers every field; PUT sets the given ones (`weekly` replaces the list)."""

    timezone = serializers.CharField(read_only=True)
    weekly = WeeklyRangeSerializer(many=True, required=False)
    buffer_minutes = _number("buffer_minutes")
    min_notice_minutes = _number("min_notice_minutes")
    max_days_ahead = _number("max_days_ahead")
    instant_booking = serializers.BooleanField(required=False)

    def validate_weekly(self, rows: list[dict]) -> list[dict]:
        return _mapped(rules.check_weekly, rows)


def availability_payload(mentor, availability, weekly) -> dict:
    return {
        "timezone": mentor.timezone,
        "weekly": [
            {"weekday": row.weekday, "start": row.start_minute, "end": row.end_minute}
            for row in weekly
        ],
        **{name: getattr(availability, name) for name in rules.NUMBERS},
        "instant_booking": availability.instant_booking,
    }


class OverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    date = serializers.DateField()
    available = serializers.BooleanField(required=False, default=False)
    start = TimeOfDayField(source="start_minute", required=False, allow_null=True)
    end = TimeOfDayField(source="end_minute", required=False, allow_null=True)

    def validate_date(self, value):
        return _mapped(
            lambda day: rules.check_override_date(day, today=self.context["today"]), value
        )


class SlotsSerializer(serializers.Serializer):
    timezone = serializers.CharField(help_text="The mentor's time zone.")
    slots = serializers.ListField(
        child=serializers.CharField(), help_text="Free start times, ISO-8601 with offset."
    )
