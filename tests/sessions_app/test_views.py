"""My Sessions tab, the dialog, row actions, learner pages and calendars over HTTP."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from core.formatting import money_label
from notifications.models import Notification
from sessions_app.models import Booking, Session
from tests.conftest import jwt_client
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def form_data(**over):
    day = (timezone.now() + timedelta(days=3)).date()
    data = {
        "title": "Pairing on Django",
        "topic": "Django",
        "description": "<p>Bring code</p>",
        "date": day.isoformat(),
        "start_time": "14:30",
        "duration_minutes": "60",
        "capacity": "3",
        "price": "25.00",
        "action": "draft",
    }
    data.update(over)
    return data


# --- the tab ----------------------------------------------------------------------------


def test_subtabs_list_the_right_sessions_with_counts(mentor_client, mentor, other_mentor):
    make_session(mentor, title="A draft", status=Session.Status.DRAFT)
    make_session(mentor, title="Upcoming one")
    make_session(mentor, title="Done one", status=Session.Status.COMPLETED)
    make_session(other_mentor, title="Not mine")

    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert "Upcoming one" in html and "A draft" not in html and "Not mine" not in html
    assert re.search(r'data-count="draft"[^>]*>1<', html)
    assert re.search(r'data-count="scheduled"[^>]*>1<', html)
    assert re.search(r'data-count="past"[^>]*>1<', html)
    assert "Done one" in mentor_client.get("/mentor/dashboard/sessions/past/").content.decode()
    assert "A draft" in mentor_client.get("/mentor/dashboard/sessions/draft/").content.decode()


def test_rows_show_time_in_the_mentors_zone_and_the_participant_count(mentor_client, mentor):
    # 12:00 UTC in July is 14:00 in Berlin (CEST).
    start = timezone.now().replace(year=timezone.now().year + 1, month=7, day=1, hour=12, minute=0)
    session = make_session(mentor, starts_at=start, capacity=4)
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert "14:00" in html and "CEST" in html
    assert f'<span id="participants-{session.pk}" ' in html and ">0 / 4</span>" in html


def test_the_row_renders_the_live_participants_fragment(mentor_client, mentor, learner):
    """First render and pushes share one template, so they can't drift."""
    from core import live_fragments

    session = make_session(mentor, capacity=4)
    Session.objects.filter(pk=session.pk).update(booked_count=2)
    pushed = live_fragments.render(mentor, "participants", {"session_id": session.pk})
    assert pushed.strip() == (
        f'<span id="participants-{session.pk}" hx-swap-oob="true" data-live-fragment='
        f'"participants" data-live-key-session-id="{session.pk}">2 / 4</span>'
    )
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert pushed.strip().replace(' hx-swap-oob="true"', "") in html


def test_sorting_scheduled_soonest_first_and_past_newest_first(mentor_client, mentor):
    now = timezone.now()
    make_session(mentor, title="Later", starts_at=now + timedelta(days=5))
    make_session(mentor, title="Sooner", starts_at=now + timedelta(days=1))
    make_session(
        mentor, title="Ancient talk", status="completed", starts_at=now - timedelta(days=9)
    )
    make_session(mentor, title="Fresh talk", status="completed", starts_at=now - timedelta(days=1))
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert html.index("Sooner") < html.index("Later")
    html = mentor_client.get("/mentor/dashboard/sessions/past/").content.decode()
    assert html.index("Fresh talk") < html.index("Ancient talk")
    html = mentor_client.get("/mentor/dashboard/sessions/past/?order=soonest").content.decode()
    assert html.index("Ancient talk") < html.index("Fresh talk")


def test_pagination(mentor_client, mentor):
    for i in range(25):
        make_session(
            mentor, title=f"S{i:02d}", starts_at=timezone.now() + timedelta(days=1, hours=i * 3)
        )
    first = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert "S00" in first and "S24" not in first and "Page 1 of 2" in first
    second = mentor_client.get("/mentor/dashboard/sessions/scheduled/?page=2").content.decode()
    assert "S24" in second and "S00" not in second


def test_empty_states_offer_a_call_to_action(mentor_client):
    html = mentor_client.get("/mentor/dashboard/sessions/draft/").content.decode()
    assert "No drafts" in html and "Create your first session" in html
    html = mentor_client.get("/mentor/dashboard/sessions/past/").content.decode()
    assert "No past sessions yet" in html


def test_start_session_button_only_when_startable(mentor_client, mentor):
    soon = make_session(mentor, title="Soon", starts_at=timezone.now() + timedelta(minutes=8))
    make_session(mentor, title="Later", starts_at=timezone.now() + timedelta(days=2))
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert html.count("Start Session") == 1
    assert f'action="/live/{soon.pk}/start/"' in html


@pytest.mark.parametrize("subtab", ["draft", "scheduled", "past"])
def test_query_count_is_constant_for_each_subtab(
    subtab, mentor, django_assert_max_num_queries, learner
):
    client = jwt_client(mentor)
    status = {"draft": "draft", "scheduled": "scheduled", "past": "completed"}[subtab]

    def add(n):
        now = timezone.now()
        Session.objects.bulk_create(
            Session(
                mentor=mentor,
                title=f"T{i}",
                starts_at=now + timedelta(days=1, minutes=i * 90) * (1 if subtab != "past" else -1),
                status=status,
                capacity=2,
            )
            for i in range(n)
        )

    add(5)
    with django_assert_max_num_queries(25) as small:
        assert client.get(f"/mentor/dashboard/sessions/{subtab}/").status_code == 200
    add(495)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/mentor/dashboard/sessions/{subtab}/").status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(f"/mentor/dashboard/sessions/{subtab}/", headers=HX)


def test_another_mentors_session_is_404_everywhere(mentor_client, other_mentor):
    session = make_session(other_mentor, status=Session.Status.DRAFT)
    for url in ["", "edit/", "publish/", "cancel/", "delete/"]:
        path = f"/mentor/dashboard/sessions/{session.pk}/{url}"
        assert mentor_client.get(path, headers=HX).status_code in (404, 405)
        assert mentor_client.post(path, headers=HX).status_code == 404
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


def test_a_learner_is_refused_the_mentor_pages(learner_client, mentor):
    session = make_session(mentor, status=Session.Status.DRAFT)
    assert learner_client.get("/mentor/dashboard/sessions/new/").status_code == 403
    assert (
        learner_client.post(f"/mentor/dashboard/sessions/{session.pk}/publish/").status_code == 403
    )
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


# --- the dialog -------------------------------------------------------------------------


def test_create_dialog_renders_a_labelled_modal(mentor_client):
    html = mentor_client.get("/mentor/dashboard/sessions/new/", headers=HX).content.decode()
    assert "<dialog data-modal" in html and 'aria-labelledby="session-dialog-title"' in html
    for label in [
        "Title",
        "Topic",
        "Description",
        "Date",
        "Start time",
        "Duration",
        "Seats",
        "Price",
    ]:
        assert label in html
    assert "Save draft" in html and "Save and publish" in html


def test_create_draft_stores_utc_from_the_mentors_zone(mentor_client, mentor):
    day = (timezone.now() + timedelta(days=40)).date()
    response = mentor_client.post(
        "/mentor/dashboard/sessions/new/", form_data(date=day.isoformat()), headers=HX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#tab-panel"
    assert response["HX-Push-Url"] == "/mentor/dashboard/sessions/draft/"
    assert "closeDialog" in response["HX-Trigger"]
    assert "Pairing on Django" in response.content.decode()
    session = Session.objects.get(mentor=mentor)
    assert session.status == Session.Status.DRAFT
    local = session.starts_at.astimezone(mentor.tzinfo)
    assert (local.date(), local.hour, local.minute) == (day, 14, 30)
    assert session.starts_at.utcoffset() == timedelta(0)


def test_save_and_publish_goes_to_scheduled(mentor_client, mentor):
    response = mentor_client.post(
        "/mentor/dashboard/sessions/new/", form_data(action="publish"), headers=HX
    )
    assert response["HX-Push-Url"] == "/mentor/dashboard/sessions/scheduled/"
    assert Session.objects.get(mentor=mentor).status == Session.Status.SCHEDULED


@pytest.mark.parametrize(
    "over, message",
    [
        ({"title": ""}, "Give the session a title."),
        ({"title": "x" * 201}, "200 characters"),
        ({"date": "2001-01-01"}, "The start time is in the past."),
        ({"duration_minutes": "0"}, "at least 1 minute"),
        ({"duration_minutes": "600"}, "at most 8 hours"),
        ({"capacity": "0"}, "at least 1 seat"),
        ({"capacity": "9"}, "SFU"),
        ({"price": "-5"}, "be negative"),
        ({"price": "abc"}, "Enter a price"),
        ({"date": "not-a-date"}, "Enter a valid date."),
    ],
)
def test_bad_input_rerenders_the_form_with_field_errors(mentor_client, mentor, over, message):
    response = mentor_client.post("/mentor/dashboard/sessions/new/", form_data(**over), headers=HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert '<form id="session-form"' in html and "<dialog" not in html
    assert not Session.objects.exists()


def test_description_is_cleaned_and_shown_safely(mentor_client, mentor):
    dirty = '<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:alert(2)">x</a>'
    mentor_client.post("/mentor/dashboard/sessions/new/", form_data(description=dirty), headers=HX)
    session = Session.objects.get(mentor=mentor)
    # A link without a safe href is just text; the editor gets Markdown, not tags.
    assert session.description == "<p>Hi</p>\n<p>x</p>"
    assert session.description_markdown == "Hi\n\nx"
    html = mentor_client.get(
        f"/mentor/dashboard/sessions/{session.pk}/", headers=HX
    ).content.decode()
    assert "<p>Hi</p>" in html and "alert" not in html


def test_edit_uses_the_same_dialog_prefilled(mentor_client, mentor):
    session = make_session(mentor, status=Session.Status.DRAFT, title="Old title")
    html = mentor_client.get(
        f"/mentor/dashboard/sessions/{session.pk}/edit/", headers=HX
    ).content.decode()
    assert 'value="Old title"' in html and "Edit session" in html
    response = mentor_client.post(
        f"/mentor/dashboard/sessions/{session.pk}/edit/", form_data(title="New title"), headers=HX
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.title == "New title"


def test_editing_a_booked_session_notifies_the_learners(mentor_client, mentor, learner):
    session = make_session(mentor, title="Old")
    make_booking(session, learner)
    local = session.starts_at.astimezone(mentor.tzinfo)
    data = form_data(
        title="Renamed",
        date=local.date().isoformat(),
        start_time=local.strftime("%H:%M"),
        capacity="2",
        action="save",
    )
    response = mentor_client.post(
        f"/mentor/dashboard/sessions/{session.pk}/edit/", data, headers=HX
    )
    assert response.status_code == 200
    assert "Booked learners were told" in response.content.decode()
    assert Notification.objects.filter(user=learner, kind="session_changed").exists()


def test_full_page_fallback_without_htmx(mentor_client, mentor):
    html = mentor_client.get("/mentor/dashboard/sessions/new/").content.decode()
    assert html.startswith("<!doctype html>") and "<dialog data-modal" in html
    response = mentor_client.post("/mentor/dashboard/sessions/new/", form_data())
    assert response.status_code == 302
    assert response["Location"] == "/mentor/dashboard/sessions/draft/"


# --- row actions ------------------------------------------------------------------------


def test_publish_from_the_row(mentor_client, mentor):
    session = make_session(mentor, status=Session.Status.DRAFT, title="Ready")
    response = mentor_client.post(
        f"/mentor/dashboard/sessions/{session.pk}/publish/", {"tab": "draft"}, headers=HX
    )
    assert response.status_code == 200
    assert "is published" in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    again = mentor_client.post(
        f"/mentor/dashboard/sessions/{session.pk}/publish/", {"tab": "draft"}, headers=HX
    )
    assert again.status_code == 409
    assert "already published" in again.content.decode()


def test_cancel_asks_first_then_releases_bookings(mentor_client, mentor, learner):
    session = make_session(mentor)
    make_booking(session, learner)
    html = mentor_client.get(
        f"/mentor/dashboard/sessions/{session.pk}/cancel/", headers=HX
    ).content.decode()
    assert "1 booked learner will be told" in html and "Reason" in html
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    response = mentor_client.post(
        f"/mentor/dashboard/sessions/{session.pk}/cancel/",
        {"reason": "Sick", "tab": "scheduled"},
        headers=HX,
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED and session.cancel_reason == "Sick"
    assert Booking.objects.get(session=session).status == Booking.Status.CANCELLED


def test_delete_draft(mentor_client, mentor):
    session = make_session(mentor, status=Session.Status.DRAFT)
    assert (
        "Delete draft"
        in mentor_client.get(
            f"/mentor/dashboard/sessions/{session.pk}/delete/", headers=HX
        ).content.decode()
    )
    response = mentor_client.post(
        f"/mentor/dashboard/sessions/{session.pk}/delete/", {"tab": "draft"}, headers=HX
    )
    assert response.status_code == 200
    assert not Session.objects.filter(pk=session.pk).exists()


def test_view_dialog_lists_participants(mentor_client, mentor, learner):
    session = make_session(mentor)
    make_booking(session, learner)
    html = mentor_client.get(
        f"/mentor/dashboard/sessions/{session.pk}/", headers=HX
    ).content.decode()
    assert learner.display_name in html and "Booked" in html


# --- learner pages ---------------------------------------------------------------------


def test_catalogue_lists_published_upcoming_sessions_with_search_and_date(learner_client, mentor):
    soon = make_session(mentor, title="Django ORM tricks", topic="Django")
    make_session(
        mentor, title="CSS grid", topic="CSS", starts_at=timezone.now() + timedelta(days=6)
    )
    make_session(mentor, title="Secret draft", status=Session.Status.DRAFT)
    make_session(mentor, title="Old one", status=Session.Status.COMPLETED)
    html = learner_client.get("/sessions/").content.decode()
    assert "Django ORM tricks" in html and "CSS grid" in html
    assert "Secret draft" not in html and "Old one" not in html
    html = learner_client.get("/sessions/?q=django").content.decode()
    assert "Django ORM tricks" in html and "CSS grid" not in html
    day = soon.starts_at.astimezone(timezone.get_default_timezone()).date()
    html = learner_client.get(f"/sessions/?date={day.isoformat()}").content.decode()
    assert "Django ORM tricks" in html and "CSS grid" not in html
    html = learner_client.get("/sessions/?q=nothing-matches").content.decode()
    assert "No sessions match" in html
    assert learner_client.get("/sessions/?date=garbage").status_code == 200


def test_detail_shows_the_mentor_and_books(learner_client, learner, mentor):
    session = make_session(mentor, capacity=1)
    html = learner_client.get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/mentors/{mentor.pk}/"' in html and mentor.display_name in html
    assert "Book for " + money_label(Decimal("25.00"), settings.PLATFORM_CURRENCY) in html
    response = learner_client.post(f"/sessions/{session.pk}/book/", headers=HX)
    assert response.status_code == 200
    assert "You're booked. See you there!" in response.content.decode()
    assert Booking.objects.filter(session=session, learner=learner, status="booked").exists()
    assert Notification.objects.filter(user=mentor, kind="booking").exists()


def test_booking_a_full_session_shows_a_clear_error(learner_client, mentor, other_learner):
    session = make_session(mentor, capacity=1)
    make_booking(session, other_learner)
    response = learner_client.post(f"/sessions/{session.pk}/book/", headers=HX)
    assert response.status_code == 409
    assert "full" in response.content.decode()


def test_learner_cancels_a_booking_after_confirming(learner_client, learner, mentor):
    session = make_session(mentor)
    make_booking(session, learner)
    assert (
        "Cancel your booking?"
        in learner_client.get(
            f"/sessions/{session.pk}/cancel-booking/", headers=HX
        ).content.decode()
    )
    response = learner_client.post(f"/sessions/{session.pk}/cancel-booking/", headers=HX)
    assert response.status_code == 200
    assert Booking.objects.get(session=session).status == Booking.Status.CANCELLED
    session.refresh_from_db()
    assert session.booked_count == 0


def test_drafts_are_hidden_from_learners(learner_client, mentor):
    draft = make_session(mentor, status=Session.Status.DRAFT)
    assert learner_client.get(f"/sessions/{draft.pk}/").status_code == 404
    assert learner_client.post(f"/sessions/{draft.pk}/book/").status_code == 404


def test_mentors_cannot_book(mentor_client, other_mentor):
    session = make_session(other_mentor)
    assert mentor_client.post(f"/sessions/{session.pk}/book/").status_code == 403


def test_learner_home_lists_bookings_with_join_when_live(learner_client, learner, mentor):
    live = make_session(mentor, title="Live now", status=Session.Status.LIVE)
    later = make_session(mentor, title="Next week", starts_at=timezone.now() + timedelta(days=7))
    make_booking(live, learner)
    make_booking(later, learner)
    html = learner_client.get("/").content.decode()
    assert "My bookings" in html and "Live now" in html and "Next week" in html
    assert f'href="/live/{live.pk}/"' in html
    assert f'href="/live/{later.pk}/"' not in html
    assert f'href="/sessions/{later.pk}/calendar.ics"' in html


def test_learner_home_empty_state(learner_client):
    assert "No bookings yet" in learner_client.get("/").content.decode()


# --- calendars --------------------------------------------------------------------------


def test_ics_download_for_mentor_and_booked_learner_only(mentor, learner, other_learner):
    # 09:00 in Berlin on a winter day and on a summer day: UTC differs by DST.
    year = timezone.now().year + 1
    winter = make_session(
        mentor, starts_at=timezone.datetime(year, 1, 15, 8, 0, tzinfo=timezone.UTC)
    )
    make_booking(winter, learner)
    response = jwt_client(mentor).get(f"/sessions/{winter.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f"DTSTART:{year}0115T080000Z" in response.content.decode()
    assert jwt_client(learner).get(f"/sessions/{winter.pk}/calendar.ics").status_code == 200
    assert jwt_client(other_learner).get(f"/sessions/{winter.pk}/calendar.ics").status_code == 404


def test_private_feed_lists_upcoming_sessions_in_utc_and_can_be_revoked(mentor, other_mentor):
    year = timezone.now().year + 1
    summer = make_session(
        mentor, title="Summer", starts_at=timezone.datetime(year, 7, 15, 7, 0, tzinfo=timezone.UTC)
    )
    winter = make_session(
        mentor, title="Winter", starts_at=timezone.datetime(year, 1, 15, 8, 0, tzinfo=timezone.UTC)
    )
    make_session(mentor, title="Hidden draft", status=Session.Status.DRAFT)
    make_session(other_mentor, title="Not mine")
    client = jwt_client(mentor)
    card = client.post("/mentor/calendar-feed/", headers=HX).content.decode()
    url = re.search(r'value="http://testserver(/calendar/[^"]+\.ics)"', card).group(1)
    anonymous = jwt_client(None)
    response = anonymous.get(url)
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Summer", "Winter"}
    # Both are 09:00 in Berlin; the feed says UTC, so DST is the calendar's job.
    assert events["Summer"].decoded("dtstart") == summer.starts_at
    assert events["Winter"].decoded("dtstart") == winter.starts_at
    assert f"DTSTART:{year}0715T070000Z" in response.content.decode()
    # Revoke & create new: the old address stops working.
    card = client.post("/mentor/calendar-feed/", headers=HX).content.decode()
    assert "the old one no longer works" in card
    assert anonymous.get(url).status_code == 404
    assert anonymous.get("/calendar/short.ics").status_code == 404


def test_feed_card_partial_renders_for_the_profile_tab(mentor):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/mentor/dashboard/profile/")
    request.user = mentor
    html = render_to_string("sessions_app/_calendar_feed_card.html", {"user": mentor}, request)
    assert "Create feed address" in html


def test_money_is_shown_with_two_places(mentor_client, mentor):
    make_session(mentor, price=Decimal("40"))
    assert "40.00" in mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()


@pytest.mark.parametrize("month, utc_hour", [(1, 13), (7, 12)])
def test_form_times_are_local_and_stored_utc_across_dst(mentor_client, mentor, month, utc_hour):
    year = timezone.now().year + 1
    data = form_data(date=f"{year}-{month:02d}-15", start_time="14:30")
    assert (
        mentor_client.post("/mentor/dashboard/sessions/new/", data, headers=HX).status_code == 200
    )
    stored = Session.objects.get(mentor=mentor).starts_at.astimezone(timezone.UTC)
    assert (stored.hour, stored.minute) == (utc_hour, 30)


def test_admin_lists_filters_and_searches(staff, mentor, learner):
    session = make_session(mentor, title="Admin visible")
    make_booking(session, learner)
    client = jwt_client(None)
    client.force_login(staff)
    html = client.get("/admin/sessions_app/session/?status__exact=scheduled&q=visible").content
    assert b"Admin visible" in html and b"1 / 2" in html
    assert client.get(f"/admin/sessions_app/session/{session.pk}/change/").status_code == 200
    html = client.get("/admin/sessions_app/booking/?q=Admin").content
    assert b"Admin visible" in html


def test_confirmations_work_as_full_pages_too(mentor_client, learner_client, mentor, learner):
    session = make_session(mentor)
    make_booking(session, learner)
    html = mentor_client.get(f"/mentor/dashboard/sessions/{session.pk}/cancel/").content.decode()
    assert html.startswith("<!doctype html>") and "Cancel ‘Django basics’?" in html
    html = learner_client.get(f"/sessions/{session.pk}/cancel-booking/").content.decode()
    assert html.startswith("<!doctype html>") and "Cancel your booking?" in html
    response = learner_client.post(f"/sessions/{session.pk}/cancel-booking/")
    assert response.status_code == 302
    assert Booking.objects.get(session=session).status == Booking.Status.CANCELLED


def test_descriptions_are_cleaned_on_every_save_even_from_the_admin(staff, mentor):
    dirty = '<p onclick="x()">Hi <em>there</em></p><script>alert(1)</script><img src=x onerror=y>'
    # The ORM (shell, data fixes) …
    session = make_session(mentor, description=dirty)
    session.refresh_from_db()
    assert session.description == "<p>Hi <em>there</em></p>"
    # … and the admin's change form, which the services never see: staff edit the
    # Markdown source (which may hold HTML); the HTML shown is rendered from it.
    client = jwt_client(None)
    client.force_login(staff)
    local = timezone.localtime(session.starts_at)
    response = client.post(
        f"/admin/sessions_app/session/{session.pk}/change/",
        {
            "mentor": mentor.pk,
            "title": session.title,
            "description_markdown": '<a href="javascript:alert(2)">x</a>**kept**',
            "topic": session.topic,
            "starts_at_0": local.date().isoformat(),
            "starts_at_1": local.strftime("%H:%M:%S"),
            "duration_minutes": session.duration_minutes,
            "capacity": session.capacity,
            "price": session.price,
            "status": session.status,
            "visibility": session.visibility,
            "cancel_reason": "",
            "bookings-TOTAL_FORMS": "0",
            "bookings-INITIAL_FORMS": "0",
            "bookings-MIN_NUM_FORMS": "0",
            "bookings-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.description == "<p>x<strong>kept</strong></p>"
    assert session.description_markdown == "x**kept**"


def test_save_and_publish_of_an_edit_that_cannot_publish_saves_nothing(mentor_client, mentor):
    local_start = timezone.now().astimezone(mentor.tzinfo) + timedelta(days=3)
    local_start = local_start.replace(hour=14, minute=0, second=0, microsecond=0)
    make_session(mentor, title="Booked slot", starts_at=local_start, duration_minutes=90)
    draft = make_session(
        mentor,
        title="Old draft title",
        status=Session.Status.DRAFT,
        starts_at=local_start + timedelta(days=1),
    )
    # Moved onto the scheduled session and published in one go: the overlap refuses
    # the publish, and the edit must not be half-saved behind the error.
    data = form_data(
        title="New title",
        date=local_start.date().isoformat(),
        start_time="14:30",
        action="publish",
    )
    response = mentor_client.post(f"/mentor/dashboard/sessions/{draft.pk}/edit/", data, headers=HX)
    assert response.status_code == 422
    assert "It overlaps your session ‘Booked slot’" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Session.Status.DRAFT
    assert draft.title == "Old draft title"
    assert draft.starts_at == local_start + timedelta(days=1)


def test_cancelling_says_learners_were_told_only_when_someone_was_booked(
    mentor_client, mentor, learner
):
    booked = make_session(mentor, title="Booked one")
    make_booking(booked, learner)
    empty = make_session(mentor, title="Emptied one", starts_at=timezone.now() + timedelta(days=6))
    make_booking(empty, learner, status=Booking.Status.CANCELLED)  # left earlier
    url = "/mentor/dashboard/sessions/{}/cancel/"
    html = mentor_client.post(url.format(booked.pk), {"tab": "scheduled"}, headers=HX)
    assert "was cancelled. Booked learners were told." in html.content.decode()
    html = mentor_client.post(url.format(empty.pk), {"tab": "scheduled"}, headers=HX)
    assert "‘Emptied one’ was cancelled." in html.content.decode()
    assert "Booked learners were told" not in html.content.decode()
    assert Notification.objects.filter(user=learner, kind="session_changed").count() == 1
