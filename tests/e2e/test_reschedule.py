"""The Reschedule dialog (issue #20 point 5) in a real browser: from the card's ⋯ menu,
a new day and time in the mentor's zone with the overlap hint, the card re-rendered
at the new time, and the booked learner told."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from notifications.models import Notification
from sessions_app.models import Session
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in
from tests.e2e.test_session_cards import SIZES, local_at, view_shot
from tests.sessions_app.builders import make_booking, make_session


@pytest.mark.parametrize("viewport", SIZES)
def test_a_mentor_reschedules_a_session_from_its_card(server_url, browser, viewport):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    learner = make_user("ana", first_name="Ana", last_name="Test")
    session = make_session(mentor, title="Office hours", starts_at=local_at(mentor, 2, 10))
    make_booking(session, learner)
    make_session(mentor, title="Pairing", starts_at=local_at(mentor, 4, 10))
    ctx, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/",
        viewport=viewport, has_touch=True,
    )  # fmt: skip
    card = page.locator("li", has_text="Office hours")
    card.get_by_role("button", name="More actions for Office hours").click()
    card.get_by_role("menu").get_by_role("menuitem", name="Reschedule").click()
    dialog = page.get_by_role("dialog", name="Reschedule ‘Office hours’")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("1 booked learner will be told")

    # A clashing time: the hint warns as it is picked, and saving refuses it.
    target = local_at(mentor, 4, 10)
    dialog.get_by_label("New date").fill(target.date().isoformat())
    dialog.get_by_label("New start time").fill("10:30")
    region = dialog.locator("#reschedule-overlap")
    expect(region).to_contain_text("Heads up: this overlaps 1 of your scheduled sessions")
    assert no_horizontal_overflow(page)
    view_shot(page, f"reschedule-dialog-overlap-{viewport['width']}")
    dialog.get_by_role("button", name="Reschedule").click()
    expect(dialog).to_contain_text("It overlaps your session ‘Pairing’")

    # A free time: the dialog closes and the card shows the new time.
    dialog.get_by_label("New start time").fill("14:00")
    expect(region).to_contain_text("No clash")
    dialog.get_by_label("Reason").fill("A conference")
    dialog.get_by_role("button", name="Reschedule").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#tab-panel")).to_contain_text("moved to")
    expect(page.locator("li", has_text="Office hours")).to_contain_text("14:00")
    view_shot(page, f"reschedule-done-{viewport['width']}")
    session.refresh_from_db()
    assert session.starts_at == local_at(mentor, 4, 14) and session.sequence == 1
    assert session.status == Session.Status.SCHEDULED
    note = Notification.objects.get(user=learner, kind="session_rescheduled")
    assert "A conference" in note.body
    assert page.js_errors == []
    ctx.close()
