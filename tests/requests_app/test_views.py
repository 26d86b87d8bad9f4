"""Pages: the Requests tab, its Accept/Decline dialogs, the learner's request form."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Session
from tests.conftest import jwt_client, make_user

from .builders import future, make_request

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
TAB = "/mentor/dashboard/requests/"


def local_input(user, when) -> str:
    return when.astimezone(user.tzinfo).strftime("%Y-%m-%dT%H:%M")


# --- Requests tab ------------------------------------------------------------------------


def test_it_lists_pending_requests_with_times_in_the_mentors_zone(mentor_client, mentor, learner):
    learner.timezone = "America/New_York"
    learner.save()
    when = future(48)
    make_request(learner, mentor, times=[when], topic="Async Django")
    response = mentor_client.get(TAB)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Async Django" in html
    assert learner.display_name in html
    berlin = when.astimezone(mentor.tzinfo)
    assert f"{berlin:%H:%M} {berlin.tzname()}" in html
    ny = when.astimezone(learner.tzinfo)
    assert f"{ny:%H:%M} {ny.tzname()}" in html  # the learner's zone noted
    assert "New York (GMT−" in html and "America/New_York" not in html  # by name, not id
    assert "just now" in html
    assert '<span id="requests-badge"' in html and ">1</span>" in html


def test_it_shows_the_age_of_a_request(mentor_client, mentor, learner):
    r = make_request(learner, mentor)
    SessionRequest.objects.filter(pk=r.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert "2 h ago" in mentor_client.get(TAB).content.decode()


def test_the_answered_filter_lists_answered_requests_only(mentor_client, mentor, learner):
    make_request(learner, mentor, topic="Still waiting")
    make_request(learner, mentor, topic="Said no", status="declined", decline_reason="Busy")
    html = mentor_client.get(TAB + "?filter=answered").content.decode()
    assert "Said no" in html and "Busy" in html
    assert "Still waiting" not in html
    assert 'aria-selected="true"' in html and 'id="filter-answered"' in html


def test_an_htmx_request_gets_only_the_panel(mentor_client, mentor, learner):
    make_request(learner, mentor)
    response = mentor_client.get(TAB + "?filter=pending", **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="requests-listing"' in html
    assert 'hx-swap-oob="true"' in html  # the tab bar (and its badge) refresh too


def test_it_shows_an_empty_state(mentor_client):
    html = mentor_client.get(TAB).content.decode()
    assert "No pending requests" in html
    html = mentor_client.get(TAB + "?filter=answered").content.decode()
    assert "Nothing answered yet" in html


def test_it_paginates(mentor_client, mentor, learner):
    for i in range(12):
        make_request(learner, mentor, topic=f"Topic number {i:02d}")
    first = mentor_client.get(TAB).content.decode()
    second = mentor_client.get(TAB + "?filter=pending&page=2").content.decode()
    assert "Page 1 of 2" in first and "Topic number 11" in first
    assert "Topic number 00" in second and "Topic number 11" not in second


def test_message_and_topic_with_html_are_shown_as_text(mentor_client, mentor, learner):
    make_request(
        learner, mentor, topic="<img src=x onerror=alert(1)>", message="<script>alert(2)</script>"
    )
    html = mentor_client.get(TAB).content.decode()
    assert "<script>alert(2)" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_learners_get_403_on_mentor_pages(learner_client, mentor, learner):
    r = make_request(learner, mentor)
    for url in (TAB, f"{TAB}{r.pk}/accept/", f"{TAB}{r.pk}/decline/"):
        assert learner_client.get(url).status_code == 403
    assert learner_client.post(f"{TAB}{r.pk}/accept/", {"choice": "0"}).status_code == 403
    r.refresh_from_db()
    assert r.status == "pending"


def test_anonymous_visitors_are_sent_to_login(anon_client):
    response = anon_client.get(TAB)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_mentor_answering_another_mentors_request_gets_404(other_mentor, learner, mentor):
    r = make_request(learner, mentor)
    client = jwt_client(other_mentor)
    assert client.get(f"{TAB}{r.pk}/accept/", **HTMX).status_code == 404
    assert client.post(f"{TAB}{r.pk}/accept/", {"choice": "0"}, **HTMX).status_code == 404
    assert client.post(f"{TAB}{r.pk}/decline/", {"reason": ""}, **HTMX).status_code == 404
    assert client.get(f"{TAB}{r.pk}/accept/overlap/?choice=0", **HTMX).status_code == 404
    r.refresh_from_db()
    assert r.status == "pending"
    assert not Session.objects.exists()


# --- Accept dialog -----------------------------------------------------------------------


def test_the_accept_dialog_offers_each_preferred_time_and_a_custom_one(
    mentor_client, mentor, pending
):
    html = mentor_client.get(f"{TAB}{pending.pk}/accept/", **HTMX).content.decode()
    assert "<dialog data-modal" in html
    assert html.count('name="choice"') == len(pending.preferred_datetimes) + 1
    assert 'value="custom"' in html
    assert 'type="datetime-local"' in html
    for when in pending.preferred_datetimes:
        local = when.astimezone(mentor.tzinfo)
        assert f"{local:%H:%M} {local.tzname()}" in html


def test_accepting_in_the_dialog_schedules_the_session_and_refreshes_the_list(
    mentor_client, mentor, learner, pending
):
    other = make_request(learner, mentor, topic="Another one")
    response = mentor_client.post(
        f"{TAB}{pending.pk}/accept/", {"choice": "1", "filter": "pending"}, **HTMX
    )
    assert response.status_code == 200
    assert "closeDialog" in response["HX-Trigger"]
    assert response["HX-Retarget"] == "#requests-listing"
    html = response.content.decode()
    assert f'id="request-{pending.pk}"' not in html  # the row left the pending list
    assert f'id="request-{other.pk}"' in html
    assert "Accepted" in html
    assert 'id="requests-badge" hx-swap-oob="true"' in html
    pending.refresh_from_db()
    assert pending.status == "accepted"
    assert pending.scheduled_at == pending.preferred_datetimes[1]
    session = Session.objects.get()
    assert session.booked_count == 1
    assert Booking.objects.get().learner == learner
    assert Notification.objects.filter(user=learner, kind="request_answered").exists()


def test_accepting_at_a_custom_time_reads_it_in_the_mentors_zone(mentor_client, mentor, pending):
    when = future(24 * 5).replace(minute=30)
    response = mentor_client.post(
        f"{TAB}{pending.pk}/accept/",
        {"choice": "custom", "custom_at": local_input(mentor, when)},
        **HTMX,
    )
    assert response.status_code == 200
    assert Session.objects.get().starts_at == when


@pytest.mark.parametrize(
    "data, message",
    [
        ({"choice": "custom", "custom_at": ""}, "Enter the date and time"),
        ({"choice": "custom", "custom_at": "not-a-date"}, "Enter a date and time"),
        ({"choice": "custom", "custom_at": "2001-01-01T10:00"}, "already passed"),
        ({"choice": "7"}, "Choose one of the times"),
        ({}, "Choose a time"),
    ],
)
def test_accepting_with_bad_input_shows_the_error_and_creates_nothing(
    mentor_client, pending, data, message
):
    response = mentor_client.post(f"{TAB}{pending.pk}/accept/", data, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'id="accept-form"' in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert not Session.objects.exists()


def test_accepting_a_withdrawn_request_says_so_and_creates_nothing(mentor_client, learner, pending):
    from requests_app.services import withdraw_request

    withdraw_request(learner, pending)
    response = mentor_client.post(f"{TAB}{pending.pk}/accept/", {"choice": "0"}, **HTMX)
    assert response.status_code == 409
    assert "The learner withdrew this request." in response.content.decode()
    assert not Session.objects.exists()


def test_the_second_accept_from_another_tab_gets_already_answered(mentor_client, pending):
    assert mentor_client.post(f"{TAB}{pending.pk}/accept/", {"choice": "0"}, **HTMX).status_code
    response = mentor_client.post(f"{TAB}{pending.pk}/accept/", {"choice": "1"}, **HTMX)
    assert response.status_code == 409
    assert "This request was already answered." in response.content.decode()
    assert Session.objects.count() == 1


def test_the_dialog_warns_when_the_chosen_time_overlaps_a_scheduled_session(
    mentor_client, mentor, learner
):
    start = future(50)
    Session.objects.create(
        mentor=mentor, title="Group workshop", starts_at=start + timedelta(minutes=30),
        duration_minutes=60, status="scheduled",
    )  # fmt: skip
    Session.objects.create(
        mentor=mentor, title="Old draft", starts_at=start, duration_minutes=60, status="draft"
    )
    r = make_request(learner, mentor, times=[start - timedelta(hours=5), start])
    url = f"{TAB}{r.pk}/accept/overlap/"
    clash = mentor_client.get(url, {"choice": "1"}, **HTMX).content.decode()
    assert "overlaps 1 of your scheduled session" in clash
    assert "Group workshop" in clash and "Old draft" not in clash
    free = mentor_client.get(url, {"choice": "0"}, **HTMX).content.decode()
    assert "No clash" in free
    # Back to back is no overlap: the request's hour ends when the workshop starts.
    edge = start - timedelta(minutes=30)
    typed = mentor_client.get(
        url, {"choice": "0", "custom_at": local_input(mentor, edge)},
        HTTP_HX_TRIGGER="id_custom_at", **HTMX,
    ).content.decode()  # fmt: skip
    assert "No clash" in typed
    assert 'id="choice-custom"' in typed and "checked" in typed  # typing selects "custom"


def test_an_overlapping_time_is_flagged_then_refused_and_a_free_one_accepted(
    mentor_client, mentor, learner
):
    start = future(50)
    Session.objects.create(mentor=mentor, title="Busy", starts_at=start, status="scheduled")
    r = make_request(learner, mentor, times=[start])
    assert "overlaps" in mentor_client.get(f"{TAB}{r.pk}/accept/", **HTMX).content.decode()
    response = mentor_client.post(f"{TAB}{r.pk}/accept/", {"choice": "0"}, **HTMX)
    assert response.status_code == 422
    assert "It overlaps your session ‘Busy’ at" in response.content.decode()
    r.refresh_from_db()
    assert r.status == "pending" and Session.objects.count() == 1
    free = {"choice": "custom", "custom_at": local_input(mentor, start + timedelta(hours=3))}
    assert mentor_client.post(f"{TAB}{r.pk}/accept/", free, **HTMX).status_code == 200
    assert Session.objects.count() == 2


# --- Decline dialog ----------------------------------------------------------------------


def test_declining_with_a_reason_tells_the_learner(mentor_client, learner, pending):
    html = mentor_client.get(f"{TAB}{pending.pk}/decline/", **HTMX).content.decode()
    assert "<dialog data-modal" in html and "Decline request" in html
    response = mentor_client.post(
        f"{TAB}{pending.pk}/decline/", {"reason": "On holiday", "filter": "pending"}, **HTMX
    )
    assert response.status_code == 200
    assert "closeDialog" in response["HX-Trigger"]
    assert f'id="request-{pending.pk}"' not in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.decline_reason) == ("declined", "On holiday")
    assert "On holiday" in Notification.objects.get(user=learner).body


def test_a_too_long_decline_reason_is_refused(mentor_client, pending):
    response = mentor_client.post(f"{TAB}{pending.pk}/decline/", {"reason": "x" * 501}, **HTMX)
    assert response.status_code == 422
    assert "500 characters" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_without_htmx_answers_redirect_back_to_the_tab(mentor_client, pending):
    response = mentor_client.post(f"{TAB}{pending.pk}/decline/", {"reason": ""})
    assert response.status_code == 302
    assert response["Location"] == TAB
    dialog_page = mentor_client.get(
        f"{TAB}{make_request(pending.learner, pending.mentor).pk}/accept/"
    )
    assert dialog_page.status_code == 200
    assert (
        "<html" in dialog_page.content.decode()
        and "<dialog data-modal" in dialog_page.content.decode()
    )


# --- Query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["pending", "answered"])
def test_the_tab_runs_a_constant_number_of_queries(
    mentor_client, mentor, learner, which, django_assert_max_num_queries
):
    status = "pending" if which == "pending" else "declined"
    learners = [make_user(f"learner_{i}") for i in range(3)] + [learner]
    for i in range(5):
        make_request(learners[i % 4], mentor, status=status)
    with django_assert_max_num_queries(10) as small:
        mentor_client.get(f"{TAB}?filter={which}")
    times = [future(24).isoformat()]
    SessionRequest.objects.bulk_create(
        SessionRequest(
            learner=learners[i % 4], mentor=mentor, topic=f"T{i}", preferred_times=times,
            last_preferred_at=future(24), status=status,
        )
        for i in range(495)
    )  # fmt: skip
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = mentor_client.get(f"{TAB}?filter={which}")
    assert response.status_code == 200
    assert "Page 1 of 50" in response.content.decode()


# --- Learner: request form, My requests, withdraw ---------------------------------------


def request_url(mentor) -> str:
    return f"/mentors/{mentor.pk}/request/"


def form_data(learner, *times, **extra):
    data = {"topic": "Help with testing", "message": "I'm new to pytest.", "duration_minutes": 60}
    for i, when in enumerate(times, start=1):
        data[f"time_{i}"] = local_input(learner, when)
    return {**data, **extra}


def test_the_request_form_shows_the_learners_time_zone(learner_client, learner, mentor):
    learner.timezone = "Asia/Tokyo"
    learner.save()
    html = learner_client.get(request_url(mentor)).content.decode()
    assert "Request a session" in html
    assert "Tokyo (GMT+9)" in html and "Asia/Tokyo" not in html
    assert html.count('type="datetime-local"') == 5


def test_sending_a_request_stores_times_in_utc_and_shows_it_at_home(
    learner_client, learner, mentor
):
    learner.timezone = "America/Sao_Paulo"
    learner.save()
    first, second = future(30), future(54, minute=30)
    response = learner_client.post(request_url(mentor), form_data(learner, first, second))
    assert response.status_code == 302
    assert response["Location"] == "/?request_sent=1#my-requests"
    r = SessionRequest.objects.get()
    assert (r.learner, r.mentor, r.status) == (learner, mentor, "pending")
    assert r.preferred_datetimes == [first, second]
    assert Notification.objects.get(user=mentor).kind == "new_request"
    home = learner_client.get("/?request_sent=1").content.decode()
    assert "My requests" in home and "Help with testing" in home and "Request sent" in home
    assert "Withdraw" in home


@pytest.mark.parametrize(
    "data, message",
    [
        ({"topic": ""}, "Enter a topic."),
        ({"time_1": ""}, "Suggest at least one time."),
        ({"time_1": "2001-05-01T10:00"}, "This time has already passed."),
        ({"time_1": "garbage"}, "Enter a date and time."),
        ({"topic": "x" * 201}, "200 characters"),
        ({"duration_minutes": "7"}, "Select a valid choice"),
    ],
)
def test_bad_request_forms_show_errors_next_to_fields(
    learner_client, learner, mentor, data, message
):
    response = learner_client.post(request_url(mentor), form_data(learner, future(30), **data))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SessionRequest.objects.exists()


def test_the_fourth_pending_request_gets_a_clear_message(learner_client, learner, mentor):
    for _ in range(3):
        make_request(learner, mentor)
    page = learner_client.get(request_url(mentor)).content.decode()
    assert "You already have 3 pending requests" in page
    response = learner_client.post(request_url(mentor), form_data(learner, future(30)))
    assert response.status_code == 422
    assert "already have 3 pending requests" in response.content.decode()
    assert SessionRequest.objects.count() == 3


def test_a_learner_cannot_request_from_a_non_mentor(learner_client, other_learner):
    assert learner_client.get(request_url(other_learner)).status_code == 404
    assert learner_client.get("/mentors/999999/request/").status_code == 404


def test_mentors_cannot_use_the_request_form(mentor_client, other_mentor, mentor):
    assert mentor_client.get(request_url(other_mentor)).status_code == 403
    assert mentor_client.post(request_url(mentor), {}).status_code == 403


def test_my_requests_shows_accepted_with_time_and_session_link(learner_client, learner, mentor):
    from requests_app.services import accept_request

    r = make_request(learner, mentor, topic="<b>Bold</b> topic")
    accept_request(mentor, r, r.preferred_datetimes[0])
    r.refresh_from_db()
    html = learner_client.get("/").content.decode()
    assert "Accepted" in html
    local = r.scheduled_at.astimezone(learner.tzinfo)
    assert f"{local:%H:%M}" in html
    assert f'href="/sessions/{r.session_id}/"' in html
    assert "&lt;b&gt;Bold&lt;/b&gt; topic" in html


def test_my_requests_say_which_zone_each_time_is_in(learner_client, learner, mentor):
    learner.timezone = "Europe/London"
    learner.save()
    times = [future(24), future(24 * 150)]  # possibly either side of a DST change
    r = make_request(learner, mentor, times=times)
    html = learner_client.get("/").content.decode()
    for when in [*times, r.created_at]:
        local = when.astimezone(learner.tzinfo)
        assert f"{local:%H:%M} {local.tzname()}" in html


def test_withdrawing_asks_first_then_updates_the_list(learner_client, learner, pending):
    dialog = learner_client.get(f"/requests/{pending.pk}/withdraw/", **HTMX).content.decode()
    assert "<dialog data-modal" in dialog and "Withdraw request" in dialog
    pending.refresh_from_db()
    assert pending.status == "pending"  # nothing happens on GET
    response = learner_client.post(f"/requests/{pending.pk}/withdraw/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#my-requests"
    assert "Request withdrawn." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "withdrawn"


def test_a_learner_cannot_withdraw_someone_elses_request(other_learner, pending):
    client = jwt_client(other_learner)
    assert client.post(f"/requests/{pending.pk}/withdraw/", **HTMX).status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_opening_accept_on_an_answered_request_says_so(mentor_client, mentor, learner):
    r = make_request(learner, mentor, status="declined")
    html = mentor_client.get(f"{TAB}{r.pk}/accept/", **HTMX).content.decode()
    assert "This request was already answered." in html
    assert "Accept and schedule" not in html
    html = mentor_client.get(f"{TAB}{r.pk}/decline/", **HTMX).content.decode()
    assert "This request was already answered." in html


def test_an_unknown_filter_shows_pending(mentor_client, mentor, learner):
    make_request(learner, mentor, topic="Waiting here")
    response = mentor_client.get(TAB + "?filter=bogus")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Waiting here" in html
    assert 'id="filter-pending" role="tab"' in html
    assert "bogus" not in html


def test_passed_preferred_times_cannot_be_chosen(mentor_client, mentor, learner):
    r = make_request(learner, mentor, times=[timezone.now() - timedelta(hours=1), future(20)])
    html = mentor_client.get(f"{TAB}{r.pk}/accept/", **HTMX).content.decode()
    assert "— passed" in html
    response = mentor_client.post(f"{TAB}{r.pk}/accept/", {"choice": "0"}, **HTMX)
    assert response.status_code == 422
    assert not Session.objects.exists()
