from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import LearnerRequestViewSet, MentorRequestViewSet
from .booking_api import BookSlot

router = SimpleRouter()
router.register("requests", MentorRequestViewSet, basename="request")
router.register("learner/requests", LearnerRequestViewSet, basename="learner-request")

urlpatterns = [
    *router.urls,
    path("mentors/<int:pk>/book/", BookSlot.as_view(), name="api-mentor-book"),
]
