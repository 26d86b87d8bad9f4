"""Opening a page closes the urgent alerts that point to it.

A view-layer step, before the view renders: templates only read (the banner
tag shows what is still open), and the page shows no banner for itself.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async

from core.middleware import EitherModeMiddleware

from .queries import open_urgent_urls
from .services import mark_read_for_url

# Not pages a person opens: machine endpoints and files.
_SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/ws/")


class OpenedPageMiddleware(EitherModeMiddleware):
    """Sync or async, following the handler it wraps; in async mode its
    process_view is a coroutine too, so Django calls it without a thread switch
    (and only a page load that has alerts to look up goes to the database)."""

    def __init__(self, get_response):
        super().__init__(get_response)
        if self.async_mode:
            self.process_view = self.aprocess_view

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_page_load(request):
            close_alerts_for_page(request.user, request.path)
        return None

    async def aprocess_view(self, request, view_func, view_args, view_kwargs):
        if _page_get(request) and is_page_load(request, await _user(request)):
            await sync_to_async(close_alerts_for_page)(request.user, request.path)
        return None


def close_alerts_for_page(user, path: str) -> None:
    """Usually no query: the user's open urgent alerts are known (queries.open_urgent_urls)."""
    urls = open_urgent_urls(user)
    if urls is None or path in urls:
        mark_read_for_url(user, path)


def _page_get(request) -> bool:
    if request.method != "GET" or request.path.startswith(_SKIP_PREFIXES):
        return False
    htmx = getattr(request, "htmx", None)
    return not (htmx and not htmx.boosted)


async def _user(request):
    """request.user without a query in async code: JWT users are loaded already."""
    auser = getattr(request, "auser", None)
    if getattr(request, "jwt_authenticated", False) or auser is None:
        return getattr(request, "user", None)
    return await auser()


def is_page_load(request, user=None) -> bool:
    """A signed-in user's full page GET (not an htmx fragment, not the API)."""
    if not _page_get(request):
        return False
    user = user if user is not None else getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
