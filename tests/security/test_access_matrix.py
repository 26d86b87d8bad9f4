"""Every route × persona answers as the access matrix says (tests/security/matrix.py).

A route without an entry fails `test_every_route_has_an_entry`: coverage can't rot.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from tests.security.builders import PERSONAS, access_cookie_header, build_world
from tests.security.matrix import ADMIN, ADMIN_PREFIX, LOGIN, MATRIX, WS_MATRIX, routes_of
from tests.security.routes import http_routes, websocket_routes

ROUTES = http_routes()
CASES = [
    pytest.param(key, index, persona, id=f"{route.method} {key} [{index}] {persona}")
    for key in MATRIX
    for index, route in enumerate(routes_of(key))
    for persona in PERSONAS
]


def test_every_route_has_an_entry():
    missing = sorted(set(ROUTES) - set(MATRIX) - {ADMIN_PREFIX})
    assert not missing, (
        "These URL routes have no entry in tests/security/matrix.py MATRIX — add them "
        "(expected status per persona: anon, learner, owner, other, staff):\n"
        + "\n".join(f'    "{route}": Route("/…", ...),  # {ROUTES[route]}' for route in missing)
    )


def test_every_entry_still_names_a_route():
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert not stale, "Matrix entries for routes that no longer exist: " + ", ".join(stale)


def test_every_websocket_route_has_an_entry():
    missing = sorted(set(websocket_routes()) - set(WS_MATRIX))
    assert not missing, "WebSocket routes missing from WS_MATRIX: " + ", ".join(missing)


def call(world, route, persona, *, enforce_csrf=False):
    url = route.url.format(**vars(world))
    if route.api:
        client = world.api_client(persona)
        return getattr(client, route.method.lower())(url, route.payload(world), format="json")
    client = world.page_client(persona, enforce_csrf=enforce_csrf)
    return getattr(client, route.method.lower())(url, route.payload(world))


def matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith("/login/")
    if isinstance(expected, tuple):
        return response.status_code in expected
    return response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "index", "persona"), CASES)
def test_route_answers_as_the_matrix_says(key, index, persona):
    if key not in ROUTES:
        pytest.skip(f"route {key!r} is not in the URL configuration (stale entry)")
    world = build_world()
    route = routes_of(key)[index]
    response = call(world, route, persona)
    expected = route.expect[persona]
    assert matches(response, expected), (
        f"{route.method} {route.url} as {persona}: got {response.status_code} "
        f"{response.get('Location', '')}, expected {expected}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_staff_sessions_only(persona, client):
    world = build_world()
    response = call(world, ADMIN, persona)
    assert matches(response, ADMIN.expect[persona])
    if persona != "staff":
        assert response["Location"].startswith("/admin/login/")
    # Staff sign in to the admin with its own session login; others can't.
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
        status = client.get("/admin/").status_code
        assert status == (200 if persona == "staff" else 302)


WS_CASES = [
    pytest.param(key, persona, id=f"{key} {persona}") for key in WS_MATRIX for persona in PERSONAS
]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("key", "persona"), WS_CASES)
async def test_websocket_route_accepts_only_whom_the_matrix_says(key, persona):
    if key not in websocket_routes():
        pytest.skip(f"WebSocket route {key!r} does not exist yet")
    from mentorhub.asgi import application

    world = await sync_to_async(build_world)()
    entry = WS_MATRIX[key]
    cookie = await sync_to_async(access_cookie_header)(world.user(persona))
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie))
    comm = WebsocketCommunicator(application, entry["path"].format(**vars(world)), headers=headers)
    connected, _code = await comm.connect()
    if connected:
        # Some consumers accept first and close right away with a reason code.
        if not await comm.receive_nothing(timeout=0.3):
            message = await comm.receive_output()
            if message.get("type") == "websocket.close":
                connected = False
        if connected:
            await comm.disconnect()
    assert connected is entry["expect"][persona], f"{key} as {persona}"
