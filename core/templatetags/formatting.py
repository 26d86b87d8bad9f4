"""`{% load formatting %}`: core.formatting's money and local-time label in templates.

{{ amount|money }}                      120.00
{{ amount|money_label:currency }}       EUR 1,234.50
{{ when|local_time_label:user }}        Tue 14 Jul, 09:00
"""

from django import template

from core import formatting

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
