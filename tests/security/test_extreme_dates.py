"""Extreme dates and times never answer 500 (CONTRACT.md "Times"; issue #16 point 2).

Every route of the URL map is classified: DATE_PROBES says which parameters of
a route carry a date or time (bodies and query parameters), NO_DATE lists the
routes that take none. A new route fails `test_every_route_is_classified`
until it is put in one of them. Each probe sends year 1, year 9999, far
offsets, out-of-range and garbage values to each of its parameters, signed in
as the persona that may use the route, and checks the answer (never a 500;
bodies refused with a field error; query parameters 400 or a clean page) and
that nothing was stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from core.timebounds import AHEAD_MESSAGE, RANGE_MESSAGE, DomainError
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Session
from tests.conftest import bearer, jwt_client, make_user
from tests.security.builders import build_world
from tests.security.matrix import ADMIN_PREFIX, MATRIX, routes_of
from tests.security.routes import http_route_names

# Never a valid date or time anywhere: out of Python's range, out of the
# contract's bounds, impossible offsets, garbage, huge and non-ASCII input.
EXTREMES = [
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:30",
    "0001-01-01T00:00Z",
    "9999-12-31T23:30Z",
    "9999-12-31T23:30:00+23:59",
    "9999-12-31T23:30-10:00",
    "0001-01-01T00:00:00-23:59",
    "0001-01-01T00:30+01:00",
    "2030-06-01T10:00-99:00",
    "2030-06-01T10:00+99:99",
    "1999-12-31",
    "1999-12-31T23:59Z",
    "2101-01-01",
    "2101-01-01T00:00Z",
    "0000-00-00",
    "99999-01-01",
    "+275760-09-13T00:00:00Z",
    "-000001-01-01T00:00Z",
    "2024-13-45",
    "2024-02-30T25:61",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e999",
    "-1",
    "9" * 5000,
    "2030-01-01" + "0" * 5000,
    "٩٩٩٩-١٢-٣١T١٠:٠٠",  # Arabic-Indic digits: year 9999
    "９９９９-１２-３１",  # full-width digits: year 9999
    "2030-01-01\x00",
    " ",
]
# Also never valid in a JSON body.
JSON_EXTREMES = [1e308, -1, 99999999999999999999, True, {}, {"year": 9999}]
# Valid dates, but not schedulable: in the past, or more than 2 years ahead.
UNSCHEDULABLE = ["2001-01-01", "2001-01-01T10:00", "2090-01-01", "2090-01-01T10:00Z"]


@dataclass(frozen=True)
class Probe:
    url: str  # formatted with the World (tests/security/builders.py)
    fields: tuple[str, ...]  # the parameters that carry a date or time
    method: str = "POST"
    persona: str = "owner"
    api: bool = False
    base: dict = field(default_factory=dict)  # valid values of the other parameters
    listed: bool = False  # the parameter is a JSON list of times
    schedulable: bool = False  # also refuses valid dates in the past / > 2 years ahead
    expect: tuple[int, ...] = ()  # default: 400 (API) / 422 (page)
    error_shown: bool = True  # the answer names the field (JSON key / id_<field>_error)
    headers: dict = field(default_factory=dict)

    @property
    def statuses(self) -> tuple[int, ...]:
        return self.expect or ((400,) if self.api else (422,))

    def values(self) -> list:
        values = [*EXTREMES, *(UNSCHEDULABLE if self.schedulable else [])]
        return values + JSON_EXTREMES if self.api and self.method != "GET" else values


SESSION_FORM = {
    "title": "Extreme",
    "topic": "Dates",
    "duration_minutes": "60",
    "capacity": "1",
    "price": "0",
    "date": "{future_day}",
    "start_time": "10:00",
}
SESSION_API = {"title": "Extreme", "starts_at": "{future_iso}", "duration_minutes": 60}

DATE_PROBES: dict[str, list[Probe]] = {
    "session_new": [
        Probe(
            "/mentor/dashboard/sessions/new/",
            ("date", "start_time"),
            base=SESSION_FORM,
            schedulable=True,
        ),
        Probe(
            "/mentor/dashboard/sessions/new/",
            ("date", "start_time"),
            base={**SESSION_FORM, "action": "publish"},
            schedulable=True,
        ),
    ],
    "session_edit": [
        Probe(
            "/mentor/dashboard/sessions/{draft.pk}/edit/",
            ("date", "start_time"),
            base=SESSION_FORM,
            schedulable=True,
        ),
        Probe(
            "/mentor/dashboard/sessions/{scheduled.pk}/edit/",
            ("date", "start_time"),
            base=SESSION_FORM,
            schedulable=True,
        ),
    ],
    "session_reschedule": [
        Probe(
            "/mentor/dashboard/sessions/{scheduled.pk}/reschedule/",
            ("date", "start_time"),
            base={"date": "{future_day}", "start_time": "10:00"},
            schedulable=True,
        )
    ],
    "api-sessions-list": [
        Probe("/api/sessions/", ("starts_at",), api=True, base=SESSION_API, schedulable=True)
    ],
    "api-sessions-detail": [
        Probe("/api/sessions/{draft.pk}/", ("starts_at",), "PATCH", api=True, schedulable=True),
        Probe("/api/sessions/{scheduled.pk}/", ("starts_at",), "PATCH", api=True, schedulable=True),
    ],
    "catalog": [Probe("/sessions/", ("date",), "GET", "learner", expect=(200, 400))],
    "api-catalog": [Probe("/api/catalog/sessions/", ("date",), "GET", "learner", api=True)],
    "request_new": [
        Probe(
            "/mentors/{owner.pk}/request/",
            ("time_1", "time_2"),
            persona="learner",
            base={"topic": "Dates", "duration_minutes": "60", "time_1": "{future_local}"},
            schedulable=True,
        )
    ],
    "learner-request-list": [
        Probe(
            "/api/learner/requests/",
            ("preferred_times",),
            persona="learner",
            api=True,
            base={"mentor": "{owner.pk}", "topic": "Dates"},
            listed=True,
            schedulable=True,
        )
    ],
    "request_accept": [
        Probe(
            "/mentor/dashboard/requests/{request.pk}/accept/",
            ("custom_at",),
            base={"choice": "custom"},
            schedulable=True,
        )
    ],
    "request_accept_overlap": [
        # The overlap hint: a partial that never shows a hint for an impossible time.
        Probe(
            "/mentor/dashboard/requests/{request.pk}/accept/overlap/",
            ("custom_at",),
            "GET",
            base={"choice": "custom"},
            expect=(200,),
            error_shown=False,
            schedulable=True,
        ),
        Probe(
            "/mentor/dashboard/requests/{request.pk}/accept/overlap/",
            ("custom_at",),
            "GET",
            expect=(200,),
            error_shown=False,
            schedulable=True,
            headers={"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER": "id_custom_at"},
        ),
    ],
    "session_overlap": [
        # The Create/Edit dialog's overlap hint: nothing (no hint) for an impossible time.
        Probe(
            "/mentor/dashboard/sessions/overlap/",
            ("date", "start_time"),
            "GET",
            base={"date": "{future_day}", "start_time": "10:00", "duration_minutes": "60"},
            expect=(200,),
            error_shown=False,
        ),
    ],
    "request-accept": [
        Probe(
            "/api/requests/{request.pk}/accept/",
            ("scheduled_at",),
            api=True,
            schedulable=True,
        )
    ],
    "api-availability-overrides": [
        Probe(
            "/api/availability/overrides/",
            ("date",),
            api=True,
            base={"available": False},
            schedulable=True,
        )
    ],
    "availability_override_add": [
        Probe(
            "/mentor/dashboard/availability/overrides/",
            ("date",),
            base={"kind": "off"},
            schedulable=True,
        )
    ],
    "mentor_detail": [
        Probe("/mentors/{owner.pk}/", ("day",), "GET", "learner", expect=(200,), error_shown=False)
    ],
    "mentor_slot_times": [
        Probe(
            "/mentors/{owner.pk}/times/",
            ("day",),
            "GET",
            "learner",
            expect=(200, 404),
            error_shown=False,
            headers={"HTTP_HX_REQUEST": "true"},
        )
    ],
    "slot_book": [
        Probe(
            "/mentors/{owner.pk}/book/",
            ("starts_at",),
            persona="learner",
            base={"topic": "Dates", "duration": "60"},
            schedulable=True,
            expect=(400, 422),  # unparsable: 422 (form); a past time: 400 (the service)
        )
    ],
    "api-mentor-slots": [
        Probe(
            "/api/mentors/{owner.pk}/slots/",
            ("from", "to"),
            "GET",
            "learner",
            api=True,
            base={"from": "{future_day}", "to": "{future_day}"},
        )
    ],
    "api-mentor-book": [
        Probe(
            "/api/mentors/{owner.pk}/book/",
            ("starts_at",),
            persona="learner",
            api=True,
            base={"topic": "Dates", "duration_minutes": 60},
            schedulable=True,
        )
    ],
    "api-sessions-reschedule": [
        Probe(
            "/api/sessions/{scheduled.pk}/reschedule/", ("starts_at",), api=True, schedulable=True
        )
    ],
    "api-learner-booking-reschedule": [
        Probe(
            "/api/learner/bookings/{booking.pk}/reschedule/",
            ("starts_at",),
            persona="learner",
            api=True,
            schedulable=True,
        )
    ],
    "booking_reschedule": [
        Probe(
            "/bookings/{booking.pk}/reschedule/",
            ("starts_at",),
            persona="learner",
            expect=(400,),
        )
    ],
    "earnings_ledger_csv": [
        Probe(
            "/mentor/dashboard/earnings/ledger.csv",
            ("start", "end"),
            "GET",
            base={"start": "2024-01-01", "end": "2024-12-31"},
        )
    ],
}

# Routes that take no date or time in any parameter (checked by reading their
# views, forms and serializers). A route that starts taking one moves to DATE_PROBES.
NO_DATE = {
    "admin",  # staff only; the model admin forms are Django's
    "schema", "api_docs", "token_obtain_pair", "token_refresh", "api_me", "api_profile",
    "notification-list", "notification-read-all", "notification-read", "notification-unread",
    "api-sessions-cancel", "api-sessions-publish", "api-catalog-detail", "api-catalog-book",
    "api-catalog-waitlist", "api-policy", "session_waitlist",  # policies (issue #21): no dates
    "request-list", "request-detail", "request-decline", "learner-request-detail",
    "learner-request-withdraw", "api-earnings", "api-payouts", "api-payout", "api_analytics",
    "api-learner-reviews", "media", "home", "login", "logout", "profile_tab",
    "profile_preview", "richtext_preview", "profile_picture_remove", "mentor_list",
    "notifications_tab", "learner_notifications", "notifications_menu",
    "notifications_read_all", "notification_open", "notification_read", "notification_unread",
    "notification_dismiss", "dashboard", "dashboard_slash", "sessions_tab", "session_view",
    "session_publish", "session_cancel", "session_delete", "sessions_subtab",
    "calendar_feed_rotate", "calendar_feed", "session_detail", "session_book",
    "session_cancel_booking", "session_ics", "requests_tab", "request_decline",
    "request_withdraw", "earnings_tab", "earnings_payout", "analytics_tab",
    "live_room", "live_start", "live_end", "live_ice", "session_review",
    "api-availability", "api-availability-override",
    "availability_page", "availability_override_delete",  # times of day only (HH:MM, checked)
    "api-learner-bookings", "api-learner-booking-cancel", "booking_cancel",
    # quiet hours are times of day only (HH:MM, checked); the token is signed
    "api_notification_preferences", "notification_preferences", "email_unsubscribe",
    "live_notes", "api-session-chat", "api-session-notes",
    # sign-up and the account page (issue 22): names, emails, passwords, signed tokens
    "signup", "signup_mentor", "verify_email", "resend_verification", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete", "account",
    "account_email", "account_password", "sign_out_everywhere", "confirm_email_change",
}  # fmt: skip

NAMES = set(http_route_names().values())


def test_every_route_is_classified():
    """A new endpoint must say whether it takes a date (and get probed) or not."""
    unclassified = sorted(NAMES - set(DATE_PROBES) - NO_DATE)
    assert not unclassified, (
        "Routes neither in DATE_PROBES nor in NO_DATE (tests/security/test_extreme_dates.py): "
        + ", ".join(unclassified)
    )
    stale = sorted((set(DATE_PROBES) | NO_DATE) - NAMES)
    assert not stale, "Entries for routes that no longer exist: " + ", ".join(stale)
    assert not set(DATE_PROBES) & NO_DATE


# --- The walk ------------------------------------------------------------------------------


def _placeholders(world) -> dict:
    soon = timezone.now() + timedelta(days=5)
    return {
        **vars(world),
        "future_day": soon.date().isoformat(),
        "future_iso": soon.isoformat(),
        "future_local": soon.strftime("%Y-%m-%dT%H:%M"),
    }


def _fill(value, names: dict):
    return value.format(**names) if isinstance(value, str) else value


def stored_state() -> tuple:
    """Everything a date could be written into: sessions, requests, bookings."""
    return (
        sorted(Session.objects.values_list("pk", "starts_at", "status", "duration_minutes")),
        sorted(SessionRequest.objects.values_list("pk", "status", "scheduled_at", "session")),
        sorted(Booking.objects.values_list("pk", "status")),
    )


def _send(probe: Probe, client, url: str, payload: dict):
    """The response, or the exception a view raised (the test client re-raises them)."""
    method = getattr(client, probe.method.lower())
    try:
        if probe.api and probe.method != "GET":
            return method(url, payload, format="json", **probe.headers)
        return method(url, payload, **probe.headers)
    except Exception as exc:  # an unhandled exception is what a user sees as a 500
        return exc


def _problem(probe: Probe, name: str, response) -> str | None:
    if isinstance(response, Exception):
        return f"500 ({type(response).__name__}: {str(response)[:80]})"
    if response.status_code not in probe.statuses:
        return f"{response.status_code}, expected {probe.statuses}"
    if not probe.error_shown:
        return None
    if probe.api:
        body = response.json()
        return None if isinstance(body, dict) and name in body else f"no field error: {body}"
    # A page may show the error at a sibling field (a past date: at the start time).
    shown = any(f'id="id_{f}_error"'.encode() in response.content for f in probe.fields)
    return None if shown else "no field error"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "index"),
    [(name, i) for name, probes in DATE_PROBES.items() for i in range(len(probes))],
)
def test_extreme_dates_are_refused_without_a_500(name, index):
    probe = DATE_PROBES[name][index]
    world = build_world()
    names = _placeholders(world)
    url = probe.url.format(**names)
    client = world.api_client(probe.persona) if probe.api else world.page_client(probe.persona)
    base = {key: _fill(value, names) for key, value in probe.base.items()}
    before = stored_state()
    problems = []
    for param in probe.fields:
        for value in probe.values():
            payload = {**base, param: [value] if probe.listed else value}
            response = _send(probe, client, url, payload)
            problem = _problem(probe, param, response)
            if problem:
                problems.append(f"{param}={str(value)[:40]!r}: {problem}")
            if stored_state() != before:
                problems.append(f"{param}={str(value)[:40]!r}: stored something")
                before = stored_state()
    assert not problems, f"{probe.method} {url} as {probe.persona}:\n" + "\n".join(problems)


# Query parameters any route might read as a date: none of them may ever cause a 500.
DATE_QUERY = (
    "date=9999-12-31&start=0001-01-01&end=9999-12-31&from=0001-01-01&to=9999-12-31"
    "&since=9999-12-31T23:30Z&until=0001-01-01T00:00&month=9999-13&starts_at=9999-12-31T23:30Z"
)


def _readers():
    for key, routes in MATRIX.items():
        for route in routes_of(key):
            if route.method != "GET" or key == ADMIN_PREFIX:
                continue
            for persona in ("owner", "learner"):
                if route.expect.get(persona) == 200:
                    yield pytest.param(route, persona, id=f"{key} {persona}")
                    break


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "persona"), list(_readers()))
def test_no_page_or_api_read_fails_on_extreme_date_query_parameters(route, persona):
    world = build_world()
    url = route.url.format(**vars(world))
    url += ("&" if "?" in url else "?") + DATE_QUERY
    client = world.api_client(persona) if route.api else world.page_client(persona)
    payload = route.payload(world)
    response = client.get(url, payload) if payload else client.get(url)
    assert response.status_code < 500


# --- The known failures of issue #16, one by one ---------------------------------------------


@pytest.fixture
def berlin_learner(db):
    return make_user("learner_berta", User.Role.LEARNER, timezone="Europe/Berlin")


@pytest.fixture
def pending_request(mentor, learner):
    when = timezone.now() + timedelta(days=3)
    return SessionRequest.objects.create(
        learner=learner,
        mentor=mentor,
        topic="Overflow",
        preferred_times=[when.isoformat()],
        last_preferred_at=when,
    )


def test_accepting_at_year_9999_is_refused_and_the_catalogue_keeps_working(
    mentor_api, pending_request, berlin_learner
):
    url = f"/api/requests/{pending_request.pk}/accept/"
    response = mentor_api.post(url, {"scheduled_at": "9999-12-31T23:30Z"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"scheduled_at": [RANGE_MESSAGE]}
    pending_request.refresh_from_db()
    assert pending_request.status == SessionRequest.Status.PENDING
    assert not Session.objects.exists()
    assert bearer(berlin_learner).get("/api/catalog/sessions/").status_code == 200


def test_accepting_more_than_two_years_ahead_is_refused(mentor_api, pending_request):
    when = (timezone.now() + timedelta(days=800)).isoformat()
    response = mentor_api.post(
        f"/api/requests/{pending_request.pk}/accept/", {"scheduled_at": when}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"scheduled_at": [AHEAD_MESSAGE]}
    assert not Session.objects.exists()


def test_a_stored_year_9999_session_does_not_break_the_catalogue(mentor, berlin_learner, learner):
    """A row written before the bounds existed is left out, not a 500 for everyone."""
    Session.objects.create(
        mentor=mentor,
        title="From the year 9999",
        starts_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
        duration_minutes=60,
        price=Decimal("0"),
        status=Session.Status.SCHEDULED,
    )
    for user in (berlin_learner, learner):
        response = bearer(user).get("/api/catalog/sessions/")
        assert response.status_code == 200
        assert response.json()["count"] == 0
        page = jwt_client(user).get("/sessions/")
        assert page.status_code == 200
        assert b"From the year 9999" not in page.content
    assert jwt_client(berlin_learner).get(f"/mentors/{mentor.pk}/").status_code == 200


def test_a_session_ending_after_year_9999_has_a_clamped_end(mentor):
    session = Session(mentor=mentor, starts_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC))
    assert session.ends_at.year == 9999  # no OverflowError


def test_the_catalogue_page_shows_an_out_of_range_date_next_to_the_field(learner_client):
    response = learner_client.get("/sessions/?date=9999-12-31")
    assert response.status_code == 200
    assert b'id="id_date_error"' in response.content
    assert RANGE_MESSAGE.encode() in response.content


def test_the_catalogue_api_refuses_an_out_of_range_date(learner_api):
    response = learner_api.get("/api/catalog/sessions/?date=9999-12-31")
    assert response.status_code == 400
    assert response.json() == {"date": [RANGE_MESSAGE]}


def test_the_ledger_csv_refuses_an_end_in_year_9999(mentor_client):
    response = mentor_client.get(
        "/mentor/dashboard/earnings/ledger.csv?start=2024-01-01&end=9999-12-31"
    )
    assert response.status_code == 422
    assert b'id="id_end_error"' in response.content
    assert RANGE_MESSAGE.encode() in response.content


def test_the_accept_overlap_check_takes_year_1(mentor, mentor_client, pending_request):
    mentor.timezone = "Europe/Berlin"
    mentor.save(update_fields=["timezone"])
    url = f"/mentor/dashboard/requests/{pending_request.pk}/accept/overlap/"
    response = mentor_client.get(
        url,
        {"choice": "custom", "custom_at": "0001-01-01T00:00"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="id_custom_at",
    )
    assert response.status_code == 200


def test_the_accept_dialog_refuses_year_1_next_to_the_field(mentor_client, pending_request):
    url = f"/mentor/dashboard/requests/{pending_request.pk}/accept/"
    response = mentor_client.post(url, {"choice": "custom", "custom_at": "0001-01-01T00:00"})
    assert response.status_code == 422
    assert b'id="id_custom_at_error"' in response.content
    pending_request.refresh_from_db()
    assert pending_request.status == SessionRequest.Status.PENDING


def test_creating_a_session_in_year_9999_stores_nothing(mentor_client, mentor_api):
    form = {**SESSION_FORM, "date": "9999-12-31", "start_time": "23:30"}
    response = mentor_client.post("/mentor/dashboard/sessions/new/", form)
    assert response.status_code == 422
    assert b'id="id_date_error"' in response.content
    response = mentor_api.post(
        "/api/sessions/", {"title": "Far", "starts_at": "9999-12-31T23:30Z"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"starts_at": [RANGE_MESSAGE]}
    assert not Session.objects.exists()


def test_a_session_more_than_two_years_ahead_is_refused(mentor_client, mentor_api):
    day = (timezone.now() + timedelta(days=800)).date().isoformat()
    response = mentor_client.post("/mentor/dashboard/sessions/new/", {**SESSION_FORM, "date": day})
    assert response.status_code == 422
    assert AHEAD_MESSAGE.encode() in response.content
    when = (timezone.now() + timedelta(days=800)).isoformat()
    response = mentor_api.post("/api/sessions/", {"title": "Far", "starts_at": when}, format="json")
    assert response.json() == {"starts_at": [AHEAD_MESSAGE]}
    assert not Session.objects.exists()


def test_requesting_a_time_in_year_9999_is_refused_with_the_range_message(
    learner_api, learner_client, mentor
):
    response = learner_api.post(
        "/api/learner/requests/",
        {"mentor": mentor.pk, "topic": "Far", "preferred_times": ["9999-12-31T23:30Z"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"preferred_times": {"0": [RANGE_MESSAGE]}}
    response = learner_client.post(
        f"/mentors/{mentor.pk}/request/",
        {"topic": "Far", "duration_minutes": "60", "time_1": "9999-12-31T23:30"},
    )
    assert response.status_code == 422
    assert b'id="id_time_1_error"' in response.content
    assert RANGE_MESSAGE.encode() in response.content
    assert not SessionRequest.objects.exists()


def test_the_services_refuse_year_9999_before_storing_anything(mentor, pending_request):
    """The last line of defence, whatever the caller (form, API, shell, a future endpoint)."""
    from requests_app.services import accept_request
    from sessions_app.services import create_session

    far = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    with pytest.raises(DomainError) as caught:
        create_session(mentor, title="Far", starts_at=far)
    assert (caught.value.message, caught.value.field) == (RANGE_MESSAGE, "starts_at")
    with pytest.raises(DomainError) as caught:
        accept_request(mentor, pending_request, far)
    assert (caught.value.message, caught.value.field) == (RANGE_MESSAGE, "scheduled_at")
    pending_request.refresh_from_db()
    assert pending_request.status == SessionRequest.Status.PENDING
    assert not Session.objects.exists()
