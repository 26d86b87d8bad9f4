"""Markdown → sanitised HTML (accounts/richtext.py), the HTML → Markdown converter
and the data migrations that give HTML-only rows their Markdown source."""

import importlib
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps

from accounts.models import MentorProfile
from accounts.richtext import backfill, from_input, html_to_markdown, render
from accounts.sanitize import ALLOWED_TAGS
from sessions_app.models import Session
from tests.conftest import make_user
from tests.sessions_app.builders import make_session


def test_markdown_becomes_the_allowed_markup():
    html = render("I **like** *teaching*\n\n- one\n- two\n\n1. first\n2. second")
    assert "<strong>like</strong>" in html and "<em>teaching</em>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<ol>" in html and "<li>second</li>" in html


def test_links_get_rel_and_bare_urls_become_links():
    html = render("[my site](https://ann.dev) or https://example.com")
    assert '<a href="https://ann.dev" rel="nofollow noopener">my site</a>' in html
    assert '<a href="https://example.com" rel="nofollow noopener">https://example.com</a>' in html


def test_one_enter_is_a_line_break():
    assert render("line one\nline two") == "<p>line one<br>\nline two</p>"


def test_blank_input_renders_to_nothing():
    assert render("") == "" and render("  \n ") == "" and render(None) == ""


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>hello",
        "hello <script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "<javascript:alert(1)>",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<img src="x" onerror="alert(1)">',
        "![x](javascript:alert(1))",
        '<a href="https://ok.example" onclick="alert(1)">ok</a>',
        '<p onmouseover="alert(1)" style="color:red">hi</p>',
        "<iframe src=https://evil.example></iframe>",
        '[x](https://ok.example "title" onclick=alert(1))',
    ],
)
def test_nothing_executable_survives(source):
    html = render(source)
    found = _Markup()
    found.feed(html)
    assert found.tags <= ALLOWED_TAGS, html
    assert found.attributes <= {"href", "rel"}, html
    assert all(h.startswith(("https:", "http:", "mailto:")) for h in found.hrefs), html
    assert "<script" not in html.lower()


class _Markup(HTMLParser):
    """Every tag, attribute name and href in some HTML."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes, self.hrefs = set(), set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "href":
                self.hrefs.append(value.lower())


def test_text_that_looks_like_markup_stays_text():
    html = render("1 &lt; 2 and `<b>` and AT&T")
    assert "<b>" not in html.replace("&lt;b&gt;", "")
    assert "AT&amp;T" in html


def test_html_input_gets_a_markdown_source_without_tags():
    rich = from_input(
        '<p>I <strong>like</strong> <a href="https://a.dev">links</a></p><ul><li>x</li></ul>'
    )
    assert rich.source == "I **like** [links](https://a.dev)\n\n- x"
    assert "<" not in rich.source
    assert rich.html == render(rich.source)


def test_markdown_input_is_kept_as_typed():
    typed = "Hi **there**\r\n\r\n- a\r\n- b"
    rich = from_input(typed)
    assert rich.source == "Hi **there**\n\n- a\n- b"
    assert "<strong>there</strong>" in rich.html


@pytest.mark.parametrize(
    "html,markdown",
    [
        ("<p>Plain text.</p>", "Plain text."),
        (
            "<p>A <b>b</b> and <i>i</i> and <strong>s</strong> <em>e</em></p>",
            "A **b** and *i* and **s** *e*",
        ),
        ("<p>foo<strong> bar </strong>baz</p>", "foo **bar** baz"),
        ("<p>one<br>two</p><p>three</p>", "one\ntwo\n\nthree"),
        ("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n    - b\n- c"),
        ("<ol><li>first</li><li>second</li></ol>", "1. first\n2. second"),
        ('<a href="https://x.dev/a_b">site</a>', "[site](https://x.dev/a_b)"),
        ("<p>https://example.com/x_y</p>", "https://example.com/x_y"),
        (
            "<p>2 * 3 = 6, a_b, [x], # not a heading</p>",
            "2 \\* 3 = 6, a\\_b, \\[x\\], # not a heading",
        ),
        ("<p>- not a list<br>3. nor this</p>", "\\- not a list\n3\\. nor this"),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "&lt;script>alert(1)&lt;/script>"),
    ],
)
def test_the_converter_writes_markdown_that_renders_back(html, markdown):
    assert html_to_markdown(html) == markdown
    again = render(markdown)
    # Same content and formatting (b/i are written as strong/em).
    normal = render(html).replace("<b>", "<strong>").replace("</b>", "</strong>")
    normal = normal.replace("<i>", "<em>").replace("</i>", "</em>")
    assert again == render(html_to_markdown(again))  # stable from here on
    assert _text(again) == _text(normal)


def _text(html: str) -> tuple[list[str], str]:
    """The tags in order and the words: formatting and content, whitespace aside."""
    tags = re.findall(r"</?[a-z]+", html)
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return tags, words


@pytest.mark.parametrize(
    "markdown",
    [
        "Hello **world**, *this* is [a link](https://a.dev).",
        "- one\n- two with **bold**\n    - nested\n\n1. first\n2. second",
        "Line one\nline two\n\nNext paragraph with https://example.com/path_x",
        "Price: 5 * 3 and snake_case_name",
    ],
)
def test_the_editor_round_trips(markdown):
    """Source → HTML → source → HTML gives the same HTML (what the migration relies on)."""
    html = render(markdown)
    assert render(html_to_markdown(html)) == html


@pytest.mark.django_db
def test_the_bio_migration_converts_html_rows():
    mentor = make_user("mig_mentor", "mentor")
    # As the rows were before: HTML only (update() skips the model's save).
    MentorProfile.objects.filter(user=mentor).update(
        bio="<p>I <strong>love</strong> teaching</p><ul><li>Python</li></ul>", bio_markdown=""
    )
    migration = importlib.import_module("accounts.migrations.0004_profile_bio_markdown")
    migration.bios_to_markdown(apps, None)
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.bio_markdown == "I **love** teaching\n\n- Python"
    assert profile.bio == render(profile.bio_markdown)
    assert "<strong>love</strong>" in profile.bio


@pytest.mark.django_db
def test_the_description_migration_converts_html_rows(mentor):
    session = make_session(mentor)
    Session.objects.filter(pk=session.pk).update(
        description='<p>Bring <em>code</em> and <a href="https://a.dev">notes</a></p>',
        description_markdown="",
    )
    migration = importlib.import_module("sessions_app.migrations.0005_session_description_markdown")
    migration.descriptions_to_markdown(apps, None)
    session.refresh_from_db()
    assert session.description_markdown == "Bring *code* and [notes](https://a.dev)"
    assert '<a href="https://a.dev" rel="nofollow noopener">notes</a>' in session.description


@pytest.mark.django_db
def test_backfill_leaves_rows_with_a_source_alone(mentor):
    session = make_session(mentor, description_markdown="Mine **own**")
    Session.objects.filter(pk=session.pk).update(description="<p>stale</p>")
    assert backfill(Session.objects.all(), "description", "description_markdown") == 0
    session.refresh_from_db()
    assert session.description == "<p>stale</p>"


@pytest.mark.django_db
def test_saving_renders_the_html_from_the_source(mentor):
    session = make_session(mentor, description_markdown="**Bold** plan")
    assert session.description == "<p><strong>Bold</strong> plan</p>"
    session.description_markdown = "*new*"
    session.save(update_fields=["description_markdown"])
    session.refresh_from_db()
    assert session.description == "<p><em>new</em></p>"
