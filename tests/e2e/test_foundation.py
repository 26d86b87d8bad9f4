"""Foundation in a real browser: sign in, HTMX tabs, back button, mobile width."""

import re

from playwright.sync_api import expect

from accounts.demo import seed_accounts
from tests.e2e.conftest import no_horizontal_overflow, screenshot

TABS = ["My Sessions", "Requests", "Earnings", "Analytics", "Profile", "Notifications"]


def test_mentor_signs_in_and_clicks_through_every_tab_without_reload(server_url, page):
    seed_accounts()
    page.goto(f"{server_url}/login/")
    page.get_by_label("Username").fill("mentor")
    page.get_by_label("Password").fill("mentorhub-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard")
    page.evaluate("window.__marker = 'still-here'")

    for name in TABS:
        page.get_by_role("tab", name=re.compile(f"^{name}")).click()
        expect(page.get_by_role("tab", name=re.compile(f"^{name}"))).to_have_attribute(
            "aria-selected", "true"
        )
    for sub in ["Draft", "Scheduled", "Past"]:
        page.get_by_role("tab", name=re.compile("^My Sessions")).click()
        page.get_by_role("tab", name=sub, exact=True).click()
        expect(page.get_by_role("tab", name=sub, exact=True)).to_have_attribute(
            "aria-selected", "true"
        )
        expect(page).to_have_url(f"{server_url}/mentor/dashboard/sessions/{sub.lower()}/")
    assert page.evaluate("window.__marker") == "still-here"

    page.get_by_role("tab", name=re.compile("^Earnings")).click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/earnings/")
    page.go_back()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/sessions/past/")
    expect(page.get_by_role("tab", name="Past", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    # Reload and deep link keep working.
    page.reload()
    expect(page.get_by_role("tab", name="Past", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )


def test_keyboard_arrows_move_between_tabs(server_url, page):
    seed_accounts()
    page.goto(f"{server_url}/login/?next=/mentor/dashboard/requests/")
    page.get_by_label("Username").fill("mentor")
    page.get_by_label("Password").fill("mentorhub-demo")
    page.get_by_label("Password").press("Enter")
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/requests/")
    page.get_by_role("tab", name=re.compile("^Requests")).focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/earnings/")


def test_dashboard_fits_a_phone(server_url, browser):
    seed_accounts()
    context = browser.new_context(viewport={"width": 375, "height": 812}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server_url}/login/")
    page.get_by_label("Username").fill("mentor")
    page.get_by_label("Password").fill("mentorhub-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("tab", name=re.compile("^My Sessions"))).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "dashboard-375")
    context.close()


def test_learner_sees_the_403_page_on_the_dashboard(server_url, page):
    seed_accounts()
    page.goto(f"{server_url}/login/")
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password").fill("mentorhub-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server_url}/")
    response = page.goto(f"{server_url}/mentor/dashboard")
    assert response.status == 403
    expect(page.get_by_role("heading", name="This dashboard is for mentors")).to_be_visible()


def test_csp_is_enforced_and_the_app_needs_no_eval(server_url, browser):
    seed_accounts()
    context = browser.new_context()  # CSP enforced
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{server_url}/login/")
    page.get_by_label("Username").fill("mentor")
    page.get_by_label("Password").fill("mentorhub-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("tab", name=re.compile("^Requests")).click()
    expect(page.get_by_role("tab", name=re.compile("^Requests"))).to_have_attribute(
        "aria-selected", "true"
    )
    assert violations == []
    context.close()
