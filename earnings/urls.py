from django.urls import path

from . import views

urlpatterns = [
    path("mentor/dashboard/earnings/", views.earnings_tab, name="earnings_tab"),
]
