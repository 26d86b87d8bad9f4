"""Rate limits for the account pages that send email or create accounts.

Per client address (accounts.client_ip: never one the client chose), counted in
the shared `auth` cache so every server process agrees; switched off together
with the login lockout (`AXES_ENABLED=0`, e.g. the browser-test servers).
Rates: `settings.ACCOUNT_THROTTLE_RATES` overrides the defaults below.
"""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from .client_ip import ClientIPThrottleMixin

DEFAULT_RATES = {
    "signup": "20/hour",  # every POST of /signup/ and /signup/mentor/
    "verification": "5/hour",  # "resend the verification email"
    "password_reset": "5/hour",
    "email_change": "5/hour",
}
MESSAGE = "Too many attempts from your network. Please wait a while and try again."


class AccountThrottle(ClientIPThrottleMixin, SimpleRateThrottle):
    def __init__(self, scope: str):  # noqa: D107 - SimpleRateThrottle reads a class scope
        self.scope = scope
        self.rate = {**DEFAULT_RATES, **getattr(settings, "ACCOUNT_THROTTLE_RATES", {})}[scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)

    @property
    def cache(self):
        return caches["auth"]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled(request, scope: str) -> bool:
    """Count this request; True once the client has used up its rate."""
    if not settings.AXES_ENABLED:
        return False
    return not AccountThrottle(scope).allow_request(request, None)
