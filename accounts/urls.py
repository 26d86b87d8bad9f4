from django.urls import path

from . import profile_views, views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mentor/dashboard/profile/", profile_views.profile_tab, name="profile_tab"),
    path(
        "mentor/dashboard/profile/preview/", profile_views.profile_preview, name="profile_preview"
    ),
    path(
        "mentor/dashboard/text-preview/",
        profile_views.richtext_preview,
        name="richtext_preview",
    ),
    path(
        "mentor/dashboard/profile/picture/remove/",
        profile_views.picture_remove,
        name="profile_picture_remove",
    ),
]
