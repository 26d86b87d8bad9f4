"""Demo accounts (CONTRACT.md). Other apps add their data in `<app>/demo.py`."""

from django.conf import settings

from .models import MentorProfile, User

ACCOUNTS = [
    # username, role, first, last, staff, timezone
    ("mentor", User.Role.MENTOR, "Maya", "Okafor", False, "Europe/Berlin"),
    ("mentor2", User.Role.MENTOR, "Diego", "Alvarez", False, "America/New_York"),
    ("learner", User.Role.LEARNER, "Liam", "Chen", False, "Europe/London"),
    ("learner2", User.Role.LEARNER, "Ana", "Silva", False, "America/Sao_Paulo"),
    ("admin", User.Role.LEARNER, "Site", "Admin", True, "UTC"),
]

PROFILES = {
    "mentor": {
        "display_name": "Maya Okafor",
        "headline": "Senior Python engineer · Django, APIs and system design",
        "bio": "<p>I have built web platforms for ten years and love helping people ship.</p>"
        "<ul><li>Django and DRF</li><li>Career growth</li></ul>",
        "expertise": ["Python", "Django", "System design", "Career"],
        "languages": ["English", "German"],
        "default_price": "60.00",
    },
    "mentor2": {
        "display_name": "Diego Alvarez",
        "headline": "Frontend lead · React, accessibility, design systems",
        "bio": "<p>Frontend for product teams, accessibility first.</p>",
        "expertise": ["JavaScript", "Accessibility", "CSS"],
        "languages": ["English", "Spanish"],
        "default_price": "45.00",
    },
}


def seed_accounts() -> dict[str, User]:
    """Create or update the demo accounts; safe to run any number of times."""
    users = {}
    for username, role, first, last, staff, tz in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_staff": staff,
                "is_superuser": staff,
                "timezone": tz,
            },
        )
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        if user.is_mentor:
            MentorProfile.objects.get_or_create(user=user, defaults=PROFILES.get(username, {}))
        users[username] = user
    return users
