"""Several server processes sharing PostgreSQL and Redis (the scale-out path).

The mentor's browser is connected to process A; the learner acts through
process B; the mentor sees the update live. Periodic jobs run in both
processes and still send each reminder once. Skipped (with the reason) unless
the suite runs on PostgreSQL + Redis (`make test` does that in its second pass).
"""

import json
import re
import urllib.request
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tokens import issue_tokens
from notifications.models import Notification
from sessions_app.models import Booking, Session
from tests.conftest import make_user
from tests.e2e.conftest import sign_in, start_server, stop_server
from tests.support.wait import wait_until


@pytest.fixture
def two_servers(transactional_db, live_server_proc):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip(
            "needs PostgreSQL + Redis (DATABASE_URL/REDIS_URL); runs in make test's second pass"
        )
    extra = {"SCHEDULER_IN_PROCESS": "1", "SCHEDULER_INTERVAL_SECONDS": "1"}
    a = start_server(extra)
    b = start_server(extra)
    yield a, b
    stop_server(a)
    stop_server(b)


def api(base: str, user, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    _refresh, access = issue_tokens(user)
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {access}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_an_action_on_process_b_reaches_the_mentor_on_process_a(two_servers, browser):
    a, b = two_servers
    mentor = make_user("mentor_multi", "mentor")
    learner = make_user("learner_multi", "learner")
    session = Session.objects.create(
        mentor=mentor,
        title="Cross-process session",
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=60,
        capacity=3,
        price=10,
        status=Session.Status.SCHEDULED,
        published_at=timezone.now(),
    )
    context = browser.new_context(bypass_csp=True)
    sign_in(context, a.url, mentor)
    page = context.new_page()
    with page.expect_websocket() as ws_info:
        page.goto(f"{a.url}/mentor/dashboard/sessions/scheduled/")
    ws_info.value.wait_for_event("framereceived")  # the hello was answered
    expect(page.locator(f"#participants-{session.pk}")).to_contain_text("0 / 3")

    status, body = api(b.url, learner, "POST", f"/api/catalog/sessions/{session.pk}/book/")
    assert status in (200, 201), body
    # Pushed through Redis from B to A: faster than any catch-up poll (25 s here).
    expect(page.locator(f"#participants-{session.pk}")).to_contain_text("1 / 3", timeout=8000)

    status, body = api(
        b.url,
        learner,
        "POST",
        "/api/learner/requests/",
        {
            "mentor": mentor.pk,
            "topic": "Cross-process request",
            "message": "Hello",
            "preferred_times": [(timezone.now() + timedelta(days=3)).isoformat()],
        },
    )
    assert status == 201, body
    expect(page.locator("#requests-badge")).to_have_text(re.compile(r"\s*1\s*"), timeout=8000)
    context.close()


def _due_session(mentor, title: str, booked: int = 0) -> Session:
    return Session.objects.create(
        mentor=mentor,
        title=title,
        starts_at=timezone.now() + timedelta(minutes=4),
        duration_minutes=30,
        capacity=2,
        price=0,
        status=Session.Status.SCHEDULED,
        published_at=timezone.now(),
        booked_count=booked,
    )


def _reminded(session: Session, timeout: float = 20) -> None:
    wait_until(
        Session.objects.filter(pk=session.pk, reminder_sent_at__isnull=False).exists,
        timeout,
        interval=0.2,
        what=f"a reminder for {session.title}",
    )


def test_jobs_in_both_processes_send_each_reminder_once(two_servers):
    mentor = make_user("mentor_remind", "mentor")
    learners = [make_user(f"learner_remind{i}", "learner") for i in range(2)]
    session = _due_session(mentor, "Soon", booked=2)
    for learner in learners:
        Booking.objects.create(session=session, learner=learner)
    _reminded(session)
    # Later passes of both schedulers: each new due session is reminded by a pass
    # that starts after the previous one was, so the first is long claimed.
    for n in range(3):
        _reminded(_due_session(mentor, f"Later {n}"))
    for user in [mentor, *learners]:
        count = Notification.objects.filter(
            user=user, kind="session_reminder", url__contains=f"/{session.pk}/"
        ).count()
        assert count == 1, f"{user.username} got {count} reminders"
    assert Notification.objects.filter(user=mentor, kind="session_reminder").count() == 4
