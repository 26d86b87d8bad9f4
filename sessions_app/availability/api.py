"""/api/availability/ (GET, PUT), /api/availability/overrides/ (GET, POST),
/api/availability/overrides/<id>/ (DELETE): the signed-in mentor's own;
/api/mentors/<id>/slots/ (GET, anyone signed in): a mentor's free start times.
"""

from __future__ import annotations

from datetime import timedelta

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import active_mentors
from accounts.permissions import IsMentor
from core.timebounds import parse_query_date

from . import rules, services
from .models import AvailabilityOverride
from .serializers import (
    AvailabilitySerializer,
    OverrideSerializer,
    SlotsSerializer,
    availability_payload,
)
from .slots import mentor_slots


def _answer(mentor) -> Response:
    availability, weekly = services.get_availability(mentor)
    payload = availability_payload(mentor, availability, weekly)
    return Response(AvailabilitySerializer(payload).data)


class AvailabilityView(APIView):
    """Only ever the caller's own availability: there is no id to point elsewhere."""

    permission_classes = [IsMentor]
    serializer_class = AvailabilitySerializer

    @extend_schema(responses=AvailabilitySerializer)
    def get(self, request):
        return _answer(request.user)

    @extend_schema(request=AvailabilitySerializer, responses=AvailabilitySerializer)
    def put(self, request):
        data = AvailabilitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_availability(request.user, **data.validated_data)
        return _answer(request.user)


class OverrideList(generics.ListCreateAPIView):
    """The mentor's date overrides from today on; POST adds a day off or a range."""

    permission_classes = [IsMentor]
    serializer_class = OverrideSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return AvailabilityOverride.objects.none()
        return services.overrides_of(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["today"] = services.mentor_today(self.request.user)
        return context

    @extend_schema(request=OverrideSerializer, responses={201: OverrideSerializer})
    def post(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        override = services.add_override(
            request.user,
            day=values["date"],
            available=values["available"],
            start=values.get("start_minute"),
            end=values.get("end_minute"),
        )
        return Response(OverrideSerializer(override).data, status=status.HTTP_201_CREATED)


class OverrideDetail(APIView):
    permission_classes = [IsMentor]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        services.delete_override(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _slot_query(request, mentor) -> tuple[int, object, object]:
    """(duration, first day, last day) from the query; days are the mentor's."""
    params = request.query_params
    duration = params.get("duration") or mentor.mentor_profile.default_duration_minutes
    duration = rules.check_slot_duration(duration)
    first = parse_query_date(params.get("from"), "from") or services.mentor_today(mentor)
    last = parse_query_date(params.get("to"), "to") or first + timedelta(days=13)
    rules.check_day_range(first, last)
    return duration, first, last


class MentorSlots(APIView):
    """Free start times of an active mentor; `from`/`to` are days in the mentor's zone."""

    serializer_class = SlotsSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("duration", int, required=False, description="Minutes (15-480)."),
            OpenApiParameter("from", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, required=False, description="YYYY-MM-DD (≤ 62 days)"),
        ],
        responses=SlotsSerializer,
    )
    def get(self, request, pk: int):
        mentor = generics.get_object_or_404(
            active_mentors().select_related("mentor_profile"), pk=pk
        )
        duration, first, last = _slot_query(request, mentor)
        slots = mentor_slots(mentor, duration=duration, first=first, last=last)
        payload = {"timezone": mentor.timezone, "slots": [s.isoformat() for s in slots]}
        return Response(SlotsSerializer(payload).data)
