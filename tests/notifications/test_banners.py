"""Urgent banners: templates only read; opening a page closes its alerts before the view."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.notifications.builders import make_notification

pytestmark = pytest.mark.django_db

EARNINGS = "/mentor/dashboard/earnings/"


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]


def test_rendering_the_banners_writes_nothing(mentor):
    urgent = make_notification(mentor, "Payout failed", level="urgent", url=EARNINGS)
    request = RequestFactory().get(EARNINGS)
    request.user = mentor
    template = Template("{% load notifications %}{% notification_banners %}")
    with CaptureQueriesContext(connection) as ctx:
        html = template.render(Context({"request": request}))
    assert _writes(ctx.captured_queries) == []
    assert "Payout failed" in html  # shown: the template doesn't close it
    urgent.refresh_from_db()
    assert urgent.read_at is None


def test_opening_the_page_closes_its_alert_before_the_page_renders(mentor, mentor_client):
    urgent = make_notification(mentor, "Payout failed", level="urgent", url=EARNINGS)
    other = make_notification(mentor, "Starts soon", level="urgent", url="/live/3/")
    html = mentor_client.get(EARNINGS).content.decode()
    urgent.refresh_from_db()
    other.refresh_from_db()
    assert urgent.read_at is not None and other.read_at is None
    assert "Payout failed" not in html and "Starts soon" in html


@pytest.mark.parametrize(
    "path, headers",
    [
        (EARNINGS, {"HTTP_HX_REQUEST": "true"}),  # an htmx fragment, not a page load
        ("/api/notifications/", {}),
    ],
)
def test_fragments_and_the_api_close_nothing(mentor, mentor_client, path, headers):
    urgent = make_notification(mentor, "Payout failed", level="urgent", url=path)
    mentor_client.get(path, **headers)
    urgent.refresh_from_db()
    assert urgent.read_at is None


def test_only_a_signed_in_users_page_load_counts(mentor):
    from django.contrib.auth.models import AnonymousUser
    from django_htmx.middleware import HtmxDetails

    from notifications.middleware import is_page_load

    def request(method="get", path=EARNINGS, user=mentor, **headers):
        req = getattr(RequestFactory(), method)(path, **headers)
        req.user = user
        req.htmx = HtmxDetails(req)
        return req

    assert is_page_load(request())
    assert is_page_load(request(HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true"))
    assert not is_page_load(request("post"))
    assert not is_page_load(request(user=AnonymousUser()))
    assert not is_page_load(request(HTTP_HX_REQUEST="true"))
    assert not is_page_load(request(path="/api/me/"))


def test_a_new_alert_shows_on_the_next_page_after_pages_without_any(mentor, mentor_client):
    # With no open urgent alert the banners need no query (known per process
    # under the user's stamp); a new alert changes the stamp.
    from accounts.user_cache import user_stamp
    from notifications.queries import open_urgent_urls

    page = "/mentor/dashboard/requests/"
    assert "Payout failed" not in mentor_client.get(page).content.decode()
    assert user_stamp(mentor) and open_urgent_urls(mentor) == frozenset()
    with CaptureQueriesContext(connection) as ctx:
        mentor_client.get(page)
    assert not [q for q in ctx.captured_queries if "EXISTS" in q["sql"].upper()]
    make_notification(mentor, "Payout failed", level="urgent", url=EARNINGS)
    assert "Payout failed" in mentor_client.get(page).content.decode()
