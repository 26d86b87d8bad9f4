"""Issue #18 point 14: accepting and declining a request leaves the console clean
(no errors, no htmx warnings such as a `hx-disabled-elt` selector matching nothing)."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from accounts.demo import seed_accounts
from requests_app.models import SessionRequest
from tests.e2e.conftest import sign_in


def _collect_console(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(f"{m.type}: {m.text}")
        if m.type in ("error", "warning")
        else None,
    )
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    return messages


def test_accept_and_decline_leave_no_console_errors_or_htmx_warnings(server_url, browser):
    users = seed_accounts()
    mentor, learner = users["mentor"], users["learner"]
    day = (datetime.now(UTC) + timedelta(days=2)).date()
    slots = [datetime(day.year, day.month, day.day, h, tzinfo=UTC) for h in (9, 11)]
    rows = [
        SessionRequest.objects.create(
            learner=learner, mentor=mentor, topic=topic, message="",
            preferred_times=[t.isoformat() for t in slots], last_preferred_at=slots[-1],
        )
        for topic in ("Accept me", "Decline me")
    ]  # fmt: skip
    ctx = browser.new_context()
    sign_in(ctx, server_url, mentor)
    page = ctx.new_page()
    messages = _collect_console(page)
    page.goto(f"{server_url}/mentor/dashboard/requests/")
    expect(page.locator("#shell")).to_have_attribute("data-realtime-state", "open")

    accept_row = page.locator(f"#request-{rows[0].pk}")
    accept_row.get_by_role("button", name="Accept").click()
    dialog = page.get_by_role("dialog", name="Accept request")
    dialog.get_by_role("radio", name=re.compile("^2nd choice")).check()
    expect(dialog.get_by_text("No clash with your scheduled sessions.")).to_be_visible()
    dialog.get_by_role("button", name="Accept and schedule").click()
    expect(dialog).to_be_hidden()
    expect(accept_row).to_have_count(0)

    decline_row = page.locator(f"#request-{rows[1].pk}")
    decline_row.get_by_role("button", name="Decline").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Decline request").click()
    expect(dialog).to_be_hidden()
    expect(decline_row).to_have_count(0)
    page.wait_for_timeout(500)  # late swaps (live fragments) log too

    assert SessionRequest.objects.get(pk=rows[0].pk).status == "accepted"
    assert SessionRequest.objects.get(pk=rows[1].pk).status == "declined"
    assert messages == [], messages
    ctx.close()
