"""Request payloads (CONTRACT: id, learner, learner_name, mentor, topic, message,
preferred_times, duration_minutes, status, scheduled_at, session, decline_reason)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.errors import DomainError
from core.timebounds import BoundedDateTimeField

from . import messages as msg
from . import rules
from .models import SessionRequest
from .rules import MAX_PREFERRED_TIMES


def _rule(check, *args):
    """A rule's DomainError as the error of the field being validated."""
    try:
        return check(*args)
    except DomainError as error:
        raise serializers.ValidationError(error.message) from error


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
    topic = serializers.CharField(
        error_messages={"blank": msg.TOPIC_REQUIRED, "required": msg.TOPIC_REQUIRED}
    )
    message = serializers.CharField(required=False, allow_blank=True)
    preferred_times = serializers.ListField(
        child=BoundedDateTimeField(schedulable=True),
        min_length=1,
        max_length=MAX_PREFERRED_TIMES,
        error_messages={
            "min_length": msg.TIMES_REQUIRED,
            "max_length": msg.too_many_times(MAX_PREFERRED_TIMES),
        },
    )
    duration_minutes = serializers.IntegerField(
        required=False, error_messages={"invalid": msg.DURATION_NOT_WHOLE}
    )

    def validate_topic(self, value: str) -> str:
        return _rule(rules.check_topic, value)

    def validate_message(self, value: str) -> str:
        return _rule(rules.check_message, value)

    def validate_preferred_times(self, value: list) -> list:
        _rule(rules.check_preferred_times, value, timezone.now())
        return value

    def validate_duration_minutes(self, value: int) -> int:
        return _rule(rules.check_duration, value)


class AcceptSerializer(serializers.Serializer):
    scheduled_at = BoundedDateTimeField(schedulable=True)

    def validate_scheduled_at(self, value):
        _rule(rules.check_accept_time, value)
        return value


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)

    def validate_reason(self, value: str) -> str:
        return _rule(rules.check_reason, value)
