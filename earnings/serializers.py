"""API shapes for earnings and payouts (CONTRACT.md: payload fields).

Money is a decimal string with two places in the platform currency.
"""

from rest_framework import serializers

from core.errors import DomainError

from . import services
from .models import Payout

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(read_only=True)
    sessions = serializers.IntegerField(read_only=True)
    gross = serializers.DecimalField(**MONEY)
    fee = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(**MONEY)
    refunds = serializers.DecimalField(
        **MONEY, help_text="Given back to learners this month (already taken off gross and net)."
    )


class EarningsSerializer(serializers.Serializer):
    currency = serializers.CharField(read_only=True)
    total_earned = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    pending = serializers.DecimalField(**MONEY)
    paid_out = serializers.DecimalField(**MONEY)
    reserved = serializers.DecimalField(
        **MONEY, help_text="Requested or processing payouts (already taken off `available`)."
    )
    minimum_payout = serializers.DecimalField(**MONEY)
    monthly = MonthSerializer(many=True, read_only=True)


class PayoutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payout
        fields = [
            "id",
            "amount",
            "currency",
            "status",
            "requested_at",
            "processed_at",
            "reference",
            "failure_reason",
        ]
        read_only_fields = fields


class PayoutRequestSerializer(serializers.Serializer):
    amount = serializers.CharField(
        max_length=30, help_text='Decimal string with at most two places, e.g. "120.00".'
    )

    def validate_amount(self, value):
        try:
            return services.parse_amount(value)
        except DomainError as exc:
            raise serializers.ValidationError(exc.message) from None
