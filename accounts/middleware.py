"""Authenticate page requests from the JWT cookies; activate the user's zone;
mark cookies Secure on HTTPS.

Each middleware works in either mode (sync_capable and async_capable): the
server runs the stack sync in one call (core/asgi_handler.py), and an async
stack would not switch threads for them either, except to read the database
when a user has to be loaded or a refresh token rotated.
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError

from core.middleware import EitherModeMiddleware

from .tokens import clear_auth_cookies, rotate_refresh, set_auth_cookies, user_from_access


class JWTCookieMiddleware(EitherModeMiddleware):
    """Sets request.user from the access cookie, refreshing it silently.

    When the access cookie is missing or expired but the refresh cookie is
    valid, the refresh token is rotated and both cookies are re-set on the
    response. A failed refresh clears the cookies (the user signs in again);
    tabs presenting the same refresh cookie at once all get the same new pair
    (accounts.tokens.rotate_refresh's grace window).
    """

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        outcome = self.authenticate(request)
        return self.finish(self.get_response(request), outcome)

    async def __acall__(self, request):
        outcome = await sync_to_async(self.authenticate)(request)
        return self.finish(await self.get_response(request), outcome)

    def authenticate(self, request) -> tuple[tuple[str, str] | None, bool]:
        """Sets request.user; returns (a new cookie pair or None, clear the cookies)."""
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
        return new_pair, clear

    @staticmethod
    def finish(response, outcome):
        new_pair, clear = outcome
        if getattr(response, "jwt_handled", False):
            return response  # login/logout set or cleared the cookies themselves
        if new_pair:
            set_auth_cookies(response, *new_pair)
        elif clear:
            clear_auth_cookies(response)
        return response


class SecureCookiesOverHttpsMiddleware(EitherModeMiddleware):
    """Every cookie set on an HTTPS response is Secure.

    In production the settings make every cookie Secure anyway; under
    `make run` (DJANGO_PLAIN_HTTP, plain HTTP on loopback) they are not, so a
    browser can sign in over http://127.0.0.1, while HTTPS still gets Secure.
    """

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        return self.secure(request, self.get_response(request))

    async def __acall__(self, request):
        return self.secure(request, await self.get_response(request))

    @staticmethod
    def secure(request, response):
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response


class UserTimezoneMiddleware(EitherModeMiddleware):
    """Times are stored in UTC and shown in the signed-in user's zone."""

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        self.activate(request)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    async def __acall__(self, request):
        # A session user (admin) is lazy; reading it is a query: auser() in async.
        jwt_user = getattr(request, "jwt_authenticated", False)
        auser = getattr(request, "auser", None)
        self.activate(request, request.user if jwt_user or auser is None else await auser())
        try:
            return await self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def activate(request, user=None) -> None:
        user = user if user is not None else getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.tzinfo)
        else:
            timezone.deactivate()
