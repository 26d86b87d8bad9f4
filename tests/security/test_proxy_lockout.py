"""Lockouts and throttling use the client address a trusted proxy saw, never
one the client wrote into X-Forwarded-For (TRUSTED_PROXIES)."""

import ipaddress
import os
import shlex
import sys
from pathlib import Path

import pytest
import requests
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings

from accounts.client_ip import AnonRateThrottle, client_ip
from tests.conftest import make_user
from tests.e2e.conftest import database_url
from tests.support.server import answers, free_port, launch

ROOT = Path(__file__).resolve().parents[2]
NGINX = ipaddress.ip_network("127.0.0.1/32")
ATTACKER, VICTIM = "198.51.100.7", "192.0.2.50"
behind_nginx = override_settings(TRUSTED_PROXIES=(NGINX,))


def ip_of(remote_addr="203.0.113.1", forwarded_for=None) -> str | None:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_ip(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored():
    assert ip_of("203.0.113.1", "10.0.0.1") == "203.0.113.1"
    assert ip_of("203.0.113.1", "10.0.0.1, 10.0.0.2") == "203.0.113.1"


@behind_nginx
def test_behind_a_proxy_the_entry_the_proxy_appended_is_the_client():
    # nginx's $proxy_add_x_forwarded_for: whatever the client sent, then its peer.
    assert ip_of("127.0.0.1", ATTACKER) == ATTACKER
    assert ip_of("127.0.0.1", f"{VICTIM}, {ATTACKER}") == ATTACKER
    assert ip_of("127.0.0.1", f"evil, 10.1.1.1 , {ATTACKER}") == ATTACKER
    # Not through the proxy: the header is the client's own, ignored.
    assert ip_of(ATTACKER, VICTIM) == ATTACKER
    # Garbage where the proxy's entry should be: the proxy is all we know.
    assert ip_of("127.0.0.1", "not-an-ip") == "127.0.0.1"
    assert ip_of("127.0.0.1", "") == "127.0.0.1"


def test_proxies_by_count_and_by_network():
    with override_settings(TRUSTED_PROXIES=2):  # CDN + nginx
        assert ip_of("127.0.0.1", f"{VICTIM}, {ATTACKER}, 10.0.0.9") == ATTACKER
    lan = (ipaddress.ip_network("10.0.0.0/8"), NGINX)
    with override_settings(TRUSTED_PROXIES=lan):
        assert ip_of("127.0.0.1", f"{VICTIM}, {ATTACKER}, 10.0.0.9") == ATTACKER
        assert ip_of("127.0.0.1", "10.0.0.8, 10.0.0.9") == "10.0.0.8"  # only proxies
        assert ip_of("::ffff:127.0.0.1", "[2001:db8::1]:443") == "2001:db8::1"


@behind_nginx
def test_drf_throttles_identify_the_client_by_the_same_address():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{VICTIM}, {ATTACKER}"
    )
    assert AnonRateThrottle().get_ident(request) == ATTACKER


def _wrong_logins(client, username, count, forwarded):
    return [
        client.post(
            "/login/",
            {"username": username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=forwarded(i),
        ).status_code
        for i in range(count)
    ]


@pytest.mark.django_db
def test_rotating_spoofed_headers_without_a_proxy_still_lock_out():
    user = make_user("spoof_direct", "mentor")
    client = Client(REMOTE_ADDR=ATTACKER)
    statuses = _wrong_logins(client, user.username, 30, lambda i: f"10.0.{i}.1")
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}
    right = client.post("/login/", {"username": user.username, "password": "pw-spoof_direct"})
    assert right.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.mark.django_db
@behind_nginx
def test_behind_the_proxy_spoofing_neither_escapes_a_lockout_nor_locks_out_a_victim():
    user = make_user("spoof_proxy", "mentor")
    via_nginx = Client(REMOTE_ADDR="127.0.0.1")
    # The attacker rotates a fake address in front of the one nginx appends,
    # and names the victim's address to get it locked out.
    statuses = _wrong_logins(
        via_nginx, user.username, 30, lambda i: f"{VICTIM}, 10.0.{i}.1, {ATTACKER}"
    )
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    login = {"username": user.username, "password": "pw-spoof_proxy"}
    locked = via_nginx.post("/login/", login, HTTP_X_FORWARDED_FOR=f"10.9.9.9, {ATTACKER}")
    assert locked.status_code == 429
    # The victim, behind the same nginx, signs in.
    victim = via_nginx.post("/login/", login, HTTP_X_FORWARDED_FOR=VICTIM)
    assert victim.status_code == 302


# --- The documented deployment, with a real Daphne ------------------------------------


def _deployed_daphne_args(port: int) -> list[str]:
    """Daphne's arguments exactly as deploy/mentorhub@.service starts it."""
    unit = (ROOT / "deploy" / "mentorhub@.service").read_text()
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    args = shlex.split(exec_start.split("=", 1)[1])
    return [arg.replace("%i", str(port)) for arg in args[1:]]


def _deployed_env() -> dict[str, str]:
    lines = (ROOT / "deploy" / "mentorhub.env.example").read_text().splitlines()
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {"TRUSTED_PROXIES": env["TRUSTED_PROXIES"]}


@pytest.fixture
def deployed_server(transactional_db):
    port = free_port()
    env = {
        **os.environ,
        **_deployed_env(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "E2E_SERVER": "1",
        "SCHEDULER_IN_PROCESS": "0",
    }
    server = launch(
        [sys.executable, "-m", "daphne", *_deployed_daphne_args(port)],
        port=port,
        env=env,
        log_path=ROOT / f".e2e-server-{port}.log",
        ready=lambda s: answers(f"{s.url}/login/"),
    )
    yield server.url
    server.stop()


def test_the_documented_deployment_locks_out_by_the_address_nginx_saw(deployed_server):
    """We play nginx: `$proxy_add_x_forwarded_for` is the client's header + its peer."""
    attacked = make_user("deployed_attacked", "mentor")
    victim = make_user("deployed_victim", "mentor")

    def token(username, password, client_header, peer):
        forwarded = f"{client_header}, {peer}" if client_header else peer
        return requests.post(
            f"{deployed_server}/api/token/",
            json={"username": username, "password": password},
            headers={"X-Forwarded-For": forwarded},
            timeout=10,
        ).status_code

    statuses = [token(attacked.username, "wrong", f"10.0.{i}.1", ATTACKER) for i in range(30)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}, statuses
    assert token(attacked.username, "pw-deployed_attacked", "10.9.9.9", ATTACKER) == 429
    # Anyone naming the victim's address locks out only themselves.
    for _ in range(10):
        token(victim.username, "wrong", VICTIM, ATTACKER)
    assert token(victim.username, "pw-deployed_victim", "", VICTIM) == 200
