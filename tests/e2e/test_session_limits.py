"""Issue #18 point 10: the Seats field is capped at what the room supports and says so;
a refusal keeps the dialog's Save buttons in view on a phone and on a desktop."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot


def _in_view_and_clickable(locator) -> bool:
    return locator.evaluate(
        """e => { const r = e.getBoundingClientRect();
                  if (r.bottom > innerHeight || r.top < 0) return false;
                  return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"""
    )


@pytest.mark.parametrize("size", [(360, 740), (1280, 900)], ids=["phone", "desktop"])
def test_seats_are_capped_at_the_room_limit_and_errors_keep_save_in_view(server_url, browser, size):
    limit = settings.LIVE_MESH_LIMIT
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    ctx, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/draft/",
        viewport={"width": size[0], "height": size[1]},
    )  # fmt: skip
    page.get_by_role("button", name="Create Session").first.click()
    dialog = page.get_by_role("dialog", name="New session")
    expect(dialog).to_be_visible()
    seats = dialog.get_by_label("Seats")
    expect(seats).to_have_attribute("max", str(limit))
    expect(seats).to_have_accessible_description(
        re.compile(f"Up to {limit} learners: the video room is peer-to-peer")
    )
    # Stepping up stops at the limit.
    seats.fill(str(limit))
    seats.press("ArrowUp")
    expect(seats).to_have_value(str(limit))

    # Typed past the limit: refused on the field, and the buttons stay in view.
    dialog.get_by_label("Title").fill("Group clinic")
    seats.fill(str(limit + 1))
    dialog.get_by_role("button", name="Save draft").click()
    expect(dialog.locator("#id_capacity_error")).to_contain_text(f"at most {limit} learners")
    for name in ("Save draft", "Save and publish"):
        assert _in_view_and_clickable(dialog.get_by_role("button", name=name)), name
    assert no_horizontal_overflow(page)
    screenshot(page, f"sessions-dialog-seats-error-{size[0]}")
    seats.fill(str(limit))
    dialog.get_by_role("button", name="Save draft").click()
    expect(dialog).to_be_hidden()
    assert page.js_errors == []
    ctx.close()
