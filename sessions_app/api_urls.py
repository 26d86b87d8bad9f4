from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("sessions", api.SessionViewSet, basename="api-sessions")

urlpatterns = [
    *router.urls,
    path("catalog/sessions/", api.CatalogList.as_view(), name="api-catalog"),
    path("catalog/sessions/<int:pk>/", api.CatalogDetail.as_view(), name="api-catalog-detail"),
    path("catalog/sessions/<int:pk>/book/", api.BookSession.as_view(), name="api-catalog-book"),
    path("learner/reviews/", api.LearnerReviews.as_view(), name="api-learner-reviews"),
]
