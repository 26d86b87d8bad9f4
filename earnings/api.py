"""/api/earnings/ (summary + monthly) and /api/payouts/ (list, request, detail).

Idempotency: POST /api/payouts/ with an `Idempotency-Key` header creates at
most one payout per key and mentor. The first request answers 201; a repeat
with the same key (and amount) answers 201 again with the identical body and
the header `Idempotent-Replayed: true`. The same key with another amount → 409.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMentor

from . import queries, services
from .serializers import EarningsSerializer, PayoutRequestSerializer, PayoutSerializer


class EarningsView(APIView):
    permission_classes = [IsMentor]

    @extend_schema(responses=EarningsSerializer)
    def get(self, request):
        mentor = request.user
        summary = queries.balances(mentor)  # cached until the mentor's data changes
        data = {
            "currency": summary.currency,
            "total_earned": summary.total_earned,
            "available": summary.available,
            "pending": summary.pending,
            "paid_out": summary.paid_out,
            "reserved": summary.reserved,
            "minimum_payout": settings.MINIMUM_PAYOUT,
            "monthly": queries.monthly(mentor),
        }
        return Response(EarningsSerializer(data).data)


class PayoutList(generics.ListAPIView):
    permission_classes = [IsMentor]
    serializer_class = PayoutSerializer

    def get_queryset(self):
        return queries.payouts_for(self.request.user)

    @extend_schema(
        request=PayoutRequestSerializer,
        responses={201: PayoutSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                required=False,
                description="Repeat a request safely: one payout per key.",
            )
        ],
    )
    def post(self, request):
        data = PayoutRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "")
        payout, created = services.request_payout(
            request.user, data.validated_data["amount"], idempotency_key=key
        )
        response = Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


class PayoutDetail(generics.RetrieveAPIView):
    permission_classes = [IsMentor]
    serializer_class = PayoutSerializer

    def get_queryset(self):
        return queries.payouts_for(self.request.user)
