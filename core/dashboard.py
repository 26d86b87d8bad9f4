"""The dashboard shell: tab definitions and full-page vs fragment rendering."""

from django.shortcuts import render
from django.urls import reverse_lazy

from . import tab_cache
from .tab_cache import cached_tab

__all__ = ["TABS", "cached_tab", "render_tab"]

TABS = [
    ("sessions", "My Sessions", reverse_lazy("sessions_subtab", args=["scheduled"])),
    ("requests", "Requests", reverse_lazy("requests_tab")),
    ("earnings", "Earnings", reverse_lazy("earnings_tab")),
    ("analytics", "Analytics", reverse_lazy("analytics_tab")),
    ("profile", "Profile", reverse_lazy("profile_tab")),
    ("notifications", "Notifications", reverse_lazy("notifications_tab")),
]


def render_tab(request, template: str, context: dict | None = None, *, tab: str, status: int = 200):
    """Full page on a normal request; only the `panel` partial for htmx.

    Every tab template extends mentorhub/dashboard.html and wraps its content
    in `{% partialdef panel inline %}`, so one template serves both. Views
    wrapped in `cached_tab` have their GET answers stored (core.tab_cache).
    """
    context = {**(context or {}), "active_tab": tab, "tabs": TABS}
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#panel"
    if tab_cache.wants_capture(request, status):
        return tab_cache.render_and_store(request, template, context)
    return render(request, template, context, status=status)
