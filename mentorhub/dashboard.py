"""The dashboard shell: tab definitions and full-page vs fragment rendering."""

from django.shortcuts import render

TABS = [
    ("sessions", "My Sessions", "/mentor/dashboard/sessions/scheduled/"),
    ("requests", "Requests", "/mentor/dashboard/requests/"),
    ("earnings", "Earnings", "/mentor/dashboard/earnings/"),
    ("analytics", "Analytics", "/mentor/dashboard/analytics/"),
    ("profile", "Profile", "/mentor/dashboard/profile/"),
    ("notifications", "Notifications", "/mentor/dashboard/notifications/"),
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
