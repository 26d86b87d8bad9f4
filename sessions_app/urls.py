from django.urls import path

from . import views

urlpatterns = [
    path("mentor/dashboard", views.sessions_tab, name="dashboard"),
    path("mentor/dashboard/", views.sessions_tab),
    path("mentor/dashboard/sessions/", views.sessions_tab, name="sessions_tab"),
    path("mentor/dashboard/sessions/<str:status>/", views.sessions_tab, name="sessions_subtab"),
]
