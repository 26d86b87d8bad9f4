from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, learner_api
from .availability import api as availability_api

router = SimpleRouter()
router.register("sessions", api.SessionViewSet, basename="api-sessions")

urlpatterns = [
    *router.urls,
    path("catalog/sessions/", api.CatalogList.as_view(), name="api-catalog"),
    path("catalog/sessions/<int:pk>/", api.CatalogDetail.as_view(), name="api-catalog-detail"),
    path("catalog/sessions/<int:pk>/book/", api.BookSession.as_view(), name="api-catalog-book"),
    path(
        "catalog/sessions/<int:pk>/waitlist/",
        api.SessionWaitlist.as_view(),
        name="api-catalog-waitlist",
    ),
    path("learner/reviews/", api.LearnerReviews.as_view(), name="api-learner-reviews"),
    path("learner/bookings/", learner_api.LearnerBookings.as_view(), name="api-learner-bookings"),
    path(
        "learner/bookings/<int:pk>/cancel/",
        learner_api.LearnerBookingCancel.as_view(),
        name="api-learner-booking-cancel",
    ),
    path(
        "learner/bookings/<int:pk>/reschedule/",
        learner_api.LearnerBookingReschedule.as_view(),
        name="api-learner-booking-reschedule",
    ),
]

urlpatterns += [
    path("availability/", availability_api.AvailabilityView.as_view(), name="api-availability"),
    path(
        "availability/overrides/",
        availability_api.OverrideList.as_view(),
        name="api-availability-overrides",
    ),
    path(
        "availability/overrides/<int:pk>/",
        availability_api.OverrideDetail.as_view(),
        name="api-availability-override",
    ),
    path(
        "mentors/<int:pk>/slots/", availability_api.MentorSlots.as_view(), name="api-mentor-slots"
    ),
]
