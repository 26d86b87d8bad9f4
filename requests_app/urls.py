from django.urls import path

from . import views

urlpatterns = [
    path("mentor/dashboard/requests/", views.requests_tab, name="requests_tab"),
]
