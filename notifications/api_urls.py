from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import NotificationViewSet, PreferencesView

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    *router.urls,
    path(
        "notification-preferences/", PreferencesView.as_view(), name="api_notification_preferences"
    ),
]
