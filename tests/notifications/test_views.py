"""The bell menu, the Notifications tab, the learner list and their actions."""

import pytest

from notifications.models import Notification
from tests.notifications.builders import make_notification

TAB = "/mentor/dashboard/notifications/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _many(user, count, **kwargs):
    return [make_notification(user, f"Note {i}", **kwargs) for i in range(count)]


def test_the_tab_lists_the_mentors_notifications_newest_first(mentor, other_mentor, mentor_client):
    make_notification(mentor, "Older one", body="details here")
    make_notification(mentor, "Newest one", url="/mentor/dashboard/requests/", kind="new_request")
    make_notification(other_mentor, "Bob's secret")
    response = mentor_client.get(TAB)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Newest one") < html.index("Older one")
    assert "details here" in html
    assert "Review request" in html  # the action label of a new request
    assert "Bob's secret" not in html
    assert 'aria-selected="true"' in html


def test_the_tab_shows_an_empty_state(mentor_client):
    html = mentor_client.get(TAB).content.decode()
    assert "You're all caught up" in html


def test_the_unread_filter_shows_only_unread(mentor, mentor_client):
    make_notification(mentor, "Already read", read=True)
    make_notification(mentor, "Still unread")
    html = mentor_client.get(TAB + "?filter=unread").content.decode()
    assert "Still unread" in html
    assert "Already read" not in html
    assert 'aria-current="true"' in html
    make_notification(mentor, "x", read=True)
    Notification.objects.filter(user=mentor).update(read_at="2026-01-01T00:00:00Z")
    html = mentor_client.get(TAB + "?filter=unread").content.decode()
    assert "No unread notifications" in html


def test_the_tab_paginates(mentor, mentor_client):
    _many(mentor, 25)
    first = mentor_client.get(TAB).content.decode()
    assert "Note 24" in first and "Note 5" in first and "Note 4" not in first
    assert "Page 1 of 2" in first
    second = mentor_client.get(TAB + "?page=2", **HTMX, HTTP_HX_TARGET="notification-list")
    html = second.content.decode()
    assert "Note 4" in html and "Note 5" not in html
    assert "<html" not in html  # only the list fragment
    assert mentor_client.get(TAB + "?page=999").status_code == 200  # last page, no error


def test_an_htmx_tab_switch_gets_the_panel(mentor, mentor_client):
    make_notification(mentor, "Hello")
    html = mentor_client.get(TAB, **HTMX, HTTP_HX_TARGET="tab-panel").content.decode()
    assert "<html" not in html
    assert 'id="dashboard-tabs" hx-swap-oob="true"' in html
    assert "Hello" in html


def test_learners_cannot_open_the_mentor_tab_but_have_their_own_list(
    learner, learner_client, mentor
):
    make_notification(learner, "Your session is live")
    make_notification(mentor, "Mentor only")
    assert learner_client.get(TAB).status_code == 403
    response = learner_client.get("/notifications/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your session is live" in html and "Mentor only" not in html


def test_anonymous_users_are_sent_to_sign_in(anon_client):
    assert anon_client.get(TAB)["Location"].startswith("/login/?next=")
    assert anon_client.get("/notifications/menu/")["Location"].startswith("/login/")
    assert anon_client.post("/notifications/read-all/").status_code == 302


def test_the_bell_menu_shows_the_latest_ten_with_unread_marked(mentor, mentor_client):
    _many(mentor, 12)
    make_notification(mentor, "Read one", read=True)
    response = mentor_client.get("/notifications/menu/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("data-menu-item") == 10
    assert "Read one" in html and "Note 11" in html and "Note 2" not in html
    assert html.count("Unread: ") == 9
    assert "Mark all as read" in html
    assert 'data-count="12"' in html  # the bell count comes along


def test_the_bell_menu_has_an_empty_state(mentor_client):
    html = mentor_client.get("/notifications/menu/", **HTMX).content.decode()
    assert "You're all caught up" in html
    assert "Mark all as read" not in html


def test_opening_an_item_marks_it_read_and_goes_to_its_page(mentor, mentor_client):
    item = make_notification(mentor, "New request", url="/mentor/dashboard/requests/")
    response = mentor_client.post(f"/notifications/{item.pk}/open/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/mentor/dashboard/requests/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_opening_an_item_without_a_page_goes_to_the_list(learner, learner_client):
    item = make_notification(learner, "Welcome")
    response = learner_client.post(f"/notifications/{item.pk}/open/", **HTMX)
    assert response["HX-Redirect"] == "/notifications/"


@pytest.mark.parametrize("action", ["open", "read", "unread", "dismiss"])
def test_another_users_notification_is_not_found(action, mentor, other_mentor, mentor_client):
    theirs = make_notification(other_mentor, "Bob's", read=(action == "unread"))
    response = mentor_client.post(f"/notifications/{theirs.pk}/{action}/", **HTMX)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.read_at is None) == (action != "unread")


def test_mark_read_and_unread_rerender_the_row_and_the_bell(mentor, mentor_client):
    item = make_notification(mentor, "Toggle me")
    html = mentor_client.post(f"/notifications/{item.pk}/read/", **HTMX).content.decode()
    assert f'id="notification-{item.pk}"' in html
    assert "Mark unread" in html
    assert 'id="bell-count" hx-swap-oob="true"' in html and 'data-count="0"' in html
    item.refresh_from_db()
    assert item.read_at is not None
    html = mentor_client.post(f"/notifications/{item.pk}/unread/", **HTMX).content.decode()
    assert "Mark read" in html and 'data-count="1"' in html
    item.refresh_from_db()
    assert item.read_at is None


def test_actions_need_post_and_the_csrf_token(mentor):
    from tests.conftest import jwt_client

    item = make_notification(mentor, "x")
    client = jwt_client(mentor, enforce_csrf=True)
    assert client.get(f"/notifications/{item.pk}/read/").status_code == 405
    assert client.post(f"/notifications/{item.pk}/read/").status_code == 403
    item.refresh_from_db()
    assert item.read_at is None


def test_mark_all_as_read_from_the_tab_and_the_menu(mentor, mentor_client):
    _many(mentor, 3)
    html = mentor_client.post(
        "/notifications/read-all/", {"filter": "unread"}, **HTMX, HTTP_HX_TARGET="notification-list"
    ).content.decode()
    assert "No unread notifications" in html and 'data-count="0"' in html
    assert not Notification.objects.filter(user=mentor, read_at__isnull=True).exists()
    _many(mentor, 2)
    html = mentor_client.post(
        "/notifications/read-all/", **HTMX, HTTP_HX_TARGET="bell-menu"
    ).content.decode()
    assert html.count("data-menu-item") == 5 and "Unread: " not in html


def test_dismissing_a_banner_marks_it_read(mentor, mentor_client):
    urgent = make_notification(mentor, "Starts in 5 minutes", level="urgent", url="/live/9/")
    page = mentor_client.get(TAB).content.decode()
    assert 'role="alert"' in page and "Starts in 5 minutes" in page
    response = mentor_client.post(f"/notifications/{urgent.pk}/dismiss/", **HTMX)
    assert response.status_code == 200
    urgent.refresh_from_db()
    assert urgent.read_at is not None
    assert (
        "Starts in 5 minutes" not in mentor_client.get(TAB).content.decode().split("tab-panel")[0]
    )


def test_a_banner_goes_away_once_its_page_is_opened(mentor, mentor_client):
    urgent = make_notification(
        mentor, "Payout failed", level="urgent", url="/mentor/dashboard/earnings/"
    )
    assert "Payout failed" in mentor_client.get("/mentor/dashboard/analytics/").content.decode()
    mentor_client.get("/mentor/dashboard/earnings/")
    urgent.refresh_from_db()
    assert urgent.read_at is not None


def test_the_page_knows_the_newest_notification_id(mentor, mentor_client):
    _many(mentor, 2)
    newest = make_notification(mentor, "latest")
    html = mentor_client.get(TAB).content.decode()
    assert f'data-last-id="{newest.pk}"' in html
    assert 'data-realtime="/ws/notifications/"' in html
    assert 'data-poll-seconds="' in html
    assert "ws-connect" not in html  # one socket per page, opened by realtime.js
    assert "notifications/realtime.js" in html


def test_the_bell_shows_the_unread_count_on_every_page(mentor, mentor_client):
    _many(mentor, 3)
    make_notification(mentor, "read", read=True)
    html = mentor_client.get("/mentor/dashboard/earnings/").content.decode()
    assert 'data-count="3"' in html
    assert '<span class="sr-only"> unread</span>' in html


@pytest.mark.parametrize(
    "url, headers",
    [
        (TAB, {}),
        (TAB + "?filter=unread&page=2", {}),
        (TAB, HTMX),
        ("/notifications/menu/", HTMX),
    ],
)
def test_query_counts_stay_constant_as_notifications_grow(
    url, headers, mentor, mentor_client, django_assert_max_num_queries
):
    _many(mentor, 2)
    # One open urgent alert from the start: with none, pages skip the banner query.
    _many(mentor, 1, level="urgent")
    with django_assert_max_num_queries(15) as small:
        assert mentor_client.get(url, **headers).status_code == 200
    _many(mentor, 60)
    _many(mentor, 5, level="urgent")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert mentor_client.get(url, **headers).status_code == 200
