from rest_framework import serializers

from . import rules


class PolicySerializer(serializers.Serializer):
    free_cancel_hours = serializers.IntegerField()
    late_cancel_refund_percent = serializers.IntegerField()

    def validate_free_cancel_hours(self, value):
        return rules.check_free_cancel_hours(value)

    def validate_late_cancel_refund_percent(self, value):
        return rules.check_late_cancel_refund_percent(value)
