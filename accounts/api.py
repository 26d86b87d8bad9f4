"""Token endpoints (with login throttling) and /api/me/."""

from django.conf import settings
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from .views import LOCKOUT_MESSAGE


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField()
    display_name = serializers.CharField()
    timezone = serializers.CharField()


@api_view(["GET"])
def me(request):
    return Response(MeSerializer(request.user).data)


me.cls.serializer_class = MeSerializer


class ThrottledTokenObtainPairView(TokenObtainPairView):
    """simplejwt's pair view; django-axes counts failures and locks out."""

    authentication_classes: list = []

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            locked = getattr(request, "axes_locked_out", False)
            if not locked and not getattr(request._request, "axes_locked_out", False):
                raise
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return Response({"detail": LOCKOUT_MESSAGE.format(minutes=minutes)}, status=429)


class TokenRefresh(TokenRefreshView):
    authentication_classes: list = []
