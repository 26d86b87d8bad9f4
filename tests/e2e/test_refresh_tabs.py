"""Several tabs whose access cookie expired reload at once: all stay signed in."""

import re
from datetime import timedelta

from django.conf import settings
from playwright.sync_api import expect
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import make_user
from tests.e2e.conftest import sign_in


def _expire_access_cookie(context, server_url, user) -> None:
    expired = AccessToken.for_user(user)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    context.add_cookies(
        [{"name": settings.JWT_ACCESS_COOKIE, "value": str(expired), "url": server_url}]
    )


def _refresh_cookie(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == settings.JWT_REFRESH_COOKIE)


def test_two_tabs_with_an_expired_access_cookie_reload_at_once_and_stay_signed_in(
    server_url, browser
):
    mentor = make_user("tabs_mentor", "mentor")
    context = browser.new_context()
    sign_in(context, server_url, mentor)
    dashboard = f"{server_url}/mentor/dashboard"
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:
        tab.goto(dashboard)
        expect(tab.get_by_role("tab", name=re.compile("^My Sessions"))).to_be_visible()
    _expire_access_cookie(context, server_url, mentor)
    old_refresh = _refresh_cookie(context)

    # Both requests leave before either answer arrives: same refresh cookie.
    with tabs[0].expect_navigation() as first, tabs[1].expect_navigation() as second:
        for tab in tabs:
            tab.evaluate("() => { setTimeout(() => location.reload(), 0) }")
    for tab, navigation in zip(tabs, (first, second), strict=True):
        assert navigation.value.url == dashboard  # not redirected to /login/
        expect(tab.get_by_role("tab", name=re.compile("^My Sessions"))).to_be_visible()

    new_refresh = _refresh_cookie(context)
    assert new_refresh and new_refresh != old_refresh
    # The pair both tabs received is a working one.
    tabs[0].reload()
    expect(tabs[0]).to_have_url(dashboard)
    context.close()
