"""The outbox against a real SMTP server (aiosmtpd): sent once, retried with backoff."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from mailer import outbox
from mailer.delivery import claim_due, deliver_due, release_stale, retry_delay
from mailer.models import Outbox
from tests.conftest import jwt_client, make_user


def _queue(to="ann@example.com", **options):
    return outbox.enqueue(to, "Hello", "Plain body\n", "<p>HTML body</p>", **options)


def _time_passes(row):
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_an_email_is_multipart_and_delivered_with_its_headers_and_attachment(smtp, db):
    row = _queue(
        headers={"List-Unsubscribe": "<https://x.example/u/1/>"},
        attachments=[("a.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
    )
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT and row.attempts == 1 and row.sent_at
    (message,) = smtp.messages
    assert message["To"] == "ann@example.com"
    assert message["From"] == "MentorHub <no-reply@localhost>"
    assert message["Message-ID"] == row.message_id
    assert message["List-Unsubscribe"] == "<https://x.example/u/1/>"
    assert message.get_body(("plain",)).get_content().strip() == "Plain body"
    assert "<p>HTML body</p>" in message.get_body(("html",)).get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "a.ics"
    assert attachment.get_content_type() == "text/calendar"


def test_a_rolled_back_transaction_leaves_no_email(smtp, db):
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the event failed")
    assert Outbox.objects.count() == 0
    assert deliver_due() == 0 and smtp.messages == []


def test_smtp_down_is_retried_with_backoff_and_delivered_once_it_is_back(smtp, db, settings):
    settings.MAILER_RETRY_BASE_SECONDS = 60
    row = _queue()
    smtp.stop()
    before = timezone.now()
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.RETRYING and row.attempts == 1
    assert "Connection refused" in row.last_error or "Errno" in row.last_error
    assert (
        before + timedelta(seconds=59)
        <= row.next_attempt_at
        <= timezone.now() + timedelta(seconds=61)
    )
    assert deliver_due() == 0  # not due again before the backoff ends

    _time_passes(row)
    assert deliver_due() == 1  # still down: the wait doubles
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at >= timezone.now() + timedelta(seconds=110)

    smtp.start()
    _time_passes(row)
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT and row.attempts == 3
    assert len(smtp.messages) == 1
    _time_passes(row)  # even if someone makes it look due: sent rows are never claimed
    assert deliver_due() == 0 and deliver_due() == 0
    assert len(smtp.messages) == 1


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.MAILER_RETRY_BASE_SECONDS = 60
    settings.MAILER_RETRY_MAX_SECONDS = 300
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 9)] == [60, 120, 240, 300, 300]


def test_an_email_fails_for_good_after_the_last_attempt(smtp, db, settings):
    settings.MAILER_MAX_ATTEMPTS = 2
    row = _queue()
    smtp.stop()
    deliver_due()
    _time_passes(row)
    deliver_due()
    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED and row.attempts == 2


def test_a_refused_recipient_fails_at_once_and_the_others_still_go(smtp, db):
    smtp.refuse = {"gone@example.com"}
    bad, good = _queue("gone@example.com"), _queue("ok@example.com")
    assert deliver_due() == 2
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == Outbox.Status.FAILED and "550" in bad.last_error
    assert good.status == Outbox.Status.SENT
    assert [m["To"] for m in smtp.messages] == ["ok@example.com"]


def test_quiet_emails_wait_until_their_time(smtp, db):
    later = timezone.now() + timedelta(hours=3)
    row = _queue(not_before=later)
    assert deliver_due() == 0 and smtp.messages == []
    _time_passes(row)
    assert deliver_due() == 1 and len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_passes_running_at_once_send_each_email_exactly_once(smtp, race):
    rows = [_queue(f"user{i}@example.com") for i in range(12)]
    results = race(4, lambda i: deliver_due())
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 12  # each row attempted by exactly one pass
    assert sorted(m["To"] for m in smtp.messages) == sorted(r.to for r in rows)
    assert Outbox.objects.filter(status=Outbox.Status.SENT).count() == 12
    assert deliver_due() == 0 and len(smtp.messages) == 12


def test_a_claimed_row_is_not_claimed_again_until_its_lease_expires(smtp, db, settings):
    row = _queue()
    assert [r.pk for r in claim_due()] == [row.pk]  # a process claims it, then dies
    assert claim_due() == [] and deliver_due() == 0
    settings.MAILER_SENDING_LEASE_SECONDS = 0
    Outbox.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(seconds=5))
    assert release_stale() == 1
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT and len(smtp.messages) == 1


def test_admin_lists_statuses_and_retry_now_sends_a_failed_email(smtp, db, settings):
    settings.MAILER_MAX_ATTEMPTS = 1
    row = _queue()
    smtp.stop()
    deliver_due()
    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED
    staff = make_user("staff_mail", is_staff=True, is_superuser=True)
    client = jwt_client(staff)
    client.force_login(staff)
    page = client.get("/admin/mailer/outbox/?status=failed")
    assert page.status_code == 200 and b"ann@example.com" in page.content
    assert b"Failed" in page.content
    response = client.post(
        "/admin/mailer/outbox/",
        {"action": "retry_now_action", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Outbox.Status.RETRYING and row.next_attempt_at <= timezone.now()
    smtp.start()
    settings.MAILER_MAX_ATTEMPTS = 5
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT and len(smtp.messages) == 1


def test_the_send_job_is_registered_for_every_server_process():
    from core.jobs import registered_jobs

    assert registered_jobs()["mailer.deliver"] is deliver_due


@pytest.mark.django_db(transaction=True)
def test_an_email_goes_out_right_after_the_commit_without_waiting_for_the_job(smtp, settings):
    from tests.support.wait import wait_until

    settings.MAILER_SEND_ON_COMMIT = True
    with transaction.atomic():
        row = _queue("now@example.com")
        assert smtp.messages == []  # not before the commit
    wait_until(lambda: len(smtp.messages) == 1, timeout=10, what="the after-commit send")
    wait_until(
        lambda: Outbox.objects.get(pk=row.pk).status == Outbox.Status.SENT,
        timeout=10,
        what="the row marked sent",
    )
    assert deliver_due() == 0 and len(smtp.messages) == 1


def test_nothing_is_queued_while_suppressed(db):
    with outbox.suppressed():
        assert _queue() is None
    assert Outbox.objects.count() == 0
    assert _queue() is not None
