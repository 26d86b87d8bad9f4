"""`{% include_if_exists "app/_section.html" %}`: a slot another app fills
(the account page's notification preferences) without accounts importing it."""

from django import template
from django.template.loader import get_template

register = template.Library()


@register.simple_tag(takes_context=True)
def include_if_exists(context, name: str) -> str:
    try:
        found = get_template(name)
    except template.TemplateDoesNotExist:
        return ""
    return found.render(context.flatten(), context.get("request"))
