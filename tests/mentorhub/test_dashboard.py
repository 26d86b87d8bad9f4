"""The mentor-only dashboard shell: access, tabs, full page vs fragment."""

import pytest

from tests.conftest import jwt_client

pytestmark = pytest.mark.django_db

TAB_URLS = [
    "/mentor/dashboard",
    "/mentor/dashboard/sessions/draft/",
    "/mentor/dashboard/sessions/scheduled/",
    "/mentor/dashboard/sessions/past/",
    "/mentor/dashboard/requests/",
    "/mentor/dashboard/earnings/",
    "/mentor/dashboard/analytics/",
    "/mentor/dashboard/profile/",
    "/mentor/dashboard/notifications/",
]
TAB_NAMES = ["My Sessions", "Requests", "Earnings", "Analytics", "Profile", "Notifications"]


@pytest.mark.parametrize("url", TAB_URLS)
def test_anonymous_is_sent_to_login(anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("url", TAB_URLS)
def test_learner_gets_a_friendly_403(learner_client, url):
    response = learner_client.get(url)
    assert response.status_code == 403
    assert b"This dashboard is for mentors" in response.content
    assert b'href="/"' in response.content


@pytest.mark.parametrize("url", TAB_URLS)
def test_mentor_gets_the_full_page(mentor_client, url):
    response = mentor_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    for name in TAB_NAMES:
        assert f">{name}" in html
    assert 'role="tablist"' in html


@pytest.mark.parametrize("url", TAB_URLS)
def test_htmx_request_gets_only_the_fragment(mentor_client, url):
    response = mentor_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-swap-oob="true"' in html  # the tab bar follows the active tab


def test_htmx_anonymous_gets_a_client_redirect(anon_client):
    response = anon_client.get("/mentor/dashboard/requests/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login/?next=")


def test_unknown_subtab_is_404(mentor_client):
    assert mentor_client.get("/mentor/dashboard/sessions/nope/").status_code == 404


def test_active_tab_is_marked(mentor_client):
    html = mentor_client.get("/mentor/dashboard/earnings/").content.decode()
    assert 'id="tab-earnings" role="tab"' in html
    start = html.index('id="tab-earnings"')
    assert 'aria-selected="true"' in html[start : start + 400]


def test_learner_home_and_mentor_root_redirect(learner_client, mentor):
    assert learner_client.get("/").status_code == 200
    assert jwt_client(mentor).get("/")["Location"] == "/mentor/dashboard"


def test_pages_carry_security_headers(mentor_client):
    response = mentor_client.get("/mentor/dashboard")
    csp = response.headers["Content-Security-Policy"]
    script_src = [d for d in csp.split(";") if d.strip().startswith("script-src")][0]
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "nonce-" in script_src
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_static_css_is_served(anon_client):
    from django.contrib.staticfiles import finders

    assert finders.find("css/dist/styles.css")


def _selected_tab(html: str) -> str:
    import re

    return re.search(r'id="tab-(\w+)" role="tab"[^>]*aria-selected="true"', html).group(1)


def _badge(html: str) -> str:
    import re

    return re.search(r'id="requests-badge"[^>]*>(\d+)<', html).group(1)


def test_the_tab_bar_follows_the_tab_and_the_pending_count(mentor, mentor_client, learner):
    # The bar's markup is kept per process per (tab, count, out of band): every
    # one of those must still show in it.
    from datetime import timedelta

    from django.utils import timezone

    from requests_app.services import create_request

    fragment = {"HX-Request": "true"}
    for url, tab in [
        ("/mentor/dashboard/earnings/", "earnings"),
        ("/mentor/dashboard/analytics/", "analytics"),
        ("/mentor/dashboard/sessions/draft/", "sessions"),
    ]:
        for headers in ({}, fragment):
            html = mentor_client.get(url, headers=headers).content.decode()
            assert _selected_tab(html) == tab
            assert _badge(html) == "0"
            bar = html[html.index('id="dashboard-tabs"') - 30 : html.index('id="dashboard-tabs"')]
            assert ("hx-swap-oob" in html[html.index("<nav") : html.index("<nav") + 80]) == (
                headers == fragment
            ), bar
    create_request(
        learner, mentor, topic="Help", preferred_times=[timezone.now() + timedelta(days=3)]
    )
    for headers in ({}, fragment):
        html = mentor_client.get("/mentor/dashboard/earnings/", headers=headers).content.decode()
        assert _badge(html) == "1"
