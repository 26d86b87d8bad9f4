"""`{% load formatting %}`: core.formatting's money and local-time label in templates.

{{ amount|money }}                      120.00
{{ amount|money_label:currency }}       EUR 1,234.50
{{ when|local_time_label:user }}        Tue 14 Jul, 09:00

In the active time zone (the middleware activates the user's; `{% timezone %}` another):
{{ when|day_label }}                    Tue 20 Oct 2026
{{ when|when_label }}                   Tue 20 Oct, 14:00 (the year when not this year)
{{ when|when_label:"zone" }}            Tue 20 Oct, 14:00 GMT−3
{{ when|time_label }} / :"zone"         14:00 / 14:00 CET
{{ when|zone_abbrev }}                  CET, GMT−3 (never "-03")
{{ user.timezone|zone_label }}          São Paulo (GMT−3)
{% current_time as now %}               the current moment, for the filters above
{{ when|relative_when }}                Today · in 8 min, Tomorrow 10:00, Tue 14 Jul, 09:00
"""

from django import template
from django.utils import timezone

from core import formatting
from core.tab_cache import clock_filter

register = template.Library()


@register.filter
def money(value) -> str:
    return formatting.money(value)


@register.filter
def money_label(value, currency) -> str:
    return formatting.money_label(value, currency)


@register.filter
def local_time_label(when, user) -> str:
    return formatting.local_time_label(user, when) if when else ""


def _zone(arg) -> bool:
    return arg == "zone"


@register.filter
def day_label(when) -> str:
    return formatting.day_label(when) if when else ""


@register.filter
def when_label(when, arg=None) -> str:
    return formatting.when_label(when, zone=_zone(arg)) if when else ""


@register.filter
def time_label(when, arg=None) -> str:
    return formatting.time_label(when, zone=_zone(arg)) if when else ""


@register.filter
def zone_abbrev(when) -> str:
    return formatting.zone_abbrev(timezone.localtime(when)) if when else ""


@register.filter
def zone_label(zone_name) -> str:
    return formatting.zone_label(zone_name) if zone_name else ""


@register.simple_tag
def current_time():
    return timezone.now()


@register.filter
@clock_filter("relative_when")
def relative_when(when) -> str:
    """{{ when|relative_when }}: "Today · in 8 min", "Tomorrow 10:00" (active zone; the
    abbreviation added when it differs from today's)."""
    if not when:
        return ""
    tz = timezone.get_current_timezone()
    return formatting.relative_when(timezone.now(), when, tz, zone_if_changed=True)
