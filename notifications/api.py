"""/api/notifications/: the signed-in user's own notifications (any role)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from . import preferences, services
from .models import Notification
from .serializers import NotificationSerializer, PreferencesSerializer, ReadAllSerializer


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # the schema's path type; real rows below
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        rows = Notification.objects.filter(user=self.request.user).order_by("-id")
        if self.request.query_params.get("unread") in {"1", "true", "yes"}:
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="only unread ones")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _own(self, pk):
        try:
            return services.get_notification_for_user(self.request.user, pk)
        except Notification.DoesNotExist as exc:
            raise Http404 from exc

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.mark_read(request.user, self._own(pk).pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def unread(self, request, pk=None):
        notification = services.mark_unread(request.user, self._own(pk).pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        updated = services.mark_all_read(request.user)
        return Response({"updated": updated, "unread": services.unread_count(request.user)})


class PreferencesView(APIView):
    """GET/PUT /api/notification-preferences/: the signed-in user's own preferences.

    PUT takes any of `email`, `in_app` (kind → bool; kinds left out keep their
    value), `quiet_hours` ({"start": "HH:MM", "end": "HH:MM"} or null) and
    `email_digest` ("off" | "daily"); bad input → 400 with the field.
    """

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(preferences.as_api(preferences.for_user(request.user)))

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        prefs = preferences.update_preferences(request.user, request.data)
        return Response(preferences.as_api(prefs))
