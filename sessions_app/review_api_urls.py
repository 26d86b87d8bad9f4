from django.urls import path

from . import review_api

urlpatterns = [
    path("learner/reviews/", review_api.LearnerReviews.as_view(), name="api-learner-reviews"),
]
