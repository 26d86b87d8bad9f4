"""API shapes for sessions and bookings (CONTRACT.md: payload fields)."""

from django.conf import settings
from rest_framework import serializers

from core.timebounds import BoundedDateTimeField

from .models import Booking, Session
from .services import MAX_DURATION_MINUTES


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
    """Parses and bounds the input; the services apply the domain rules."""

    title = serializers.CharField(max_length=200, allow_blank=False, trim_whitespace=True)
    description = serializers.CharField(max_length=10000, allow_blank=True, required=False)
    topic = serializers.CharField(max_length=100, allow_blank=True, required=False)
    starts_at = BoundedDateTimeField(schedulable=True)
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_DURATION_MINUTES, required=False
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=settings.LIVE_MESH_LIMIT, required=False
    )
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    visibility = serializers.ChoiceField(choices=Session.Visibility.choices, required=False)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, required=False)


class BookingSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id", read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "session", "status", "amount_paid", "created_at"]
        read_only_fields = fields
