"""POST /api/mentors/<id>/book/ (learner): book or request a mentor's free slot."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import active_mentors
from accounts.permissions import IsLearner
from core.timebounds import BoundedDateTimeField

from .booking import book_slot


class BookSlotSerializer(serializers.Serializer):
    starts_at = BoundedDateTimeField(schedulable=True)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True)
    topic = serializers.CharField(allow_blank=True, trim_whitespace=False)
    message = serializers.CharField(allow_blank=True, required=False, default="")


class BookedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["booking", "request"])
    session = serializers.IntegerField(required=False, help_text="kind booking")
    booking = serializers.IntegerField(required=False, help_text="kind booking")
    request = serializers.IntegerField(required=False, help_text="kind request")


class BookSlot(APIView):
    """Instant booking on → a private one-to-one session; off → a pending request."""

    permission_classes = [IsLearner]

    @extend_schema(request=BookSlotSerializer, responses={201: BookedSerializer})
    def post(self, request, pk: int):
        mentor = generics.get_object_or_404(
            active_mentors().select_related("mentor_profile"), pk=pk
        )
        data = BookSlotSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        outcome = book_slot(
            request.user,
            mentor,
            starts_at=values["starts_at"],
            duration_minutes=values.get("duration_minutes"),
            topic=values["topic"],
            message=values.get("message", ""),
        )
        if outcome.kind == "booking":
            body = {"kind": "booking", "session": outcome.session.pk, "booking": outcome.booking.pk}
        else:
            body = {"kind": "request", "request": outcome.request.pk}
        return Response(BookedSerializer(body).data, status=status.HTTP_201_CREATED)
