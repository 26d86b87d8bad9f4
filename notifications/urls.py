from django.urls import path

from . import views

urlpatterns = [
    path("mentor/dashboard/notifications/", views.notifications_tab, name="notifications_tab"),
]
