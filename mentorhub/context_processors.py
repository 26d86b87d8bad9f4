"""Values the page shell needs on every page (header bell, Requests badge).

Passed as callables so a fragment that never shows them costs no query, and
memoised: a template that shows one value three times asks the database once.
"""

from functools import cache

from django.conf import settings


def shell(request):
    user = getattr(request, "user", None)
    context = {"platform_currency": settings.PLATFORM_CURRENCY}
    if user is None or not user.is_authenticated:
        return context

    @cache
    def bell_unread() -> int:
        return user.notifications.filter(read_at__isnull=True).count()

    @cache
    def pending_requests() -> int:
        if not user.is_mentor:
            return 0
        return user.requests_received.filter(status="pending").count()

    context["bell_unread"] = bell_unread
    context["pending_requests"] = pending_requests
    return context
