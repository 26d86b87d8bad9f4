from django.urls import path

from . import api

urlpatterns = [
    path("analytics/", api.analytics, name="api_analytics"),
]
