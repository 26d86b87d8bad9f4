from django.urls import path

from . import api

urlpatterns = [
    path("sessions/<int:pk>/chat/", api.ChatList.as_view(), name="api-session-chat"),
    path("sessions/<int:pk>/notes/", api.NotesView.as_view(), name="api-session-notes"),
]
