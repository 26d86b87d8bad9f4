from django.urls import path

from . import profile_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mentor/dashboard/profile/", profile_views.profile_tab, name="profile_tab"),
]
