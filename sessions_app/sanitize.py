"""The limited rich text of session descriptions: Markdown in, sanitised HTML out.

Same rules as profile bios: one renderer and sanitiser for all user text
(accounts.richtext, accounts.sanitize).
"""

from accounts.richtext import RichText, from_input, settle
from accounts.sanitize import clean_html


def clean_description(html: str) -> str:
    """Keep a small set of formatting tags; links get rel="nofollow noopener".

    Idempotent: cleaning an already clean description changes nothing.
    """
    return clean_html(html)


def description_text(value: str | None) -> RichText:
    """What the mentor typed (Markdown, or HTML from older clients) → source and HTML."""
    return from_input(value)


def settle_description(html: str | None, source: str | None) -> RichText:
    """The pair stored on a session: the source wins; HTML-only rows get a source."""
    return settle(html, source)
