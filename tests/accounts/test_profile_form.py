"""The Profile tab: form, inline validation, sanitised bio, preview, access."""

from html import unescape

import pytest

from accounts.models import MentorProfile, User
from core.formatting import zone_label
from tests.accounts.test_profile_pictures import form_data
from tests.conftest import jwt_client

pytestmark = pytest.mark.django_db

TAB = "/mentor/dashboard/profile/"
HX = {"HX-Request": "true"}

# Bios are Markdown rendered to HTML (accounts/richtext.py); HTML sent by older
# clients goes through the same renderer, so inline content gets its paragraph.
XSS_CORPUS = [
    ("<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>"),
    ('<img src="x" onerror="alert(1)"><p>ok</p>', "<p>ok</p>"),
    ('<a href="javascript:alert(1)">click</a>', "<p>click</p>"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "<p>x</p>"),
    ("[x](javascript:alert(1))", "<p>x</p>"),
    ('<iframe src="https://evil.example"></iframe><p>after</p>', "<p>after</p>"),
    ('<p onclick="steal()" style="color:red">styled</p>', "<p>styled</p>"),
    ("<svg><script>alert(1)</script></svg>", ""),
    ("<style>body{display:none}</style>text", "<p>text</p>"),
    (
        '<a href="https://example.com" target="_blank" rel="opener">site</a>',
        '<p><a href="https://example.com" rel="nofollow noopener">site</a></p>',
    ),
    (
        "<p><strong>b</strong> <b>b</b> <em>e</em> <i>i</i><br></p><ul><li>1</li></ul><ol><li>2</li></ol>",
        "<p><strong>b</strong> <strong>b</strong> <em>e</em> <em>i</em></p>\n"
        "<ul>\n<li>1</li>\n</ul>\n<ol>\n<li>2</li>\n</ol>",
    ),
    (
        '<a href="mailto:ann@example.com">mail</a>',
        '<p><a href="mailto:ann@example.com" rel="nofollow noopener">mail</a></p>',
    ),
]


def save(client, mentor, **fields):
    return client.post(TAB, form_data(mentor, **fields), headers=HX)


def test_it_shows_the_form_with_the_current_values(mentor_client, mentor):
    MentorProfile.objects.filter(user=mentor).update(
        headline="Backend mentor", expertise=["Python", "SQL"], languages=["German"]
    )
    response = mentor_client.get(TAB)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Backend mentor"' in html
    assert 'value="Python, SQL"' in html
    berlin = zone_label("Europe/Berlin")  # "Berlin (GMT+1)" in winter
    assert (
        f'<option value="Europe/Berlin" data-country="Germany" selected>{berlin}</option>' in html
    )
    assert 'id="profile-preview"' in html
    assert 'aria-selected="true"' in html and 'id="tab-profile"' in html


def test_a_valid_zone_missing_from_the_list_stays_selected(mentor_client, mentor):
    """Set through the API ("US/Eastern" is valid but not offered): saving the
    form for another reason must not silently move the mentor to another zone."""
    User.objects.filter(pk=mentor.pk).update(timezone="US/Eastern")
    html = mentor_client.get(TAB).content.decode()
    assert html.count(" selected>") == 1
    assert '<option value="US/Eastern" data-country="United States" selected>' in html
    assert 'value="US/Central"' not in html  # only the current one is added


def test_the_htmx_request_gets_only_the_panel(mentor_client):
    response = mentor_client.get(TAB, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="profile-form"' in html


def test_it_saves_every_field_and_confirms(mentor_client, mentor):
    response = save(
        mentor_client,
        mentor,
        display_name="  Ann   Okafor ",
        headline="Staff engineer",
        bio="<p>I <strong>like</strong> teaching</p>",
        expertise="Python, django, Python , ,SQL",
        languages="English, German",
        timezone="America/New_York",
        default_price="75.5",
        default_duration_minutes="45",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved at" in html and ("EST" in html or "EDT" in html)  # in the new zone
    assert 'id="header-avatar" hx-swap-oob="true"' in html and "Ann Okafor" in html
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.display_name == "Ann Okafor"
    assert profile.headline == "Staff engineer"
    assert profile.bio == "<p>I <strong>like</strong> teaching</p>"
    assert profile.expertise == ["Python", "django", "SQL"]
    assert profile.languages == ["English", "German"]
    assert str(profile.default_price) == "75.50"
    assert profile.default_duration_minutes == 45
    assert User.objects.get(pk=mentor.pk).timezone == "America/New_York"


def test_without_htmx_it_redirects_back_with_a_confirmation(mentor_client, mentor):
    response = mentor_client.post(TAB, form_data(mentor, headline="Plain form"))
    assert response.status_code == 302
    assert response["Location"] == f"{TAB}?saved=1"
    assert "Saved" in mentor_client.get(response["Location"]).content.decode()
    assert MentorProfile.objects.get(user=mentor).headline == "Plain form"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("expertise", ", ".join(f"tag{i}" for i in range(16)), "at most 15 expertise tags"),
        ("expertise", "x" * 41, "at most 40 characters"),
        ("languages", ", ".join(f"lang{i}" for i in range(11)), "at most 10 language tags"),
        ("timezone", "Mars/Olympus_Mons", "isn't a known time zone"),
        ("timezone", "", "This field is required"),
        ("headline", "h" * 121, "at most 120 characters (it has 121)"),
        ("display_name", "n" * 101, "at most 100 characters"),
        ("default_price", "-1", "can't be negative"),
        ("default_price", "abc", "Enter a price"),
        ("default_price", "1.234", "two decimal places"),
        ("default_duration_minutes", "10", "between 15 and 480"),
        ("default_duration_minutes", "481", "between 15 and 480"),
        ("default_duration_minutes", "1.5", "whole minutes"),
        ("bio", "<p>" + "x" * 5001 + "</p>", "at most 5000 characters"),
    ],
)
def test_bad_fields_get_a_message_next_to_them_and_nothing_is_saved(
    mentor_client, mentor, field, value, message
):
    before = MentorProfile.objects.get(user=mentor)
    fields = {"display_name": "Would change", field: value}
    response = save(mentor_client, mentor, **fields)

    assert response.status_code == 422
    html = unescape(response.content.decode())
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert "Not saved: fix the 1 field marked below." in html
    after = MentorProfile.objects.get(user=mentor)
    assert after.display_name == before.display_name
    assert User.objects.get(pk=mentor.pk).timezone == "Europe/Berlin"


def test_a_headline_of_exactly_120_characters_is_fine(mentor_client, mentor):
    assert save(mentor_client, mentor, headline="h" * 120).status_code == 200
    assert MentorProfile.objects.get(user=mentor).headline == "h" * 120


def test_invalid_input_is_kept_in_the_form(mentor_client, mentor):
    response = save(mentor_client, mentor, headline="h" * 121, expertise="A, B")
    html = response.content.decode()
    assert 'value="' + "h" * 121 + '"' in html
    assert 'value="A, B"' in html


@pytest.mark.parametrize("dirty,clean", XSS_CORPUS)
def test_the_bio_is_sanitised_on_save(mentor_client, mentor, dirty, clean):
    assert save(mentor_client, mentor, bio=dirty).status_code == 200
    assert MentorProfile.objects.get(user=mentor).bio == clean


def test_the_preview_shows_unsaved_values_without_saving(mentor_client, mentor):
    response = mentor_client.post(
        f"{TAB}preview/",
        {
            "headline": "Draft headline",
            "bio": "<p>Draft</p><script>x()</script>",
            "expertise": "Go, Rust",
            "default_price": "-5",
        },
        headers=HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft headline" in html and "<p>Draft</p>" in html
    assert "<script" not in html and "x()" not in html
    assert ">Go<" in html and ">Rust<" in html
    assert "50.00" in html  # an invalid price shows the saved one
    assert MentorProfile.objects.get(user=mentor).headline == ""


def test_it_includes_the_calendar_feed_card_when_present(mentor_client):
    html = mentor_client.get(TAB).content.decode()
    assert 'id="calendar-feed-card"' in html


def test_a_learner_cannot_open_or_post_the_profile_tab(learner_client, learner):
    assert learner_client.get(TAB).status_code == 403
    response = learner_client.post(TAB, {"headline": "hack", "timezone": "UTC"})
    assert response.status_code == 403
    assert learner_client.post(f"{TAB}preview/", {}).status_code == 403
    assert learner_client.post(f"{TAB}picture/remove/").status_code == 403
    assert not MentorProfile.objects.filter(user=learner).exists()


def test_anonymous_users_are_sent_to_sign_in(anon_client):
    response = anon_client.get(TAB)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_mentor_edits_only_their_own_profile(mentor_client, mentor, other_mentor):
    save(mentor_client, mentor, headline="Mine", user=other_mentor.pk, user_id=other_mentor.pk)
    assert MentorProfile.objects.get(user=mentor).headline == "Mine"
    assert MentorProfile.objects.get(user=other_mentor).headline == ""


def test_posting_without_a_csrf_token_is_refused(mentor):
    client = jwt_client(mentor, enforce_csrf=True)
    response = client.post(TAB, form_data(mentor, headline="csrf"))
    assert response.status_code == 403
    assert MentorProfile.objects.get(user=mentor).headline == ""


def test_a_mentor_without_a_profile_row_gets_one(db):
    user = User.objects.create_user("bare", password="x", role=User.Role.MENTOR)
    response = jwt_client(user).get(TAB)
    assert response.status_code == 200
    assert MentorProfile.objects.filter(user=user).exists()


def test_without_htmx_an_invalid_form_renders_the_whole_page_with_422(mentor_client, mentor):
    response = mentor_client.post(TAB, form_data(mentor, timezone="Nowhere"))
    assert response.status_code == 422
    html = unescape(response.content.decode())
    assert "<html" in html and "isn't a known time zone" in html
