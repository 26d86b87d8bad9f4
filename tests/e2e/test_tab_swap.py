"""Issue #19 target 3 in a real browser: what a tab switch does to the page.

The tab bar is updated in place (the focused tab stays focused, the Requests badge
takes the fragment's count), no snapshot of the panel goes to sessionStorage (Back
asks the server), and the old panel's htmx elements are still cleaned up when the
rest of it is dropped at once."""

import re

from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import open_signed_in

DASHBOARD = "/mentor/dashboard/sessions/scheduled/"


def test_a_tab_switch_updates_the_bar_in_place_and_back_asks_the_server(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = open_signed_in(browser, server_url, mentor, DASHBOARD)
    expect(page.locator("#subtab-scheduled")).to_be_visible()
    page.evaluate("""() => {
      window.__marker = 'same-page';
      window.__bar = document.getElementById('dashboard-tabs');
      const badge = document.getElementById('requests-badge');
      badge.textContent = '99';  // stale: the fragment's bar says 0
      badge.classList.remove('hidden');
    }""")

    earnings = page.get_by_role("tab", name="Earnings")
    earnings.click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/earnings/")
    expect(earnings).to_have_attribute("aria-selected", "true")
    expect(earnings).to_have_attribute("tabindex", "0")
    expect(earnings).to_have_class(re.compile(r"\bborder-indigo-600\b"))
    sessions = page.get_by_role("tab", name="My Sessions")
    expect(sessions).to_have_attribute("aria-selected", "false")
    expect(sessions).to_have_attribute("tabindex", "-1")
    expect(page.locator("#requests-badge")).to_have_text("0")
    expect(page.locator("#requests-badge")).to_have_class(re.compile(r"\bhidden\b"))
    assert page.evaluate("document.getElementById('dashboard-tabs') === window.__bar")
    assert page.evaluate("document.activeElement.id") == "tab-earnings"
    expect(page.get_by_role("heading", name="Earnings", level=1)).to_be_visible()
    expect(page.locator("#subtab-scheduled")).to_have_count(0)  # nothing of the old panel left
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None

    page.go_back()
    expect(page).to_have_url(f"{server_url}{DASHBOARD}")
    expect(page.locator("#subtab-scheduled")).to_have_attribute("aria-selected", "true")
    expect(sessions).to_have_attribute("aria-selected", "true")
    expect(page).to_have_title(re.compile("^My Sessions"))
    assert page.evaluate("window.__marker") == "same-page"
    assert page.js_errors == []
    context.close()


def test_the_old_panels_htmx_elements_are_still_cleaned_up(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = open_signed_in(browser, server_url, mentor, "/mentor/dashboard/profile/")
    expect(page.locator("#profile-form")).to_be_visible()
    driven = page.evaluate("""() => {
      window.__cleaned = new Set();
      document.addEventListener('htmx:beforeCleanupElement', (e) => window.__cleaned.add(e.target));
      const panel = document.getElementById('tab-panel');
      window.__driven = Array.from(panel.querySelectorAll('[hx-get],[hx-post]'));
      return window.__driven.length;
    }""")
    assert driven >= 3  # the form, the picture's remove button, the preview
    page.get_by_role("tab", name="Notifications").click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/notifications/")
    expect(page.locator("#profile-form")).to_have_count(0)
    # Every element htmx drove got its cleanup (listeners, timers), before it went.
    assert page.evaluate("window.__driven.every((el) => window.__cleaned.has(el))")
    assert page.js_errors == []
    context.close()
