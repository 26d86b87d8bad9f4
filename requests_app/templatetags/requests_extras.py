"""Display helpers for the Requests tab, and the learner home's "My requests" section."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from core.formatting import day_label
from core.tab_cache import clock_filter

from ..queries import learner_requests

register = template.Library()

LEARNER_HOME_REQUESTS = 20  # the same number the section shows after a withdraw


@register.simple_tag(takes_context=True)
def learner_requests_section(context) -> SafeString:
    """The learner's requests on sessions_app's home page.

    The home page is sessions_app's; the section is ours. Rendering it here
    keeps sessions_app from importing requests_app (it sits below us).
    """
    user = context["request"].user
    section = context.template.engine.get_template("requests_app/_learner_requests.html")
    with context.push(session_requests=learner_requests(user, limit=LEARNER_HOME_REQUESTS)):
        return section.render(context)


@register.filter
@clock_filter("requests_age")
def age(value: datetime | None) -> str:
    """Compact age of a timestamp: "just now", "5 min ago", "2 h ago", "3 d ago",
    then the day ("Tue 20 Oct 2026")."""
    if not value:
        return ""
    seconds = (timezone.now() - value).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 86400 * 30:
        return f"{int(seconds // 86400)} d ago"
    return day_label(value)  # the house date style, in the active zone
