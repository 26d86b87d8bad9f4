"""`{% zone_options groups selected %}`: the time-zone picker's <optgroup>s.

The same markup as the template loop it replaces, rendered once per list of
groups (they are built once per quarter hour) instead of ~1,300 template
variables per profile view; only the selected option differs per call.
"""

from __future__ import annotations

import threading

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_MAX = 32
_rendered: dict[
    int, tuple[object, str, dict[str, str]]
] = {}  # id(groups) → (groups, html, opening tags)
_lock = threading.Lock()


def _render(groups) -> tuple[str, dict[str, str]]:
    parts, openings = [], {}
    for region, zones in groups:
        parts.append(f'<optgroup label="{escape(region)}">')
        for z in zones:
            opening = f'<option value="{escape(z["id"])}" data-country="{escape(z["country"])}">'
            openings.setdefault(str(z["id"]), opening)
            parts.append(f"{opening}{escape(z['label'])}</option>")
        parts.append("</optgroup>")
    return "".join(parts), openings


@register.simple_tag
def zone_options(groups, selected=None):
    with _lock:
        entry = _rendered.get(id(groups))
        if entry is None or entry[0] is not groups:
            if len(_rendered) >= _MAX:
                _rendered.clear()
            html, openings = _render(groups)
            entry = _rendered[id(groups)] = (
                groups,
                html,
                openings,
            )  # holds groups: id stays unique
    _, html, openings = entry
    opening = openings.get(str(selected)) if selected is not None else None
    if opening is not None:
        html = html.replace(opening, opening[:-1] + " selected>", 1)
    return mark_safe(html)  # noqa: S308 (every value escaped above)
