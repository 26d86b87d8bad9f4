"""The limited rich text of session descriptions (cleaned with bleach on every save)."""

import re

import bleach

ALLOWED_TAGS = ["p", "br", "strong", "em", "ul", "ol", "li", "a"]
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]
SCRIPT_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)


def clean_description(html: str) -> str:
    """Keep a small set of formatting tags; links get rel="nofollow noopener".

    Idempotent: cleaning an already clean description changes nothing.
    """
    # Drop script/style blocks with their content (bleach would keep the text).
    html = SCRIPT_BLOCK.sub("", html or "")
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )

    def set_rel(attrs, new=False):
        if (None, "href") in attrs:
            attrs[(None, "rel")] = "nofollow noopener"
        return attrs

    return bleach.linkify(cleaned, callbacks=[set_rel], parse_email=False).strip()
