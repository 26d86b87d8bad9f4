"""Shell helpers: the realtime client's start values and banners on page load."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html

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
    banners = queries.open_banners(user)
    if not banners:
        return ""
    return render_to_string("notifications/_banners.html", {"banners": banners})


@register.filter
def ago(value) -> str:
    """ "just now", "5 minutes ago", "2 days ago" (coarse, like a feed)."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value, depth=1)} ago"
