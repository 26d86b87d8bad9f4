"""API shapes for sessions, bookings and reviews (CONTRACT.md: payload fields)."""

from rest_framework import serializers

from core.errors import DomainError
from core.timebounds import BoundedDateTimeField

from . import messages as msg
from . import rules
from .models import Booking, Review, Session
from .services.reviews import MAX_COMMENT


class SessionSerializer(serializers.ModelSerializer):
    participant_count = serializers.IntegerField(source="booked_count", read_only=True)
    mentor = serializers.IntegerField(source="mentor_id", read_only=True)
    mentor_name = serializers.CharField(source="mentor.display_name", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "description",
            "topic",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "capacity",
            "price",
            "status",
            "visibility",
            "participant_count",
            "mentor",
            "mentor_name",
            "cancel_reason",
            "published_at",
            "started_at",
            "ended_at",
        ]
        read_only_fields = fields


class SessionWriteSerializer(serializers.Serializer):
    """Parses the input into types; the rules and their messages are the services'.

    `validate()` runs the same checks as the services (rules.py) and answers
    every broken rule as a field error, worded as in the dialog.
    """

    title = serializers.CharField(
        trim_whitespace=True,
        error_messages={"blank": msg.TITLE_REQUIRED, "required": msg.TITLE_REQUIRED},
    )
    description = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    topic = serializers.CharField(allow_blank=True, required=False)
    starts_at = BoundedDateTimeField(schedulable=True)
    duration_minutes = serializers.IntegerField(
        required=False, error_messages={"invalid": msg.DURATION_NOT_WHOLE}
    )
    capacity = serializers.IntegerField(
        required=False, error_messages={"invalid": msg.CAPACITY_NOT_WHOLE}
    )
    price = serializers.DecimalField(  # digits as in the model, for the schema
        max_digits=12,
        decimal_places=2,
        required=False,
        error_messages={
            "invalid": msg.PRICE_INVALID,
            "max_decimal_places": msg.PRICE_DECIMALS,
            "max_digits": msg.PRICE_TOO_HIGH,
            "max_whole_digits": msg.PRICE_TOO_HIGH,
        },
    )
    visibility = serializers.ChoiceField(
        choices=Session.Visibility.choices,
        required=False,
        error_messages={"invalid_choice": msg.VISIBILITY_INVALID},
    )

    def validate(self, attrs: dict) -> dict:
        errors = rules.field_errors(attrs, session=self.context.get("session"))
        if errors:
            raise serializers.ValidationError({f: [m] for f, m in errors.items()})
        return attrs


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False)

    def validate_reason(self, value: str) -> str:
        return _mapped(rules.check_reason, value)


class RescheduleSerializer(serializers.Serializer):
    """The mentor's move: a new start time and an optional reason for the learners."""

    starts_at = BoundedDateTimeField(schedulable=True)
    reason = serializers.CharField(allow_blank=True, required=False, default="")

    def validate_reason(self, value: str) -> str:
        return _mapped(rules.check_reason, value)


class LearnerRescheduleSerializer(serializers.Serializer):
    starts_at = BoundedDateTimeField(schedulable=True)


class BookingSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "title", "starts_at", "status", "visibility"]
        read_only_fields = fields


class LearnerBookingSerializer(serializers.ModelSerializer):
    """A learner's booking (`/api/learner/bookings/`); `refund` is null until cancelled."""

    session = BookingSessionSerializer(read_only=True)
    refund = serializers.DecimalField(
        source="refund_amount", max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = Booking
        fields = ["id", "session", "status", "amount_paid", "refund", "created_at", "cancelled_at"]
        read_only_fields = fields


class WaitlistPositionSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True, help_text="1 = next to get a seat.")


class BookingCancelledSerializer(serializers.Serializer):
    status = serializers.CharField(read_only=True)
    refund = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)


def _mapped(check, value):
    """A rule's DomainError as this field's error."""
    try:
        return check(value)
    except DomainError as error:
        raise serializers.ValidationError(error.message) from error


class BookingSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id", read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "session", "status", "amount_paid", "created_at"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "session", "mentor", "rating", "comment", "created_at"]
        read_only_fields = fields


class ReviewWriteSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=MAX_COMMENT, allow_blank=True, required=False, default=""
    )
