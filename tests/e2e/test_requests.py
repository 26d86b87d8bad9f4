"""Requests in a real browser: a learner asks, the mentor's badge counts up live,
the mentor accepts the second preferred time in the dialog, both sides see it."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from accounts.demo import seed_accounts
from core.formatting import zone_label
from requests_app.models import SessionRequest
from sessions_app.models import Session
from tests.e2e.conftest import no_horizontal_overflow, screenshot, sign_in


def _local_slots(zone: str, *hours: int) -> list[datetime]:
    day = (datetime.now(ZoneInfo(zone)) + timedelta(days=2)).date()
    return [datetime(day.year, day.month, day.day, h, tzinfo=ZoneInfo(zone)) for h in hours]


def _send_request(page, server_url: str, mentor, first: datetime, second: datetime) -> None:
    """The learner fills the real request form with two preferred times and sends it."""
    page.goto(f"{server_url}/mentors/{mentor.pk}/request/")
    expect(page.get_by_text(zone_label("Europe/London")).first).to_be_visible()  # "London (GMT+0)"
    page.get_by_label("Topic").fill("Review my <b>Django</b> API")
    page.get_by_label("Message").fill("Nested routes confuse me.\nSecond line.")
    page.get_by_label("First choice").fill(first.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Option 2 (optional)").fill(second.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Duration").select_option("45")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent.")).to_be_visible()
    my_requests = page.locator("#my-requests")
    expect(my_requests.get_by_text("Review my <b>Django</b> API")).to_be_visible()
    expect(my_requests.get_by_text("Pending")).to_be_visible()


def _accept_second_choice(page, server_url: str, mentor, second: datetime) -> None:
    """The mentor opens Requests, accepts the request at its 2nd choice; the row goes away."""
    page.get_by_role("tab", name=re.compile("^Requests")).click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/requests/")
    row = page.locator("#requests-list li").filter(has_text="Review my <b>Django</b> API")
    expect(row).to_be_visible()
    expect(row.get_by_text("Second line.")).to_be_visible()
    row.get_by_role("button", name="Accept").click()
    dialog = page.get_by_role("dialog", name="Accept request")
    expect(dialog).to_be_visible()
    berlin = second.astimezone(ZoneInfo(mentor.timezone))
    choice = dialog.get_by_role("radio", name=re.compile("^2nd choice"))
    expect(dialog.get_by_text(re.compile(f"2nd choice:.*{berlin:%H:%M}"))).to_be_visible()
    choice.check()
    expect(dialog.get_by_text("No clash with your scheduled sessions.")).to_be_visible()
    screenshot(page, "requests-accept-dialog")
    dialog.get_by_role("button", name="Accept and schedule").click()
    expect(dialog).to_be_hidden()
    expect(row).to_have_count(0)


def test_a_request_travels_from_learner_to_mentor_and_back(server_url, browser):
    users = seed_accounts()
    mentor, learner = users["mentor"], users["learner"]  # Europe/Berlin, Europe/London
    first, second = _local_slots(learner.timezone, 10, 15)

    mentor_ctx, learner_ctx = browser.new_context(), browser.new_context()
    sign_in(mentor_ctx, server_url, mentor)
    sign_in(learner_ctx, server_url, learner)
    mentor_page, learner_page = mentor_ctx.new_page(), learner_ctx.new_page()

    # The mentor waits on another tab; the badge shows no pending request yet.
    mentor_page.goto(f"{server_url}/mentor/dashboard/sessions/scheduled/")
    expect(mentor_page.locator("#shell")).to_have_attribute("data-realtime-state", "open")
    badge = mentor_page.locator("#requests-badge")
    expect(badge).to_be_hidden()
    mentor_page.evaluate("window.__marker = 'no-reload'")

    # The learner sends a request through the real form.
    _send_request(learner_page, server_url, mentor, first, second)

    # The mentor's badge counts up without a reload.
    expect(badge).to_be_visible(timeout=15000)
    expect(badge).to_have_text("1")
    assert mentor_page.evaluate("window.__marker") == "no-reload"

    # Accept in the dialog, choosing the learner's second preferred time.
    _accept_second_choice(mentor_page, server_url, mentor, second)
    expect(mentor_page.get_by_role("status").filter(has_text="Accepted")).to_be_visible()
    expect(badge).to_be_hidden()
    assert mentor_page.evaluate("window.__marker") == "no-reload"

    request_obj = SessionRequest.objects.get(learner=learner, mentor=mentor)
    assert request_obj.status == "accepted"
    assert request_obj.scheduled_at == second
    session = Session.objects.get(pk=request_obj.session_id)
    assert (session.booked_count, session.capacity, session.duration_minutes) == (1, 1, 45)

    # The session is under Scheduled with 1 / 1 participants.
    mentor_page.get_by_role("tab", name=re.compile("^My Sessions")).click()
    mentor_page.get_by_role("tab", name="Scheduled", exact=True).click()
    expect(mentor_page.locator(f"#participants-{session.pk}")).to_have_text("1 / 1")
    expect(mentor_page.locator(f"#session-{session.pk}")).to_contain_text(
        "Review my <b>Django</b> API"
    )

    # The learner sees "accepted" with the time, in their zone.
    learner_page.reload()
    item = learner_page.locator(f"#my-request-{request_obj.pk}")
    expect(item).to_contain_text("Accepted")
    expect(item).to_contain_text(f"{second:%H:%M}")
    expect(item.get_by_role("link", name=re.compile("View session"))).to_have_attribute(
        "href", f"/sessions/{session.pk}/"
    )
    screenshot(learner_page, "requests-learner-home")
    mentor_ctx.close()
    learner_ctx.close()


def test_decline_and_withdraw_with_confirmation_and_no_script_runs(server_url, browser):
    users = seed_accounts()
    mentor, learner = users["mentor"], users["learner"]
    slots = _local_slots("UTC", 9, 11)
    rows = [
        SessionRequest.objects.create(
            learner=learner, mentor=mentor, topic=topic, message="<script>window.__xss=1</script>",
            preferred_times=[t.isoformat() for t in slots], last_preferred_at=slots[-1],
        )
        for topic in ("Decline me <img src=x onerror=window.__xss=2>", "Withdraw me")
    ]  # fmt: skip

    mentor_ctx, learner_ctx = browser.new_context(), browser.new_context()
    sign_in(mentor_ctx, server_url, mentor)
    sign_in(learner_ctx, server_url, learner)
    page = mentor_ctx.new_page()
    page.goto(f"{server_url}/mentor/dashboard/requests/")
    expect(page.locator("#requests-badge")).to_have_text("2")
    # Live updates are not replayed: wait for the socket before acting elsewhere.
    expect(page.locator("#shell")).to_have_attribute("data-realtime-state", "open")
    row = page.locator(f"#request-{rows[0].pk}")
    expect(row).to_contain_text("<script>window.__xss=1</script>")
    assert page.evaluate("window.__xss") is None

    row.get_by_role("button", name="Decline").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Reason (optional)").fill("Fully booked this month")
    dialog.get_by_role("button", name="Decline request").click()
    expect(dialog).to_be_hidden()
    expect(row).to_have_count(0)
    expect(page.locator("#requests-badge")).to_have_text("1")

    # The learner withdraws the other one, after confirming.
    learner_page = learner_ctx.new_page()
    learner_page.goto(f"{server_url}/")
    item = learner_page.locator(f"#my-request-{rows[1].pk}")
    item.get_by_role("button", name=re.compile("Withdraw")).click()
    confirm = learner_page.get_by_role("dialog", name="Withdraw your request?")
    confirm.get_by_role("button", name="Keep request").click()
    expect(confirm).to_be_hidden()
    item.get_by_role("button", name=re.compile("Withdraw")).click()
    learner_page.get_by_role("dialog").get_by_role("button", name="Withdraw request").click()
    expect(learner_page.get_by_text("Request withdrawn.")).to_be_visible()
    expect(learner_page.locator(f"#my-request-{rows[1].pk}")).to_contain_text("Withdrawn")
    expect(learner_page.locator(f"#my-request-{rows[0].pk}")).to_contain_text(
        "Fully booked this month"
    )
    # The mentor's open dashboard drops to zero pending without a reload.
    expect(page.locator("#requests-badge")).to_be_hidden(timeout=15000)
    mentor_ctx.close()
    learner_ctx.close()


def test_requests_pages_fit_a_360px_screen(server_url, browser):
    users = seed_accounts()
    mentor, learner = users["mentor"], users["learner"]
    slots = _local_slots("UTC", 9, 10, 11, 12, 13)
    SessionRequest.objects.create(
        learner=learner, mentor=mentor, topic="A rather long topic " * 8, message="word " * 200,
        preferred_times=[t.isoformat() for t in slots], last_preferred_at=slots[-1],
    )  # fmt: skip
    for user, url in (
        (mentor, "/mentor/dashboard/requests/"),
        (learner, f"/mentors/{mentor.pk}/request/"),
    ):
        ctx = browser.new_context(viewport={"width": 360, "height": 740})
        sign_in(ctx, server_url, user)
        page = ctx.new_page()
        page.goto(server_url + url)
        if user == mentor:
            page.get_by_role("button", name="Accept").click()
            expect(page.get_by_role("dialog")).to_be_visible()
        assert no_horizontal_overflow(page)
        screenshot(page, f"requests-360-{user.username}")
        ctx.close()
