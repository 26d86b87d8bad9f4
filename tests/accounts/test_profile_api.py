"""/api/profile/: GET and PATCH (JSON or multipart), mentors only."""

import pytest
from PIL import Image

from accounts.models import MentorProfile, User
from tests.accounts.profile_builders import image_bytes, upload
from tests.accounts.test_profile_form import XSS_CORPUS

pytestmark = pytest.mark.django_db

URL = "/api/profile/"
FIELDS = {
    "display_name",
    "headline",
    "bio",
    "expertise",
    "languages",
    "timezone",
    "default_price",
    "default_duration_minutes",
    "picture_url",
}


def test_it_returns_the_mentors_own_profile(mentor_api, mentor):
    MentorProfile.objects.filter(user=mentor).update(expertise=["Python"], default_price="12.5")
    response = mentor_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= FIELDS
    assert body["display_name"] == "Mentor_Ann"
    assert body["expertise"] == ["Python"]
    assert body["timezone"] == "Europe/Berlin"
    assert body["default_price"] == "12.50"
    assert body["picture_url"] is None


def test_patch_with_json_changes_only_what_is_sent(mentor_api, mentor):
    response = mentor_api.patch(
        URL,
        {
            "headline": "API headline",
            "expertise": ["Go", "go", " Rust "],
            "timezone": "Asia/Tokyo",
            "default_price": "20",
            "default_duration_minutes": 90,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["headline"] == "API headline"
    assert body["expertise"] == ["Go", "Rust"]
    assert body["timezone"] == "Asia/Tokyo"
    assert body["default_price"] == "20.00"
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.display_name == "Mentor_Ann"  # untouched
    assert profile.default_duration_minutes == 90
    assert User.objects.get(pk=mentor.pk).timezone == "Asia/Tokyo"
    assert mentor_api.get("/api/me/").json()["timezone"] == "Asia/Tokyo"


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"expertise": [f"t{i}" for i in range(16)]}, "expertise"),
        ({"expertise": "not, a, list"}, None),  # a string is accepted (comma-separated)
        ({"expertise": [1, 2]}, "expertise"),
        ({"expertise": {"a": 1}}, "expertise"),
        ({"languages": ["x" * 41]}, "languages"),
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"timezone": "posix/Europe/Berlin"}, "timezone"),
        ({"headline": "h" * 121}, "headline"),
        ({"default_price": "-0.01"}, "default_price"),
        ({"default_price": "NaN"}, "default_price"),
        ({"default_price": "1e400"}, "default_price"),
        ({"default_duration_minutes": 14}, "default_duration_minutes"),
        ({"default_duration_minutes": "ten"}, "default_duration_minutes"),
        ({"display_name": None}, "display_name"),
        ({"picture": "not a file"}, "picture"),
    ],
)
def test_bad_input_answers_400_with_field_errors(mentor_api, mentor, payload, field):
    before = MentorProfile.objects.get(user=mentor)
    response = mentor_api.patch(URL, payload, format="json")
    if field is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [field]
    assert isinstance(body[field], list) and body[field]
    after = MentorProfile.objects.get(user=mentor)
    assert (after.headline, after.expertise, after.default_price) == (
        before.headline,
        before.expertise,
        before.default_price,
    )
    assert User.objects.get(pk=mentor.pk).timezone == "Europe/Berlin"


def test_it_reports_every_bad_field_at_once(mentor_api):
    response = mentor_api.patch(
        URL,
        {
            "headline": "h" * 121,
            "timezone": "X/Y",
            "expertise": ["a"] * 1 + [f"t{i}" for i in range(15)],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"headline", "timezone", "expertise"}


def test_malformed_json_is_a_400_not_a_500(mentor_api):
    response = mentor_api.generic("PATCH", URL, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("dirty,clean", XSS_CORPUS)
def test_the_api_sanitises_the_bio(mentor_api, mentor, dirty, clean):
    response = mentor_api.patch(URL, {"bio": dirty}, format="json")
    assert response.status_code == 200
    assert response.json()["bio"] == clean
    assert MentorProfile.objects.get(user=mentor).bio == clean


def test_multipart_with_a_picture_and_fields(mentor_api, mentor, media_root):
    response = mentor_api.patch(
        URL,
        {
            "picture": upload("me.webp", image_bytes("WEBP"), "image/webp"),
            "expertise": "A, B",
            "headline": "With picture",
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    profile = MentorProfile.objects.get(user=mentor)
    assert body["picture_url"] == f"http://testserver/media/{profile.picture}"
    assert body["expertise"] == ["A", "B"]
    assert Image.open(media_root / profile.picture).size == (512, 512)


def test_multipart_keeps_every_value_of_a_repeated_tag_key(mentor_api, mentor):
    response = mentor_api.patch(
        URL, {"expertise": ["Python", "Django"], "languages": "English"}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["expertise"] == ["Python", "Django"]
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.expertise, profile.languages) == (["Python", "Django"], ["English"])
    too_many = [f"t{i}" for i in range(16)]
    response = mentor_api.patch(URL, {"expertise": too_many}, format="multipart")
    assert response.status_code == 400
    assert "at most 15" in response.json()["expertise"][0]


def test_a_learner_gets_403_and_changes_nothing(learner_api, learner):
    assert learner_api.get(URL).status_code == 403
    response = learner_api.patch(URL, {"headline": "learner"}, format="json")
    assert response.status_code == 403
    assert not MentorProfile.objects.filter(user=learner).exists()


def test_no_token_is_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.patch(URL, {"headline": "x"}, format="json").status_code == 401


def test_nobody_can_edit_another_mentors_profile(other_mentor_api, mentor, other_mentor):
    response = other_mentor_api.patch(
        URL, {"headline": "Bob's", "user": mentor.pk, "id": mentor.pk}, format="json"
    )
    assert response.status_code == 200
    assert MentorProfile.objects.get(user=other_mentor).headline == "Bob's"
    assert MentorProfile.objects.get(user=mentor).headline == ""
    assert other_mentor_api.get(f"{URL}{mentor.pk}/").status_code == 404


def test_cookie_auth_needs_csrf(mentor):
    from django.conf import settings
    from rest_framework.test import APIClient

    from accounts.tokens import issue_tokens

    client = APIClient(enforce_csrf_checks=True)
    _refresh, access = issue_tokens(mentor)
    client.cookies[settings.JWT_ACCESS_COOKIE] = str(access)
    assert client.get(URL).status_code == 200
    assert client.patch(URL, {"headline": "csrf"}, format="json").status_code == 403
    assert MentorProfile.objects.get(user=mentor).headline == ""


def test_the_schema_documents_the_profile_endpoint(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/profile/" in response.content.decode()
