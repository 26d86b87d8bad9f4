from django.urls import path

from . import account_views, profile_views, signup_views, views

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

urlpatterns += [
    path("signup/", signup_views.signup_view, name="signup"),
    path("signup/mentor/", signup_views.mentor_signup_view, name="signup_mentor"),
    path("signup/verify/<str:token>/", signup_views.verify_email_view, name="verify_email"),
    path("signup/resend/", signup_views.resend_verification_view, name="resend_verification"),
    path("password-reset/", signup_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", signup_views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        signup_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        signup_views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("account/", account_views.account_view, name="account"),
    path("account/email/", account_views.change_email_view, name="account_email"),
    path("account/password/", account_views.change_password_view, name="account_password"),
    path(
        "account/sign-out-everywhere/",
        account_views.sign_out_everywhere_view,
        name="sign_out_everywhere",
    ),
    path(
        "account/email/confirm/<str:token>/",
        account_views.confirm_email_change_view,
        name="confirm_email_change",
    ),
]
