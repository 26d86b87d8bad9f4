"""The middleware stack runs without sync↔async switches.

The server runs the whole stack and the view in one call on the request's
thread (core/asgi_handler.py): every middleware must be sync-capable, and a
request then switches threads exactly as often as Django with no middleware
at all (the request_started signal, the stack, the response's close). Our own
middlewares are async-capable too, so an async stack would not switch for them.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref import sync
from django.conf import settings
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.middleware import (
    JWTCookieMiddleware,
    SecureCookiesOverHttpsMiddleware,
    UserTimezoneMiddleware,
)
from accounts.tokens import issue_tokens
from notifications.middleware import OpenedPageMiddleware

# Sync-only middlewares we accept, and why they cost no switch.
SYNC_ONLY = {
    "whitenoise.middleware.WhiteNoiseMiddleware": (
        "sync-only in WhiteNoise 6.12; in the one-call sync stack a non-static "
        "path costs it one dict lookup, no thread switch"
    ),
}


def test_every_middleware_can_run_in_the_one_call_sync_stack():
    for path in settings.MIDDLEWARE:
        middleware = import_string(path)
        assert getattr(middleware, "sync_capable", True), path
        if path not in SYNC_ONLY:
            assert getattr(middleware, "async_capable", False), f"{path} is sync-only"


def _scope(path: str) -> dict:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": b"", "root_path": "", "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1234), "server": ("127.0.0.1", 80),
    }  # fmt: skip


async def _get(app, path: str) -> int:
    received = [{"type": "http.request", "body": b"", "more_body": False}]
    statuses = []

    async def receive():
        if received:
            return received.pop()
        await asyncio.Event().wait()  # never disconnects

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(_scope(path), receive, send)
    return statuses[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_page_request_switches_threads_only_where_bare_django_does(monkeypatch):
    from mentorhub.asgi import application

    switches = {"into_thread": 0, "out_of_thread": 0}
    into, out_of = sync.SyncToAsync.__call__, sync.AsyncToSync.__call__

    async def counted_into(self, *args, **kwargs):
        switches["into_thread"] += 1
        return await into(self, *args, **kwargs)

    def counted_out_of(self, *args, **kwargs):
        switches["out_of_thread"] += 1
        return out_of(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted_into)
    monkeypatch.setattr(sync.AsyncToSync, "__call__", counted_out_of)
    assert await _get(application, "/login/") == 200
    # request_started, the whole stack + view, the response's close.
    assert switches == {"into_thread": 3, "out_of_thread": 0}


async def _ok(request):
    response = HttpResponse("ok")
    response.set_cookie("c", "v")
    return response


@pytest.mark.asyncio
async def test_secure_cookies_works_async():
    middleware = SecureCookiesOverHttpsMiddleware(_ok)
    assert asyncio.iscoroutinefunction(middleware)
    response = await middleware(RequestFactory().get("/", secure=True))
    assert response.cookies["c"]["secure"] is True
    response = await middleware(RequestFactory().get("/"))
    assert not response.cookies["c"]["secure"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_jwt_cookies_and_the_users_zone_work_async(mentor):
    seen = {}

    async def view(request):
        seen["user"] = request.user
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse("ok")

    stack = JWTCookieMiddleware(UserTimezoneMiddleware(view))
    request = RequestFactory().get("/")
    _refresh, access = await sync.sync_to_async(issue_tokens)(mentor)
    request.COOKIES[settings.JWT_ACCESS_COOKIE] = str(access)
    await stack(request)
    await sync.sync_to_async(connections.close_all)()  # the thread that read the user
    assert seen == {"user": mentor, "zone": "Europe/Berlin"}
    assert request.jwt_authenticated is True


@pytest.mark.asyncio
async def test_opened_page_checks_a_page_load_without_a_thread_switch_in_async_mode():
    middleware = OpenedPageMiddleware(_ok)
    assert asyncio.iscoroutinefunction(middleware)
    assert asyncio.iscoroutinefunction(middleware.process_view)
    request = RequestFactory().post("/mentor/dashboard/")  # not a page load: nothing to read
    assert await middleware.process_view(request, None, (), {}) is None
