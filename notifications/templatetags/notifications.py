"""Shell helpers: the realtime client's start values and banners on page load."""

import math

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from core.cache import never_cache_markup
from core.formatting import time_label
from core.tab_cache import clock_filter

from .. import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def realtime_attrs(context) -> str:
    """data-* attributes for #shell: socket path, newest id, heartbeat.

    The page knows the newest notification id at render time, so a fresh page
    load never replays old rows as toasts; the socket's hello catch-up starts
    from here.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html(
        'data-realtime="/ws/notifications/" data-last-id="{}" data-poll-seconds="{}"',
        queries.newest_id(user),
        settings.NOTIFY_POLL_SECONDS,
    )


@register.simple_tag(takes_context=True)
def notification_banners(context) -> str:
    """Open urgent alerts, shown until dismissed or until their page is opened.

    Read only: opening the page they point to closes them before the view
    runs (notifications.middleware), never while a template renders.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if queries.open_urgent_urls(user) == frozenset():
        # Usually so, and known without a query: kept per process under the
        # user's stamp read with this request (the middleware asked it already).
        # The banner query with its rules costs more than the rest of a page.
        return ""
    banners = queries.open_banners(user)
    if not banners:
        return ""
    never_cache_markup(context)  # their text follows the clock and the subject's state
    return render_to_string("notifications/_banners.html", {"banners": banners})


def _minutes(count: int) -> str:
    hours, minutes = divmod(count, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def countdown_phrase(mode: str, starts_at, now) -> str:
    """The words after a banner's subject, as of `now`.

    Mirrors static/js/banners.js (which re-words it each minute in the
    browser): "start" counts to a start ("starts in 3 min", "is starting now",
    "was due 2 min ago"), "live" from one ("is live now", "started 2 min ago").
    """
    seconds = (starts_at - now).total_seconds()
    if mode == "live":
        since = -seconds
        return "is live now" if since < 60 else f"started {_minutes(math.floor(since / 60))} ago"
    if seconds > 0:
        return f"starts in {_minutes(math.ceil(seconds / 60))}"
    if seconds > -60:
        return "is starting now"
    return f"was due {_minutes(math.floor(-seconds / 60))} ago"


@register.filter
def countdown_text(n) -> str:
    """A counting banner's words at render time (the browser keeps them current)."""
    return countdown_phrase(n.countdown, n.starts_at, timezone.now()) if n.countdown else ""


@register.filter
def countdown_label(n) -> str:
    """What screen readers get instead of the ticking words: the fixed time."""
    if not n.countdown:
        return ""
    verb = "started at" if n.countdown == "live" else "starts at"
    return f"{verb} {time_label(n.starts_at)}"


@register.filter
@clock_filter("notifications_ago")
def ago(value) -> str:
    """ "just now", "5 minutes ago", "2 days ago" (coarse, like a feed)."""
    from django.utils.timesince import timesince

    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value, depth=1)} ago"


@register.inclusion_tag("notifications/_preferences_form.html", takes_context=True)
def notification_preferences_form(context, next_url: str = "") -> dict:
    """The settings form for the signed-in user (the /account/ page's section).

    Pages that include `notifications/_preferences_section.html` need no
    context of their own: the form reads the user's preferences here and
    posts to `notification_preferences`, which answers htmx with the form.
    """
    from ..preference_views import form_context

    request = context["request"]
    return {
        **form_context(request.user, next_url=next_url or request.path),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
