"""Reads for the bell, the tab, banners and the socket's catch-up.

Every function runs a fixed number of queries, however many rows there are.
"""

from collections.abc import Callable
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from accounts.user_cache import user_stamp

from .models import Notification

MENU_SIZE = 10
PAGE_SIZE = 20
CATCH_UP_BATCH = 50
BANNER_MAX_AGE = timedelta(hours=12)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


URGENT_URLS_MAX = 100  # more open urgent alerts than this: not kept, looked up per page
_urgent_urls: dict[int, tuple[str, frozenset[str] | None]] = {}


def open_urgent_urls(user) -> frozenset[str] | None:
    """The paths the user's open urgent alerts point to (None: too many to keep).

    Asked on every full page load (notifications.middleware), so each process
    keeps the answer while the user's stamp (accounts.user_cache) holds: every
    change to a user's urgent alerts calls forget_user (services, signals), so
    all processes ask the database again on their next page load.
    """
    stamp = user_stamp(user)  # before the rows, so a later change is seen
    entry = _urgent_urls.get(user.pk)
    if stamp and entry is not None and entry[0] == stamp:
        return entry[1]
    urls = list(
        for_user(user)
        .filter(level=Notification.Level.URGENT, read_at__isnull=True)
        .values_list("url", flat=True)[: URGENT_URLS_MAX + 1]
    )
    known = frozenset(urls) if len(urls) <= URGENT_URLS_MAX else None
    if len(_urgent_urls) >= 10_000:
        _urgent_urls.clear()
    _urgent_urls[user.pk] = (stamp, known)
    return known


def for_user(user):
    return Notification.objects.filter(user=user)


def latest(user, limit: int = MENU_SIZE) -> list[Notification]:
    return list(for_user(user).order_by("-id")[:limit])


def page(user, *, unread_only: bool = False, number=1) -> Page:
    rows = for_user(user).order_by("-id")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return Paginator(rows, PAGE_SIZE).get_page(number)


def newest_id(user) -> int:
    return for_user(user).order_by("-id").values_list("id", flat=True).first() or 0


def newer_than(user, last_id: int, limit: int = CATCH_UP_BATCH) -> list[Notification]:
    """The rows a client that has seen up to `last_id` missed, oldest first."""
    return list(for_user(user).filter(id__gt=last_id).order_by("id")[:limit])


# Banner rules: the app that owns a banner's subject says when it is still true
# (a session's "starts in" goes once it started, ended or was cancelled). Each
# rule narrows the queryset (in SQL, so the count of queries stays fixed) and
# is registered in that app's ready(): notifications imports no app above it.
BannerRule = Callable[[QuerySet], QuerySet]
_banner_rules: list[BannerRule] = []


def register_banner_rule(rule: BannerRule) -> None:
    if rule not in _banner_rules:
        _banner_rules.append(rule)


def open_banners(user, limit: int = 3) -> list[Notification]:
    """Recent urgent alerts the user has not dealt with yet and that are still
    true (banner rules), newest first."""
    since = timezone.now() - BANNER_MAX_AGE
    rows = for_user(user).filter(
        level=Notification.Level.URGENT, read_at__isnull=True, created_at__gte=since
    )
    for rule in _banner_rules:
        rows = rule(rows)
    return list(rows.order_by("-id")[:limit])
