from django.urls import path

from . import booking_views, views

urlpatterns = [
    path("mentor/dashboard/requests/", views.requests_tab, name="requests_tab"),
    path("mentor/dashboard/requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path(
        "mentor/dashboard/requests/<int:pk>/accept/overlap/",
        views.accept_overlap,
        name="request_accept_overlap",
    ),
    path(
        "mentor/dashboard/requests/<int:pk>/decline/",
        views.request_decline,
        name="request_decline",
    ),
    path("mentors/<int:mentor_id>/book/", booking_views.slot_book, name="slot_book"),
    path("mentors/<int:mentor_id>/request/", views.request_new, name="request_new"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
]
