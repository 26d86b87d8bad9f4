"""Personas, builders and clients shared by every test."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import MentorProfile, User
from accounts.tokens import issue_tokens

E2E_DIR = Path(__file__).parent / "e2e"
# janus_server / janus_settings: a real Janus per run (skips when the binary is missing).
pytest_plugins = ["tests.support.janus"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def make_user(username: str, role: str = User.Role.LEARNER, **extra) -> User:
    user = User.objects.create_user(
        username=username, password="pw-" + username, role=role, **extra
    )
    if role == User.Role.MENTOR:
        # The row exists already (accounts.signals); keep the cached relation fresh.
        user.mentor_profile, _ = MentorProfile.objects.update_or_create(
            user=user, defaults={"display_name": username.title()}
        )
    return user


def jwt_client(user: User | None, *, enforce_csrf: bool = False) -> Client:
    """A test client signed in with the JWT cookies, as a browser would be."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    if user is not None:
        refresh, access = issue_tokens(user)
        client.cookies[settings.JWT_ACCESS_COOKIE] = str(access)
        client.cookies[settings.JWT_REFRESH_COOKIE] = str(refresh)
    return client


@pytest.fixture
def mentor(db):
    return make_user("mentor_ann", User.Role.MENTOR, first_name="Ann", timezone="Europe/Berlin")


@pytest.fixture
def other_mentor(db):
    return make_user("mentor_bob", User.Role.MENTOR, first_name="Bob")


@pytest.fixture
def learner(db):
    return make_user("learner_lea", User.Role.LEARNER, first_name="Lea")


@pytest.fixture
def other_learner(db):
    return make_user("learner_leo", User.Role.LEARNER, first_name="Leo")


@pytest.fixture
def staff(db):
    return make_user("staff_sam", User.Role.LEARNER, is_staff=True, is_superuser=True)


@pytest.fixture
def mentor_client(mentor):
    return jwt_client(mentor)


@pytest.fixture
def learner_client(learner):
    return jwt_client(learner)


@pytest.fixture
def anon_client():
    return Client()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def bearer(user: User):
    """A DRF APIClient authenticated with a Bearer access token."""
    from rest_framework.test import APIClient

    client = APIClient()
    _refresh, access = issue_tokens(user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


@pytest.fixture
def mentor_api(mentor):
    return bearer(mentor)


@pytest.fixture
def learner_api(learner):
    return bearer(learner)


@pytest.fixture
def other_mentor_api(other_mentor):
    return bearer(other_mentor)


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """A new channel-layer instance per test.

    channels_redis binds its locks and connection pools to the event loop that
    first used them; pytest-asyncio gives each test its own loop, so a layer
    shared across tests fails in the next one with "bound to a different event loop".
    """
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def empty_figures_cache():
    """Cached figures never leak from one test into the next (primary keys are reused)."""
    from django.core.cache import caches

    caches["figures"].clear()
    yield


@pytest.fixture(autouse=True)
def forgotten_users():
    """No user cached by one test is served to the next (primary keys are reused)."""
    from django.core.cache import caches

    from accounts.user_cache import clear_local

    clear_local()
    _clear_stamps(caches["auth"])
    yield
    clear_local()


def _clear_stamps(cache) -> None:
    """Forget this run's stamps only: on Redis, `clear()` would FLUSHDB and wipe the
    other xdist worker's channel layer and stamps in the same database."""
    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:
        cache.clear()
        return
    client = client_of(None, write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def race():
    """`race(n, fn)`: fn(0..n-1) in n threads released together; results or exceptions."""
    from tests.support.race import race

    return race


@pytest.fixture
def ws():
    """`await ws(user, path)`: a connected WebsocketCommunicator signed in as `user`."""
    from tests.support.sockets import ws

    return ws


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) that Django's SMTP backend sends to."""
    from tests.support.smtp import SmtpServer, smtp_settings

    server = SmtpServer()
    smtp_settings(settings, server)
    settings.SITE_URL = "https://mentorhub.example"
    yield server
    server.stop()
