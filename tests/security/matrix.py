"""The access matrix: every URL route × persona → the expected answer.

Keys are routes as Django enumerates them (`str(pattern)` joined along the
include chain, e.g. "mentor/dashboard/sessions/<int:pk>/edit/" or
"api/^sessions/(?P<pk>[^/.]+)/$" for DRF routers). A route without an entry
fails tests/security/test_access_matrix.py: add it here.

Expected answers: an HTTP status, LOGIN (302 to /login/?next=…), or a tuple
of acceptable statuses. `url` is formatted with the World of builders.py
("{draft.pk}"). Pages are requested with the JWT cookies (like a browser),
`api` routes with a Bearer token.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOGIN = "login"

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
    "mentor/dashboard/profile/": Route("/mentor/dashboard/profile/", MENTOR),
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
        _with(SIGNED_IN, learner=(200, 204, 302), owner=(200, 204, 302), other=(200, 204, 302),
              staff=(200, 204, 302)),
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
    "api/^notifications/(?P<pk>[^/.]+)/read/$": Route(
        "/api/notifications/{notification.pk}/read/",
        {"anon": 401, "learner": 404, "owner": 200, "other": 404, "staff": 404},
        method="POST",
        api=True,
    ),
    "api/^notifications/(?P<pk>[^/.]+)/unread/$": Route(
        "/api/notifications/{notification.pk}/unread/",
        {"anon": 401, "learner": 404, "owner": 200, "other": 404, "staff": 404},
        method="POST",
        api=True,
    ),
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
    "mentor/dashboard/sessions/<int:pk>/": [
        Route("/mentor/dashboard/sessions/{scheduled.pk}/", MENTOR_OBJ),
        Route(
            "/mentor/dashboard/sessions/{other_session.pk}/",
            _with(MENTOR_OBJ, owner=404, other=200),
        ),
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
    "api/^sessions/(?P<pk>[^/.]+)/$": [
        Route("/api/sessions/{draft.pk}/", API_MENTOR_OBJ, api=True),
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
    "api/^sessions/(?P<pk>[^/.]+)/publish/$": Route(
        "/api/sessions/{draft.pk}/publish/", API_MENTOR_OBJ, method="POST", api=True
    ),
    # --- catalogue (learner) ----------------------------------------------------------------
    "sessions/": Route("/sessions/", SIGNED_IN),
    "sessions/<int:pk>/": [
        Route("/sessions/{scheduled.pk}/", SIGNED_IN),
        # A draft is nobody's business but its mentor's.
        Route("/sessions/{draft.pk}/", _with(SIGNED_IN, learner=404, other=404, staff=404)),
    ],
    "sessions/<int:pk>/book/": Route(
        "/sessions/{scheduled.pk}/book/",
        {"anon": LOGIN, "learner": 409, "owner": 403, "other": 403, "staff": 302},
        method="POST",
    ),
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
    ],
    "sessions/<int:pk>/calendar.ics": Route(
        "/sessions/{scheduled.pk}/calendar.ics",
        {"anon": LOGIN, "learner": 200, "owner": 200, "other": 404, "staff": 404},
    ),
    "api/catalog/sessions/": Route("/api/catalog/sessions/", API_ANY, api=True),
    "api/catalog/sessions/<int:pk>/": [
        Route("/api/catalog/sessions/{scheduled.pk}/", API_ANY, api=True),
        Route(
            "/api/catalog/sessions/{draft.pk}/",  # only its mentor sees a draft
            {"anon": 401, "learner": 404, "owner": 200, "other": 404, "staff": 404},
            api=True,
        ),
    ],
    "api/catalog/sessions/<int:pk>/book/": Route(
        "/api/catalog/sessions/{scheduled.pk}/book/",
        {"anon": 401, "learner": (200, 201, 409), "owner": 403, "other": 403, "staff": (200, 201)},
        method="POST",
        api=True,
    ),
    # --- requests --------------------------------------------------------------------------
    "mentor/dashboard/requests/": Route("/mentor/dashboard/requests/", MENTOR),
    # --- earnings ----------------------------------------------------------------------------
    "mentor/dashboard/earnings/": Route("/mentor/dashboard/earnings/", MENTOR),
    # --- analytics ---------------------------------------------------------------------------
    "mentor/dashboard/analytics/": Route("/mentor/dashboard/analytics/", MENTOR),
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
