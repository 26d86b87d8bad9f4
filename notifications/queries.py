"""Reads for the bell, the tab, banners and the socket's catch-up.

Every function runs a fixed number of queries, however many rows there are.
"""

from collections.abc import Callable
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification

MENU_SIZE = 10
PAGE_SIZE = 20
CATCH_UP_BATCH = 50
BANNER_MAX_AGE = timedelta(hours=12)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


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
