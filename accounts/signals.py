"""Every mentor has a MentorProfile row, however the user was created (admin, shell, API).

`signed_out` tells the apps above accounts that a user signed out (notifications
closes their open sockets): accounts sits at the bottom of the domain apps and
never imports them, so it announces instead of calling.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import MentorProfile, User
from .user_cache import forget_user

# Sent by the sign-out view with `user_id` (None for an anonymous request).
signed_out = Signal()


@receiver(post_save, sender=User, dispatch_uid="accounts.ensure_mentor_profile")
def ensure_mentor_profile(sender, instance: User, raw: bool = False, **kwargs) -> None:
    # Public mentor pages and the /mentors/ list start from the profile row.
    if instance.role == User.Role.MENTOR and not raw:
        MentorProfile.objects.get_or_create(user=instance)


@receiver(post_save, sender=User, dispatch_uid="accounts.forget_saved_user")
@receiver(post_delete, sender=User, dispatch_uid="accounts.forget_deleted_user")
def forget_changed_user(sender, instance: User, raw: bool = False, **kwargs) -> None:
    # Deactivation, a new role, zone or name: every process reloads the user.
    forget_user(instance.pk)


@receiver(post_save, sender=MentorProfile, dispatch_uid="accounts.forget_saved_profile")
@receiver(post_delete, sender=MentorProfile, dispatch_uid="accounts.forget_deleted_profile")
def forget_changed_profile(sender, instance: MentorProfile, raw: bool = False, **kwargs) -> None:
    forget_user(instance.user_id)
