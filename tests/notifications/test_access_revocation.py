"""Sign out means now (issue 16, point 4): the notification socket closes at
once on logout or deactivation, and the signed-out cookies can't reopen it."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from mentorhub.asgi import application
from tests.conftest import jwt_client
from tests.support.sockets import pair_cookie, ready_notification_socket, token_pair, ws_headers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

SIGNED_OUT = 4001  # realtime.js refreshes; a signed-out browser then goes to /login/


@sync_to_async
def _log_out(pair) -> int:
    browser = jwt_client(None)
    browser.cookies[settings.JWT_REFRESH_COOKIE], browser.cookies[settings.JWT_ACCESS_COOKIE] = pair
    return browser.post("/logout/").status_code


async def test_signing_out_closes_every_open_notification_socket_of_the_user(mentor, learner):
    pair = await token_pair(mentor)
    tab_one, tab_two = await ready_notification_socket(pair), await ready_notification_socket(pair)
    phone = await ready_notification_socket(
        await token_pair(mentor)
    )  # another device of the same user
    bystander = await ready_notification_socket(await token_pair(learner))

    assert await _log_out(pair) == 302

    for comm in (tab_one, tab_two, phone):
        assert await comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}
    # Someone else's socket is untouched.
    await bystander.send_json_to({"type": "ping", "last_id": 0})
    assert (await bystander.receive_json_from(timeout=2))["type"] == "pong"
    await bystander.disconnect()


async def test_the_signed_out_cookies_cannot_reopen_a_socket(mentor):
    pair = await token_pair(mentor)
    comm = await ready_notification_socket(pair)
    assert await _log_out(pair) == 302
    assert (await comm.receive_output(timeout=2))["code"] == SIGNED_OUT

    # The access token has not expired, but its refresh was revoked at logout.
    again = WebsocketCommunicator(
        application, "/ws/notifications/", headers=ws_headers(pair_cookie(pair))
    )
    connected, _ = await again.connect()
    assert connected  # accepted only to say why it closes
    assert await again.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}

    # A device still signed in (its own refresh token) connects as before.
    other = await ready_notification_socket(await token_pair(mentor))
    await other.disconnect()


async def test_deactivating_an_account_closes_its_notification_socket(mentor):
    comm = await ready_notification_socket(await token_pair(mentor))
    mentor.is_active = False
    await sync_to_async(mentor.save)()
    assert await comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}
