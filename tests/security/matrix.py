"""The access matrix: every URL route × persona → the expected answer.

Keys are routes as Django enumerates them (`str(pattern)` joined along the
include chain, e.g. "mentor/dashboard/sessions/<int:pk>/edit/" or
"api/^notifications/(?P<pk>[0-9]+)/read/$" for DRF routers). A route without an entry
fails tests/security/test_access_matrix.py: add it here.

Expected answers: an HTTP status, LOGIN (302 to /login/?next=…), or a tuple
of acceptable statuses. `url` and the string values of `data` are formatted
with the World of builders.py ("{draft.pk}"). Pages are requested with the JWT cookies (like a browser),
`api` routes with a Bearer token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

LOGIN = "login"
EVERYONE = ("anon", "learner", "owner", "other", "staff")

# Times a few days ahead (valid request / accept times while the suite runs).
_SOON = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=5)
SOON_ISO = _SOON.isoformat()
SOON_LOCAL = _SOON.strftime("%Y-%m-%dT%H:%M")
SOON_DAY = (
    (_SOON + timedelta(days=1)).date().isoformat()
)  # not the World's override day  # a datetime-local input (learner in UTC)

# Presets ----------------------------------------------------------------------------
PUBLIC = {"anon": 200, "learner": 200, "owner": 200, "other": 200, "staff": 200}
SIGNED_IN = {"anon": LOGIN, "learner": 200, "owner": 200, "other": 200, "staff": 200}
MENTOR = {"anon": LOGIN, "learner": 403, "owner": 200, "other": 200, "staff": 403}
MENTOR_OBJ = {"anon": LOGIN, "learner": 403, "owner": 200, "other": 404, "staff": 403}
LEARNER = {"anon": LOGIN, "learner": 200, "owner": 403, "other": 403, "staff": 200}
API_ANY = {"anon": 401, "learner": 200, "owner": 200, "other": 200, "staff": 200}
API_MENTOR = {"anon": 401, "learner": 403, "owner": 200, "other": 200, "staff": 403}
API_MENTOR_OBJ = {"anon": 401, "learner": 403, "owner": 200, "other": 404, "staff": 403}
API_LEARNER = {"anon": 401, "learner": 200, "owner": 403, "other": 403, "staff": 200}
# The owner's private one-to-one with `learner`: nobody else learns it exists. `other`
# (another mentor) and `staff` (a learner without a booking) get 404, never 403.
PRIVATE = {"anon": LOGIN, "learner": 200, "owner": 200, "other": 404, "staff": 404}
API_PRIVATE = {"anon": 401, "learner": 200, "owner": 200, "other": 404, "staff": 404}


def _with(base: dict, **changes) -> dict:
    return {**base, **changes}


@dataclass(frozen=True)
class Route:
    url: str  # formatted with the World
    expect: dict
    method: str = "GET"
    api: bool = False  # Bearer token instead of cookies
    data: dict = field(default_factory=dict)
    # Unsafe methods on cookie-authenticated routes must refuse a missing CSRF token.
    csrf: bool = True
    note: str = ""

    @property
    def unsafe(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")

    def payload(self, world) -> dict:
        """`data` with "{owner.pk}"-style placeholders filled in from the World."""

        def fill(value):
            if isinstance(value, str):
                return value.format(**vars(world))
            if isinstance(value, list):
                return [fill(item) for item in value]
            return value

        return {key: fill(value) for key, value in self.data.items()}


ADMIN_PREFIX = "admin/"
# Django admin: one entry for the whole prefix (its own session login for staff).
# With the JWT cookies a staff user is signed in there too (CSRF still applies).
ADMIN = Route("/admin/", {"anon": 302, "learner": 302, "owner": 302, "other": 302, "staff": 200})

MATRIX: dict[str, Route | list[Route]] = {
    # --- accounts ---------------------------------------------------------------------
    "": [
        Route("/", {"anon": LOGIN, "learner": 200, "owner": 302, "other": 302, "staff": 200}),
    ],
    "login/": [
        Route("/login/", {"anon": 200, "learner": 302, "owner": 302, "other": 302, "staff": 302}),
        Route(
            "/login/",
            {"anon": 400, "learner": 400, "owner": 400, "other": 400, "staff": 400},
            method="POST",
            data={"username": "nobody", "password": "wrong"},
        ),
    ],
    "logout/": [
        Route("/logout/", {p: 405 for p in ("anon", "learner", "owner", "other", "staff")}),
        Route(
            "/logout/",
            {p: 302 for p in ("anon", "learner", "owner", "other", "staff")},
            method="POST",
        ),
    ],
    # --- sign-up, password reset, account page (issue 22) -------------------------------
    "signup/": [
        Route("/signup/", _with(PUBLIC, learner=302, owner=302, other=302, staff=302)),
        Route(
            "/signup/",
            {"anon": 422, "learner": 302, "owner": 302, "other": 302, "staff": 302},
            method="POST",
            data={"username": "bad name"},
        ),
    ],
    "signup/mentor/": [
        Route("/signup/mentor/", _with(PUBLIC, learner=302, owner=302, other=302, staff=302)),
        Route(
            "/signup/mentor/",
            {"anon": 422, "learner": 302, "owner": 302, "other": 302, "staff": 302},
            method="POST",
            data={"username": "bad name"},
        ),
    ],
    "signup/resend/": [
        Route("/signup/resend/", PUBLIC),
        Route("/signup/resend/", PUBLIC, method="POST", data={"email": "nobody@example.com"}),
    ],
    "signup/verify/<str:token>/": Route("/signup/verify/forged/", {p: 400 for p in EVERYONE}),
    "password-reset/": [
        Route("/password-reset/", PUBLIC),
        Route(
            "/password-reset/",
            {p: 302 for p in EVERYONE},
            method="POST",
            data={"email": "nobody@example.com"},
        ),
    ],
    "password-reset/sent/": Route("/password-reset/sent/", PUBLIC),
    "password-reset/done/": Route("/password-reset/done/", PUBLIC),
    "password-reset/<uidb64>/<token>/": Route("/password-reset/MQ/forged-token/", PUBLIC),
    "account/": Route("/account/", SIGNED_IN),
    "account/email/": Route(
        "/account/email/",
        _with(SIGNED_IN, learner=422, owner=422, other=422, staff=422),
        method="POST",
    ),
    "account/password/": Route(
        "/account/password/",
        _with(SIGNED_IN, learner=422, owner=422, other=422, staff=422),
        method="POST",
    ),
    "account/sign-out-everywhere/": [
        Route("/account/sign-out-everywhere/", SIGNED_IN),
        Route(
            "/account/sign-out-everywhere/",
            _with(SIGNED_IN, learner=302, owner=302, other=302, staff=302),
            method="POST",
        ),
    ],
    "account/email/confirm/<str:token>/": Route(
        "/account/email/confirm/forged/", {p: 400 for p in EVERYONE}
    ),
    "mentor/dashboard/profile/": [
        Route("/mentor/dashboard/profile/", MENTOR),
        Route(
            "/mentor/dashboard/profile/",
            _with(MENTOR, owner=422, other=422),
            method="POST",
            data={"display_name": "Olivia", "timezone": "Mars/Olympus_Mons"},
        ),
    ],
    "mentor/dashboard/profile/preview/": [
        Route("/mentor/dashboard/profile/preview/", _with(MENTOR, owner=405, other=405)),
        Route(
            "/mentor/dashboard/profile/preview/",
            MENTOR,
            method="POST",
            data={"headline": "Preview only"},
        ),
    ],
    "mentor/dashboard/text-preview/": [
        Route("/mentor/dashboard/text-preview/", _with(MENTOR, owner=405, other=405)),
        Route(
            "/mentor/dashboard/text-preview/",
            MENTOR,
            method="POST",
            data={"text": "Preview **only**"},
        ),
    ],
    "mentor/dashboard/profile/picture/remove/": Route(
        "/mentor/dashboard/profile/picture/remove/",
        _with(MENTOR, owner=302, other=302),
        method="POST",
    ),
    "api/profile/": [
        Route("/api/profile/", API_MENTOR, api=True),
        Route(
            "/api/profile/",
            API_MENTOR,
            method="PATCH",
            api=True,
            data={"headline": "Django and testing"},
        ),
        Route(
            "/api/profile/",
            _with(API_MENTOR, owner=400, other=400),
            method="PATCH",
            api=True,
            data={"timezone": "Mars/Olympus_Mons"},
        ),
    ],
    # --- availability (issue #20) ----------------------------------------------------------
    "api/availability/": [
        Route("/api/availability/", API_MENTOR, api=True),
        Route(
            "/api/availability/",
            API_MENTOR,
            method="PUT",
            api=True,
            data={"weekly": [{"weekday": 0, "start": "09:00", "end": "12:00"}]},
        ),
        Route(
            "/api/availability/",
            _with(API_MENTOR, owner=400, other=400),
            method="PUT",
            api=True,
            data={"weekly": [{"weekday": 7, "start": "09:00", "end": "12:00"}]},
        ),
    ],
    "api/availability/overrides/": [
        Route("/api/availability/overrides/", API_MENTOR, api=True),
        Route(
            "/api/availability/overrides/",
            _with(API_MENTOR, owner=201, other=201),
            method="POST",
            api=True,
            data={"date": SOON_DAY, "available": False},
        ),
        Route(
            "/api/availability/overrides/",
            _with(API_MENTOR, owner=400, other=400),
            method="POST",
            api=True,
            data={"date": SOON_DAY, "available": True, "start": "12:00", "end": "09:00"},
        ),
    ],
    "api/availability/overrides/<int:pk>/": Route(
        "/api/availability/overrides/{override.pk}/",
        _with(API_MENTOR_OBJ, owner=204),
        method="DELETE",
        api=True,
    ),
    "mentor/dashboard/availability/": [
        Route("/mentor/dashboard/availability/", MENTOR),
        Route(
            "/mentor/dashboard/availability/",
            _with(MENTOR, owner=302, other=302),
            method="POST",
            data={
                "day-0-on": "on",
                "day-0-start": "09:00",
                "day-0-end": "12:00",
                "buffer_minutes": "0",
                "min_notice_minutes": "120",
                "max_days_ahead": "60",
            },
        ),
        Route(
            "/mentor/dashboard/availability/",
            _with(MENTOR, owner=422, other=422),
            method="POST",
            data={"day-0-on": "on", "day-0-start": "12:00", "day-0-end": "09:00"},
        ),
    ],
    "mentor/dashboard/availability/overrides/": [
        Route("/mentor/dashboard/availability/overrides/", _with(MENTOR, owner=405, other=405)),
        Route(
            "/mentor/dashboard/availability/overrides/",
            _with(MENTOR, owner=302, other=302),
            method="POST",
            data={"date": SOON_DAY, "kind": "off"},
        ),
        Route(
            "/mentor/dashboard/availability/overrides/",
            _with(MENTOR, owner=422, other=422),
            method="POST",
            data={"date": "2001-01-01", "kind": "off"},
        ),
    ],
    "mentor/dashboard/availability/overrides/<int:pk>/delete/": Route(
        "/mentor/dashboard/availability/overrides/{override.pk}/delete/",
        _with(MENTOR_OBJ, owner=302),
        method="POST",
    ),
    # The learner's slot picker (a day's times; the whole page without htmx) and the
    # confirmation page; the owner has no weekly hours, so no time is free (400).
    "mentors/<int:pk>/times/": Route("/mentors/{owner.pk}/times/", SIGNED_IN),
    "mentors/<int:mentor_id>/book/": [
        Route("/mentors/{owner.pk}/book/", _with(LEARNER, learner=400, staff=400)),
        Route(
            "/mentors/{owner.pk}/book/",
            _with(LEARNER, learner=400, staff=400),
            method="POST",
            data={"starts_at": SOON_ISO, "duration": "60", "topic": "Dates"},
        ),
    ],
    # Any signed-in user; a non-mentor id is "not found".
    "api/mentors/<int:pk>/slots/": [
        Route("/api/mentors/{owner.pk}/slots/", API_ANY, api=True),
        Route(
            "/api/mentors/{learner.pk}/slots/",
            _with(API_ANY, learner=404, owner=404, other=404, staff=404),
            api=True,
        ),
        Route(
            "/api/mentors/{owner.pk}/slots/?from=2030-01-01&to=2030-03-31",
            _with(API_ANY, learner=400, owner=400, other=400, staff=400),
            api=True,
        ),
    ],
    # Learners book a free slot; the owner has no weekly hours, so no time is free (400).
    # A learner's own bookings: someone else's booking is "not found" (staff is a learner
    # without bookings); mentors have none (403).
    "api/learner/bookings/": Route("/api/learner/bookings/", API_LEARNER, api=True),
    "api/learner/bookings/<int:pk>/cancel/": Route(
        "/api/learner/bookings/{booking.pk}/cancel/",
        _with(API_LEARNER, staff=404),
        method="POST",
        api=True,
    ),
    # `booking` is a seat on a public group session: not movable by the learner (400).
    "api/learner/bookings/<int:pk>/reschedule/": Route(
        "/api/learner/bookings/{booking.pk}/reschedule/",
        _with(API_LEARNER, learner=400, staff=404),
        method="POST",
        api=True,
        data={"starts_at": SOON_ISO},
    ),
    "api/mentors/<int:pk>/book/": [
        Route(
            "/api/mentors/{owner.pk}/book/",
            _with(API_LEARNER, learner=400, staff=400),
            method="POST",
            api=True,
            data={"starts_at": SOON_ISO, "duration_minutes": 60, "topic": "Help"},
        ),
        Route(
            "/api/mentors/{learner.pk}/book/",
            _with(API_LEARNER, learner=404, staff=404),
            method="POST",
            api=True,
            data={"starts_at": SOON_ISO, "duration_minutes": 60, "topic": "Help"},
        ),
    ],
    # Public mentor pages: anyone signed in; a non-mentor id is "not found".
    "mentors/": Route("/mentors/", SIGNED_IN),
    "mentors/<int:pk>/": [
        Route("/mentors/{owner.pk}/", SIGNED_IN),
        Route(
            "/mentors/{learner.pk}/", _with(SIGNED_IN, learner=404, owner=404, other=404, staff=404)
        ),
    ],
    "media/<path:path>": Route(
        "/media/nothing-here.png",
        {"anon": 404, "learner": 404, "owner": 404, "other": 404, "staff": 404},
    ),
    # --- API: auth and docs -----------------------------------------------------------
    "api/schema/": Route("/api/schema/", PUBLIC, api=True),
    "api/docs/": Route("/api/docs/", PUBLIC, api=True),
    "api/token/": Route(
        "/api/token/",
        {p: 401 for p in ("anon", "learner", "owner", "other", "staff")},
        method="POST",
        api=True,
        data={"username": "nobody", "password": "wrong"},
        csrf=False,  # no cookie authentication: nothing to forge
    ),
    "api/token/refresh/": Route(
        "/api/token/refresh/",
        {p: 401 for p in ("anon", "learner", "owner", "other", "staff")},
        method="POST",
        api=True,
        data={"refresh": "not-a-token"},
        csrf=False,
    ),
    "api/me/": Route("/api/me/", API_ANY, api=True),
    # --- notifications ------------------------------------------------------------------
    "mentor/dashboard/notifications/": Route("/mentor/dashboard/notifications/", MENTOR),
    "notifications/": Route("/notifications/", LEARNER),
    "notifications/menu/": Route("/notifications/menu/", SIGNED_IN),
    "notifications/read-all/": Route(
        "/notifications/read-all/",
        _with(
            SIGNED_IN,
            learner=(200, 204, 302),
            owner=(200, 204, 302),
            other=(200, 204, 302),
            staff=(200, 204, 302),
        ),
        method="POST",
    ),
    "notifications/<int:pk>/open/": Route(
        "/notifications/{notification.pk}/open/",
        {"anon": LOGIN, "learner": 404, "owner": (200, 302), "other": 404, "staff": 404},
        method="POST",
    ),
    "notifications/<int:pk>/read/": Route(
        "/notifications/{notification.pk}/read/",
        {"anon": LOGIN, "learner": 404, "owner": (200, 204), "other": 404, "staff": 404},
        method="POST",
    ),
    "notifications/<int:pk>/unread/": Route(
        "/notifications/{notification.pk}/unread/",
        {"anon": LOGIN, "learner": 404, "owner": (200, 204), "other": 404, "staff": 404},
        method="POST",
    ),
    "notifications/<int:pk>/dismiss/": Route(
        "/notifications/{notification.pk}/dismiss/",
        {"anon": LOGIN, "learner": 404, "owner": (200, 204), "other": 404, "staff": 404},
        method="POST",
    ),
    "api/^notifications/$": Route("/api/notifications/", API_ANY, api=True),
    "api/^notifications/read-all/$": Route(
        "/api/notifications/read-all/", API_ANY, method="POST", api=True
    ),
    "api/^notifications/(?P<pk>[0-9]+)/read/$": Route(
        "/api/notifications/{notification.pk}/read/",
        {"anon": 401, "learner": 404, "owner": 200, "other": 404, "staff": 404},
        method="POST",
        api=True,
    ),
    "api/^notifications/(?P<pk>[0-9]+)/unread/$": Route(
        "/api/notifications/{notification.pk}/unread/",
        {"anon": 401, "learner": 404, "owner": 200, "other": 404, "staff": 404},
        method="POST",
        api=True,
    ),
    # --- notification preferences, unsubscribe -----------------------------------------
    "account/notifications/": [
        Route("/account/notifications/", SIGNED_IN),
        Route(
            "/account/notifications/",
            _with(
                SIGNED_IN,
                learner=(200, 302),
                owner=(200, 302),
                other=(200, 302),
                staff=(200, 302),
            ),
            method="POST",
            data={"email_digest": "off"},
        ),
    ],
    "api/notification-preferences/": [
        Route("/api/notification-preferences/", API_ANY, api=True),
        Route(
            "/api/notification-preferences/",
            API_ANY,
            method="PUT",
            api=True,
            data={"email_digest": "daily"},
        ),
    ],
    # Signed tokens, no session (RFC 8058 one-click): a bad token is refused for everyone.
    "email/unsubscribe/<str:token>/": [
        Route("/email/unsubscribe/not-a-token/", dict.fromkeys(EVERYONE, 400)),
        Route(
            "/email/unsubscribe/not-a-token/",
            dict.fromkeys(EVERYONE, 400),
            method="POST",
            csrf=False,
        ),
    ],
    # --- sessions (mentor) --------------------------------------------------------------
    "mentor/dashboard": Route("/mentor/dashboard", MENTOR),
    "mentor/dashboard/": Route("/mentor/dashboard/", MENTOR),
    "mentor/dashboard/sessions/": Route("/mentor/dashboard/sessions/", MENTOR),
    "mentor/dashboard/sessions/<str:status>/": [
        Route("/mentor/dashboard/sessions/draft/", MENTOR),
        Route("/mentor/dashboard/sessions/scheduled/", MENTOR),
        Route("/mentor/dashboard/sessions/past/", MENTOR),
    ],
    "mentor/dashboard/sessions/new/": [
        Route("/mentor/dashboard/sessions/new/", MENTOR),
        Route(
            "/mentor/dashboard/sessions/new/",
            _with(MENTOR, owner=422, other=422),
            method="POST",
            data={"title": ""},
        ),
    ],
    "mentor/dashboard/sessions/overlap/": Route(
        "/mentor/dashboard/sessions/overlap/",
        MENTOR,
        data={"date": SOON_LOCAL[:10], "start_time": "10:00", "duration_minutes": "60"},
    ),
    "mentor/dashboard/sessions/<int:pk>/": [
        Route("/mentor/dashboard/sessions/{scheduled.pk}/", MENTOR_OBJ),
        Route(
            "/mentor/dashboard/sessions/{other_session.pk}/",
            _with(MENTOR_OBJ, owner=404, other=200),
        ),
        Route("/mentor/dashboard/sessions/{private.pk}/", MENTOR_OBJ),
    ],
    "mentor/dashboard/sessions/<int:pk>/edit/": [
        Route("/mentor/dashboard/sessions/{draft.pk}/edit/", MENTOR_OBJ),
        Route(
            "/mentor/dashboard/sessions/{draft.pk}/edit/",
            _with(MENTOR_OBJ, owner=422),
            method="POST",
            data={"title": ""},
        ),
    ],
    "mentor/dashboard/sessions/<int:pk>/publish/": Route(
        "/mentor/dashboard/sessions/{draft.pk}/publish/",
        _with(MENTOR_OBJ, owner=302),
        method="POST",
    ),
    "mentor/dashboard/sessions/<int:pk>/cancel/": [
        Route("/mentor/dashboard/sessions/{scheduled.pk}/cancel/", MENTOR_OBJ),
        Route(
            "/mentor/dashboard/sessions/{scheduled.pk}/cancel/",
            _with(MENTOR_OBJ, owner=302),
            method="POST",
        ),
    ],
    "mentor/dashboard/sessions/<int:pk>/reschedule/": [
        Route("/mentor/dashboard/sessions/{scheduled.pk}/reschedule/", MENTOR_OBJ),
        Route(  # no new time given: the dialog again, with the field errors
            "/mentor/dashboard/sessions/{scheduled.pk}/reschedule/",
            _with(MENTOR_OBJ, owner=422),
            method="POST",
        ),
    ],
    "mentor/dashboard/sessions/<int:pk>/delete/": [
        Route("/mentor/dashboard/sessions/{draft.pk}/delete/", MENTOR_OBJ),
        Route(
            "/mentor/dashboard/sessions/{draft.pk}/delete/",
            _with(MENTOR_OBJ, owner=302),
            method="POST",
        ),
    ],
    "mentor/calendar-feed/": Route(
        "/mentor/calendar-feed/", _with(MENTOR, owner=200, other=200), method="POST"
    ),
    "calendar/<str:token>.ics": Route(
        "/calendar/not-a-real-token.ics",
        {p: 404 for p in ("anon", "learner", "owner", "other", "staff")},
    ),
    "api/^sessions/$": [
        Route("/api/sessions/", API_MENTOR, api=True),
        Route(
            "/api/sessions/",
            _with(API_MENTOR, owner=400, other=400),
            method="POST",
            api=True,
            data={"title": ""},
        ),
    ],
    r"api/^sessions/(?P<pk>\d+)/$": [
        Route("/api/sessions/{draft.pk}/", API_MENTOR_OBJ, api=True),
        Route("/api/sessions/{private.pk}/", API_MENTOR_OBJ, api=True),
        Route(
            "/api/sessions/{draft.pk}/",
            API_MENTOR_OBJ,
            method="PATCH",
            api=True,
            data={"topic": "Changed"},
        ),
        Route(
            "/api/sessions/{draft.pk}/", _with(API_MENTOR_OBJ, owner=204), method="DELETE", api=True
        ),
    ],
    r"api/^sessions/(?P<pk>\d+)/publish/$": Route(
        "/api/sessions/{draft.pk}/publish/", API_MENTOR_OBJ, method="POST", api=True
    ),
    r"api/^sessions/(?P<pk>\d+)/reschedule/$": [
        Route(
            "/api/sessions/{scheduled.pk}/reschedule/",
            API_MENTOR_OBJ,
            method="POST",
            api=True,
            data={"starts_at": SOON_ISO, "reason": "Clash"},
        ),
        Route(  # the private one-to-one: nobody but its mentor learns it exists
            "/api/sessions/{private.pk}/reschedule/",
            _with(API_MENTOR_OBJ, owner=400),
            method="POST",
            api=True,
            data={"starts_at": "2001-01-01T10:00:00Z"},
        ),
        Route(  # a draft isn't scheduled
            "/api/sessions/{draft.pk}/reschedule/",
            _with(API_MENTOR_OBJ, owner=409),
            method="POST",
            api=True,
            data={"starts_at": SOON_ISO},
        ),
    ],
    r"api/^sessions/(?P<pk>\d+)/cancel/$": [
        Route(
            "/api/sessions/{scheduled.pk}/cancel/",
            API_MENTOR_OBJ,
            method="POST",
            api=True,
            data={"reason": "Ill"},
        ),
        Route(
            "/api/sessions/{scheduled.pk}/cancel/",
            _with(API_MENTOR_OBJ, owner=400),
            method="POST",
            api=True,
            data={"reason": "x" * 501},
        ),
        Route(  # a draft isn't published: delete it instead
            "/api/sessions/{draft.pk}/cancel/",
            _with(API_MENTOR_OBJ, owner=409),
            method="POST",
            api=True,
        ),
    ],
    # --- catalogue (learner) ----------------------------------------------------------------
    "sessions/": Route("/sessions/", SIGNED_IN),
    "sessions/<int:pk>/": [
        Route("/sessions/{scheduled.pk}/", SIGNED_IN),
        # A draft is nobody's business but its mentor's.
        Route("/sessions/{draft.pk}/", _with(SIGNED_IN, learner=404, other=404, staff=404)),
        Route("/sessions/{private.pk}/", PRIVATE),
    ],
    "sessions/<int:pk>/book/": [
        Route(
            "/sessions/{scheduled.pk}/book/",
            {"anon": LOGIN, "learner": 409, "owner": 403, "other": 403, "staff": 302},
            method="POST",
        ),
        Route(  # the booked learner: already booked; anyone else: no such session
            "/sessions/{private.pk}/book/",
            {"anon": LOGIN, "learner": 409, "owner": 403, "other": 403, "staff": 404},
            method="POST",
        ),
        # GET: the confirmation step (time, price, terms); the booked learner sees the
        # section as it is (409), a learner who may book the review page.
        Route(
            "/sessions/{scheduled.pk}/book/",
            {"anon": LOGIN, "learner": 409, "owner": 403, "other": 403, "staff": 200},
        ),
        Route(
            "/sessions/{private.pk}/book/",
            {"anon": LOGIN, "learner": 409, "owner": 403, "other": 403, "staff": 404},
        ),
    ],
    # The learner's home: cancel a booking (dialog / page, then POST), move a one-to-one.
    # `booking` is `learner`'s seat; `staff` is a learner without it (404).
    "bookings/<int:pk>/cancel/": [
        Route("/bookings/{booking.pk}/cancel/", _with(LEARNER, other=403, staff=404)),
        Route(
            "/bookings/{booking.pk}/cancel/",
            _with(LEARNER, learner=302, other=403, staff=404),
            method="POST",
        ),
    ],
    # A seat on a public group session is not movable: the page says so; POST 400.
    "bookings/<int:pk>/reschedule/": [
        Route("/bookings/{booking.pk}/reschedule/", _with(LEARNER, other=403, staff=404)),
        Route(
            "/bookings/{booking.pk}/reschedule/",
            _with(LEARNER, learner=400, other=403, staff=404),
            method="POST",
            data={"starts_at": SOON_ISO},
        ),
    ],
    "sessions/<int:pk>/cancel-booking/": [
        Route(
            "/sessions/{scheduled.pk}/cancel-booking/",
            {"anon": LOGIN, "learner": 200, "owner": 403, "other": 403, "staff": (200, 404)},
        ),
        Route(
            "/sessions/{scheduled.pk}/cancel-booking/",
            {"anon": LOGIN, "learner": 302, "owner": 403, "other": 403, "staff": 409},
            method="POST",
        ),
        Route(
            "/sessions/{private.pk}/cancel-booking/",
            {"anon": LOGIN, "learner": 200, "owner": 403, "other": 403, "staff": 404},
        ),
    ],
    "sessions/<int:pk>/calendar.ics": [
        Route(
            "/sessions/{scheduled.pk}/calendar.ics",
            {"anon": LOGIN, "learner": 200, "owner": 200, "other": 404, "staff": 404},
        ),
        Route("/sessions/{private.pk}/calendar.ics", PRIVATE),
    ],
    "api/catalog/sessions/": Route("/api/catalog/sessions/", API_ANY, api=True),
    "api/catalog/sessions/<int:pk>/": [
        Route("/api/catalog/sessions/{scheduled.pk}/", API_ANY, api=True),
        Route(
            "/api/catalog/sessions/{draft.pk}/",  # only its mentor sees a draft
            {"anon": 401, "learner": 404, "owner": 200, "other": 404, "staff": 404},
            api=True,
        ),
        Route("/api/catalog/sessions/{private.pk}/", API_PRIVATE, api=True),
    ],
    # Policies (issue #21): a waitlist exists only for a full public session (the
    # World's sessions have free seats → 400); the policy is the mentor's own.
    "api/catalog/sessions/<int:pk>/waitlist/": [
        Route(
            "/api/catalog/sessions/{scheduled.pk}/waitlist/",
            {"anon": 401, "learner": 400, "owner": 403, "other": 403, "staff": 400},
            method="POST",
            api=True,
        ),
        Route(
            "/api/catalog/sessions/{scheduled.pk}/waitlist/",
            {"anon": 401, "learner": 400, "owner": 403, "other": 403, "staff": 400},
            method="DELETE",
            api=True,
        ),
        Route(
            "/api/catalog/sessions/{private.pk}/waitlist/",
            {"anon": 401, "learner": 400, "owner": 403, "other": 403, "staff": 404},
            method="POST",
            api=True,
        ),
    ],
    "sessions/<int:pk>/waitlist/": [
        Route(
            "/sessions/{scheduled.pk}/waitlist/",
            {"anon": LOGIN, "learner": 409, "owner": 403, "other": 403, "staff": 409},
            method="POST",
            note="not full (and the learner is booked): the section with the refusal",
        ),
        Route(
            "/sessions/{private.pk}/waitlist/",
            {"anon": LOGIN, "learner": 409, "owner": 403, "other": 403, "staff": 404},
            method="POST",
        ),
    ],
    "api/policy/": [
        Route("/api/policy/", API_MENTOR, api=True),
        Route(
            "/api/policy/",
            API_MENTOR,
            method="PUT",
            api=True,
            data={"free_cancel_hours": 12, "late_cancel_refund_percent": 30},
        ),
        Route(
            "/api/policy/",
            _with(API_MENTOR, owner=400, other=400),
            method="PUT",
            api=True,
            data={"free_cancel_hours": 12, "late_cancel_refund_percent": 300},
        ),
    ],
    "api/catalog/sessions/<int:pk>/book/": [
        Route(
            "/api/catalog/sessions/{scheduled.pk}/book/",
            {
                "anon": 401,
                "learner": (200, 201, 409),
                "owner": 403,
                "other": 403,
                "staff": (200, 201),
            },
            method="POST",
            api=True,
        ),
        Route(
            "/api/catalog/sessions/{private.pk}/book/",
            {"anon": 401, "learner": 409, "owner": 403, "other": 403, "staff": 404},
            method="POST",
            api=True,
        ),
    ],
    # --- reviews (learner) ------------------------------------------------------------------
    "sessions/<int:pk>/review/": [
        # The learner attended `unreviewed`; staff (a learner) has no booking on it → 404.
        Route("/sessions/{unreviewed.pk}/review/", _with(LEARNER, staff=404)),
        Route("/sessions/{other_session.pk}/review/", _with(LEARNER, learner=404, staff=404)),
        # Not taken place yet: its learner is told so; anyone else doesn't see it.
        Route("/sessions/{private.pk}/review/", _with(LEARNER, staff=404)),
        Route(
            "/sessions/{unreviewed.pk}/review/",
            _with(LEARNER, learner=422, staff=404),
            method="POST",
            data={"rating": "9", "comment": ""},
        ),
        Route(
            "/sessions/{unreviewed.pk}/review/",
            _with(LEARNER, learner=302, staff=404),
            method="POST",
            data={"rating": "5", "comment": "Great"},
        ),
    ],
    "api/learner/reviews/": [
        Route("/api/learner/reviews/", API_LEARNER, api=True),
        Route(
            "/api/learner/reviews/",
            _with(API_LEARNER, learner=400, staff=400),
            method="POST",
            api=True,
            data={"session": "{unreviewed.pk}", "rating": 0},
        ),
        Route(  # staff did not attend: a field error on `session`
            "/api/learner/reviews/",
            _with(API_LEARNER, learner=201, staff=400),
            method="POST",
            api=True,
            data={"session": "{unreviewed.pk}", "rating": 4, "comment": "Good"},
        ),
    ],
    # --- live room --------------------------------------------------------------------------
    # Only the session's mentor and its booked learners; other mentors 404, other
    # learners (staff has the learner role) 403.
    "live/<int:session_id>/": [
        Route("/live/{live.pk}/", _with(MENTOR_OBJ, learner=200)),
        Route("/live/{scheduled.pk}/", _with(MENTOR_OBJ, learner=200)),
        Route(
            "/live/{other_session.pk}/",
            {"anon": LOGIN, "learner": 403, "owner": 404, "other": 200, "staff": 403},
        ),
        Route("/live/{private.pk}/", PRIVATE),  # private: 404 (not 403) for outsiders
    ],
    "live/<int:session_id>/ice/": [
        Route("/live/{live.pk}/ice/", _with(MENTOR_OBJ, learner=200)),
        Route("/live/{private.pk}/ice/", PRIVATE),
        Route("/live/{live.pk}/ice/", {p: 405 for p in EVERYONE}, method="POST"),
    ],
    "live/<int:session_id>/start/": [
        Route("/live/{live.pk}/start/", {p: 405 for p in EVERYONE}),
        # Already live: Start just goes back into the room.
        Route("/live/{live.pk}/start/", _with(MENTOR_OBJ, owner=302), method="POST"),
    ],
    "live/<int:session_id>/end/": [
        Route("/live/{live.pk}/end/", {p: 405 for p in EVERYONE}),
        Route("/live/{live.pk}/end/", _with(MENTOR_OBJ, owner=302), method="POST"),
    ],
    # The room's records (#23): the mentor's notes page; chat and notes through the API,
    # for members only (404 for everyone else, a learner reads notes only after the end).
    "live/<int:session_id>/notes/": [
        Route("/live/{past.pk}/notes/", MENTOR_OBJ),
        Route("/live/{private.pk}/notes/", _with(MENTOR_OBJ, staff=403)),
        Route(
            "/live/{past.pk}/notes/",
            _with(MENTOR_OBJ, owner=302),
            method="POST",
            data={"notes": "Recap"},
        ),
    ],
    "api/sessions/<int:pk>/chat/": [
        Route("/api/sessions/{live.pk}/chat/", API_PRIVATE, api=True),
        Route("/api/sessions/{past.pk}/chat/", API_PRIVATE, api=True),
        # Read-only: the chat is written over the room's socket.
        Route(
            "/api/sessions/{live.pk}/chat/",
            {"anon": 401, "learner": 405, "owner": 405, "other": 405, "staff": 405},
            method="POST",
            api=True,
        ),
    ],
    "api/sessions/<int:pk>/notes/": [
        Route("/api/sessions/{past.pk}/notes/", API_PRIVATE, api=True),
        Route("/api/sessions/{live.pk}/notes/", _with(API_PRIVATE, learner=404), api=True),
        Route(
            "/api/sessions/{past.pk}/notes/",
            _with(API_PRIVATE, learner=403),
            method="PUT",
            api=True,
            data={"notes": "Recap"},
        ),
        Route(
            "/api/sessions/{past.pk}/notes/",
            _with(API_PRIVATE, learner=403),
            method="PATCH",
            api=True,
            data={"notes": "Recap"},
        ),
    ],
    # --- requests (mentor) ------------------------------------------------------------------
    "mentor/dashboard/requests/": Route("/mentor/dashboard/requests/", MENTOR),
    "mentor/dashboard/requests/<int:pk>/accept/": [
        Route("/mentor/dashboard/requests/{request.pk}/accept/", MENTOR_OBJ),
        Route(
            "/mentor/dashboard/requests/{request.pk}/accept/",
            _with(MENTOR_OBJ, owner=422),
            method="POST",
            data={"choice": ""},
        ),
        Route(
            "/mentor/dashboard/requests/{request.pk}/accept/",
            _with(MENTOR_OBJ, owner=302),
            method="POST",
            data={"choice": "0"},
        ),
    ],
    "mentor/dashboard/requests/<int:pk>/accept/overlap/": Route(
        "/mentor/dashboard/requests/{request.pk}/accept/overlap/", MENTOR_OBJ, data={"choice": "0"}
    ),
    "mentor/dashboard/requests/<int:pk>/decline/": [
        Route("/mentor/dashboard/requests/{request.pk}/decline/", MENTOR_OBJ),
        Route(
            "/mentor/dashboard/requests/{request.pk}/decline/",
            _with(MENTOR_OBJ, owner=422),
            method="POST",
            data={"reason": "x" * 501},
        ),
        Route(
            "/mentor/dashboard/requests/{request.pk}/decline/",
            _with(MENTOR_OBJ, owner=302),
            method="POST",
            data={"reason": "Fully booked"},
        ),
    ],
    "api/^requests/$": [
        Route("/api/requests/", API_MENTOR, api=True),
        Route("/api/requests/?status=bogus", _with(API_MENTOR, owner=400, other=400), api=True),
    ],
    "api/^requests/(?P<pk>[^/.]+)/$": [
        Route("/api/requests/{request.pk}/", API_MENTOR_OBJ, api=True),
        Route("/api/requests/nope/", _with(API_MENTOR_OBJ, owner=404), api=True),
    ],
    "api/^requests/(?P<pk>[^/.]+)/accept/$": [
        Route(
            "/api/requests/{request.pk}/accept/",
            _with(API_MENTOR_OBJ, owner=400),
            method="POST",
            api=True,
            data={"scheduled_at": "not a time"},
        ),
        Route(
            "/api/requests/{request.pk}/accept/",
            API_MENTOR_OBJ,
            method="POST",
            api=True,
            data={"scheduled_at": SOON_ISO},
        ),
        Route(  # already answered
            "/api/requests/{declined_request.pk}/accept/",
            _with(API_MENTOR_OBJ, owner=409),
            method="POST",
            api=True,
            data={"scheduled_at": SOON_ISO},
        ),
    ],
    "api/^requests/(?P<pk>[^/.]+)/decline/$": [
        Route(
            "/api/requests/{request.pk}/decline/",
            _with(API_MENTOR_OBJ, owner=400),
            method="POST",
            api=True,
            data={"reason": "x" * 501},
        ),
        Route(
            "/api/requests/{request.pk}/decline/",
            API_MENTOR_OBJ,
            method="POST",
            api=True,
            data={"reason": "Busy"},
        ),
    ],
    # --- requests (learner) -------------------------------------------------------------------
    "mentors/<int:mentor_id>/request/": [
        Route("/mentors/{owner.pk}/request/", LEARNER),
        Route(  # not a mentor
            "/mentors/{other_learner.pk}/request/", _with(LEARNER, learner=404, staff=404)
        ),
        Route(
            "/mentors/{owner.pk}/request/",
            _with(LEARNER, learner=422, staff=422),
            method="POST",
            data={"topic": "", "duration_minutes": "60", "time_1": SOON_LOCAL},
        ),
        Route(
            "/mentors/{owner.pk}/request/",
            _with(LEARNER, learner=302, staff=302),
            method="POST",
            data={"topic": "Testing", "duration_minutes": "60", "time_1": SOON_LOCAL},
        ),
    ],
    "requests/<int:pk>/withdraw/": [
        # The learner's own request; staff (a learner) didn't send it → 404.
        Route("/requests/{request.pk}/withdraw/", _with(LEARNER, staff=404)),
        Route(
            "/requests/{request.pk}/withdraw/",
            _with(LEARNER, learner=302, staff=404),
            method="POST",
        ),
    ],
    "api/^learner/requests/$": [
        Route("/api/learner/requests/", API_LEARNER, api=True),
        Route(
            "/api/learner/requests/",
            _with(API_LEARNER, learner=400, staff=400),
            method="POST",
            api=True,
            data={"mentor": "{owner.pk}", "topic": "", "preferred_times": [SOON_ISO]},
        ),
        Route(  # only mentors can be asked
            "/api/learner/requests/",
            _with(API_LEARNER, learner=400, staff=400),
            method="POST",
            api=True,
            data={"mentor": "{other_learner.pk}", "topic": "Help", "preferred_times": [SOON_ISO]},
        ),
        Route(
            "/api/learner/requests/",
            _with(API_LEARNER, learner=201, staff=201),
            method="POST",
            api=True,
            data={"mentor": "{owner.pk}", "topic": "Help", "preferred_times": [SOON_ISO]},
        ),
    ],
    "api/^learner/requests/(?P<pk>[^/.]+)/$": [
        Route("/api/learner/requests/{request.pk}/", _with(API_LEARNER, staff=404), api=True),
        Route("/api/learner/requests/nope/", _with(API_LEARNER, learner=404, staff=404), api=True),
    ],
    "api/^learner/requests/(?P<pk>[^/.]+)/withdraw/$": [
        Route(
            "/api/learner/requests/{request.pk}/withdraw/",
            _with(API_LEARNER, staff=404),
            method="POST",
            api=True,
        ),
        Route(  # already answered
            "/api/learner/requests/{declined_request.pk}/withdraw/",
            _with(API_LEARNER, learner=409, staff=404),
            method="POST",
            api=True,
        ),
    ],
    # --- earnings ----------------------------------------------------------------------------
    "mentor/dashboard/earnings/": Route("/mentor/dashboard/earnings/", MENTOR),
    "mentor/dashboard/earnings/payout/": [
        Route("/mentor/dashboard/earnings/payout/", MENTOR),
        Route(
            "/mentor/dashboard/earnings/payout/",
            _with(MENTOR, owner=422, other=422),
            method="POST",
            data={"amount": "lots"},
        ),
        Route(  # below the minimum payout
            "/mentor/dashboard/earnings/payout/",
            _with(MENTOR, owner=422, other=422),
            method="POST",
            data={"amount": "1.00", "action": "confirm"},
        ),
    ],
    "mentor/dashboard/earnings/ledger.csv": [
        Route(
            "/mentor/dashboard/earnings/ledger.csv",
            MENTOR,
            data={"start": "2000-01-01", "end": "2100-01-01"},
        ),
        Route(
            "/mentor/dashboard/earnings/ledger.csv",
            _with(MENTOR, owner=422, other=422),
            data={"start": "2001-01-01", "end": "2000-01-01"},
        ),
    ],
    "api/earnings/": Route("/api/earnings/", API_MENTOR, api=True),
    "api/payouts/": [
        Route("/api/payouts/", API_MENTOR, api=True),
        Route(
            "/api/payouts/",
            _with(API_MENTOR, owner=400, other=400),
            method="POST",
            api=True,
            data={"amount": "lots"},
        ),
        Route(  # more than the available balance
            "/api/payouts/",
            _with(API_MENTOR, owner=400, other=400),
            method="POST",
            api=True,
            data={"amount": "100000.00"},
        ),
    ],
    "api/payouts/<int:pk>/": Route("/api/payouts/{payout.pk}/", API_MENTOR_OBJ, api=True),
    # --- analytics ---------------------------------------------------------------------------
    "mentor/dashboard/analytics/": Route("/mentor/dashboard/analytics/", MENTOR),
    "api/analytics/": [
        Route("/api/analytics/", API_MENTOR, api=True),
        Route("/api/analytics/?period=90d", API_MENTOR, api=True),
        Route("/api/analytics/?period=bogus", _with(API_MENTOR, owner=400, other=400), api=True),
    ],
}

# WebSocket routes → persona → accepted? ("live" is the owner's live session,
# the learner is booked on it).
WS_MATRIX: dict[str, dict] = {
    "ws/notifications/": {
        "path": "/ws/notifications/",
        "expect": {"anon": False, "learner": True, "owner": True, "other": True, "staff": True},
    },
    "ws/live/<int:session_id>/": {
        "path": "/ws/live/{live.pk}/",
        "expect": {"anon": False, "learner": True, "owner": True, "other": False, "staff": False},
    },
}


def routes_of(key: str) -> list[Route]:
    entry = MATRIX[key]
    return entry if isinstance(entry, list) else [entry]
