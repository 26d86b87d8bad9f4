"""Private sessions in a real browser: an accepted request stays between its two people."""

from playwright.sync_api import expect

from accounts.models import User
from requests_app.services import accept_request
from tests.conftest import make_user
from tests.requests_app.builders import future, make_request
from tests.sessions_app.builders import make_session


def test_a_second_learner_never_sees_anothers_one_to_one(server_url, signed_in_page):
    mentor = make_user("mira", User.Role.MENTOR)
    ana = make_user("ana", User.Role.LEARNER, first_name="Ana")
    ben = make_user("ben", User.Role.LEARNER, first_name="Ben")
    make_session(mentor, title="Open clinic: pytest")
    request_obj = make_request(ana, mentor, topic="Leaving my job: what to say")
    session = accept_request(mentor, request_obj, future(30)).session

    page = signed_in_page(ben, "/sessions/")
    expect(page.get_by_role("link", name="Open clinic: pytest", exact=True)).to_be_visible()
    expect(page.get_by_text("Leaving my job")).to_have_count(0)
    page.goto(f"{server_url}/mentors/{mentor.pk}/")
    expect(page.get_by_text("Open clinic: pytest")).to_be_visible()
    expect(page.get_by_text("Leaving my job")).to_have_count(0)
    response = page.goto(f"{server_url}/sessions/{session.pk}/")
    assert response.status == 404

    page = signed_in_page(ana, f"/sessions/{session.pk}/")
    expect(page.get_by_role("heading", name="Leaving my job: what to say")).to_be_visible()
    expect(page.get_by_text("Private", exact=True)).to_be_visible()

    page = signed_in_page(mentor, "/mentor/dashboard/sessions/scheduled/")
    row = page.locator("li", has_text="Leaving my job: what to say")
    expect(row.get_by_text("Private · 1:1 with Ana")).to_be_visible()
