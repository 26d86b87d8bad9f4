"""User-written rich text (bios, session descriptions): Markdown in, sanitised HTML out.

Authors edit Markdown; readers get the HTML that `render` makes of it (Python-Markdown,
then `clean_html`, the one allow-list). Both are stored: the Markdown so the editor
round-trips, the HTML for display and for the API (whose `bio` / `description` have
always carried sanitised HTML).

Input that holds HTML tags (older rows, API clients sending HTML, pasted markup) is
rendered the same way: Markdown passes inline and block HTML through to the
sanitiser. Its editable source is then rebuilt from the clean HTML
(`html_to_markdown`), so nobody sees tags in the editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import markdown

from .sanitize import clean_html

# nl2br: one Enter in the textarea is one line break, as people expect from a form.
_EXTENSIONS = ("sane_lists", "nl2br")
_HAS_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


@dataclass(frozen=True)
class RichText:
    source: str  # Markdown, what the author edits
    html: str  # sanitised HTML, what readers see


def render(source: str | None) -> str:
    """Markdown (possibly with HTML in it) → sanitised HTML."""
    text = (source or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    return clean_html(markdown.markdown(text, extensions=_EXTENSIONS, output_format="html"))


def from_input(value: str | None) -> RichText:
    """What a form or API client sent → the source to keep and the HTML to show."""
    source = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    html = render(source)
    if _HAS_TAG.search(source):
        source = html_to_markdown(html)
        html = render(source)  # what is shown is always what the source renders to
    return RichText(source, html)


def settle(html: str | None, source: str | None) -> RichText:
    """The pair a model stores: the source wins; a row with only HTML (admin, demo
    data, older rows) gets a source made from that HTML."""
    if (source or "").strip():
        return from_input(source)
    if (html or "").strip():
        return from_input(html_to_markdown(html))
    return RichText("", "")


# --- HTML → Markdown (the allowed tag set only) ------------------------------------------

# What would start a heading, quote or list if a line began with it.
_LINE_START = re.compile(r"^(\s*)(?:([#>+\-])|(\d+)\.)(?=\s|$)")


def _escape_line_start(line: str) -> str:
    return _LINE_START.sub(lambda m: m[1] + (f"\\{m[2]}" if m[2] else f"{m[3]}\\."), line, count=1)


_ENTITY = re.compile(r"&(?=#?[a-zA-Z0-9]+;)")


def _escape_text(text: str) -> str:
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    return text.replace("<", "&lt;")


class _Converter(HTMLParser):
    """A small HTML → Markdown writer for p, br, strong/b, em/i, ul/ol/li, a.

    Other tags are ignored (their text is kept), as the sanitiser would.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []  # finished top-level blocks
        self.line: list[str] = []  # inline text of the current block or list item
        self.lists: list[list] = []  # open lists: [kind, counter]
        self.items: list[str] = []  # finished lines of the current top-level list
        self.links: list[str] = []  # hrefs of open <a>

    # Inline text of the current block, with whitespace collapsed as HTML does.
    def _flush_line(self) -> str:
        text = re.sub(r"[ \t\n]+", " ", "".join(self.line))
        lines = (part.strip(" ") for part in text.split("\x01"))
        text = "\n".join(_escape_line_start(line) for line in lines)
        self.line = []
        return text.strip("\n ")

    def _end_block(self):
        text = self._flush_line()
        if text and not self.lists:
            self.blocks.append(text)
        elif text:
            self._add_item_text(text)

    def _add_item_text(self, text: str):
        depth = len(self.lists) - 1
        kind, count = self.lists[-1]
        marker = f"{count}." if kind == "ol" else "-"
        pad = "    " * depth
        lines = text.split("\n")
        self.items.append(f"{pad}{marker} {lines[0]}")
        self.items.extend(f"{pad}    {rest}" for rest in lines[1:])

    def handle_starttag(self, tag, attrs):
        if tag in ("strong", "b"):
            self.line.append("**")
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag == "br":
            self.line.append("\x01")  # a line break (not collapsed like text newlines)
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.line.append("\x00")  # where the link text starts
        elif tag in ("ul", "ol"):
            self._end_block()
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            self._end_block()
            self.lists[-1][1] += 1
        elif tag == "p":
            self._end_block()

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self._close_marker("**")
        elif tag in ("em", "i"):
            self._close_marker("*")
        elif tag == "a" and self.links:
            self._close_link(self.links.pop())
        elif tag in ("ul", "ol") and self.lists:
            self._end_block()
            self.lists.pop()
            if not self.lists and self.items:
                self.blocks.append("\n".join(self.items))
                self.items = []
        elif tag in ("li", "p"):
            self._end_block()

    def _close_marker(self, marker: str):
        """Markers hug their text: `**word** ` not `** word **` (which is no emphasis)."""
        joined = "".join(self.line)
        start = joined.rfind(marker)
        if start < 0:
            return
        inner = joined[start + len(marker) :]
        if not inner.strip():
            self.line = [joined[:start], inner]
            return
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        self.line = [joined[:start], lead, marker, inner.strip(), marker, trail]

    def _close_link(self, href: str):
        joined = "".join(self.line)
        start = joined.rfind("\x00")
        text = joined[start + 1 :]
        before = joined[:start]
        if not href or not text.strip():
            self.line = [before, text]
        elif text.strip() in (href, escape(href), _escape_text(href)):
            self.line = [before, href]  # a bare URL: linkified again when rendered
        else:
            safe = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            self.line = [before, f"[{text.strip()}]({safe})"]

    def handle_data(self, data):
        self.line.append(_escape_text(data))

    def result(self) -> str:
        self._end_block()
        while self.lists:
            self.handle_endtag(self.lists[-1][0])
        return "\n\n".join(b for b in self.blocks if b.strip())


def html_to_markdown(html: str | None) -> str:
    """Clean HTML (the allowed tags) → Markdown that `render` turns back into it."""
    converter = _Converter()
    converter.feed(clean_html(html))
    converter.close()
    return converter.result()


def backfill(queryset, html_field: str, markdown_field: str, batch: int = 500) -> int:
    """Data migrations: give rows that hold only HTML their Markdown source.

    The HTML is re-rendered from that source, so what readers see is exactly
    what the editor will round-trip. Returns how many rows changed.
    """
    changed = []
    for row in queryset.filter(**{markdown_field: ""}).exclude(**{html_field: ""}).iterator():
        rich = settle(getattr(row, html_field), "")
        setattr(row, markdown_field, rich.source)
        setattr(row, html_field, rich.html)
        changed.append(row)
    for start in range(0, len(changed), batch):
        queryset.model.objects.bulk_update(
            changed[start : start + batch], [html_field, markdown_field]
        )
    return len(changed)


__all__ = ["RichText", "backfill", "from_input", "html_to_markdown", "render", "settle"]
