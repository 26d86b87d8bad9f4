"""Shape of /api/analytics/ (documented for the OpenAPI schema)."""

from rest_framework import serializers


class AnalyticsPopularTimeSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday … 6 = Sunday, mentor's time zone")
    hour = serializers.IntegerField(help_text="0–23, mentor's time zone")
    count = serializers.IntegerField(help_text="bookings")


class AnalyticsMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    sessions = serializers.IntegerField()
    hours = serializers.FloatField()
    earnings = serializers.CharField()


class AnalyticsReliabilitySerializer(serializers.Serializer):
    rate = serializers.FloatField(
        allow_null=True, help_text="held / (held + mentor no-shows), 0–1; null without either"
    )
    held = serializers.IntegerField(help_text="completed sessions")
    mentor_no_shows = serializers.IntegerField(
        help_text="sessions cancelled automatically: not started within 15 minutes"
    )


class AnalyticsSerializer(serializers.Serializer):
    """Rates are fractions 0–1 (null without data); earnings a decimal string."""

    total_students = serializers.IntegerField()
    session_count = serializers.IntegerField()
    hours_taught = serializers.FloatField()
    average_rating = serializers.FloatField(allow_null=True)
    rating_count = serializers.IntegerField()
    repeat_learner_rate = serializers.FloatField(allow_null=True)
    attendance_rate = serializers.FloatField(allow_null=True)
    acceptance_rate = serializers.FloatField(allow_null=True)
    median_response_minutes = serializers.FloatField(allow_null=True)
    earnings = serializers.CharField()
    popular_times = AnalyticsPopularTimeSerializer(many=True)
    period = serializers.ChoiceField(choices=["30d", "90d", "365d", "all"])
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField()
    timezone = serializers.CharField()
    currency = serializers.CharField()
    rating_distribution = serializers.DictField(child=serializers.IntegerField())
    monthly = AnalyticsMonthSerializer(many=True)
    insights = serializers.ListField(child=serializers.DictField())
    reliability = AnalyticsReliabilitySerializer()
