"""The Markdown editor over HTTP: profile and session forms store source and HTML,
the editor shows Markdown (never tags), the preview endpoint, the API's HTML."""

from html import unescape

import pytest
from django.urls import reverse

from accounts.models import MentorProfile
from sessions_app.models import Session
from tests.accounts.test_profile_pictures import form_data
from tests.conftest import jwt_client
from tests.sessions_app.builders import make_session

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
BIO = "I **love** teaching.\n\n- Python\n- Career growth\n\nSee [my site](https://ann.dev)."


def preview(client, text, **kwargs):
    return client.post(reverse("richtext_preview"), {"text": text}, headers=HX, **kwargs)


def test_saving_markdown_stores_the_source_and_the_clean_html(mentor_client, mentor):
    response = mentor_client.post(reverse("profile_tab"), form_data(mentor, bio=BIO), headers=HX)
    assert response.status_code == 200
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.bio_markdown == BIO
    assert "<strong>love</strong>" in profile.bio
    assert "<li>Career growth</li>" in profile.bio
    assert '<a href="https://ann.dev" rel="nofollow noopener">my site</a>' in profile.bio
    # The form comes back with the Markdown in the editor.
    assert "I **love** teaching." in unescape(response.content.decode())


def test_the_editor_shows_markdown_for_a_bio_stored_as_html(mentor_client, mentor):
    MentorProfile.objects.filter(user=mentor).update(
        bio="<p>Hi <strong>there</strong></p><ul><li>one</li></ul>", bio_markdown=""
    )
    html = mentor_client.get(reverse("profile_tab")).content.decode()
    textarea = html[html.index('<textarea id="id_bio"') :]
    textarea = textarea[: textarea.index("</textarea>")]
    assert "Hi **there**\n\n- one" in unescape(textarea)
    assert "&lt;p&gt;" not in textarea and "&lt;strong" not in textarea


def test_the_editor_parts_are_labelled(mentor_client):
    html = mentor_client.get(reverse("profile_tab")).content.decode()
    assert '<label for="id_bio"' in html
    assert 'role="toolbar" aria-label="Bio formatting" aria-controls="id_bio"' in html
    for name in ("Bold", "Italic", "Bulleted list", "Numbered list", "Link"):
        assert f'aria-label="{name}"' in html
    assert 'role="tab" id="id_bio-preview-tab" aria-controls="id_bio-preview"' in html
    assert "font-mono" not in html[html.index('<textarea id="id_bio"') :][:600]
    assert "js/markdown_editor.js" in html


def test_the_public_page_shows_the_bio_formatted(mentor_client, learner_client, mentor):
    mentor_client.post(reverse("profile_tab"), form_data(mentor, bio=BIO), headers=HX)
    html = learner_client.get(reverse("mentor_detail", args=[mentor.pk])).content.decode()
    assert "<strong>love</strong>" in html
    assert "**love**" not in html and "&lt;strong&gt;" not in html


# --- The preview endpoint ---------------------------------------------------------------


def test_preview_renders_with_the_same_renderer(mentor_client):
    response = preview(mentor_client, "A **word** and *more*\n\n1. one")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>word</strong>" in html and "<em>more</em>" in html and "<ol>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>**b**",
        "[x](javascript:alert(1)) **b**",
        '<img src=x onerror="alert(1)"> **b**',
    ],
)
def test_preview_escapes_and_sanitises(mentor_client, text):
    html = preview(mentor_client, text).content.decode()
    assert "<strong>b</strong>" in html
    for bad in ("<script", "javascript:", "onerror", "<img"):
        assert bad not in html


def test_preview_of_nothing_says_so(mentor_client):
    assert "Nothing to preview yet." in preview(mentor_client, "   ").content.decode()


def test_preview_refuses_oversized_text(mentor_client):
    response = preview(mentor_client, "a" * 20_001)
    assert response.status_code == 400
    assert "too long to preview" in response.content.decode()


def test_preview_needs_a_signed_in_mentor(anon_client, learner_client):
    response = preview(anon_client, "**x**")  # htmx is sent to the sign-in page
    assert response.headers["HX-Redirect"].startswith(reverse("login"))
    assert "<strong>" not in response.content.decode()
    assert preview(learner_client, "**x**").status_code == 403


def test_preview_needs_the_csrf_token(mentor):
    client = jwt_client(mentor, enforce_csrf=True)
    assert preview(client, "**x**").status_code == 403
    client.get(reverse("profile_tab"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = preview(client, "**x**", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_preview_is_post_only(mentor_client):
    assert mentor_client.get(reverse("richtext_preview")).status_code == 405


# --- The API keeps serving sanitised HTML ------------------------------------------------


def test_api_accepts_markdown_and_answers_html(mentor_api, mentor):
    response = mentor_api.patch("/api/profile/", {"bio": "Hi **you**"}, format="json")
    assert response.status_code == 200
    assert response.json()["bio"] == "<p>Hi <strong>you</strong></p>"
    assert MentorProfile.objects.get(user=mentor).bio_markdown == "Hi **you**"


def test_api_html_input_is_stored_with_a_markdown_source(mentor_api, mentor):
    response = mentor_api.patch(
        "/api/profile/", {"bio": "<p>Hi <b>you</b></p><script>x</script>"}, format="json"
    )
    assert response.json()["bio"] == "<p>Hi <strong>you</strong></p>"
    assert MentorProfile.objects.get(user=mentor).bio_markdown == "Hi **you**"


# --- Session descriptions ----------------------------------------------------------------


def session_form(**over):
    from tests.sessions_app.test_views import form_data as session_data

    return session_data(**over)


def test_a_session_description_in_markdown_is_stored_both_ways(mentor_client, mentor):
    text = "Bring **code**.\n\n- laptop\n- questions"
    response = mentor_client.post(
        reverse("session_new"), session_form(description=text), headers=HX
    )
    assert response.status_code in (200, 204), response.content.decode()[:500]
    session = Session.objects.get(mentor=mentor)
    assert session.description_markdown == text
    assert (
        "<strong>code</strong>" in session.description and "<li>laptop</li>" in session.description
    )


def test_the_edit_dialog_shows_markdown_and_the_editor(mentor_client, mentor):
    session = make_session(mentor, status=Session.Status.DRAFT)
    Session.objects.filter(pk=session.pk).update(
        description="<p>Old <em>html</em></p>", description_markdown=""
    )
    html = mentor_client.get(reverse("session_edit", args=[session.pk]), headers=HX).content
    html = html.decode()
    assert "Old *html*" in unescape(html)
    assert "Simple formatting" not in html and "&lt;strong&gt;" not in html
    assert 'aria-label="Description formatting" aria-controls="id_description"' in html


def test_the_session_page_shows_the_description_formatted(learner_client, mentor):
    session = make_session(mentor, description_markdown="A **bold** plan")
    html = learner_client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "<strong>bold</strong>" in html and "**bold**" not in html


def test_api_session_description_stays_html(mentor_api, mentor):
    session = make_session(mentor, status=Session.Status.DRAFT)
    response = mentor_api.patch(
        f"/api/sessions/{session.pk}/", {"description": "Now **bold**"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "<p>Now <strong>bold</strong></p>"
