from django.urls import path

from . import api, profile_api

urlpatterns = [
    path("token/", api.ThrottledTokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", api.TokenRefresh.as_view(), name="token_refresh"),
    path("me/", api.me, name="api_me"),
    path("profile/", profile_api.ProfileView.as_view(), name="api_profile"),
]
