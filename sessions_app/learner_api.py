"""/api/learner/bookings/ (CONTRACT.md): a learner's own bookings, cancel one
(with the refund the terms give), move a private one-to-one to another free slot.

Another learner's booking answers 404 (it is looked up among the caller's own).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsLearner

from . import services
from .models import Booking
from .serializers import (
    BookingCancelledSerializer,
    LearnerBookingSerializer,
    LearnerRescheduleSerializer,
)


def own_booking(learner, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("session", "session__mentor"), pk=pk, learner=learner
    )


class LearnerBookings(generics.ListAPIView):
    """The learner's bookings, newest session first (two queries per page)."""

    permission_classes = [IsLearner]
    serializer_class = LearnerBookingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Booking.objects.none()
        return (
            Booking.objects.filter(learner=self.request.user)
            .select_related("session")
            .order_by("-session__starts_at", "-pk")
        )


class LearnerBookingCancel(APIView):
    permission_classes = [IsLearner]

    @extend_schema(request=None, responses=BookingCancelledSerializer)
    def post(self, request, pk: int):
        """Cancel, refunded per the mentor's cancellation policy (`/api/policy/`): in
        full in the free window (default until 24 h before the start) or whenever the
        mentor moved the session, the late percentage (default 50 %) after; the
        answer carries the refund applied. A second cancel answers 409."""
        booking = services.cancel_booking(request.user, own_booking(request.user, pk))
        refund = booking.refund_amount if booking.refund_amount is not None else 0
        return Response(
            BookingCancelledSerializer({"status": booking.status, "refund": refund}).data
        )


class LearnerBookingReschedule(APIView):
    permission_classes = [IsLearner]

    @extend_schema(request=LearnerRescheduleSerializer, responses=LearnerBookingSerializer)
    def post(self, request, pk: int):
        """Move a private one-to-one to another of the mentor's free slots (inside the
        policy's free window); the mentor is told."""
        booking = own_booking(request.user, pk)
        data = LearnerRescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.reschedule_booking(
            request.user, booking, data.validated_data["starts_at"]
        )
        return Response(LearnerBookingSerializer(booking).data)
