from django.urls import path

from . import review_views

urlpatterns = [
    path("sessions/<int:pk>/review/", review_views.review_form, name="session_review"),
]
