"""The Markdown editor in a real browser, at 360×740 and 1280×900: select a word, press
B → `**word**`; the preview is the server's rendering; saved bios read formatted on
the public page; the session dialog's editor works under the real CSP."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import MentorProfile, User
from tests.conftest import make_user
from tests.e2e.conftest import (
    no_horizontal_overflow,
    open_signed_in,
    screenshot,
    sideways_scrollers,
    sign_in,
)

pytestmark = pytest.mark.e2e

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
TAB = "/mentor/dashboard/profile/"


@pytest.fixture
def ann(transactional_db):
    return make_user("ann", User.Role.MENTOR, first_name="Ann", timezone="Europe/Berlin")


def select_text(page, selector: str, word: str) -> None:
    """Select `word` in a textarea, as a double-click would."""
    page.eval_on_selector(
        selector,
        """(el, word) => { const i = el.value.indexOf(word); el.focus();
                           el.setSelectionRange(i, i + word.length); }""",
        word,
    )


def toolbar_fits(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    for button in page.locator(f"{selector} button").all():
        b = button.bounding_box()
        assert b["x"] + b["width"] <= width and b["height"] >= 44, b


@pytest.mark.parametrize("size", SIZES)
def test_bold_preview_save_and_public_page(browser, server_url, ann, size):
    MentorProfile.objects.filter(user=ann).update(bio="<p>Old <strong>html</strong> bio</p>")
    context, page = open_signed_in(browser, server_url, ann, TAB, viewport=SIZES[size])
    bio = page.get_by_role("textbox", name="Bio")
    # A bio stored as HTML opens as Markdown: no tags in the editor.
    expect(bio).to_have_value("Old **html** bio")
    toolbar = page.get_by_role("toolbar", name="Bio formatting")
    expect(toolbar).to_be_visible()
    toolbar_fits(page, "[data-md-toolbar]")

    bio.fill("I love teaching and testing")
    select_text(page, "#id_bio", "love")
    toolbar.get_by_role("button", name="Bold").click()
    expect(bio).to_have_value("I **love** teaching and testing")
    select_text(page, "#id_bio", "testing")
    page.keyboard.press("Control+i")
    expect(bio).to_have_value("I **love** teaching and *testing*")
    page.keyboard.press("End")
    page.keyboard.type("\n")
    toolbar.get_by_role("button", name="Bulleted list").click()
    page.keyboard.type("Python")
    expect(bio).to_have_value("I **love** teaching and *testing*\n\n- Python")

    page.get_by_role("tab", name="Preview").click()
    preview = page.get_by_role("tabpanel", name="Preview")
    expect(preview.locator("strong")).to_have_text("love")
    expect(preview.locator("em")).to_have_text("testing")
    expect(preview.locator("li")).to_have_text("Python")
    expect(bio).to_be_hidden()
    assert no_horizontal_overflow(page)
    assert sideways_scrollers(page) == []
    screenshot(page, f"markdown-editor-preview-{size}")

    page.get_by_role("tab", name="Write").click()
    expect(bio).to_be_visible()
    screenshot(page, f"markdown-editor-write-{size}")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#profile-save-status")).to_contain_text("Saved")
    profile = MentorProfile.objects.get(user=ann)
    assert profile.bio_markdown == "I **love** teaching and *testing*\n\n- Python"

    page.goto(f"{server_url}/mentors/{ann.pk}/")
    shown = page.locator("[data-bio]")
    expect(shown.locator("strong")).to_have_text("love")
    expect(shown.locator("li")).to_have_text("Python")
    text = shown.inner_text()
    assert "**" not in text and "<strong>" not in text and "<p>" not in text
    assert no_horizontal_overflow(page)
    screenshot(page, f"markdown-bio-public-{size}")
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_session_dialog_editor_under_the_real_csp(browser, server_url, ann, size):
    context = browser.new_context(bypass_csp=False, viewport=SIZES[size])
    sign_in(context, server_url, ann)
    page = context.new_page()
    violations, errors = [], []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server_url}/mentor/dashboard/sessions/draft/")
    page.get_by_role("button", name=re.compile("Create Session")).click()
    dialog = page.get_by_role("dialog", name="New session")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Simple formatting")).to_have_count(0)
    description = dialog.get_by_role("textbox", name="Description")
    # The toolbar exists only once markdown_editor.js ran (loaded by the swapped dialog).
    toolbar = dialog.get_by_role("toolbar", name="Description formatting")
    expect(toolbar).to_be_visible()
    description.fill("Bring your code")
    select_text(page, "#id_description", "code")
    page.keyboard.press("Control+b")
    expect(description).to_have_value("Bring your **code**")
    dialog.get_by_role("tab", name="Preview").click()
    expect(dialog.get_by_role("tabpanel", name="Preview").locator("strong")).to_have_text("code")
    toolbar_box = dialog.locator("[data-md-tabs]").bounding_box()
    assert toolbar_box["x"] + toolbar_box["width"] <= SIZES[size]["width"]
    assert no_horizontal_overflow(page)
    screenshot(page, f"markdown-session-dialog-{size}")
    assert violations == [] and errors == []
    context.close()
