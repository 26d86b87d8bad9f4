from django.urls import path

from . import preference_views, views

urlpatterns = [
    path(
        "account/notifications/",
        preference_views.preferences_page,
        name="notification_preferences",
    ),
    path("email/unsubscribe/<str:token>/", preference_views.unsubscribe, name="email_unsubscribe"),
    path("mentor/dashboard/notifications/", views.notifications_tab, name="notifications_tab"),
    path("notifications/", views.learner_notifications, name="learner_notifications"),
    path("notifications/menu/", views.bell_menu, name="notifications_menu"),
    path("notifications/read-all/", views.read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views.open_notification, name="notification_open"),
    path("notifications/<int:pk>/read/", views.read_notification, name="notification_read"),
    path("notifications/<int:pk>/unread/", views.unread_notification, name="notification_unread"),
    path(
        "notifications/<int:pk>/dismiss/", views.dismiss_notification, name="notification_dismiss"
    ),
]
