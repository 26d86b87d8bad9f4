from django.urls import path

from .consumers import SignalingConsumer

websocket_urlpatterns = [
    path("ws/live/<int:session_id>/", SignalingConsumer.as_asgi()),
]
