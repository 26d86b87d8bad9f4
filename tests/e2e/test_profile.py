"""Profile tab in a real browser: instant picture preview, save without reload,
header avatar update, time zones shifting My Sessions, tag editor, warnings."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.models import MentorProfile, User
from core.formatting import zone_label
from sessions_app.models import Session
from tests.conftest import make_user
from tests.e2e.conftest import (
    no_horizontal_overflow,
    open_signed_in,
    screenshot,
    sideways_scrollers,
    sign_in,
    start_server,
    stop_server,
)
from tests.security.browser import axe_violations, describe

TAB = "/mentor/dashboard/profile/"


@pytest.fixture(scope="module")
def profile_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """Our own Daphne, so uploads land in a temporary MEDIA_ROOT."""
    media = tmp_path_factory.mktemp("media")
    server = start_server({"MEDIA_ROOT": str(media)})
    server.media = media
    yield server
    stop_server(server)


@pytest.fixture
def base(profile_server, transactional_db):
    return profile_server.url


@pytest.fixture
def ann(db):
    return make_user("ann", User.Role.MENTOR, first_name="Ann", timezone="Europe/Berlin")


def jpeg(color=(220, 40, 40), size=(400, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def zone_picker(page):
    """The Time zone combobox, once zone-picker.js has put it over the <select>."""
    picker = page.locator("input[role=combobox]").and_(page.get_by_label("Time zone"))
    expect(picker).to_be_visible()
    return picker


def open_profile(page, base, user):
    sign_in(page.context, base, user)
    page.goto(f"{base}{TAB}")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()


def test_picture_preview_shows_before_saving_and_header_avatar_updates_without_reload(
    base, page, ann, profile_server
):
    open_profile(page, base, ann)
    page.evaluate("window.__marker = 'same-page'")
    header_avatar = page.locator("#header-avatar")
    expect(header_avatar.locator("img")).to_have_count(0)  # initials for now
    expect(header_avatar).to_contain_text("Ann")

    page.get_by_label("Upload a picture").set_input_files(
        files=[{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )

    preview = page.get_by_role("img", name="Preview of the chosen picture (not saved yet)")
    expect(preview).to_be_visible()
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    expect(page.locator("#profile-preview [data-card-preview]")).to_be_visible()
    expect(page.locator("#profile-save-status")).to_have_text("Unsaved changes")
    assert MentorProfile.objects.get(user=ann).picture == ""  # nothing uploaded yet

    page.get_by_role("button", name="Save profile").click()

    expect(page.locator("#profile-save-status")).to_contain_text("Saved at")
    profile = MentorProfile.objects.get(user=ann)
    assert profile.picture
    expect(header_avatar.locator("img")).to_have_attribute("src", f"/media/{profile.picture_small}")
    expect(page.get_by_role("img", name="Your current picture")).to_have_attribute(
        "src", f"/media/{profile.picture}"
    )
    assert page.evaluate("window.__marker") == "same-page"
    assert (profile_server.media / profile.picture).exists()
    # The picture really is served (type + nosniff) to the browser.
    response = page.request.get(f"{base}/media/{profile.picture}")
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
    screenshot(page, "profile-saved")

    # Remove picture (with a confirmation step) → initials again, still no reload.
    page.get_by_text("Remove picture", exact=True).click()
    page.get_by_role("button", name="Yes, remove picture").click()
    expect(page.locator("#profile-save-status")).to_contain_text("Picture removed")
    expect(header_avatar.locator("img")).to_have_count(0)
    assert page.evaluate("window.__marker") == "same-page"
    assert MentorProfile.objects.get(user=ann).picture == ""


@pytest.mark.parametrize(
    "name,mime,content,message",
    [
        ("anim.gif", "image/gif", b"GIF89a" + b"\0" * 50, "isn't a JPEG, PNG or WebP"),
        (
            "huge.jpg",
            "image/jpeg",
            b"\xff\xd8" + b"\0" * (5 * 1024 * 1024 + 10),
            "the limit is 5 MB",
        ),
        (
            "notes.png",
            "image/png",
            b"plain text pretending to be a PNG",
            "can't be read as an image",
        ),
    ],
)
def test_the_preview_states_problems_at_once(base, page, ann, name, mime, content, message):
    open_profile(page, base, ann)
    page.get_by_label("Upload a picture").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    expect(page.locator("#picture-error")).to_contain_text(message)
    expect(page.get_by_label("Upload a picture")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-picture-preview]")).to_be_hidden()
    # The bad file is not sent with the form.
    assert page.get_by_label("Upload a picture").evaluate("el => el.files.length") == 0


def test_changing_the_time_zone_shifts_times_on_my_sessions(base, page, ann):
    starts = datetime(timezone.now().year + 1, 1, 15, 12, 0, tzinfo=UTC)
    Session.objects.create(
        mentor=ann, title="Zone check", starts_at=starts, status=Session.Status.SCHEDULED
    )
    sign_in(page.context, base, ann)
    page.goto(f"{base}/mentor/dashboard/sessions/scheduled/")
    row = page.locator("li", has_text="Zone check")
    expect(row).to_contain_text("13:00")
    expect(page.get_by_text("times in Berlin (GMT+1)")).to_be_visible()  # the zone, by name

    page.get_by_role("tab", name="Profile").click()
    picker = zone_picker(page)
    picker.fill("tokyo")
    page.get_by_role("option", name=re.compile(r"^Tokyo \(GMT\+9\)")).click()
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#profile-save-status")).to_contain_text("JST")
    assert User.objects.get(pk=ann.pk).timezone == "Asia/Tokyo"

    page.get_by_role("tab", name=re.compile("^My Sessions")).click()
    row = page.locator("li", has_text="Zone check")
    expect(row).to_contain_text("21:00")
    expect(page.get_by_text("times in Tokyo (GMT+9)")).to_be_visible()


def test_field_errors_show_inline_and_the_tag_editor_works_by_keyboard(base, page, ann):
    open_profile(page, base, ann)
    entry = page.get_by_role("textbox", name="Expertise")
    entry.fill("Rust")
    entry.press("Enter")
    entry.fill("Go")
    entry.press("Enter")
    expect(page.get_by_role("button", name="Remove Rust")).to_be_visible()
    expect(page.locator("#profile-preview")).to_contain_text("Rust")  # live preview
    entry.press("Backspace")  # empty entry: removes the last tag (Go)
    expect(page.get_by_role("button", name="Remove Go")).to_have_count(0)

    page.get_by_label("Headline").fill("h" * 121)
    expect(page.locator('[data-counter-for="id_headline"]')).to_have_text("121 / 120")
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator("#id_headline-error")).to_contain_text("at most 120 characters")
    expect(page.get_by_label("Headline")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Headline")).to_be_focused()
    expect(page.locator("#profile-save-status")).to_contain_text("Not saved")
    assert MentorProfile.objects.get(user=ann).headline == ""

    page.get_by_label("Headline").fill("Systems programming mentor")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#profile-save-status")).to_contain_text("Saved at")
    profile = MentorProfile.objects.get(user=ann)
    assert profile.expertise == ["Rust"]
    assert profile.headline == "Systems programming mentor"


def test_unsaved_changes_ask_before_switching_tabs(base, page, ann):
    open_profile(page, base, ann)
    page.get_by_label("Display name").fill("Changed name")
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("tab", name=re.compile("^Earnings")).click()
    expect(page.get_by_label("Display name")).to_have_value("Changed name")
    assert messages and "unsaved changes" in messages[0]
    expect(page).to_have_url(f"{base}{TAB}")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("tab", name=re.compile("^Earnings")).click()
    expect(page).to_have_url(f"{base}/mentor/dashboard/earnings/")


def test_the_profile_tab_works_with_csp_enforced_after_an_htmx_swap(base, browser, ann):
    context = browser.new_context(bypass_csp=False)
    sign_in(context, base, ann)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(f"{base}/mentor/dashboard/sessions/scheduled/")
    page.get_by_role("tab", name="Profile").click()
    # The tag editor exists only if profile.js ran.
    expect(page.locator("#id_expertise-entry")).to_be_visible()
    page.get_by_label("Upload a picture").set_input_files(
        files=[{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    expect(page.locator("[data-picture-preview]")).to_be_visible()
    assert violations == []
    context.close()


def test_learner_sees_the_public_mentor_page_on_a_phone(base, browser, ann):
    MentorProfile.objects.filter(user=ann).update(
        display_name="Ann Okafor",
        headline="A very long headline " * 5,
        expertise=["Python", "Django", "Career growth", "Distributed systems"],
        bio="<p>Hi</p>",
    )
    Session.objects.create(
        mentor=ann,
        title="Open office hour",
        starts_at=timezone.now() + timedelta(days=2),
        status=Session.Status.SCHEDULED,
    )
    learner = make_user("lea", User.Role.LEARNER)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    sign_in(context, base, learner)
    page = context.new_page()
    page.goto(f"{base}/mentors/")
    page.get_by_role("link", name="Ann Okafor").click()
    expect(page.get_by_role("heading", name="Ann Okafor")).to_be_visible()
    expect(page.get_by_text("No reviews yet")).to_be_visible()
    expect(page.get_by_role("link", name="Request a session")).to_have_attribute(
        "href", f"/mentors/{ann.pk}/request/"
    )
    expect(page.get_by_role("link", name=re.compile("Open office hour"))).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "mentor-page-360")
    context.close()


def test_the_profile_tab_fits_a_360_px_phone(base, browser, ann):
    MentorProfile.objects.filter(user=ann).update(
        expertise=["Python", "Distributed systems", "Career growth", "Kubernetes"],
        headline="Staff engineer " * 6,
    )
    context = browser.new_context(viewport={"width": 360, "height": 740})
    sign_in(context, base, ann)
    page = context.new_page()
    page.goto(f"{base}{TAB}")
    expect(page.get_by_role("button", name="Remove Kubernetes")).to_be_visible()
    expect(page.get_by_role("button", name="Save profile")).to_be_in_viewport()  # sticky bar
    assert no_horizontal_overflow(page)
    screenshot(page, "profile-360")
    context.close()


SAO_PAULO = re.compile(r"^São Paulo \(GMT−3\)")


@pytest.mark.parametrize("width,height", [(360, 740), (1280, 900)], ids=["phone", "desktop"])
def test_the_zone_picker_finds_a_zone_by_typing_and_the_profile_shows_its_name(
    base, browser, ann, width, height
):
    viewport = {"width": width, "height": height}
    _, page = open_signed_in(browser, base, ann, TAB, viewport=viewport, has_touch=width < 600)
    picker = zone_picker(page)
    expect(picker).to_have_value(zone_label("Europe/Berlin"))  # "Berlin (GMT+1)", not the id
    expect(picker).to_have_attribute("aria-expanded", "false")

    picker.click()
    picker.fill("sao")
    expect(picker).to_have_attribute("aria-expanded", "true")
    option = page.get_by_role("option", name=SAO_PAULO)
    expect(option).to_be_visible()
    expect(option).to_contain_text("Brazil")
    assert no_horizontal_overflow(page) and sideways_scrollers(page) == []
    box, list_box = picker.bounding_box(), page.get_by_role("listbox").bounding_box()
    assert list_box["x"] >= 0 and list_box["x"] + list_box["width"] <= width
    assert list_box["y"] >= box["y"] + box["height"] - 1  # below the field, not over it
    screenshot(page, f"profile-zone-picker-open-{width}")
    # axe with the list open: nothing serious in the combobox, its listbox or options.
    ours = [
        v
        for v in axe_violations(page)
        if any("zone" in n or "option" in n or "listbox" in n for n in v["nodes"])
    ]
    assert ours == [], describe(ours)

    option.click()
    expect(picker).to_have_value("São Paulo (GMT−3)")
    expect(picker).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#profile-save-status")).to_contain_text("GMT−3")
    assert User.objects.get(pk=ann.pk).timezone == "America/Sao_Paulo"

    picker = zone_picker(page)  # the editor was re-rendered
    expect(picker).to_have_value("São Paulo (GMT−3)")
    expect(page.locator("#profile-preview")).to_contain_text("São Paulo (GMT−3)")
    text = page.locator("body").inner_text()
    assert "America/Sao_Paulo" not in text and "-03" not in text
    assert "Sao_Paulo" not in page.locator("#profile-preview").inner_html()
    assert no_horizontal_overflow(page) and page.js_errors == []
    screenshot(page, f"profile-zone-saved-{width}")


def test_the_zone_picker_works_by_keyboard_and_finds_countries_and_offsets(base, page, ann):
    open_profile(page, base, ann)
    picker = zone_picker(page)
    for query in ("paulo", "Brazil", "GMT-3", "utc−3", "america sao"):
        picker.fill(query)
        expect(page.get_by_role("option", name=SAO_PAULO)).to_be_visible()
    picker.fill("kolkata")
    expect(page.get_by_role("option")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="1 time zone")).to_have_count(1)

    picker.fill("paulo")
    picker.press("ArrowDown")
    expect(picker).to_have_attribute("aria-activedescendant", re.compile(r"-0$"))
    expect(page.get_by_role("option", name=SAO_PAULO)).to_have_attribute("aria-selected", "true")
    picker.press("Enter")  # chooses; does not submit the form
    expect(picker).to_have_value("São Paulo (GMT−3)")
    expect(page.get_by_role("listbox")).to_be_hidden()
    assert User.objects.get(pk=ann.pk).timezone == "Europe/Berlin"

    picker.fill("ber")
    picker.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    picker.fill("Atlantis")
    expect(page.get_by_text("No time zone matches “Atlantis”")).to_be_visible()
    picker.press("Tab")
    page.get_by_role("button", name="Save profile").click()
    error = page.locator("#id_timezone-error")
    expect(error).to_contain_text("isn't a known time zone")
    picker = zone_picker(page)
    expect(picker).to_have_value("Atlantis")  # kept, with the message next to it
    expect(picker).to_have_attribute("aria-invalid", "true")
    assert "id_timezone-error" in picker.get_attribute("aria-describedby")
    assert User.objects.get(pk=ann.pk).timezone == "Europe/Berlin"
