"""Notifications by email: preferences, quiet hours, digest, the 1-hour reminder, unsubscribe.

Every email goes through the outbox to a real SMTP server (aiosmtpd).
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from mailer.delivery import deliver_due
from mailer.models import Outbox
from notifications import preferences
from notifications.emails import last_digest_moment, send_digests, unsubscribe_token
from notifications.models import DigestEntry, Notification, NotificationPreferences
from notifications.services import notify
from sessions_app.services import send_hour_reminders, send_session_reminders
from tests.conftest import bearer
from tests.sessions_app.builders import make_booking, make_session

SITE = "https://mentorhub.example"


@pytest.fixture
def mentor(mentor):
    mentor.email = "ann@example.com"
    mentor.save()
    return mentor


@pytest.fixture
def learner(learner):
    learner.email = "lea@example.com"
    learner.save()
    return learner


def _prefs(user, **fields):
    NotificationPreferences.objects.update_or_create(user=user, defaults=fields)


def _unsubscribe_path(message) -> str:
    header = message["List-Unsubscribe"]
    url = header.split("<", 1)[1].split(">", 1)[0]
    assert url.startswith(f"{SITE}/email/unsubscribe/")
    return url.removeprefix(SITE)


# --- The booking email ---------------------------------------------------------------------


def test_a_learners_booking_emails_the_mentor_with_absolute_links(smtp, mentor, learner):
    session = make_session(mentor, title="Async Django")
    response = bearer(learner).post(f"/api/catalog/sessions/{session.pk}/book/")
    assert response.status_code == 201
    assert Outbox.objects.filter(user=mentor, kind="booking").count() == 1
    deliver_due()
    (message,) = smtp.to("ann@example.com")
    assert message["Subject"] == "New booking: Async Django"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"{SITE}/mentor/dashboard/sessions/scheduled/"
    assert link in text and f'href="{link}"' in html
    assert "Lea booked a seat" in text
    # RFC 8058 one-click unsubscribe, and the same link in the footer
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _unsubscribe_path(message)
    assert f"{SITE}{path}" in text and f"{SITE}{path}" in html
    assert f"{SITE}/account/notifications/" in text
    assert smtp.to("lea@example.com") == []  # the learner gets no booking email


def test_email_off_for_a_kind_sends_none_but_the_app_still_shows_it(smtp, mentor, learner):
    _prefs(mentor, email={"booking": False})
    session = make_session(mentor)
    bearer(learner).post(f"/api/catalog/sessions/{session.pk}/book/")
    deliver_due()
    assert smtp.messages == [] and Outbox.objects.count() == 0
    assert Notification.objects.filter(user=mentor, kind="booking").count() == 1


def test_in_app_off_stores_no_notification_but_the_email_still_goes(smtp, mentor, learner):
    _prefs(mentor, in_app={"booking": False})
    session = make_session(mentor)
    bearer(learner).post(f"/api/catalog/sessions/{session.pk}/book/")
    deliver_due()
    assert not Notification.objects.filter(user=mentor, kind="booking").exists()
    assert len(smtp.to("ann@example.com")) == 1


def test_minor_kinds_are_not_emailed_by_default(smtp, mentor):
    notify(mentor, "review", "New 5-star review")
    notify(mentor, "session_published", "Published")
    deliver_due()
    assert smtp.messages == []
    defaults = preferences.for_user(mentor)
    assert [k for k in preferences.KIND_VALUES if defaults.wants_email(k)] == [
        "new_request",
        "booking",
        "booking_cancelled",
        "request_answered",
        "session_changed",
        "session_rescheduled",
        "session_reminder",
        "payout_status",
    ]


def test_a_user_without_an_address_gets_no_email(smtp, mentor):
    mentor.email = ""
    mentor.save()
    notify(mentor, "booking", "New booking")
    assert Outbox.objects.count() == 0


# --- Quiet hours ------------------------------------------------------------------------------


def _quiet_now(user):
    """Quiet hours around the present moment in the user's zone."""
    local = timezone.now().astimezone(user.tzinfo)
    start = (local - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    _prefs(user, quiet_start=start, quiet_end=end)
    return local + timedelta(hours=2)


def test_quiet_hours_hold_non_urgent_email_until_they_end(smtp, mentor):
    ends = _quiet_now(mentor)
    notify(mentor, "booking", "New booking")
    row = Outbox.objects.get()
    assert abs(row.next_attempt_at - ends.replace(second=0, microsecond=0)) < timedelta(minutes=1)
    assert deliver_due() == 0 and smtp.messages == []
    Outbox.objects.update(next_attempt_at=timezone.now())  # the quiet hours are over
    assert deliver_due() == 1 and len(smtp.messages) == 1


def test_urgent_email_goes_through_quiet_hours(smtp, mentor):
    _quiet_now(mentor)
    notify(mentor, "session_reminder", "Starts soon", level="urgent")
    assert deliver_due() == 1 and len(smtp.messages) == 1


def test_quiet_hours_across_midnight_end_the_next_morning():
    prefs = preferences.Prefs({}, {}, time(22, 0), time(7, 0), "off")
    berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    late = datetime(2026, 12, 2, 23, 30, tzinfo=berlin)
    assert preferences.quiet_until(prefs, berlin, late) == datetime(2026, 12, 3, 7, tzinfo=berlin)
    early = datetime(2026, 12, 3, 6, 0, tzinfo=berlin)
    assert preferences.quiet_until(prefs, berlin, early) == datetime(2026, 12, 3, 7, tzinfo=berlin)
    assert preferences.quiet_until(prefs, berlin, datetime(2026, 12, 3, 12, tzinfo=berlin)) is None


# --- The daily digest -----------------------------------------------------------------------------


def test_the_daily_digest_gathers_non_urgent_emails_into_one(smtp, mentor, settings):
    _prefs(mentor, email_digest="daily")
    notify(mentor, "booking", "New booking: A", url="/mentor/dashboard/sessions/scheduled/")
    notify(mentor, "booking_cancelled", "Booking cancelled: B", body="Leo cancelled.")
    notify(mentor, "session_reminder", "Starts soon", level="urgent")  # urgent: now
    assert DigestEntry.objects.filter(user=mentor).count() == 2
    deliver_due()
    assert [m["Subject"] for m in smtp.messages] == ["Starts soon"]

    # Before the digest hour that follows them, they wait.
    assert send_digests() == 0
    # The digest hour passes (the entries are from before it).
    DigestEntry.objects.update(created_at=last_digest_moment(mentor.tzinfo) - timedelta(minutes=1))
    assert send_digests() == 1
    assert send_digests() == 0  # taken: never twice
    deliver_due()
    digest = smtp.messages[-1]
    assert digest["Subject"] == "Your MentorHub digest: 2 updates"
    text = digest.get_body(("plain",)).get_content()
    assert "New booking: A" in text and "Booking cancelled: B" in text and "Leo cancelled." in text
    assert f"{SITE}/mentor/dashboard/sessions/scheduled/" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert DigestEntry.objects.count() == 0 and len(smtp.messages) == 2


def test_the_digest_hour_is_in_the_users_zone(settings):
    settings.NOTIFICATION_DIGEST_HOUR = 8
    berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    now = datetime(2026, 12, 2, 6, 30, tzinfo=UTC)  # 07:30 in Berlin
    assert last_digest_moment(berlin, now) == datetime(2026, 12, 1, 8, tzinfo=berlin)
    now = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
    assert last_digest_moment(berlin, now) == datetime(2026, 12, 2, 8, tzinfo=berlin)


# --- Reminders --------------------------------------------------------------------------------------


def test_the_hour_reminder_carries_the_sessions_ics_once(smtp, mentor, learner):
    session = make_session(
        mentor, title="Pairing", starts_at=timezone.now() + timedelta(minutes=50)
    )
    make_booking(session, learner)
    make_session(mentor, starts_at=timezone.now() + timedelta(hours=3))  # not due yet
    assert send_hour_reminders() == 1
    assert send_hour_reminders() == 0  # every key taken: nothing again
    deliver_due()
    assert len(smtp.messages) == 2
    (to_learner,) = smtp.to("lea@example.com")
    assert to_learner["Subject"].startswith("Reminder: ‘Pairing’ starts at ")
    assert f"{SITE}/live/{session.pk}/" in to_learner.get_body(("plain",)).get_content()
    (attachment,) = list(to_learner.iter_attachments())
    assert attachment.get_filename() == f"mentorhub-session-{session.pk}.ics"
    assert attachment.get_content_type() == "text/calendar"
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == f"session-{session.pk}@mentorhub.example"
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0).astimezone(UTC)
    assert str(event["URL"]) == f"{SITE}/live/{session.pk}/"
    assert len(smtp.to("ann@example.com")) == 1
    # email only: the app shows its banner 5 minutes before
    assert not Notification.objects.filter(kind="session_reminder").exists()
    files = [a.get_filename() for m in smtp.messages for a in m.iter_attachments()]
    assert files == [f"mentorhub-session-{session.pk}.ics"] * 2  # not the later session


def test_a_moved_session_is_reminded_again_for_its_new_time(smtp, mentor, learner):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(minutes=50))
    make_booking(session, learner)
    send_hour_reminders()
    session.starts_at += timedelta(minutes=5)
    session.save()
    assert send_hour_reminders() == 1
    deliver_due()
    assert len(smtp.to("lea@example.com")) == 2


def test_the_five_minute_reminder_stays_in_the_app(smtp, mentor, learner):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(minutes=4))
    make_booking(session, learner)
    assert send_session_reminders() == 1
    assert Notification.objects.filter(kind="session_reminder").count() == 2
    assert Outbox.objects.count() == 0


def test_reminder_email_off_sends_no_hour_reminder(smtp, mentor, learner):
    _prefs(learner, email={"session_reminder": False})
    session = make_session(mentor, starts_at=timezone.now() + timedelta(minutes=30))
    make_booking(session, learner)
    send_hour_reminders()
    deliver_due()
    assert smtp.to("lea@example.com") == [] and len(smtp.to("ann@example.com")) == 1


# --- Unsubscribe ----------------------------------------------------------------------------------


def test_one_click_unsubscribe_works_with_a_post_and_no_session(smtp, mentor, learner):
    session = make_session(mentor)
    bearer(learner).post(f"/api/catalog/sessions/{session.pk}/book/")
    deliver_due()
    path = _unsubscribe_path(smtp.messages[0])
    browserless = Client(enforce_csrf_checks=True)  # a mail client: no cookies, no CSRF token
    response = browserless.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert b"unsubscribed" in response.content
    prefs = preferences.for_user(mentor)
    assert prefs.wants_email("booking") is False
    assert prefs.wants_email("new_request") is True  # only that kind
    notify(mentor, "booking", "Another booking")
    assert Outbox.objects.filter(kind="booking").count() == 1  # the first one only


def test_the_unsubscribe_link_asks_before_it_changes_anything(mentor):
    path = f"/email/unsubscribe/{unsubscribe_token(mentor, 'booking')}/"
    page = Client().get(path)
    assert page.status_code == 200
    assert b"Unsubscribe?" in page.content and b"Bookings" in page.content
    assert preferences.for_user(mentor).wants_email("booking") is True


def test_a_bad_or_expired_unsubscribe_token_is_refused(mentor, monkeypatch):
    token = unsubscribe_token(mentor, "booking")
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert Client().post(f"/email/unsubscribe/{tampered}/").status_code == 400
    assert Client().post("/email/unsubscribe/nonsense/").status_code == 400
    old = int(timezone.now().timestamp()) - 91 * 86400
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(old))
    expired = unsubscribe_token(mentor, "booking")
    monkeypatch.undo()
    response = Client().post(f"/email/unsubscribe/{expired}/")
    assert response.status_code == 400 and b"expired" in response.content
    assert preferences.for_user(mentor).wants_email("booking") is True


def test_the_digest_unsubscribe_turns_every_notification_email_off(mentor):
    from notifications.emails import ALL_KINDS

    path = f"/email/unsubscribe/{unsubscribe_token(mentor, ALL_KINDS)}/"
    assert Client().post(path).status_code == 200
    prefs = preferences.for_user(mentor)
    assert not any(prefs.wants_email(k) for k in preferences.KIND_VALUES)


def test_a_rolled_back_event_sends_no_email(smtp, mentor):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(mentor, "booking", "New booking")
        raise RuntimeError("the booking failed")
    assert Outbox.objects.count() == 0 and not Notification.objects.exists()


def test_the_unsubscribe_header_can_name_a_mailbox_too(smtp, mentor, settings):
    settings.UNSUBSCRIBE_MAILTO = "unsubscribe@mentorhub.example"
    notify(mentor, "booking", "New booking")
    deliver_due()
    header = smtp.messages[0]["List-Unsubscribe"]
    https, mailto = (part.strip() for part in header.split(","))
    assert https.startswith(f"<{SITE}/email/unsubscribe/")
    assert mailto.startswith("<mailto:unsubscribe@mentorhub.example?subject=unsubscribe%20")
