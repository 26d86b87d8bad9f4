"""Every mentor has a MentorProfile row, however the user was created (admin, shell, API)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import MentorProfile, User


@receiver(post_save, sender=User, dispatch_uid="accounts.ensure_mentor_profile")
def ensure_mentor_profile(sender, instance: User, raw: bool = False, **kwargs) -> None:
    # Public mentor pages and the /mentors/ list start from the profile row.
    if instance.role == User.Role.MENTOR and not raw:
        MentorProfile.objects.get_or_create(user=instance)
