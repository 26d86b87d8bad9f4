"""Authenticate page requests from the JWT cookies; activate the user's zone;
mark cookies Secure on HTTPS."""

from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError

from .tokens import clear_auth_cookies, rotate_refresh, set_auth_cookies, user_from_access


class JWTCookieMiddleware:
    """Sets request.user from the access cookie, refreshing it silently.

    When the access cookie is missing or expired but the refresh cookie is
    valid, the refresh token is rotated and both cookies are re-set on the
    response. A failed refresh clears the cookies (the user signs in again);
    tabs presenting the same refresh cookie at once all get the same new pair
    (accounts.tokens.rotate_refresh's grace window).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.jwt_authenticated = False
        request.jwt_refresh = request.COOKIES.get(settings.JWT_REFRESH_COOKIE)
        new_pair = None
        clear = False
        user = None
        raw_access = request.COOKIES.get(settings.JWT_ACCESS_COOKIE)
        if raw_access:
            user = user_from_access(raw_access)
        if user is None and request.jwt_refresh:
            try:
                user, refresh, access = rotate_refresh(request.jwt_refresh)
                new_pair = (refresh, access)
                request.jwt_refresh = str(refresh)
            except TokenError:
                clear = True
        elif user is None and raw_access:
            clear = True
        if user is not None:
            request.user = user
            request.jwt_authenticated = True

        response = self.get_response(request)

        if getattr(response, "jwt_handled", False):
            return response  # login/logout set or cleared the cookies themselves
        if new_pair:
            set_auth_cookies(response, *new_pair)
        elif clear:
            clear_auth_cookies(response)
        return response


class SecureCookiesOverHttpsMiddleware:
    """Every cookie set on an HTTPS response is Secure.

    In production the settings make every cookie Secure anyway; under
    `make run` (DJANGO_PLAIN_HTTP, plain HTTP on loopback) they are not, so a
    browser can sign in over http://127.0.0.1, while HTTPS still gets Secure.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response


class UserTimezoneMiddleware:
    """Times are stored in UTC and shown in the signed-in user's zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.tzinfo)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
