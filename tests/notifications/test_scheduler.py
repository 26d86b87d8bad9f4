"""The job runner: `manage.py scheduler --once` and the in-process thread."""

import asyncio
import threading
from io import StringIO

import pytest
from django.core.management import call_command

from core import jobs
from core import jobs as scheduler


@pytest.fixture
def registry(monkeypatch):
    """A clean job registry for the test (apps' real jobs stay out of it)."""
    monkeypatch.setattr(jobs, "_JOBS", {})
    return jobs


def test_scheduler_once_runs_every_job_one_pass(registry, db):
    calls = []
    registry.register_job("test.counter", lambda: calls.append(1) or 2)
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert calls == [1]
    assert "test.counter: 2" in out.getvalue()


def test_a_failing_job_does_not_stop_the_others_but_fails_the_pass(registry, db):
    ran = []

    def broken():
        raise RuntimeError("boom")

    registry.register_job("test.broken", broken)
    registry.register_job("test.fine", lambda: ran.append(1) or 0)
    with pytest.raises(SystemExit):
        call_command("scheduler", "--once", stdout=StringIO(), stderr=StringIO())
    assert ran == [1]


def test_the_in_process_runner_starts_once_and_runs_jobs(registry, db, settings):
    settings.SCHEDULER_IN_PROCESS = True
    settings.SCHEDULER_INTERVAL_SECONDS = 1
    passed = threading.Event()
    registry.register_job("test.signal", lambda: passed.set() or 0)
    try:
        assert scheduler.start_in_process() is True
        assert scheduler.start_in_process() is False  # once per process
        assert passed.wait(10)
    finally:
        scheduler.stop_in_process()


def test_the_runner_stays_off_when_disabled(settings):
    settings.SCHEDULER_IN_PROCESS = False
    assert scheduler.start_in_process() is False
    app = scheduler.JobRunnerApp(lambda *a: None)
    assert app.enabled is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_job_run_by_the_in_process_runner_pushes_to_open_sockets(
    registry, settings, mentor
):
    """Runner thread → server loop's executor → notify() → channel layer → socket."""
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from mentorhub.asgi import application
    from notifications.services import notify
    from tests.notifications.test_consumer import _cookie, headers

    settings.SCHEDULER_IN_PROCESS = True
    settings.SCHEDULER_INTERVAL_SECONDS = 1
    done = []

    def reminder_job():
        if done:
            return 0
        done.append(notify(mentor, "session_reminder", "Starts in 5 minutes", level="urgent"))
        return 1

    registry.register_job("test.reminder", reminder_job)
    app = scheduler.JobRunnerApp(application)
    try:
        comm = WebsocketCommunicator(
            app, "/ws/notifications/", headers=headers(await _cookie(mentor))
        )
        assert (await comm.connect())[0]
        await comm.send_json_to({"type": "hello", "last_id": 0})
        assert (await comm.receive_json_from(timeout=2))["type"] == "ready"
        # No ping: the push itself must arrive.
        frame = await comm.receive_json_from(timeout=10)
        assert frame["type"] == "notification"
        assert frame["title"] == "Starts in 5 minutes"
        # The frame can arrive before notify() has returned to the runner thread.
        for _ in range(200):
            if done:
                break
            await asyncio.sleep(0.01)
        assert frame["id"] == done[0].pk
        await comm.disconnect()
    finally:
        await sync_to_async(scheduler.stop_in_process)()


def test_staff_can_send_a_notification_from_the_admin(staff, mentor, client):
    client.force_login(staff)
    response = client.post(
        "/admin/notifications/notification/add/",
        {
            "user": mentor.pk,
            "kind": "system",
            "level": "info",
            "title": "Maintenance tonight",
            "body": "",
            "url": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    from notifications.models import Notification

    sent = Notification.objects.get(user=mentor)
    assert sent.title == "Maintenance tonight"
    assert sent.url == ""  # only our own pages
