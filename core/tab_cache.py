"""Whole dashboard tabs, rendered once per owner's data and served from markup.

A tab's markup (the htmx fragment, or the full page with its shell) depends on
the signed-in mentor's data, the clock and the request's path, query string
and htmx headers, plus a few per-request values. It is stored under a key of:

- the owner's data version and minute and zone (`core.cache.key_for`): every
  watched write (sessions, bookings, requests, ledger, payouts, reviews, …)
  moves it, after commit everywhere and at once in the writing process;
- the user's *stamp* (accounts.user_cache, read fresh for each request): it
  changes with every change to the user or their profile (name, picture, zone,
  role) and to their notifications (created, read, unread, deleted), which the
  shell (bell, avatar) and the Notifications tab show;
- the kind (fragment / full page), `HX-Target`, the scheme, host, path and
  query string.

Per-request values never enter the stored markup: it is rendered with
placeholders for the CSRF token and the CSP nonce, and time-relative text
("5 min ago", "Today · in 8 min") as a marker holding the instant and the zone
(`clock_filter`); each response fills them in from its own request and clock.
Nothing is stored when the render read Django messages, showed live state
(`core.cache.never_cache_markup`: presence, urgent banners) or got a real
token or nonce some other way; and nothing is served from the store to a
request with messages waiting.

Only GET requests of views wrapped in `cached_tab` (the tabs) are cached, and
only what `core.dashboard.render_tab` renders with status 200.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from . import cache

# Letters and digits only: unchanged by HTML escaping wherever a template puts them.
CSRF_PLACEHOLDER = "mhTabCacheCsrf7c1f0e9b2d"
NONCE_PLACEHOLDER = "mhTabCacheNonce4a8d3e6f"
_CLOCK = re.compile("\x1e([a-z_]+)\x1d([^\x1d\x1f]+)\x1d([^\x1d\x1f]*)\x1f")
_clocks: dict[str, Callable[[datetime], str]] = {}
_ATTR = "_tab_cache_key"

# The user's current stamp (accounts registers it: core imports no domain app);
# None when unknown: then nothing is cached.
_stamp_source: list[Callable[[object], str | None]] = []


def set_stamp_source(source: Callable[[object], str | None]) -> None:
    _stamp_source[:] = [source]


# --- time-relative text ---------------------------------------------------------------


def clock_filter(name: str):
    """Decorate a template filter whose text depends on the current time.

    While a tab is rendered to be stored it returns a marker (the instant and the
    active zone) that each response replaces with the filter's text at that moment.
    """

    def decorate(func: Callable[[datetime], str]):
        _clocks[name] = func

        @wraps(func)
        def filter_(value):
            if value and isinstance(value, datetime) and cache.markup_capture.get():
                zone = timezone.get_current_timezone_name()
                return f"\x1e{name}\x1d{value.isoformat()}\x1d{zone}\x1f"
            return func(value)

        return filter_

    return decorate


def _clock_text(match: re.Match) -> str:
    name, when, zone = match.groups()
    with timezone.override(ZoneInfo(zone) if zone else None):
        return escape(_clocks[name](datetime.fromisoformat(when)))


# key → the stored markup with its clock text filled in, for the current second
# only: the texts count minutes, so every request in the same second gets the
# same ones (under load most requests share a second).
_clock_filled: dict[str, str] = {}
_clock_second = [0]
_clock_lock = threading.Lock()


def _fill_clock(key: str | None, html: str) -> str:
    if key is None:
        return _CLOCK.sub(_clock_text, html)
    second = int(timezone.now().timestamp())  # the filters' clock
    with _clock_lock:
        if _clock_second[0] != second:
            _clock_filled.clear()
            _clock_second[0] = second
        filled = _clock_filled.get(key)
    if filled is None:
        filled = _CLOCK.sub(_clock_text, html)
        with _clock_lock:
            if _clock_second[0] == second:
                _clock_filled[key] = filled
    return filled


# --- keys -------------------------------------------------------------------------


def _has_messages(request) -> bool:
    return bool(len(get_messages(request)))


def _key(request) -> str | None:
    if request.method != "GET" or not _stamp_source:
        return None
    user = request.user
    if not user.is_authenticated or _has_messages(request):
        return None
    stamp = _stamp_source[0](user)
    if not stamp:
        return None
    htmx = getattr(request, "htmx", None)
    kind = "fragment" if htmx and not htmx.boosted else "page"
    target = request.headers.get("HX-Target", "") if kind == "fragment" else ""
    # The host: the Profile tab shows the calendar feed's absolute address.
    where = f"{kind}\n{target}\n{request.scheme}://{request.get_host()}{request.get_full_path()}"
    # Hashed: any query string keeps the key short and free of odd characters.
    return cache.key_for(
        user, "tab", stamp, hashlib.blake2b(where.encode(), digest_size=16).hexdigest()
    )


# --- serving ----------------------------------------------------------------------


def _fill(request, html: str, key: str | None = None) -> str:
    """The stored markup with this request's clock, token and nonce."""
    if "\x1e" in html:
        html = _fill_clock(key, html)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:
        html = html.replace(NONCE_PLACEHOLDER, str(get_nonce(request)))
    return html


def cached_tab(view):
    """Serve the view's tab from stored markup when the owner's data allows (GET)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _key(request)
        if key is not None:
            html = cache.store().get(key)
            if html is not None:
                return HttpResponse(_fill(request, html, key))
            setattr(request, _ATTR, key)  # render_tab stores what it renders
        return view(request, *args, **kwargs)

    return wrapper


def wants_capture(request, status: int) -> bool:
    return status == 200 and getattr(request, _ATTR, None) is not None


def render_and_store(request, template_name: str, context: dict) -> HttpResponse:
    """Render with placeholders, store unless unsafe, answer with this request's values."""
    key = getattr(request, _ATTR)
    delattr(request, _ATTR)
    flag = cache._Volatile()
    token_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    nonce = get_nonce(request)
    nonce_before = bool(nonce)
    capture = cache.markup_capture.set(True)
    try:
        html = render_to_string(
            template_name,
            {
                **context,
                "csrf_token": CSRF_PLACEHOLDER,
                "csp_nonce": NONCE_PLACEHOLDER,
                cache._VOLATILE: flag,
            },
            request,
        )
    finally:
        cache.markup_capture.reset(capture)
    storage = get_messages(request)
    safe = not (
        flag.live
        or getattr(storage, "used", False)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != token_before
        or (nonce is not None and bool(nonce) != nonce_before)
    )
    if safe:
        cache.store().set(key, html, cache.TIMEOUT_SECONDS)
    return HttpResponse(_fill(request, html))
