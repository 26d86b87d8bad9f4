from rest_framework.routers import SimpleRouter

from .api import LearnerRequestViewSet, MentorRequestViewSet

router = SimpleRouter()
router.register("requests", MentorRequestViewSet, basename="request")
router.register("learner/requests", LearnerRequestViewSet, basename="learner-request")

urlpatterns = router.urls
