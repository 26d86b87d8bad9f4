from django.urls import path

from . import views

urlpatterns = [
    path("mentor/dashboard/analytics/", views.analytics_tab, name="analytics_tab"),
]
