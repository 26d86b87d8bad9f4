"""accounts.sanitize: what survives of user-written HTML."""

import pytest

from accounts.profile_services import BIO_RAW_MAX, clean_bio
from accounts.sanitize import clean_html


@pytest.mark.parametrize(
    "dirty,clean",
    [
        ("<p>a</p><script>x()</script><p>b</p><style>p{}</style>", "<p>a</p><p>b</p>"),
        ("<SCRIPT type='x'>x()</Script ><p>ok</p>", "<p>ok</p>"),
        # An unclosed opening tag is only stripped by bleach; its text stays, as text.
        ("<p>I teach <style> in CSS</p>", "<p>I teach  in CSS</p>"),
        ("<script>x()" + "<script>" * 50 + "<p>tail</p>", "x()<p>tail</p>"),
        ("<title>t</title><script>a</script>b<script>c</script>", "b"),
        ("<scripts>kept</scripts>", "kept"),
    ],
)
def test_dangerous_elements_are_dropped_with_their_content(dirty, clean):
    assert clean_html(dirty) == clean


def test_many_unclosed_tags_are_handled_without_rescanning():
    """Thousands of unclosed "<script>" (the old regex was quadratic here)."""
    html = "<p>start</p>" + "<script>" * 2000 + "<iframe src=x>" * 2000
    assert clean_html(html) == "<p>start</p>"


def test_an_overlong_bio_is_refused_before_it_is_parsed():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at most 5000 characters"):
        clean_bio("<u></u>" * (BIO_RAW_MAX // 7 + 1))  # cleans to nothing, still refused
    assert clean_bio("<u></u>" * 100 + "<p>short</p>").html == "<p>short</p>"
