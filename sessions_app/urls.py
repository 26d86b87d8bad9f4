from django.urls import path

from . import calendar, learner_booking_views, learner_views, public_views, views
from .availability import views as availability_views

urlpatterns = [
    path("", learner_views.home, name="home"),
    path("mentor/dashboard", views.sessions_tab, name="dashboard"),
    path("mentor/dashboard/", views.sessions_tab, name="dashboard_slash"),
    path("mentor/dashboard/sessions/", views.sessions_tab, name="sessions_tab"),
    path("mentor/dashboard/sessions/new/", views.session_new, name="session_new"),
    path("mentor/dashboard/sessions/overlap/", views.session_overlap, name="session_overlap"),
    path("mentor/dashboard/sessions/<int:pk>/", views.session_view, name="session_view"),
    path("mentor/dashboard/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path(
        "mentor/dashboard/sessions/<int:pk>/publish/",
        views.session_publish,
        name="session_publish",
    ),
    path("mentor/dashboard/sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path(
        "mentor/dashboard/sessions/<int:pk>/reschedule/",
        views.session_reschedule,
        name="session_reschedule",
    ),
    path("mentor/dashboard/sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("mentor/dashboard/sessions/<str:status>/", views.sessions_tab, name="sessions_subtab"),
    path(
        "mentor/dashboard/availability/",
        availability_views.availability_page,
        name="availability_page",
    ),
    path(
        "mentor/dashboard/availability/overrides/",
        availability_views.override_add,
        name="availability_override_add",
    ),
    path(
        "mentor/dashboard/availability/overrides/<int:pk>/delete/",
        availability_views.override_delete,
        name="availability_override_delete",
    ),
    path("mentor/calendar-feed/", calendar.rotate_feed, name="calendar_feed_rotate"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # Learners
    path("sessions/", learner_views.catalog, name="catalog"),
    path("sessions/<int:pk>/", learner_views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/book/", learner_views.book, name="session_book"),
    path(
        "sessions/<int:pk>/cancel-booking/",
        learner_views.cancel_booking,
        name="session_cancel_booking",
    ),
    path("bookings/<int:pk>/cancel/", learner_booking_views.booking_cancel, name="booking_cancel"),
    path(
        "bookings/<int:pk>/reschedule/",
        learner_booking_views.booking_reschedule,
        name="booking_reschedule",
    ),
    path("sessions/<int:pk>/waitlist/", learner_views.waitlist, name="session_waitlist"),
    path("sessions/<int:pk>/calendar.ics", calendar.session_ics, name="session_ics"),
    path("sessions/<int:pk>/review/", learner_views.review_form, name="session_review"),
    path("mentors/", public_views.mentor_list, name="mentor_list"),
    path("mentors/<int:pk>/", public_views.mentor_detail, name="mentor_detail"),
    path("mentors/<int:pk>/times/", public_views.mentor_slot_times, name="mentor_slot_times"),
]
