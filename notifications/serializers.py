from rest_framework import serializers

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "level", "created_at", "read", "read_at"]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    updated = serializers.IntegerField()
    unread = serializers.IntegerField()


class QuietHoursSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="HH:MM in the user's zone")
    end = serializers.CharField(help_text="HH:MM in the user's zone")


class PreferencesSerializer(serializers.Serializer):
    """The shape only (for the API docs): notifications/preferences.py validates."""

    email = serializers.DictField(child=serializers.BooleanField(), help_text="kind → on/off")
    in_app = serializers.DictField(child=serializers.BooleanField(), help_text="kind → on/off")
    quiet_hours = QuietHoursSerializer(allow_null=True)
    email_digest = serializers.ChoiceField(choices=["off", "daily"])
