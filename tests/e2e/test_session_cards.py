"""Session cards in a real browser (issue #18, points 8 and 11): the ⋯ menu by
keyboard and by touch inside the viewport, a refused Publish shown on its card
(and as a toast) far down a phone's list, the Create dialog's overlap hint."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from sessions_app.models import Session
from tests.conftest import make_user
from tests.e2e.conftest import SCREENSHOTS, no_horizontal_overflow, open_signed_in
from tests.sessions_app.builders import make_booking, make_session

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SIZES = [pytest.param(PHONE, id="360"), pytest.param(DESKTOP, id="1280")]


def view_shot(page, name: str) -> None:
    """What the user sees now (the viewport, not the whole page)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def inside_viewport(locator, page) -> bool:
    box, size = locator.bounding_box(), page.viewport_size
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def local_at(mentor, days: int, hour: int, minute: int = 0) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(mentor.tzinfo).date()
    return datetime.combine(day, time(hour, minute), tzinfo=mentor.tzinfo)


def walk_the_menu_by_keyboard(page, button, menu) -> None:
    """Enter opens on the first item, arrows move, Escape returns to the button."""
    button.focus()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("menuitem", name="Edit")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Add to calendar")).to_be_focused()
    page.keyboard.press("End")
    expect(menu.get_by_role("menuitem", name="Cancel session")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Edit")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowUp")
    expect(menu.get_by_role("menuitem", name="Cancel session")).to_be_focused()
    page.keyboard.press("Escape")


@pytest.mark.parametrize("viewport", SIZES)
def test_the_card_menu_works_by_keyboard_and_by_touch_inside_the_viewport(
    server_url, browser, viewport
):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    learners = [make_user(n, first_name=n.title(), last_name="Test") for n in ("ana", "ben")]
    for i in range(6):
        session = make_session(
            mentor, title=f"Office hours {i}", starts_at=local_at(mentor, i + 1, 10), capacity=4
        )
        for learner in learners[: i % 3]:
            make_booking(session, learner)
    ctx, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/",
        viewport=viewport, has_touch=True,
    )  # fmt: skip
    card = page.locator("li", has_text="Office hours 1")
    button = card.get_by_role("button", name="More actions for Office hours 1")
    menu = card.get_by_role("menu")
    expect(card.get_by_role("img", name="Booked: Ana Test")).to_be_visible()
    expect(card.locator("[data-primary]")).to_have_count(1)
    assert no_horizontal_overflow(page)
    view_shot(page, f"session-cards-{viewport['width']}")

    walk_the_menu_by_keyboard(page, button, menu)

    # Touch: a tap opens it inside the viewport; a tap elsewhere closes it.
    button.tap()
    expect(menu).to_be_visible()
    assert inside_viewport(menu, page)
    view_shot(page, f"session-card-menu-{viewport['width']}")
    page.get_by_role("heading", name="Office hours 3").tap()
    expect(menu).to_be_hidden()

    # The last card at the bottom of the screen: the menu opens upwards, still inside.
    last = page.locator("li", has_text="Office hours 5")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last.get_by_role("button", name="More actions").tap()
    last_menu = last.get_by_role("menu")
    expect(last_menu).to_be_visible()
    assert inside_viewport(last_menu, page), last_menu.bounding_box()
    assert no_horizontal_overflow(page)

    # An item that opens a dialog: focus comes back to the ⋯ button afterwards.
    last_menu.get_by_role("menuitem", name="Edit").click()
    expect(page.get_by_role("dialog", name="Edit session")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(last.get_by_role("button", name="More actions")).to_be_focused()
    assert page.js_errors == []
    ctx.close()


def test_a_refused_publish_far_down_a_phone_list_shows_on_the_card_and_as_a_toast(
    server_url, browser
):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    make_session(mentor, title="Booked slot", starts_at=local_at(mentor, 14, 10))
    for i in range(10):
        make_session(
            mentor, title=f"Draft {i}", status=Session.Status.DRAFT,
            starts_at=local_at(mentor, i + 1, 9),
        )  # fmt: skip
    make_session(
        mentor, title="Clashing draft", status=Session.Status.DRAFT,
        starts_at=local_at(mentor, 14, 10, 30),
    )  # fmt: skip
    ctx, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/draft/",
        viewport=PHONE, has_touch=True,
    )  # fmt: skip
    card = page.locator("li", has_text="Clashing draft")
    publish = card.get_by_role("button", name="Publish")
    publish.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 800  # far down the list
    publish.tap()

    alert = card.get_by_role("alert")
    expect(alert).to_contain_text("It overlaps your session ‘Booked slot’")
    expect(alert).to_be_in_viewport()
    expect(card.get_by_role("button", name="Publish")).to_be_focused()
    toast = page.locator("#toasts [data-toast]")
    expect(toast).to_contain_text("Couldn't publish ‘Clashing draft’")
    expect(toast).to_be_in_viewport()
    assert inside_viewport(toast, page)
    # The toast doesn't sit on the alert it repeats.
    page.wait_for_function(
        "document.querySelector('[data-card-error]').getBoundingClientRect().bottom"
        " <= document.getElementById('toasts').getBoundingClientRect().top"
    )
    # Nothing at the top of the list, and the rest of the list is still there.
    expect(page.locator("#tab-panel > [role=alert]")).to_have_count(0)
    expect(page.locator("[data-session-card]")).to_have_count(11)
    assert no_horizontal_overflow(page)
    view_shot(page, "session-card-publish-error-360")
    assert Session.objects.get(title="Clashing draft").status == Session.Status.DRAFT
    assert page.js_errors == []
    ctx.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_the_create_dialog_warns_about_an_overlap_as_the_time_is_picked(
    server_url, browser, viewport
):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    booked = local_at(mentor, 3, 10)
    make_session(mentor, title="Office hours", starts_at=booked, duration_minutes=60)
    ctx, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/", viewport=viewport
    )
    page.get_by_role("button", name="Create Session").click()
    dialog = page.get_by_role("dialog", name="New session")
    dialog.get_by_label("Title").fill("Pairing")
    dialog.get_by_label("Date").fill(booked.date().isoformat())
    dialog.get_by_label("Start time").fill("10:30")
    region = dialog.locator("#session-overlap")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_contain_text("Heads up: this overlaps 1 of your scheduled sessions")
    expect(region).to_contain_text("Office hours")
    assert no_horizontal_overflow(page)
    view_shot(page, f"session-dialog-overlap-{viewport['width']}")

    # A free time clears it; a shorter session before it doesn't clash either.
    dialog.get_by_label("Start time").fill("11:00")
    expect(region).to_contain_text("No clash with your scheduled sessions")
    dialog.get_by_label("Start time").fill("09:30")
    dialog.get_by_label("Duration").fill("45")
    expect(region).to_contain_text("overlaps 1 of your scheduled sessions")
    dialog.get_by_label("Duration").fill("30")
    expect(region).to_contain_text("No clash")

    # Saving is still checked by the server.
    dialog.get_by_label("Start time").fill("10:15")
    dialog.get_by_role("button", name="Save and publish").click()
    expect(dialog).to_contain_text("It overlaps your session ‘Office hours’")
    assert not Session.objects.filter(title="Pairing").exists()
    assert page.js_errors == []
    ctx.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_each_state_shows_one_primary_action_and_fits_the_screen(server_url, browser, viewport):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    names = ("ana", "ben", "cai", "dee")
    learners = [make_user(n, first_name=n.title(), last_name="Test") for n in names]
    soon = make_session(
        mentor, title="Starting in a few minutes with a long title to wrap", capacity=4,
        starts_at=timezone.now() + timedelta(minutes=8),
    )  # fmt: skip
    for learner in learners:
        make_booking(soon, learner)
    make_session(mentor, title="Live right now", status=Session.Status.LIVE, capacity=2)
    make_session(mentor, title="Next week", starts_at=local_at(mentor, 7, 18))
    make_session(mentor, title="A draft", status=Session.Status.DRAFT, capacity=3)
    ctx, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/", viewport=viewport
    )
    cards = page.locator("[data-session-card]")
    expect(cards).to_have_count(3)
    for i in range(3):
        expect(cards.nth(i).locator("[data-primary]")).to_have_count(1)
    expect(page.get_by_role("button", name="Start Session")).to_be_visible()
    expect(page.get_by_role("link", name="Join")).to_be_visible()
    expect(
        page.get_by_role("img", name="Booked: Ana Test, Ben Test, Cai Test, Dee Test")
    ).to_be_visible()
    expect(page.get_by_text("Scheduled", exact=True)).to_have_count(0)  # no badge, only the tab
    assert no_horizontal_overflow(page)
    view_shot(page, f"session-cards-states-{viewport['width']}")

    # Copy link: the session's address on the clipboard, and a toast says so.
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    later = page.locator("li", has_text="Next week")
    later.get_by_role("button", name="More actions").click()
    later.get_by_role("menuitem", name="Copy link").click()
    expect(page.locator("#toasts [data-toast]")).to_contain_text("Link copied")
    expect(later.get_by_role("menu")).to_be_hidden()
    expect(later.get_by_role("button", name="More actions")).to_be_focused()
    next_week = Session.objects.get(title="Next week")
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"{server_url}/sessions/{next_week.pk}/"
    )
    page.get_by_role("tab", name="Draft").click()
    expect(page.get_by_text("Up to 3 learners")).to_be_visible()
    assert no_horizontal_overflow(page)
    view_shot(page, f"session-cards-draft-{viewport['width']}")
    assert page.js_errors == []
    ctx.close()
