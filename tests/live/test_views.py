"""The room page, Start / End, ICE servers and TURN credentials."""

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from live import services
from live.models import Presence
from notifications.models import Notification
from sessions_app.models import Booking, Session
from tests.conftest import jwt_client, make_user
from tests.live.builders import book, make_session

TURN = {
    "WEBRTC_STUN_URLS": ["stun:stun.example.org:3478"],
    "WEBRTC_TURN_URLS": ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:443"],
    "WEBRTC_TURN_SECRET": "s3cret-for-tests",
    "WEBRTC_TURN_TTL_SECONDS": 600,
}


def config_of(response) -> dict:
    match = re.search(
        r'<script id="live-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the room page embeds its configuration"
    return json.loads(match.group(1))


# --- Who may open the room --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_mentor_and_a_booked_learner_open_the_room(mentor_client, learner_client, live_session):
    for client, role in ((mentor_client, "mentor"), (learner_client, "learner")):
        response = client.get(f"/live/{live_session.pk}/")
        assert response.status_code == 200
        config = config_of(response)
        assert config["me"]["role"] == role
        assert config["socketPath"] == f"/ws/live/{live_session.pk}/"
        assert config["state"] == "live"
        assert [m["role"] for m in config["members"]] == ["mentor", "learner"]
        body = response.content.decode()
        assert "Participants" in body and 'id="join-btn"' in body
        assert 'src="/static/live/room.js"' in body


@pytest.mark.django_db
def test_only_the_mentor_gets_end_for_everyone(mentor_client, learner_client, live_session):
    assert (
        "End session for everyone"
        in mentor_client.get(f"/live/{live_session.pk}/").content.decode()
    )
    assert (
        "End session for everyone"
        not in learner_client.get(f"/live/{live_session.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_another_mentor_gets_404_and_an_unbooked_learner_403(
    other_mentor, other_learner, live_session
):
    assert jwt_client(other_mentor).get(f"/live/{live_session.pk}/").status_code == 404
    response = jwt_client(other_learner).get(f"/live/{live_session.pk}/")
    assert response.status_code == 403
    assert "live-config" not in response.content.decode()


@pytest.mark.django_db
def test_a_cancelled_booking_no_longer_opens_the_room(live_session):
    leaver = make_user("learner_gone")
    book(live_session, leaver, Booking.Status.CANCELLED)
    assert jwt_client(leaver).get(f"/live/{live_session.pk}/").status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(anon_client, live_session):
    response = anon_client.get(f"/live/{live_session.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/login/?next=/live/{live_session.pk}/")


@pytest.mark.django_db
def test_a_session_not_live_shows_the_waiting_screen(mentor, learner, learner_client):
    session = make_session(mentor, status=Session.Status.SCHEDULED, starts_in_minutes=30)
    book(session, learner)
    body = learner_client.get(f"/live/{session.pk}/").content.decode()
    assert "Waiting for the mentor…" in body
    assert re.search(r'id="join-btn"[^>]*disabled', body)


@pytest.mark.django_db
def test_an_ended_session_says_so(mentor, learner, learner_client):
    session = make_session(mentor, status=Session.Status.COMPLETED)
    book(session, learner, Booking.Status.ATTENDED)
    body = learner_client.get(f"/live/{session.pk}/").content.decode()
    assert "Session ended" in body


@pytest.mark.django_db
def test_opening_the_room_marks_the_live_alert_read(learner, learner_client, live_session):
    Notification.objects.create(
        user=learner,
        kind="session_live",
        title="live",
        url=f"/live/{live_session.pk}/",
        level=Notification.Level.URGENT,
    )
    learner_client.get(f"/live/{live_session.pk}/")
    assert not Notification.objects.filter(user=learner, read_at__isnull=True).exists()


# --- Start / End -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_start_sets_the_session_live_notifies_learners_and_opens_the_room(mentor, learner):
    session = make_session(mentor, status=Session.Status.SCHEDULED, starts_in_minutes=5)
    book(session, learner)
    response = jwt_client(mentor).post(f"/live/{session.pk}/start/")
    assert response.status_code == 302
    assert response["Location"] == f"/live/{session.pk}/?autojoin=1"
    session.refresh_from_db()
    assert session.status == Session.Status.LIVE
    alert = Notification.objects.get(user=learner, kind="session_live")
    assert alert.url == f"/live/{session.pk}/"


@pytest.mark.django_db
def test_start_too_early_explains_when_it_can_start(mentor, mentor_client):
    session = make_session(mentor, status=Session.Status.SCHEDULED, starts_in_minutes=120)
    response = mentor_client.post(f"/live/{session.pk}/start/")
    assert response.status_code == 400
    assert "10 minutes before" in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


@pytest.mark.django_db
def test_start_and_end_are_the_mentors_alone(other_mentor, learner_client, live_session):
    assert jwt_client(other_mentor).post(f"/live/{live_session.pk}/start/").status_code == 404
    assert jwt_client(other_mentor).post(f"/live/{live_session.pk}/end/").status_code == 404
    assert learner_client.post(f"/live/{live_session.pk}/end/").status_code == 403
    assert learner_client.get(f"/live/{live_session.pk}/start/").status_code in (403, 405)
    live_session.refresh_from_db()
    assert live_session.status == Session.Status.LIVE


@pytest.mark.django_db
def test_start_needs_post_and_csrf(mentor, live_session):
    client = jwt_client(mentor, enforce_csrf=True)
    assert client.get(f"/live/{live_session.pk}/start/").status_code == 405
    assert client.post(f"/live/{live_session.pk}/end/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_end_for_everyone_settles_attendance(mentor, learner, other_learner, live_session):
    book(live_session, other_learner)
    services.record_join(learner, live_session.pk, "chan-1", f"{learner.pk}-pageaaa")
    response = jwt_client(mentor).post(f"/live/{live_session.pk}/end/")
    assert response.status_code == 302
    assert response["Location"] == f"/live/{live_session.pk}/"  # the room shows the summary
    live_session.refresh_from_db()
    assert live_session.status == Session.Status.COMPLETED
    statuses = dict(
        Booking.objects.filter(session=live_session).values_list("learner_id", "status")
    )
    assert statuses == {learner.pk: "attended", other_learner.pk: "no_show"}
    assert not Presence.objects.filter(session=live_session, left_at__isnull=True).exists()
    # Ending twice is harmless.
    assert jwt_client(mentor).post(f"/live/{live_session.pk}/end/").status_code == 302


# --- ICE servers and TURN credentials ------------------------------------------------------------


@pytest.mark.django_db
def test_turn_credentials_follow_the_coturn_rest_scheme(settings, learner):
    for key, value in TURN.items():
        setattr(settings, key, value)
    now = time.time()
    creds = services.turn_credentials(learner, now=now)
    expiry, user_id = creds["username"].split(":")
    assert int(expiry) == int(now) + 600
    assert user_id == str(learner.pk)
    expected = hmac.new(b"s3cret-for-tests", creds["username"].encode(), hashlib.sha1).digest()
    assert creds["credential"] == base64.b64encode(expected).decode()


@pytest.mark.django_db
def test_members_get_stun_and_turn_in_the_page_and_from_the_endpoint(
    settings, learner, learner_client, live_session
):
    for key, value in TURN.items():
        setattr(settings, key, value)
    before = int(time.time())
    rtc = config_of(learner_client.get(f"/live/{live_session.pk}/"))["rtc"]
    assert rtc["iceServers"][0] == {"urls": ["stun:stun.example.org:3478"]}
    turn = rtc["iceServers"][1]
    assert turn["urls"] == TURN["WEBRTC_TURN_URLS"]
    expiry = int(turn["username"].split(":")[0])
    assert before + 600 <= expiry <= int(time.time()) + 600  # short-lived
    assert rtc["iceTransportPolicy"] == "all"

    response = learner_client.get(f"/live/{live_session.pk}/ice/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    fresh = response.json()
    assert fresh["iceServers"][1]["username"].endswith(f":{learner.pk}")


@pytest.mark.django_db
def test_non_members_get_no_turn_credentials(
    settings, other_learner, other_mentor, anon_client, live_session
):
    for key, value in TURN.items():
        setattr(settings, key, value)
    for client, status in ((jwt_client(other_learner), 403), (jwt_client(other_mentor), 404)):
        response = client.get(f"/live/{live_session.pk}/ice/")
        assert response.status_code == status
        assert b"credential" not in response.content
        assert b"credential" not in client.get(f"/live/{live_session.pk}/").content
    assert anon_client.get(f"/live/{live_session.pk}/ice/").status_code == 302


@pytest.mark.django_db
def test_no_turn_without_a_secret_and_relay_policy_from_settings(settings, learner, live_session):
    settings.WEBRTC_TURN_URLS = ["turn:turn.example.org"]
    settings.WEBRTC_TURN_SECRET = ""
    settings.WEBRTC_STUN_URLS = []
    settings.WEBRTC_ICE_TRANSPORT_POLICY = "relay"
    config = services.rtc_config(learner)
    assert config["iceServers"] == []
    assert config["iceTransportPolicy"] == "relay"


@pytest.mark.django_db
def test_the_room_page_sends_a_csp_that_allows_media_and_sockets(learner_client, live_session):
    response = learner_client.get(f"/live/{live_session.pk}/")
    csp = response["Content-Security-Policy"]
    assert "media-src 'self' blob:" in csp
    assert "wss:" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    body = response.content.decode()
    assert f'src="/static/live/room.js" nonce="{nonce}"' in body
    assert "onclick" not in body


# --- The mentor's dashboard hears who is in the room ----------------------------------------------


@pytest.mark.django_db
def test_room_presence_fragment_lists_who_is_in(mentor, learner, live_session):
    from core import live_fragments

    key = {"session_id": live_session.pk}
    empty = live_fragments.render(mentor, "room_presence", key)
    assert f'id="room-{live_session.pk}"' in empty and "In the room" not in empty
    services.record_join(learner, live_session.pk, "chan-1", f"{learner.pk}-pageaaa")
    assert services.room_names(live_session) == [learner.display_name]
    html = live_fragments.render(mentor, "room_presence", key)
    assert f'id="room-{live_session.pk}"' in html and 'hx-swap-oob="true"' in html
    assert learner.display_name in html
    # Only the session's mentor sees who is in its room.
    assert live_fragments.render(learner, "room_presence", key) is None


@pytest.mark.django_db
def test_join_and_leave_push_room_presence_to_the_mentor(
    mentor, learner, live_session, django_capture_on_commit_callbacks
):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"user.{mentor.pk}", channel)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_join(learner, live_session.pk, "chan-1", f"{learner.pk}-pageaaa")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_leave("chan-1")
    joined = async_to_sync(layer.receive)(channel)
    left = async_to_sync(layer.receive)(channel)
    hint = {"type": "live.update", "name": "room_presence", "key": {"session_id": live_session.pk}}
    assert joined == hint and left == hint  # the names are read when the socket renders
    async_to_sync(layer.group_discard)(f"user.{mentor.pk}", channel)


@pytest.mark.django_db
def test_stale_presence_job_is_registered():
    from core.jobs import registered_jobs

    assert "live.close_stale_presence" in registered_jobs()


@pytest.mark.django_db
def test_old_presences_of_a_reloaded_page_do_not_count_as_in_the_room(learner, live_session):
    services.record_join(learner, live_session.pk, "chan-1", f"{learner.pk}-pageaaa")
    services.record_join(learner, live_session.pk, "chan-2", f"{learner.pk}-pagebbb")
    open_rows = Presence.objects.filter(session=live_session, left_at__isnull=True)
    assert list(open_rows.values_list("channel_name", flat=True)) == ["chan-2"]
    Presence.objects.filter(channel_name="chan-2").update(
        last_seen_at=timezone.now() - timedelta(hours=1)
    )
    assert services.close_stale_presence() == 1
    assert services.room_names(live_session) == []


@pytest.mark.django_db
def test_the_room_presence_tag_renders_the_initial_row_value(mentor, learner, live_session):
    from django.template import Context, Template

    services.record_join(learner, live_session.pk, "chan-1", f"{learner.pk}-pageaaa")
    tpl = Template("{% load live %}{% room_presence s %}")
    html = tpl.render(Context({"s": live_session}))
    assert f'<span id="room-{live_session.pk}" data-live-fragment="room_presence"' in html
    assert f"In the room: {learner.display_name}" in html
    scheduled = make_session(mentor, status=Session.Status.SCHEDULED, starts_in_minutes=90)
    assert "In the room" not in tpl.render(Context({"s": scheduled}))


@pytest.mark.django_db
def test_a_no_show_learner_reads_session_ended_and_gets_no_turn_credentials(
    settings, mentor, learner, learner_client
):
    # The "is live — Join" alert outlives the call: following it afterwards
    # says the session ended (not a 403), and an ended room mints no TURN.
    for key, value in TURN.items():
        setattr(settings, key, value)
    session = make_session(mentor, status=Session.Status.COMPLETED)
    book(session, learner, Booking.Status.NO_SHOW)
    response = learner_client.get(f"/live/{session.pk}/")
    assert response.status_code == 200
    assert "Session ended" in response.content.decode()
    assert config_of(response)["rtc"]["iceServers"] == []
    assert b"credential" not in response.content
    ice = learner_client.get(f"/live/{session.pk}/ice/")
    assert ice.status_code == 200 and ice.json()["iceServers"] == []
    Booking.objects.filter(session=session, learner=learner).update(status=Booking.Status.CANCELLED)
    assert learner_client.get(f"/live/{session.pk}/").status_code == 403


@pytest.mark.django_db
def test_the_dashboard_row_of_a_live_session_shows_who_is_in_the_room(
    mentor_client, learner, live_session
):
    services.record_join(learner, live_session.pk, "chan-1", f"{learner.pk}-pageaaa")
    body = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert f'id="room-{live_session.pk}"' in body
    assert f"In the room: {learner.display_name}" in body
