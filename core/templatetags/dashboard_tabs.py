"""{% dashboard_tabs %}: the dashboard's tab bar, rendered once per process per state.

Every tab fragment sends the bar again (out of band, to move the selection)
and every dashboard page shows it: its markup depends only on the active tab,
the pending-requests count on the Requests badge and whether it is sent out of
band, so it is kept per process under those (the tab list is the constant
core.dashboard.TABS; any other list is simply rendered).
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from core.dashboard import TABS

register = template.Library()
_MAX = 500
_markup: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def dashboard_tabs(context) -> str:
    tabs = context.get("tabs")
    active = context.get("active_tab")
    oob = bool(context.get("oob"))
    count = context.get("pending_requests")
    if callable(count):  # the shell's context processor counts on first use
        count = count()
    key = (active, count, oob) if tabs is TABS else None
    html = _markup.get(key) if key else None
    if html is None:
        html = render_to_string(
            "mentorhub/_nav.html",
            {
                "nav_id": "dashboard-tabs",
                "nav_label": "Dashboard sections",
                "nav_items": tabs,
                "nav_active": active,
                "as_tabs": True,
                "oob": oob,
                "pending_requests": count,
            },
        )
        if key:
            if len(_markup) >= _MAX:
                _markup.clear()
            _markup[key] = html
    return html
