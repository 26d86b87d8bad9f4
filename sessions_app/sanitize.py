"""The limited rich text of session descriptions (cleaned with bleach on every save).

Same rules as profile bios: one sanitiser for all user HTML (accounts.sanitize).
"""

from accounts.sanitize import clean_html


def clean_description(html: str) -> str:
    """Keep a small set of formatting tags; links get rel="nofollow noopener".

    Idempotent: cleaning an already clean description changes nothing.
    """
    return clean_html(html)
