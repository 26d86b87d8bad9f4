"""The dashboard shell: tab definitions and full-page vs fragment rendering."""

from django.shortcuts import render
from django.urls import reverse_lazy

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
    in `{% partialdef panel inline %}`, so one template serves both.
    """
    context = {**(context or {}), "active_tab": tab, "tabs": TABS}
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, f"{template}#panel", context, status=status)
    return render(request, template, context, status=status)
