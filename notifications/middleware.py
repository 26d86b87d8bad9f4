"""Opening a page closes the urgent alerts that point to it.

A view-layer step, before the view renders: templates only read (the banner
tag shows what is still open), and the page shows no banner for itself.
"""

from __future__ import annotations

from .services import mark_read_for_url

# Not pages a person opens: machine endpoints and files.
_SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/ws/")


class OpenedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_page_load(request):
            mark_read_for_url(request.user, request.path)
        return None


def is_page_load(request) -> bool:
    """A signed-in user's full page GET (not an htmx fragment, not the API)."""
    if request.method != "GET" or request.path.startswith(_SKIP_PREFIXES):
        return False
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
