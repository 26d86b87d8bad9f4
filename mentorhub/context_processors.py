"""Values the page shell needs on every page (header bell, Requests badge).

Passed as callables so a fragment that never shows them costs no query, and
memoised: a template that shows one value three times asks the database once.
Each value comes from its app's own queries (the same ones the live fragments use).
"""

from functools import cache

from django.conf import settings
from django.urls import reverse_lazy

from notifications.queries import unread_count
from requests_app.queries import pending_count

# The learner's pages, drawn by the same bar as the mentor's tabs (mentorhub/_nav.html).
LEARNER_NAV = [
    ("home", "My home", reverse_lazy("home")),
    ("catalog", "Find sessions", reverse_lazy("catalog")),
    ("mentors", "Mentors", reverse_lazy("mentor_list")),
]


def shell(request) -> dict:
    user = getattr(request, "user", None)
    context = {"platform_currency": settings.PLATFORM_CURRENCY}
    if user is None or not user.is_authenticated:
        return context

    @cache
    def bell_unread() -> int:
        return unread_count(user)

    @cache
    def pending_requests() -> int:
        return pending_count(user) if user.is_mentor else 0

    context["learner_nav_items"] = LEARNER_NAV
    context["bell_unread"] = bell_unread
    context["pending_requests"] = pending_requests
    return context
