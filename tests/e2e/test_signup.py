"""Joining and leaving in a real browser against a real SMTP server (issue 22, points 1, 2):
sign up → read the email → follow the link → sign in; unverified sign-in refused;
mentor application → staff Approve in admin → mentor dashboard; password reset;
Sign out everywhere closes another open page's session."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.models import MentorApplication, User
from tests.e2e.conftest import open_signed_in, screenshot, sign_in, start_server, stop_server
from tests.support.server import free_port
from tests.support.smtp import SmtpServer, text_part

SHOTS = "signup"


@pytest.fixture(scope="module")
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def mail_server_proc(django_db_setup, django_db_blocker, smtp):
    """A Daphne server whose emails go to `smtp`, with absolute links to itself."""
    port = free_port()
    server = start_server(
        {
            "DJANGO_SETTINGS_MODULE": "tests.e2e.smtp_settings",
            "E2E_SMTP_PORT": str(smtp.port),
            "SITE_URL": f"http://127.0.0.1:{port}",
        },
        port=port,
    )
    yield server
    stop_server(server)


@pytest.fixture
def site(mail_server_proc, transactional_db):
    return mail_server_proc.url


def link_in(message, contains: str) -> str:
    match = re.search(rf"http://127\.0\.0\.1:\d+{re.escape(contains)}\S+", text_part(message))
    assert match, text_part(message)
    return match.group(0)


def fill_signup(page, name: str, username: str, email: str, password: str) -> None:
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)


def sign_in_form(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_learner_signs_up_confirms_the_email_and_signs_in(page, site, smtp):
    page.goto(f"{site}/login/")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    screenshot(page, f"{SHOTS}-signup-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, f"{SHOTS}-signup-360")
    page.set_viewport_size({"width": 1280, "height": 800})

    # A bad password first: the message is on its field.
    fill_signup(page, "Nora Quinn", "nora", "nora@example.com", "12345678")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#id_password1-error")).to_contain_text("too common")
    page.get_by_label("Password", exact=True).fill("plum-lantern-42")
    page.get_by_label("Repeat the password").fill("plum-lantern-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("nora@example.com")).to_be_visible()

    # Signing in before following the link is refused, with a way to get a new link.
    page.get_by_role("link", name="Go to sign in").click()
    sign_in_form(page, "nora", "plum-lantern-42")
    expect(page.get_by_role("alert")).to_contain_text("Please confirm your email address first")
    expect(page.get_by_role("link", name="Resend the verification email")).to_be_visible()
    screenshot(page, f"{SHOTS}-login-unverified-1280")

    message = smtp.wait_for("nora@example.com")
    assert message["Subject"] == "Confirm your email address for MentorHub"
    page.goto(link_in(message, "/signup/verify/"))
    expect(page.get_by_role("heading", name="Email confirmed")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    sign_in_form(page, "nora", "plum-lantern-42")
    expect(page).to_have_url(f"{site}/")
    assert User.objects.get(username="nora").email_verified


def test_resending_the_verification_email_from_the_refused_sign_in(page, site, smtp):
    page.goto(f"{site}/signup/")
    fill_signup(page, "Rae Lin", "rae", "rae@example.com", "plum-lantern-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    smtp.wait_for("rae@example.com")
    page.goto(f"{site}/login/")
    sign_in_form(page, "rae", "plum-lantern-42")
    page.get_by_role("link", name="Resend the verification email").click()
    expect(page.get_by_label("Email")).to_have_value("rae@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("a new link is on its way")
    second = smtp.wait_for("rae@example.com", count=2)
    page.goto(link_in(second, "/signup/verify/"))
    expect(page.get_by_role("heading", name="Email confirmed")).to_be_visible()


def test_a_mentor_applies_staff_approve_in_admin_and_the_mentor_reaches_the_dashboard(
    browser, page, site, smtp, staff
):
    page.goto(f"{site}/signup/")
    page.get_by_role("link", name="Apply as a mentor").click()
    expect(page.get_by_role("heading", name="Apply as a mentor")).to_be_visible()
    fill_signup(page, "Omar Reyes", "omar", "omar@example.com", "plum-lantern-42")
    page.get_by_label("Headline").fill("Data engineer · Spark and SQL")
    page.get_by_label("Expertise").fill("SQL, Spark, Data modelling")
    page.get_by_label("Why do you want to mentor?").fill(
        "Ten years of data pipelines; I want to help juniors ship theirs."
    )
    screenshot(page, f"{SHOTS}-mentor-signup-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, f"{SHOTS}-mentor-signup-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("We received your mentor application")).to_be_visible()
    page.goto(link_in(smtp.wait_for("omar@example.com"), "/signup/verify/"))
    expect(page.get_by_role("heading", name="Email confirmed")).to_be_visible()

    # Staff approve it in the admin with a note.
    admin_context = browser.new_context()
    sign_in(admin_context, site, staff)
    admin = admin_context.new_page()
    admin.goto(f"{site}/admin/")
    admin.get_by_role("link", name="Mentor applications").click()
    row = admin.get_by_role("row").filter(has_text="omar@example.com")
    row.get_by_role("checkbox").check()
    admin.get_by_label("Action:").select_option(label="Approve")
    admin.get_by_label("Note to the applicant").fill("Welcome aboard!")
    admin.get_by_role("button", name="Run").click()
    expect(admin.get_by_text("Approved 1 application(s).")).to_be_visible()
    application = MentorApplication.objects.get(user__username="omar")
    assert application.status == MentorApplication.Status.APPROVED

    approved = smtp.wait_for("omar@example.com", count=2)
    assert approved["Subject"] == "You're a MentorHub mentor now"
    assert "Welcome aboard!" in text_part(approved)

    page.goto(f"{site}/login/")
    sign_in_form(page, "omar", "plum-lantern-42")
    expect(page).to_have_url(f"{site}/mentor/dashboard")
    expect(page.get_by_role("tab", name="My Sessions")).to_be_visible()


def test_password_reset_end_to_end(page, site, smtp, learner):
    User.objects.filter(pk=learner.pk).update(email="lea@example.com")
    page.goto(f"{site}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("lea@example.com")
    page.get_by_role("button", name="Send the reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    message = smtp.wait_for("lea@example.com")
    assert message["Subject"] == "Reset your MentorHub password"
    page.goto(link_in(message, "/password-reset/"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert "set-password" in urlsplit(page.url).path  # the token left the address bar
    page.get_by_label("New password", exact=True).fill("velvet-harbor-77")
    page.get_by_label("New password confirmation").fill("velvet-harbor-77")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    sign_in_form(page, learner.username, "velvet-harbor-77")
    expect(page).to_have_url(f"{site}/")


def test_sign_out_everywhere_ends_the_session_of_another_open_page(browser, site, learner):
    other_context, other = open_signed_in(browser, site, learner, "/")
    expect(other.get_by_role("heading", level=1).first).to_be_visible()
    context, page = open_signed_in(browser, site, learner, "/account/")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    screenshot(page, f"{SHOTS}-account-1280")
    page.get_by_role("link", name="Sign out everywhere").click()
    dialog = page.get_by_role("dialog", name="Sign out everywhere?")
    expect(dialog).to_be_visible()
    screenshot(page, f"{SHOTS}-account-dialog-1280")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    page.get_by_role("link", name="Sign out everywhere").click()
    page.get_by_role("button", name="Yes, sign out everywhere").click()
    expect(page).to_have_url(f"{site}/login/?signed_out=everywhere")
    expect(page.get_by_text("You were signed out on every device.")).to_be_visible()
    # The other page's socket is closed and it can't refresh: it lands on the login page.
    expect(other).to_have_url(re.compile(r"/login/"), timeout=15_000)
    other.goto(f"{site}/account/")
    expect(other).to_have_url(re.compile(r"/login/\?next=/account/"))
    other_context.close()
    context.close()


def test_the_account_page_works_at_360_px(browser, site, learner):
    context, page = open_signed_in(
        browser, site, learner, "/account/", viewport={"width": 360, "height": 800}
    )
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"{SHOTS}-account-360")
    page.get_by_role("link", name="Sign out everywhere").click()
    expect(page.get_by_role("dialog", name="Sign out everywhere?")).to_be_visible()
    screenshot(page, f"{SHOTS}-account-dialog-360")
    context.close()
