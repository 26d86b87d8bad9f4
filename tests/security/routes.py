"""Enumerate the URL configuration: HTTP routes and WebSocket routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.matrix import ADMIN_PREFIX


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == ADMIN_PREFIX:
                yield route, "django.contrib.admin"
                continue
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            view = getattr(callback, "cls", None) or callback
            yield route, f"{view.__module__}.{getattr(view, '__name__', view)}"


def http_routes() -> dict[str, str]:
    """route → view (dotted), every route of mentorhub.urls; admin as one prefix."""
    return dict(_walk(get_resolver().url_patterns))


def websocket_routes() -> list[str]:
    from mentorhub.routing import websocket_urlpatterns

    return [str(p.pattern) for p in websocket_urlpatterns]


def _walk_names(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == ADMIN_PREFIX:
                yield route, "admin"
                continue
            yield from _walk_names(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name or route


def http_route_names() -> dict[str, str]:
    """route → URL name (the route itself when unnamed), every route of mentorhub.urls."""
    return dict(_walk_names(get_resolver().url_patterns))
