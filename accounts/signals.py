"""Every mentor has a MentorProfile row, however the user was created (admin, shell, API);
a deactivated account's open sockets close."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from notifications.services import close_user_sockets

from .models import MentorProfile, User


@receiver(post_save, sender=User, dispatch_uid="accounts.ensure_mentor_profile")
def ensure_mentor_profile(sender, instance: User, raw: bool = False, **kwargs) -> None:
    # Public mentor pages and the /mentors/ list start from the profile row.
    if instance.role == User.Role.MENTOR and not raw:
        MentorProfile.objects.get_or_create(user=instance)


@receiver(post_save, sender=User, dispatch_uid="accounts.close_sockets_of_deactivated")
def close_sockets_of_deactivated(sender, instance: User, raw: bool = False, **kwargs) -> None:
    # A deactivated account's open pages lose their sockets now, not at token expiry.
    if not instance.is_active and not raw:
        close_user_sockets(instance.pk)
