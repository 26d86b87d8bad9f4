from django.urls import path

from . import api

urlpatterns = [
    path("policy/", api.PolicyView.as_view(), name="api-policy"),
]
