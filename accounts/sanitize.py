"""Limited rich text for user-written HTML (bios, descriptions).

`clean_html` is the one place that decides what markup survives: a few
formatting tags, links with http/https/mailto only, and every link gets
`rel="nofollow noopener"`. Other apps may reuse it.
"""

import re

import bleach
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

# bleach strips disallowed tags but keeps their text; the *content* of these
# would read as garbage ("alert(1)"), so it goes first. Safety does not rely
# on this step: bleach below is the gate. It runs in linear time: a single
# `<x>.*?</x>` regex rescans to the end for every unclosed opening tag, which
# made a few hundred KB of "<script>" cost minutes of CPU.
_DROP_NAMES = ("script", "style", "iframe", "object", "embed", "template", "noscript",
               "textarea", "title")  # fmt: skip
_DROP_OPEN = re.compile(rf"<({'|'.join(_DROP_NAMES)})\b[^<>]*>", re.IGNORECASE)
_DROP_CLOSE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _DROP_NAMES}


def _drop_with_content(html: str) -> str:
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()  # no closing tag after some point → none after any later one
    for opening in _DROP_OPEN.finditer(html):
        if opening.start() < pos:
            continue  # inside an element already dropped
        name = opening.group(1).lower()
        if name in unclosed:
            continue
        closing = _DROP_CLOSE[name].search(html, opening.end())
        if closing is None:
            unclosed.add(name)
            continue
        out.append(html[pos : opening.start()])
        pos = closing.end()
    out.append(html[pos:])
    return "".join(out)


def _set_rel(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    if not href:
        return None  # an <a> without a (safe) href is just text
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[lambda source: LinkifyFilter(source, callbacks=[_set_rel], parse_email=False)],
)


def clean_html(html: str | None) -> str:
    """Sanitised HTML safe to render with `|safe`; bare URLs become links."""
    text = _drop_with_content(html or "")
    return _cleaner.clean(text).strip()


def plain_text(html: str | None) -> str:
    """The text of some HTML (for previews, meta descriptions)."""
    return " ".join(bleach.clean(html or "", tags=set(), strip=True).split())
