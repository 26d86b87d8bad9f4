"""core/cache.py: keys, the registry of watched models, {% cachedrows %} and the layering."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.template import Context, Template
from django.test import RequestFactory

from accounts.models import MentorProfile, User
from core import cache
from earnings.models import LedgerEntry, Payout
from policies.models import CancellationPolicy
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Review, Session, WaitlistEntry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def same_minute(monkeypatch):
    """Keys hold the minute: a test crossing into the next one must not miss."""
    monkeypatch.setattr(cache, "_minute", lambda: 1)


DOMAIN_APPS = {
    "accounts",
    "analytics",
    "earnings",
    "live",
    "mentorhub",
    "notifications",
    "requests_app",
    "sessions_app",
}


def test_it_runs_the_unit_tests_on_a_real_in_memory_cache():
    assert caches[cache.CACHE_ALIAS].__class__.__name__ == "LocMemCache"


def test_the_cache_primitives_import_no_domain_app():
    core = Path(settings.BASE_DIR) / "core"
    for path in (core / "cache.py", core / "templatetags" / "cachedrows.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                assert node.module.split(".")[0] not in DOMAIN_APPS, (path, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in DOMAIN_APPS, (path, alias.name)


def test_each_app_registers_its_models_with_the_lookup_to_their_mentor():
    assert cache.watched() == {
        Session: "mentor_id",
        Booking: "session__mentor_id",
        Review: "mentor_id",
        SessionRequest: "mentor_id",
        LedgerEntry: "mentor_id",
        Payout: "mentor_id",
        CancellationPolicy: "mentor_id",
        WaitlistEntry: "session__mentor_id",
    }


def test_it_refuses_to_watch_a_model_whose_bulk_writes_would_go_unseen():
    with pytest.raises(TypeError, match="WatchedQuerySet"):
        cache.watch(MentorProfile, "user_id")  # a plain manager
    assert MentorProfile not in cache.watched()


def test_cached_computes_once_per_version_and_params():
    ann = make_user("ann", User.Role.MENTOR)
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.cached(ann, "t", compute, "a") == 1
    assert cache.cached(ann, "t", compute, "a") == 1
    assert cache.cached(ann, "t", compute, "b") == 2
    cache.bump([ann.pk])
    assert cache.cached(ann, "t", compute, "a") == 3


def test_the_key_is_per_owner_and_holds_the_zone():
    ann, bob = make_user("ann", User.Role.MENTOR), make_user("bob", User.Role.MENTOR)
    assert cache.key_for(ann, "x") != cache.key_for(bob, "x")
    before = cache.key_for(ann, "x")
    ann.timezone = "Europe/Berlin"
    assert cache.key_for(ann, "x") != before


def test_a_page_carries_the_key_read_before_its_rows():
    ann = make_user("ann", User.Role.MENTOR)
    page = cache.cached_page(ann, "rows", Session.objects.filter(mentor=ann), 10, "1")
    assert page.cache_key == cache.key_for(ann, "rows", 10, "1")


# --- {% cachedrows %} ---------------------------------------------------------------


def render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    context.setdefault("csrf_token", "token-" + str(context.get("n", 0)))
    return Template("{% load cachedrows %}" + source).render(
        Context({"request": request, **context})
    )


def test_cachedrows_stores_the_markup_under_the_query_key():
    source = "{% cachedrows key %}{{ n }}{% endcachedrows %}"
    assert render(source, key="k1", n=1) == "1"
    assert render(source, key="k1", n=2) == "1"  # served from the cache
    assert render(source, key="k2", n=2) == "2"


def test_cachedrows_varies_on_the_values_given():
    source = "{% cachedrows key highlight %}{{ highlight }}{% endcachedrows %}"
    assert render(source, key="k", highlight=1) == "1"
    assert render(source, key="k", highlight=2) == "2"


def test_cachedrows_without_a_key_just_renders():
    source = "{% cachedrows key %}{{ n }}{% endcachedrows %}"
    assert render(source, key=None, n=1) == "1"
    assert render(source, key=None, n=2) == "2"


def test_cachedrows_never_stores_markup_holding_the_csrf_token():
    source = "{% cachedrows key %}<form>{% csrf_token %}</form>{% endcachedrows %}"
    first = render(source, key="k", n=1)
    assert 'value="token-1"' in first
    assert 'value="token-2"' in render(source, key="k", n=2)


def test_cachedrows_never_stores_live_presence():
    from tests.analytics.builders import ago, session

    live = session(make_user("ann", User.Role.MENTOR), ago(hours=0.2), status=Session.Status.LIVE)
    source = "{% load live %}{% cachedrows key %}{% room_presence s %}{{ n }}{% endcachedrows %}"
    assert f'id="room-{live.pk}"' in render(source, key="k", s=live, n=1)
    assert render(source, key="k", s=live, n=2).endswith("2")
