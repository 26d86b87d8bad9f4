"""/api/notification-preferences/ and the settings page (/account/notifications/)."""

import pytest

from notifications import preferences
from notifications.models import NotificationPreferences
from tests.conftest import bearer, jwt_client

URL = "/api/notification-preferences/"
PAGE = "/account/notifications/"


def test_it_answers_the_defaults_before_anything_was_saved(mentor_api):
    response = mentor_api.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"email", "in_app", "quiet_hours", "email_digest"}
    for kind in (
        "new_request",
        "booking",
        "booking_cancelled",
        "session_rescheduled",
        "session_reminder",
        "payout_status",
        "review",
    ):
        assert kind in data["email"] and data["in_app"][kind] is True
    assert data["email"]["booking"] is True and data["email"]["review"] is False
    assert data["quiet_hours"] is None and data["email_digest"] == "off"


def test_a_put_saves_what_it_names_and_keeps_the_rest(mentor_api, mentor):
    body = {
        "email": {"review": True, "booking": False},
        "in_app": {"payout_status": False},
        "quiet_hours": {"start": "22:00", "end": "07:30"},
        "email_digest": "daily",
    }
    response = mentor_api.put(URL, body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["email"]["review"] is True and data["email"]["booking"] is False
    assert data["email"]["new_request"] is True  # untouched
    assert data["in_app"]["payout_status"] is False
    assert data["quiet_hours"] == {"start": "22:00", "end": "07:30"}
    assert data["email_digest"] == "daily"
    assert mentor_api.get(URL).json() == data
    row = NotificationPreferences.objects.get(user=mentor)
    assert row.email == {"review": True, "booking": False}
    # quiet hours off again
    assert mentor_api.put(URL, {"quiet_hours": None}, format="json").json()["quiet_hours"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": {"booking": "yes"}}, "email"),
        ({"email": {"nonsense": True}}, "email"),
        ({"email": ["booking"]}, "email"),
        ({"in_app": {"booking": 1}}, "in_app"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "22:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_hours"),
        ({"quiet_hours": "22-07"}, "quiet_hours"),
        ({"quiet_hours": {"start": 22, "end": 7}}, "quiet_hours"),
        ({"email_digest": "weekly"}, "email_digest"),
        ({"email_digest": None}, "email_digest"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_answers_400_with_the_field_and_saves_nothing(mentor_api, mentor, body, field):
    response = mentor_api.put(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not NotificationPreferences.objects.filter(user=mentor).exists()


def test_a_body_that_is_not_an_object_answers_400(mentor_api):
    assert mentor_api.put(URL, [1, 2], format="json").status_code == 400
    response = mentor_api.put(URL, "{bad json", content_type="application/json")
    assert response.status_code == 400


def test_it_needs_a_token_and_shows_only_ones_own(api_client, mentor, learner):
    assert api_client.get(URL).status_code == 401
    bearer(learner).put(URL, {"email": {"review": True}}, format="json")
    assert bearer(mentor).get(URL).json()["email"]["review"] is False


# --- The page ---------------------------------------------------------------------------------


def _form(user, **changes):
    prefs = preferences.for_user(user)
    data = {"email_digest": prefs.email_digest, "quiet_start": "22:00", "quiet_end": "07:00"}
    for kind, *_ in preferences.kinds_for(user):
        if prefs.wants_email(kind):
            data[f"email_{kind}"] = "on"
        if prefs.wants_in_app(kind):
            data[f"in_app_{kind}"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_shows_each_kind_of_the_role_with_its_switches(mentor, learner):
    page = jwt_client(mentor).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Notification settings" in html and 'aria-label="Email: Bookings"' in html
    assert 'name="email_booking" checked' in html and 'name="email_review" ' in html
    assert "Payouts" in html
    learner_html = jwt_client(learner).get(PAGE).content.decode()
    assert "Answers to your requests" in learner_html and "Payouts" not in learner_html


def test_anonymous_visitors_are_sent_to_sign_in(anon_client):
    response = anon_client.get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_saving_the_form_stores_the_switches_quiet_hours_and_digest(mentor):
    client = jwt_client(mentor)
    data = _form(mentor, email_booking=None, email_review="on", quiet_enabled="on")
    data["email_digest"] = "daily"
    response = client.post(PAGE, data)
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    prefs = preferences.for_user(mentor)
    assert prefs.wants_email("booking") is False and prefs.wants_email("review") is True
    assert prefs.quiet_hours == {"start": "22:00", "end": "07:00"}
    assert prefs.email_digest == "daily"
    shown = client.get(response["Location"]).content.decode()
    assert "Preferences saved" in shown and 'name="email_review" checked' in shown


def test_an_htmx_save_answers_the_form_and_a_bad_time_answers_422(mentor):
    client = jwt_client(mentor)
    ok = client.post(PAGE, _form(mentor, in_app_review=None), HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and b"Preferences saved" in ok.content
    assert preferences.for_user(mentor).wants_in_app("review") is False
    bad = client.post(
        PAGE, _form(mentor, quiet_enabled="on", quiet_start="25:99"), HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 422
    assert b'aria-invalid="true"' in bad.content and b"HH:MM" in bad.content
    assert preferences.for_user(mentor).quiet_hours is None


def test_the_account_section_renders_the_form_for_the_signed_in_user(rf, learner):
    from django.template import engines

    request = rf.get("/account/")
    request.user = learner
    template = engines["django"].from_string(
        '{% include "notifications/_preferences_section.html" %}'
    )
    html = template.render({"request": request, "user": learner})
    assert 'id="notification-preferences-form"' in html
    assert 'name="next" value="/account/"' in html and "Reminders" in html
