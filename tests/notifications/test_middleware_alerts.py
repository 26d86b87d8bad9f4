"""Opening a page closes its urgent alerts without a query per page load
(notifications.queries.open_urgent_urls, kept per process by the user's stamp)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from accounts.user_cache import cached_user
from notifications.middleware import close_alerts_for_page
from notifications.models import Notification
from notifications.services import mark_unread
from tests.notifications.builders import make_notification

pytestmark = pytest.mark.django_db

PAGE = "/mentor/dashboard/sessions/"


def _notification_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "notifications_notification" in q["sql"]]


def test_a_page_load_with_no_alert_for_it_runs_no_query_once_known(mentor):
    make_notification(mentor, "Elsewhere", level="urgent", url="/live/1/")
    user = cached_user(mentor.pk)
    close_alerts_for_page(user, PAGE)
    with CaptureQueriesContext(connection) as second:
        close_alerts_for_page(cached_user(mentor.pk), PAGE)
    assert len(second) == 0


def test_an_alert_created_after_the_alerts_were_known_is_closed_by_the_next_page_load(mentor):
    close_alerts_for_page(cached_user(mentor.pk), PAGE)  # nothing open: remembered
    alert = make_notification(mentor, "Starts soon", level="urgent", url=PAGE)
    close_alerts_for_page(cached_user(mentor.pk), PAGE)
    alert.refresh_from_db()
    assert alert.read_at is not None


def test_an_alert_marked_unread_again_is_closed_by_the_next_page_load(mentor):
    alert = make_notification(mentor, "Starts soon", level="urgent", url=PAGE)
    close_alerts_for_page(cached_user(mentor.pk), PAGE)
    mark_unread(mentor, alert.pk)
    close_alerts_for_page(cached_user(mentor.pk), PAGE)
    alert.refresh_from_db()
    assert alert.read_at is not None


def test_a_change_announced_by_another_process_is_seen_on_the_next_page_load(mentor):
    from django.core.cache import caches

    close_alerts_for_page(cached_user(mentor.pk), PAGE)
    # Another process stored an urgent alert (a plain queryset: nothing announced
    # here; Notification.objects would set a new stamp) and set a new stamp.
    (alert,) = QuerySet(Notification).bulk_create(
        [Notification(user=mentor, kind="system", title="Soon", level="urgent", url=PAGE)]
    )
    with CaptureQueriesContext(connection) as queries:
        close_alerts_for_page(cached_user(mentor.pk), PAGE)
    assert _notification_queries(queries.captured_queries) == []  # not announced yet
    caches["auth"].set(f"accounts.user.{mentor.pk}", "set-by-another-process", None)
    with CaptureQueriesContext(connection) as queries:
        close_alerts_for_page(cached_user(mentor.pk), PAGE)
    assert _notification_queries(queries.captured_queries)
    alert.refresh_from_db()
    assert alert.read_at is not None
