"""/api/requests/ (mentor) and /api/learner/requests/ (learner)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.permissions import IsLearner, IsMentor

from . import queries, services
from .models import SessionRequest
from .serializers import (
    AcceptSerializer,
    CreateRequestSerializer,
    DeclineSerializer,
    SessionRequestSerializer,
)


class MentorRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Requests addressed to the signed-in mentor; accept or decline them."""

    permission_classes = [IsMentor]
    serializer_class = SessionRequestSerializer
    queryset = SessionRequest.objects.none()  # typed path ids in the schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        wanted = self.request.query_params.get("status")
        if wanted and wanted not in SessionRequest.Status.values:
            choices = ", ".join(SessionRequest.Status.values)
            raise ValidationError({"status": [f"Use one of: {choices}."]})
        return queries.api_requests(self.request.user, wanted or None)

    def get_object(self):
        return queries.get_request_for_mentor(self.request.user, self.kwargs["pk"])

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=SessionRequest.Status.values, required=False
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AcceptSerializer, responses=SessionRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        request_obj = self.get_object()
        payload = AcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        request_obj = services.accept_request(
            request.user, request_obj, payload.validated_data["scheduled_at"]
        )
        return Response(SessionRequestSerializer(request_obj).data)

    @extend_schema(request=DeclineSerializer, responses=SessionRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        request_obj = self.get_object()
        payload = DeclineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        request_obj = services.decline_request(
            request.user, request_obj, payload.validated_data.get("reason", "")
        )
        return Response(SessionRequestSerializer(request_obj).data)


class LearnerRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The signed-in learner's own requests; send a new one or withdraw a pending one."""

    permission_classes = [IsLearner]
    serializer_class = SessionRequestSerializer
    queryset = SessionRequest.objects.none()  # typed path ids in the schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return queries.learner_requests(self.request.user)

    def get_object(self):
        return queries.get_request_for_learner(self.request.user, self.kwargs["pk"])

    @extend_schema(request=CreateRequestSerializer, responses={201: SessionRequestSerializer})
    def create(self, request, *args, **kwargs):
        payload = CreateRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        request_obj = services.create_request(
            request.user,
            data["mentor"],
            topic=data["topic"],
            message=data.get("message", ""),
            preferred_times=data["preferred_times"],
            duration_minutes=data.get("duration_minutes"),
        )
        request_obj = queries.get_request_for_learner(request.user, request_obj.pk)
        return Response(SessionRequestSerializer(request_obj).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SessionRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        request_obj = services.withdraw_request(request.user, self.get_object())
        return Response(SessionRequestSerializer(request_obj).data)
