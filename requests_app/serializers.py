"""Request payloads (CONTRACT: id, learner, learner_name, mentor, topic, message,
preferred_times, duration_minutes, status, scheduled_at, session, decline_reason)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.timebounds import BoundedDateTimeField

from .models import SessionRequest
from .services import MAX_PREFERRED_TIMES, MESSAGE_MAX, REASON_MAX, TOPIC_MAX


# drf-spectacular strips a trailing "Request" from component names when it names
# enums, so "SessionRequest".status would share "SessionStatusEnum" with
# Session.status and the schema would list the session statuses for requests.
@extend_schema_serializer(component_name="MentoringRequest")
class SessionRequestSerializer(serializers.ModelSerializer):
    learner_name = serializers.CharField(source="learner.display_name", read_only=True)
    mentor_name = serializers.CharField(source="mentor.display_name", read_only=True)
    preferred_times = serializers.ListField(
        source="preferred_datetimes", child=serializers.DateTimeField(), read_only=True
    )

    class Meta:
        model = SessionRequest
        fields = [
            "id",
            "learner",
            "learner_name",
            "mentor",
            "mentor_name",
            "topic",
            "message",
            "preferred_times",
            "duration_minutes",
            "status",
            "scheduled_at",
            "session",
            "decline_reason",
            "created_at",
            "answered_at",
        ]
        read_only_fields = fields


class CreateRequestSerializer(serializers.Serializer):
    mentor = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.select_related("mentor_profile").filter(is_active=True)
    )
    topic = serializers.CharField(max_length=TOPIC_MAX)
    message = serializers.CharField(max_length=MESSAGE_MAX, required=False, allow_blank=True)
    preferred_times = serializers.ListField(
        child=BoundedDateTimeField(schedulable=True),
        min_length=1,
        max_length=MAX_PREFERRED_TIMES,
        error_messages={
            "min_length": "Suggest at least one time.",
            "max_length": f"Suggest at most {MAX_PREFERRED_TIMES} times.",
        },
    )
    duration_minutes = serializers.IntegerField(required=False, min_value=15, max_value=480)


class AcceptSerializer(serializers.Serializer):
    scheduled_at = BoundedDateTimeField(schedulable=True)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)
