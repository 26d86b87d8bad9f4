"""Demo accounts (CONTRACT.md). Other apps add their data in `<app>/demo.py`."""

import io

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
        if not user.email_verified:  # demo accounts sign in at once, no email is sent
            User.objects.filter(pk=user.pk).update(email_verified=True)
            user.email_verified = True
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        if user.is_mentor:
            # The row exists already (accounts.signals): fill it on first seeding only.
            profile, _ = MentorProfile.objects.get_or_create(user=user)
            if not profile.display_name and username in PROFILES:
                for field, value in PROFILES[username].items():
                    setattr(profile, field, value)
                profile.save()
            if username == "mentor":
                _ensure_demo_picture(profile)
        users[username] = user
    return users


def _ensure_demo_picture(profile: MentorProfile) -> None:
    """A generated picture for `mentor` (fixed names, so re-seeding leaves no orphans)."""
    from PIL import Image, ImageDraw, ImageFont

    from .images import SUBDIR, media_root, process_picture

    paths = (
        f"{SUBDIR}/demo-{profile.user.username}.jpg",
        f"{SUBDIR}/demo-{profile.user.username}-96.jpg",
    )
    if profile.picture and profile.picture not in paths:
        return  # the mentor chose their own
    if profile.picture and all((media_root() / p).exists() for p in paths):
        return
    image = Image.new("RGB", (512, 512))
    draw = ImageDraw.Draw(image)
    for y in range(512):  # indigo → teal
        t = y / 511
        draw.line([(0, y), (511, y)], fill=(int(79 - 65 * t), int(70 + 78 * t), int(229 - 93 * t)))
    try:
        font = ImageFont.load_default(size=200)
    except (OSError, TypeError):
        font = ImageFont.load_default()
    draw.text((256, 256), profile.user.initials, fill="white", font=font, anchor="mm")
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    raw.seek(0)
    picture = process_picture(raw)
    (media_root() / SUBDIR).mkdir(parents=True, exist_ok=True)
    for rel, payload in zip(paths, (picture.large, picture.small), strict=True):
        (media_root() / rel).write_bytes(payload)
    MentorProfile.objects.filter(pk=profile.pk).update(picture=paths[0], picture_small=paths[1])
