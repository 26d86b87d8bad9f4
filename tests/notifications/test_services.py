"""notify(), push_update() and the read-state services: store first, push after commit."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from sessions_app.models import Session
from tests.notifications.builders import make_notification


class Inbox:
    """Channels joined to users' groups: what their open pages would receive.

    Async, on the test's event loop, so it works with the in-memory and the
    Redis channel layer alike; sync code running in `sync_to_async` can peek
    with `async_to_sync(inbox.messages)(user)`.
    """

    def __init__(self):
        self.layer = get_channel_layer()
        self.channels = {}

    async def join(self, *users):
        for user in users:
            name = await self.layer.new_channel()
            await self.layer.group_add(services.user_group(user.pk), name)
            self.channels[user.pk] = name

    async def messages(self, user) -> list[dict]:
        received = []
        while True:
            try:
                received.append(
                    await asyncio.wait_for(self.layer.receive(self.channels[user.pk]), 0.2)
                )
            except TimeoutError:
                return received


def in_thread(func):
    """Run sync ORM code the way a view does: in a thread, outside the loop."""
    return sync_to_async(func, thread_sensitive=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_it_stores_then_pushes_only_after_commit(mentor):
    inbox = Inbox()
    await inbox.join(mentor)

    @in_thread
    def act():
        with transaction.atomic():
            notification = services.notify(
                mentor, "booking", "Lea booked", body="1 of 4", url="/mentor/dashboard/"
            )
            stored = Notification.objects.filter(pk=notification.pk).exists()
            before_commit = async_to_sync(inbox.messages)(mentor)
        return notification, stored, before_commit

    notification, stored, before_commit = await act()
    assert stored
    assert before_commit == []  # nothing before the commit
    assert await inbox.messages(mentor) == [{"type": "notification.created", "id": notification.pk}]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_it_stores_and_pushes_nothing_when_the_transaction_rolls_back(mentor):
    inbox = Inbox()
    await inbox.join(mentor)

    @in_thread
    def act():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify(mentor, "booking", "Lea booked")
            raise RuntimeError("the booking failed")
        return Notification.objects.count()

    assert await act() == 0
    assert await inbox.messages(mentor) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_it_pushes_to_the_user_group_only(mentor, other_mentor):
    inbox = Inbox()
    await inbox.join(mentor, other_mentor)
    await in_thread(services.notify)(mentor, "system", "For Ann")
    assert len(await inbox.messages(mentor)) == 1
    assert await inbox.messages(other_mentor) == []


def test_it_keeps_only_urls_of_this_site(mentor):
    assert services.notify(mentor, "system", "a", url="/live/3/").url == "/live/3/"
    assert services.notify(mentor, "system", "b", url="https://evil.example/").url == ""
    assert services.notify(mentor, "system", "c", url="//evil.example/x").url == ""
    assert services.notify(mentor, "system", "d", url="javascript:alert(1)").url == ""


def test_it_refuses_unknown_kinds_and_levels(mentor):
    with pytest.raises(ValueError):
        services.notify(mentor, "gossip", "x")
    with pytest.raises(ValueError):
        services.notify(mentor, "system", "x", level="panic")
    assert Notification.objects.count() == 0


def test_it_truncates_long_titles(mentor):
    assert len(services.notify(mentor, "system", "x" * 500).title) == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_push_update_sends_a_live_update_after_commit(mentor):
    inbox = Inbox()
    await inbox.join(mentor)

    @in_thread
    def act():
        with transaction.atomic():
            services.push_update(mentor, "requests_badge")  # a user or a user id
            services.push_update(mentor.pk, "participants", session_id=7)
            return async_to_sync(inbox.messages)(mentor)

    assert await act() == []
    # Only the hint: the socket reads the state when it renders.
    assert await inbox.messages(mentor) == [
        {"type": "live.update", "name": "requests_badge", "key": {}},
        {"type": "live.update", "name": "participants", "key": {"session_id": 7}},
    ]


BELL = {"type": "live.update", "name": "bell", "key": {}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_marking_read_updates_every_open_page_of_the_user(mentor):
    first = await in_thread(make_notification)(mentor, "one")
    await in_thread(make_notification)(mentor, "two")
    inbox = Inbox()
    await inbox.join(mentor)
    await in_thread(services.mark_read)(mentor, first.pk)
    assert await inbox.messages(mentor) == [BELL]
    await in_thread(first.refresh_from_db)()
    read_at = first.read_at
    assert read_at is not None
    await in_thread(services.mark_read)(mentor, first.pk)  # idempotent: no push
    await in_thread(first.refresh_from_db)()
    assert first.read_at == read_at
    assert await inbox.messages(mentor) == []
    await in_thread(services.mark_unread)(mentor, first.pk)
    assert await inbox.messages(mentor) == [BELL]
    assert await in_thread(services.mark_all_read)(mentor) == 2
    assert await in_thread(services.unread_count)(mentor) == 0
    assert await inbox.messages(mentor) == [BELL]


def test_it_never_touches_another_users_notification(mentor, other_mentor):
    theirs = make_notification(other_mentor, "theirs")
    with pytest.raises(Notification.DoesNotExist):
        services.mark_read(mentor, theirs.pk)
    with pytest.raises(Notification.DoesNotExist):
        services.mark_unread(mentor, "not-a-number")
    assert services.mark_all_read(mentor) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_the_linked_page_closes_urgent_alerts_there(mentor):
    urgent = make_notification(mentor, "starts soon", level="urgent", url="/live/5/")
    info = make_notification(mentor, "booked", url="/live/5/")
    assert services.mark_read_for_url(mentor, "/live/5/") == 1
    urgent.refresh_from_db()
    info.refresh_from_db()
    assert urgent.read_at is not None
    assert info.read_at is None


# --- The generic reminder mechanism (periodic jobs) -----------------------------


def _session(mentor, minutes: int) -> Session:
    return Session.objects.create(
        mentor=mentor,
        title=f"Starts in {minutes}",
        starts_at=timezone.now() + timedelta(minutes=minutes),
        status=Session.Status.SCHEDULED,
    )


def _reminder_pass() -> int:
    soon = timezone.now() + timedelta(minutes=5)
    return services.send_reminders(
        Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__lte=soon),
        "reminder_sent_at",
        lambda session: services.notify(
            session.mentor,
            "session_reminder",
            f"“{session.title}” starts in 5 minutes",
            url=f"/live/{session.pk}/",
            level="urgent",
        ),
    )


def test_a_reminder_pass_run_twice_sends_one_reminder(mentor):
    due = _session(mentor, 4)
    _session(mentor, 60)  # not due yet
    assert _reminder_pass() == 1
    assert _reminder_pass() == 0
    assert Notification.objects.filter(kind="session_reminder").count() == 1
    due.refresh_from_db()
    assert due.reminder_sent_at is not None


def test_a_failing_send_releases_the_claim_for_the_next_pass(mentor):
    due = _session(mentor, 3)

    def broken(session):
        services.notify(session.mentor, "session_reminder", "x")
        raise RuntimeError("mail server down")

    soon = timezone.now() + timedelta(minutes=5)
    queryset = Session.objects.filter(starts_at__lte=soon)
    assert services.send_reminders(queryset, "reminder_sent_at", broken) == 0
    due.refresh_from_db()
    assert due.reminder_sent_at is None
    assert Notification.objects.count() == 0
    assert _reminder_pass() == 1


@pytest.mark.django_db(transaction=True)
def test_reminder_passes_racing_in_two_threads_send_one_reminder_per_row(mentor, race):
    for minutes in (1, 2, 3):
        _session(mentor, minutes)
    results = race(2, lambda i: _reminder_pass())
    assert sum(results) == 3
    assert Notification.objects.filter(kind="session_reminder").count() == 3
    assert not Session.objects.filter(reminder_sent_at__isnull=True).exists()


def test_nothing_else_talks_to_the_channel_layer_directly():
    """Pushes go through notify()/push_update()/push_to_group(): stored, after commit."""
    from django.conf import settings

    root = settings.BASE_DIR
    apps = [p for p in root.iterdir() if (p / "apps.py").exists() or p.name == "mentorhub"]
    offenders = [
        str(path.relative_to(root))
        for app in apps
        for path in app.rglob("*.py")
        if path != root / "notifications" / "services.py"
        and "get_channel_layer" in path.read_text()
    ]
    assert apps and offenders == []
