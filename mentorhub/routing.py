from django.urls import path

from notifications.consumers import UserConsumer

websocket_urlpatterns = [
    path("ws/notifications/", UserConsumer.as_asgi()),
]

try:  # the Live issue adds its room signaling
    from live.routing import websocket_urlpatterns as live_patterns

    websocket_urlpatterns += live_patterns
except ImportError:
    pass
