"""The mentor's private calendar feed URL."""

from __future__ import annotations

import secrets

from django.db import transaction

from accounts.models import MentorProfile
from accounts.user_cache import forget_user
from core.errors import DomainError

from .. import messages as msg


def rotate_calendar_token(mentor) -> str:
    """Revoke the mentor's calendar feed URL and create a new one."""
    if not getattr(mentor, "is_mentor", False):
        raise DomainError(msg.ONLY_MENTORS_CALENDAR)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        profile, _ = MentorProfile.objects.get_or_create(user=mentor)
        MentorProfile.objects.filter(pk=profile.pk).update(calendar_token=token)
        # No signal from update(): every process reloads the user and its profile
        # (the cached Profile tab shows the address).
        forget_user(mentor.pk)
    return token
