"""My Sessions cards over HTTP: one primary action and a ⋯ menu per state, honest
badges and seats, booked learners' avatars, a refused Publish shown on its card,
and the Create/Edit dialog's overlap hint (issue #18, points 8 and 11)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import Booking, Session
from tests.conftest import jwt_client, make_user
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def cards(html: str) -> dict[str, str]:
    """Each card's markup by its session's title."""
    found = {}
    for chunk in html.split("data-session-card")[1:]:
        chunk = chunk.split("</li>")[0]
        title = re.search(r'id="session-\d+-title"[^>]*>([^<]*)<', chunk).group(1)
        found[title] = chunk
    return found


def primaries(card: str) -> list[str]:
    """The visible labels of the card's primary actions."""
    return re.findall(r"data-primary[^>]*>(?:\s*<svg.*?</svg>)?([^<]+)<", card, re.S)


def menu_items(card: str) -> list[str]:
    return [label.strip() for label in re.findall(r'role="menuitem"[^>]*>([^<]+)<', card)]


def subtab(client, name: str) -> dict[str, str]:
    return cards(client.get(f"/mentor/dashboard/sessions/{name}/").content.decode())


# --- one primary action, the rest in the menu ----------------------------------------------


def test_a_draft_card_offers_publish_and_a_menu_with_edit_then_delete(mentor_client, mentor):
    make_session(mentor, title="Draft one", status=Session.Status.DRAFT, capacity=3)
    card = subtab(mentor_client, "draft")["Draft one"]
    assert primaries(card) == ["Publish"]
    assert menu_items(card) == ["Edit", "Delete draft"]
    assert "text-rose-700" in card.split('role="menuitem"')[-1]  # the destructive one, last


def test_a_scheduled_card_offers_view_and_its_menu_ends_with_cancel(mentor_client, mentor):
    session = make_session(mentor, title="Later", starts_at=timezone.now() + timedelta(days=3))
    card = subtab(mentor_client, "scheduled")["Later"]
    assert primaries(card) == ["View"]
    assert menu_items(card) == [
        "Edit",
        "Add to calendar",
        "Reschedule…",
        "Copy link",
        "Cancel session…",
    ]
    assert f'hx-get="/mentor/dashboard/sessions/{session.pk}/reschedule/?tab=scheduled"' in card
    assert f'href="/sessions/{session.pk}/calendar.ics"' in card
    assert f'data-copy-link="/sessions/{session.pk}/"' in card
    assert f'hx-get="/mentor/dashboard/sessions/{session.pk}/cancel/?tab=scheduled"' in card


def test_a_session_about_to_start_offers_start_first(mentor_client, mentor):
    soon = make_session(mentor, title="Soon", starts_at=timezone.now() + timedelta(minutes=8))
    card = subtab(mentor_client, "scheduled")["Soon"]
    assert primaries(card) == ["Start Session"]
    assert f'action="/live/{soon.pk}/start/"' in card
    assert menu_items(card)[0] == "View details"
    assert "Today · in 8 min" in card or "Today · in 7 min" in card


def test_a_live_session_offers_join_and_says_it_is_live(mentor_client, mentor):
    live = make_session(mentor, title="On air", status=Session.Status.LIVE)
    card = subtab(mentor_client, "scheduled")["On air"]
    assert primaries(card) == ["Join"]
    assert f'href="/live/{live.pk}/"' in card
    assert ">Live</span>" in card
    assert menu_items(card) == ["View details", "Copy link"]


def test_past_cards_offer_view_only_and_badge_only_a_cancellation(mentor_client, mentor):
    past = timezone.now() - timedelta(days=2)
    make_session(mentor, title="Held", status=Session.Status.COMPLETED, starts_at=past)
    make_session(mentor, title="Called off", status=Session.Status.CANCELLED, starts_at=past)
    found = subtab(mentor_client, "past")
    assert primaries(found["Held"]) == ["View"] and primaries(found["Called off"]) == ["View"]
    assert "data-menu-button" not in found["Held"] + found["Called off"]
    assert ">Cancelled</span>" in found["Called off"]
    assert ">Completed</span>" not in found["Held"]


def test_the_menu_button_is_an_accessible_menu_button(mentor_client, mentor):
    session = make_session(mentor, title="Menu")
    card = subtab(mentor_client, "scheduled")["Menu"]
    button = re.search(r"<button[^>]*data-menu-button[^>]*>", card).group(0)
    assert 'aria-haspopup="menu"' in button and 'aria-expanded="false"' in button
    assert f'aria-controls="session-{session.pk}-menu"' in button
    assert "More actions for Menu" in card
    menu = re.search(r'<div id="session-\d+-menu"[^>]*>', card).group(0)
    assert 'role="menu"' in menu and "hidden" in menu
    assert f'aria-labelledby="session-{session.pk}-more"' in menu
    assert card.count('role="menuitem" tabindex="-1"') == len(menu_items(card))


# --- badges, seats, avatars ------------------------------------------------------------------


def test_the_scheduled_list_has_no_scheduled_badges(mentor_client, mentor):
    for i in range(3):
        make_session(mentor, title=f"S{i}", starts_at=timezone.now() + timedelta(days=i + 1))
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert len(cards(html)) == 3
    assert ">Scheduled</span>" not in html


def test_a_draft_shows_its_seats_as_a_limit_not_bookings(mentor_client, mentor):
    draft = make_session(mentor, title="Seats", status=Session.Status.DRAFT, capacity=3)
    card = subtab(mentor_client, "draft")["Seats"]
    assert "Up to 3 learners" in card
    assert "0 / 3" not in card and "booked" not in card
    assert f"participants-{draft.pk}" not in card


def test_a_card_shows_up_to_four_booked_learners_and_names_them_all(mentor_client, mentor):
    session = make_session(mentor, title="Full room", capacity=6)
    names = ["Ana Lima", "Ben Ode", "Cai Wu", "Dee Ray", "Eve Su", "Fay Hu"]
    for name in names:
        first, last = name.split()
        make_booking(session, make_user(first.lower(), first_name=first, last_name=last))
    gone = make_user("gus", first_name="Gus", last_name="Gone")
    make_booking(session, gone, status=Booking.Status.CANCELLED)
    card = subtab(mentor_client, "scheduled")["Full room"]
    assert f'aria-label="Booked: {", ".join(names)}"' in card
    assert re.findall(r">([A-Z]{2})</span>", card) == ["AL", "BO", "CW", "DR"]
    assert ">+2</span>" in card
    assert "Gus" not in card
    assert ">6 / 6</span>" in card


def test_a_scheduled_card_without_bookings_has_no_avatars(mentor_client, mentor):
    make_session(mentor, title="Empty")
    card = subtab(mentor_client, "scheduled")["Empty"]
    assert "data-avatars" not in card and ">0 / 2</span>" in card


def test_the_list_with_many_bookings_takes_a_constant_number_of_queries(
    mentor, django_assert_max_num_queries
):
    client = jwt_client(mentor)
    learners = [make_user(f"l{i}", first_name=f"L{i}") for i in range(4)]

    def add(n):
        for i in range(n):
            starts = timezone.now() + timedelta(days=1, hours=2 * i)
            session = make_session(mentor, title=f"T{i}", starts_at=starts, capacity=4)
            for learner in learners:
                make_booking(session, learner)

    add(2)
    with django_assert_max_num_queries(25) as small:
        assert client.get("/mentor/dashboard/sessions/scheduled/").status_code == 200
    add(18)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert html.count("data-avatars") == 20


# --- a refused Publish, on its card -----------------------------------------------------------


def test_a_refused_publish_comes_back_on_its_card_with_an_alert_and_a_toast(mentor_client, mentor):
    at = timezone.now() + timedelta(days=2)
    make_session(mentor, title="Booked slot", starts_at=at)
    draft = make_session(mentor, title="Clashing", status=Session.Status.DRAFT, starts_at=at)
    response = mentor_client.post(
        f"/mentor/dashboard/sessions/{draft.pk}/publish/",
        {"tab": "draft", "page": "1", "order": "soonest"},
        headers=HX,
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#session-{draft.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    card = cards(html)["Clashing"]
    assert 'role="alert"' in card and "It overlaps your session ‘Booked slot’" in card
    assert primaries(card) == ["Publish"]
    toast = html.split('hx-swap-oob="beforeend:#toasts"')[1]
    assert "data-toast" in toast and "Couldn&#x27;t publish ‘Clashing’" in toast
    assert "It overlaps your session" in toast
    assert 'id="tab-panel"' not in html and "subtab-" not in html  # only the card
    draft.refresh_from_db()
    assert draft.status == Session.Status.DRAFT


def test_a_refused_publish_without_htmx_still_shows_the_list_with_the_error(mentor_client, mentor):
    at = timezone.now() + timedelta(days=2)
    make_session(mentor, title="Booked slot", starts_at=at)
    draft = make_session(mentor, title="Clashing", status=Session.Status.DRAFT, starts_at=at)
    response = mentor_client.post(f"/mentor/dashboard/sessions/{draft.pk}/publish/")
    assert response.status_code == 409
    assert "It overlaps your session" in response.content.decode()


# --- the dialog's overlap hint ----------------------------------------------------------------


def overlap(client, at, duration=60, **extra):
    local = timezone.localtime(at, client.tz)
    params = {
        "date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": str(duration),
        **extra,
    }
    return client.get("/mentor/dashboard/sessions/overlap/", params, headers=HX)


@pytest.fixture
def hint_client(mentor):
    client = jwt_client(mentor)
    client.tz = mentor.tzinfo
    return client


def test_the_overlap_hint_names_the_clashing_session(hint_client, mentor):
    at = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    make_session(mentor, title="Office hours", starts_at=at, duration_minutes=60)
    response = overlap(hint_client, at + timedelta(minutes=30))
    assert response.status_code == 200
    html = response.content.decode()
    assert "overlaps 1 of your scheduled sessions" in html and "Office hours" in html


def test_the_overlap_hint_says_no_clash_for_a_free_time(hint_client, mentor):
    at = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    make_session(mentor, title="Office hours", starts_at=at, duration_minutes=60)
    html = overlap(hint_client, at + timedelta(minutes=60)).content.decode()
    assert "overlaps" not in html and "No clash" in html
    html = overlap(hint_client, at - timedelta(minutes=30), duration=30).content.decode()
    assert "overlaps" not in html


def test_the_overlap_hint_ignores_drafts_other_mentors_and_the_session_edited(
    hint_client, mentor, other_mentor
):
    at = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    make_session(mentor, title="A draft", starts_at=at, status=Session.Status.DRAFT)
    make_session(other_mentor, title="Not mine", starts_at=at)
    edited = make_session(mentor, title="Being edited", starts_at=at)
    html = overlap(hint_client, at, session=str(edited.pk)).content.decode()
    assert "overlaps" not in html and "No clash" in html
    assert "overlaps" in overlap(hint_client, at).content.decode()


def test_the_overlap_hint_is_empty_for_incomplete_input(mentor_client):
    url = "/mentor/dashboard/sessions/overlap/"
    for params in ({}, {"date": "2030-01-01"}, {"date": "x", "start_time": "10:00"}):
        response = mentor_client.get(url, params, headers=HX)
        assert response.status_code == 200 and response.content.decode().strip() == ""


def test_the_dialog_asks_for_the_hint_as_the_time_changes(mentor_client, mentor):
    html = mentor_client.get("/mentor/dashboard/sessions/new/", headers=HX).content.decode()
    region = re.search(r'<div id="session-overlap"[^>]*>', html).group(0)
    assert 'aria-live="polite"' in region
    assert 'hx-get="/mentor/dashboard/sessions/overlap/"' in region
    assert "input delay:400ms from:#id_start_time" in region
    session = make_session(mentor, title="Edit me")
    html = mentor_client.get(
        f"/mentor/dashboard/sessions/{session.pk}/edit/", headers=HX
    ).content.decode()
    assert f'hx-get="/mentor/dashboard/sessions/overlap/?session={session.pk}"' in html


def test_a_learner_cannot_ask_for_the_overlap_hint(learner_client):
    assert learner_client.get("/mentor/dashboard/sessions/overlap/").status_code == 403


def test_a_title_is_escaped_in_the_card_menu_and_toast(mentor_client, mentor):
    at = timezone.now() + timedelta(days=2)
    make_session(mentor, title="<i>slot</i>", starts_at=at)
    evil = "<img src=x onerror=alert(1)>"
    draft = make_session(mentor, title=evil, status=Session.Status.DRAFT, starts_at=at)
    html = mentor_client.post(
        f"/mentor/dashboard/sessions/{draft.pk}/publish/", {"tab": "draft"}, headers=HX
    ).content.decode()
    html += mentor_client.get("/mentor/dashboard/sessions/draft/").content.decode()
    assert "<img" not in html and "<i>slot" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
