from django.apps import AppConfig


def _close_sockets_of_deactivated(sender, instance, raw: bool = False, **kwargs) -> None:
    # A deactivated account's open pages lose their sockets now, not at token expiry.
    if not instance.is_active and not raw:
        from .services import close_user_sockets

        close_user_sockets(instance.pk)


def _close_sockets_on_sign_out(sender, user_id=None, **kwargs) -> None:
    from .services import close_user_sockets

    close_user_sockets(user_id)


def _notification_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    # A new user stamp: every process asks again which pages close urgent alerts
    # (queries.open_urgent_urls), and the bell and the cached Notifications tab
    # (core.tab_cache) are rendered again. update()/bulk_create(): models.NotificationQuerySet.
    if not raw:
        from accounts.user_cache import forget_user

        forget_user(instance.user_id)


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from accounts.models import User
        from accounts.signals import signed_out
        from core.jobs import register_job

        from .emails import prune_once_keys, send_digests
        from .fragments import register_fragments

        register_fragments()  # the bell
        register_job("notifications.digest", send_digests)
        register_job("notifications.prune_once_keys", prune_once_keys)
        # accounts never imports us: it announces, we close the user's sockets.
        post_save.connect(
            _close_sockets_of_deactivated,
            sender=User,
            dispatch_uid="notifications.close_sockets_of_deactivated",
        )
        signed_out.connect(_close_sockets_on_sign_out, dispatch_uid="notifications.sign_out")
        for signal in (post_save, post_delete):
            signal.connect(
                _notification_changed,
                sender="notifications.Notification",
                dispatch_uid=f"notifications.changed.{signal is post_save}",
            )
