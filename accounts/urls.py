from django.urls import path

from . import profile_views, public_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mentor/dashboard/profile/", profile_views.profile_tab, name="profile_tab"),
    path(
        "mentor/dashboard/profile/preview/", profile_views.profile_preview, name="profile_preview"
    ),
    path(
        "mentor/dashboard/profile/picture/remove/",
        profile_views.picture_remove,
        name="profile_picture_remove",
    ),
    path("mentors/", public_views.mentor_list, name="mentor_list"),
    path("mentors/<int:pk>/", public_views.mentor_detail, name="mentor_detail"),
]
