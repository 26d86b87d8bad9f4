from django.urls import path

from . import record_views, views

urlpatterns = [
    path("live/<int:session_id>/", views.room, name="live_room"),
    path("live/<int:session_id>/start/", views.start, name="live_start"),
    path("live/<int:session_id>/end/", views.end, name="live_end"),
    path("live/<int:session_id>/ice/", views.ice, name="live_ice"),
    path("live/<int:session_id>/notes/", record_views.session_notes, name="live_notes"),
]
