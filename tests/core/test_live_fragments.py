"""core/live_fragments.py: the registry of live fragments, keys, access, the page list."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from core import live_fragments
from notifications import services
from tests.notifications.builders import make_notification
from tests.sessions_app.builders import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the registry: test fragments don't leak into others."""
    monkeypatch.setattr(live_fragments, "_registry", dict(live_fragments._registry))
    return live_fragments._registry


def test_every_app_registers_its_fragments_in_ready():
    assert set(live_fragments.names()) >= {
        "bell",
        "requests_badge",
        "participants",
        "room_presence",
        "earnings_summary",
        "payout_history",
    }
    assert live_fragments.get("participants").keys == ("session_id",)


def test_an_unknown_name_renders_nothing(mentor):
    assert live_fragments.render(mentor, "no_such_fragment") is None
    assert live_fragments.render(mentor, "../../base") is None
    assert live_fragments.render(mentor, None) is None
    assert live_fragments.render(mentor, ["bell"]) is None


def test_a_state_of_none_renders_nothing(registry, mentor):
    calls = []

    def hidden(user, item_id):
        calls.append((user.pk, item_id))
        return None

    live_fragments.register(
        "hidden_thing", "notifications/live/bell.html", hidden, keys=("item_id",)
    )
    assert live_fragments.render(mentor, "hidden_thing", {"item_id": 3}) is None
    assert calls == [(mentor.pk, 3)]  # state() was asked, and it said "nothing"


def test_another_mentors_session_yields_nothing(mentor, other_mentor, learner):
    session = make_session(mentor, capacity=4)
    key = {"session_id": session.pk}
    assert ">0 / 4<" in live_fragments.render(mentor, "participants", key)
    assert live_fragments.render(other_mentor, "participants", key) is None
    assert live_fragments.render(learner, "participants", key) is None
    assert live_fragments.render(other_mentor, "room_presence", key) is None
    assert live_fragments.render(learner, "requests_badge") is None  # learners have no badge


@pytest.mark.parametrize(
    "key",
    [
        None,
        {},
        {"session_id": "12"},
        {"session_id": 1.0},
        {"session_id": True},
        {"session_id": -1},
        {"session_id": 2**53},
        {"session_id": 1, "extra": 2},
        {"other": 1},
        ["session_id", 1],
    ],
)
def test_a_malformed_key_renders_nothing(mentor, key):
    session = make_session(mentor)
    assert live_fragments.render(mentor, "participants", key) is None
    assert live_fragments.render(mentor, "participants", {"session_id": session.pk})


def test_the_page_list_is_validated_bounded_and_deduplicated():
    entry = {"name": "participants", "key": {"session_id": 5}}
    page = live_fragments.parse_page(
        [
            entry,
            entry,
            {"name": "bell"},
            {"name": "bell", "key": {}},
            {"name": "nope", "key": {}},
            {"name": "participants", "key": {"session_id": "5"}},
            {"name": ["bell"]},
            "bell",
            None,
        ],
        limit=10,
    )
    assert page == [("participants", {"session_id": 5}), ("bell", {})]
    assert live_fragments.parse_page([{"name": "bell"}] * 11, limit=10) == []
    for junk in (None, "bell", {"name": "bell"}, 7):
        assert live_fragments.parse_page(junk, limit=10) == []


def test_registering_checks_names_and_refuses_a_second_definition(registry):
    def state(user):
        return {}

    live_fragments.register("thing", "a.html", state)
    live_fragments.register("thing", "a.html", state)  # the same again: fine (ready() twice)
    with pytest.raises(ValueError):
        live_fragments.register("thing", "b.html", state)
    for name, keys in (("Bad-Name", ()), ("", ()), ("ok", ("Bad Key",))):
        with pytest.raises(ValueError):
            live_fragments.register(name, "a.html", state, keys=keys)


def test_push_update_refuses_an_unknown_fragment_or_key(mentor):
    with pytest.raises(ValueError):
        services.push_update(mentor, "no_such_fragment")
    with pytest.raises(ValueError):
        services.push_update(mentor, "participants")  # its key is missing
    with pytest.raises(ValueError):
        services.push_update(mentor, "participants", session_id=1, booked=2)  # data, not a key


def test_the_registry_imports_no_domain_app():
    source = Path(settings.BASE_DIR, "core", "live_fragments.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
    assert imported <= {"__future__", "re", "collections", "dataclasses", "django"}


def test_a_learner_sees_only_their_own_bell(learner, other_learner):
    make_notification(learner, "one")
    make_notification(other_learner, "theirs")
    make_notification(other_learner, "theirs too")
    assert 'data-count="1"' in live_fragments.render(learner, "bell")


def test_the_dashboard_first_renders_the_same_bell_and_badge(mentor, mentor_client, learner):
    from notifications.consumers import render_fragments
    from requests_app.models import SessionRequest

    make_notification(mentor, "unread")
    SessionRequest.objects.create(learner=learner, mentor=mentor, topic="Pending")
    html = mentor_client.get("/mentor/dashboard/analytics/").content.decode()
    for frame in render_fragments(mentor, [("bell", {}), ("requests_badge", {})]):
        assert ">1<" in frame["html"]
        assert frame["html"].strip().replace(' hx-swap-oob="true"', "", 1) in html
