"""Reads and writes of a mentor's profile, shared by the Profile tab and the API.

Validators raise django.core.exceptions.ValidationError so that both Django
forms and DRF serializers show the message next to the field.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from babel.core import get_global
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formatting import zone_country, zone_label

from .images import ProcessedPicture, delete_pictures, store_picture
from .models import MentorProfile, User
from .richtext import RichText, from_input, settle
from .sanitize import clean_html

HEADLINE_MAX = 120
DISPLAY_NAME_MAX = 100
BIO_MAX = 5000
BIO_RAW_MAX = 4 * BIO_MAX  # what may be sent, markup that cleaning removes included
MAX_EXPERTISE = 15
MAX_LANGUAGES = 10
TAG_MAX = 40
DURATION_MIN, DURATION_MAX = 15, 480
PRICE_MAX = Decimal("100000")

# Fields stored on MentorProfile (timezone lives on User).
PROFILE_FIELDS = (
    "display_name",
    "headline",
    "bio",
    "bio_markdown",
    "expertise",
    "languages",
    "default_price",
    "default_duration_minutes",
)


@cache
def timezone_names() -> tuple[str, ...]:
    """IANA zone names users may pick (sorted; legacy aliases such as
    "Asia/Calcutta" for "Asia/Kolkata" left out, so no city is listed twice)."""
    aliases = get_global("zone_aliases")
    names = {
        n
        for n in zoneinfo.available_timezones()
        if "/" in n
        and n not in aliases
        and not n.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    }
    names.add("UTC")
    return tuple(sorted(names))


def grouped_timezones(current: str | None = None) -> list[tuple[str, list[str]]]:
    """The zone list by region; `current` is included when it is valid but not
    listed (e.g. "US/Eastern" set through the API), so the select keeps it
    instead of silently falling back to its first option."""
    names = timezone_names()
    if current and current not in names and current in _all_zones():
        names = tuple(sorted((*names, current)))
    groups: dict[str, list[str]] = {}
    for name in names:
        region = name.split("/", 1)[0] if "/" in name else "Other"
        groups.setdefault(region, []).append(name)
    return list(groups.items())


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def timezone_choices(current: str | None = None, at=None) -> list[tuple[str, list[dict]]]:
    """The picker's list: per region, each zone as `id` (what is stored and posted),
    `label` ("São Paulo (GMT−3)", with the offset in force `at`, default now) and
    `country` ("Brazil", for search), ordered by label. Built once per quarter hour:
    offsets change only at DST transitions, which fall on quarter hours."""
    moment = at or timezone.now()
    quarter = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return _timezone_choices(current, quarter)


@lru_cache(maxsize=32)
def _timezone_choices(current: str | None, at) -> list[tuple[str, list[dict]]]:
    groups = []
    for region, names in grouped_timezones(current):
        zones = [{"id": n, "label": zone_label(n, at), "country": zone_country(n)} for n in names]
        groups.append((region, sorted(zones, key=lambda z: _sort_key(z["label"]))))
    return groups


# --- Validators --------------------------------------------------------------------------


def clean_text(value, *, label: str, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise ValidationError(f"{label} can be at most {limit} characters (it has {len(text)}).")
    return text


def clean_tags(value, *, label: str, limit: int) -> list[str]:
    """A list (or comma-separated text) → trimmed, de-duplicated tags."""
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise ValidationError(f"{label} must be a list of tags.")
    tags: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(f"Each {label.lower()} tag must be text.")
        tag = " ".join(item.split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > TAG_MAX:
            raise ValidationError(
                f"“{tag[:20]}…” is too long: tags can be at most {TAG_MAX} characters."
            )
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > limit:
        raise ValidationError(f"Use at most {limit} {label.lower()} tags (you have {len(tags)}).")
    return tags


@cache
def _all_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def clean_timezone(value) -> str:
    """Any IANA name is accepted (the list offers the usual ones)."""
    name = str(value or "").strip()
    if name not in _all_zones() or name.startswith(("posix/", "right/")):
        raise ValidationError(f"“{name[:64]}” isn't a known time zone; pick one from the list.")
    return name


def clean_bio(value) -> RichText:
    """Markdown (or HTML from older clients) → the source to keep and the HTML to show."""
    raw = str(value or "")
    if len(raw) > BIO_RAW_MAX:  # before rendering: don't parse megabytes of markup
        raise ValidationError(
            f"The bio can be at most {BIO_MAX} characters (it has {len(raw)} with its markup)."
        )
    rich = from_input(raw)
    if len(rich.html) > BIO_MAX:
        raise ValidationError(f"The bio can be at most {BIO_MAX} characters.")
    return rich


def _expand_bio(changes: dict) -> dict:
    """A checked bio is stored twice: the HTML shown and the Markdown edited."""
    rich = changes.get("bio")
    if not isinstance(rich, RichText):
        return changes
    return {**changes, "bio": rich.html, "bio_markdown": rich.source}


def clean_price(value) -> Decimal:
    try:
        price = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError("Enter a price like 45 or 45.50.") from exc
    if not price.is_finite() or price < 0:
        raise ValidationError("The price can't be negative.")
    if price > PRICE_MAX:
        raise ValidationError(f"The price can be at most {PRICE_MAX}.")
    if price != price.quantize(Decimal("0.01")):
        raise ValidationError("Use at most two decimal places.")
    return price.quantize(Decimal("0.01"))


def clean_duration(value) -> int:
    try:
        minutes = int(str(value).strip())
    except (ValueError, TypeError) as exc:
        raise ValidationError("Enter the duration in whole minutes.") from exc
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        raise ValidationError(f"Choose between {DURATION_MIN} and {DURATION_MAX} minutes.")
    return minutes


# --- Reads and writes --------------------------------------------------------------------


def get_profile(user: User) -> MentorProfile:
    """The mentor's profile (created on first use, e.g. for admin-made mentors)."""
    profile, _ = MentorProfile.objects.select_related("user").get_or_create(user=user)
    return profile


def update_profile(
    user: User,
    changes: dict,
    *,
    picture: ProcessedPicture | None = None,
    remove_picture: bool = False,
) -> MentorProfile:
    """Apply already-validated changes; replace or remove the picture.

    New picture files are written before the row changes and deleted again if
    the transaction fails; the old files are deleted only after commit, so the
    row never points at a missing file.
    """
    changes = _expand_bio(changes)
    new_paths: tuple[str, str] | None = store_picture(picture) if picture else None
    try:
        with transaction.atomic():
            get_profile(user)
            profile = (
                MentorProfile.objects.select_for_update().select_related("user").get(user=user)
            )
            old_paths = (profile.picture, profile.picture_small)
            fields = [f for f in PROFILE_FIELDS if f in changes]
            for field in fields:
                setattr(profile, field, changes[field])
            if new_paths or remove_picture:
                profile.picture, profile.picture_small = new_paths or ("", "")
                fields += ["picture", "picture_small"]
                if any(old_paths):
                    transaction.on_commit(lambda: delete_pictures(*old_paths))
            profile.save(update_fields=[*fields, "updated_at"])
            if "timezone" in changes and changes["timezone"] != user.timezone:
                User.objects.filter(pk=user.pk).update(timezone=changes["timezone"])
                user.timezone = changes["timezone"]
            profile.user = user
            user.mentor_profile = profile
    except BaseException:
        if new_paths:
            delete_pictures(*new_paths)
        raise
    return profile


def remove_picture(user: User) -> MentorProfile:
    return update_profile(user, {}, remove_picture=True)


def profile_payload(profile: MentorProfile) -> dict:
    """The profile as the API shows it (also what the form starts from)."""
    return {
        "display_name": profile.display_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "expertise": list(profile.expertise or []),
        "languages": list(profile.languages or []),
        "timezone": profile.user.timezone,
        "default_price": profile.default_price,
        "default_duration_minutes": profile.default_duration_minutes,
        "picture_url": profile.picture_url,
    }


# --- What learners see ------------------------------------------------------------------


def bio_source(profile: MentorProfile) -> str:
    """The Markdown the editor starts from (made from the HTML for rows that lack it)."""
    return settle(profile.bio, profile.bio_markdown).source


def card_for(profile: MentorProfile, overrides: dict | None = None) -> dict:
    """The public card of a mentor; `overrides` shows unsaved edits (preview)."""
    data = {**profile_payload(profile), **(overrides or {})}
    # Stored bios are already clean; cleaning again guards rows edited elsewhere (admin).
    data["bio"] = clean_html(data["bio"])
    name = data["display_name"] or profile.user.get_full_name() or profile.user.username
    parts = name.split()
    return {
        **data,
        "name": name,
        "initials": "".join(p[0] for p in parts[:2]).upper() if parts else "?",
        "user_id": profile.user_id,
    }


def preview_overrides(raw) -> dict:
    """Clean each submitted field on its own; invalid ones keep the saved value."""
    cleaners = {
        "display_name": lambda v: clean_text(v, label="Display name", limit=DISPLAY_NAME_MAX),
        "headline": lambda v: clean_text(v, label="Headline", limit=HEADLINE_MAX),
        "bio": lambda v: clean_bio(v).html,
        "expertise": lambda v: clean_tags(v, label="Expertise", limit=MAX_EXPERTISE),
        "languages": lambda v: clean_tags(v, label="Language", limit=MAX_LANGUAGES),
        "timezone": clean_timezone,
        "default_price": clean_price,
        "default_duration_minutes": clean_duration,
    }
    out = {}
    for field, cleaner in cleaners.items():
        if field in raw:
            try:
                out[field] = cleaner(raw.get(field))
            except ValidationError:
                pass
    return out
