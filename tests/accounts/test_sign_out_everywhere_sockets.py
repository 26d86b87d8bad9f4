"""Sign out everywhere closes every open socket of the user at once, and the
other devices' cookies cannot reopen one (their refresh tokens are revoked)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from mentorhub.asgi import application
from tests.conftest import jwt_client
from tests.support.sockets import pair_cookie, ready_notification_socket, token_pair, ws_headers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

SIGNED_OUT = 4001


@sync_to_async
def _sign_out_everywhere(pair) -> int:
    browser = jwt_client(None)
    browser.cookies[settings.JWT_REFRESH_COOKIE], browser.cookies[settings.JWT_ACCESS_COOKIE] = pair
    return browser.post("/account/sign-out-everywhere/").status_code


@sync_to_async
def _page_status(pair) -> int:
    browser = jwt_client(None)
    browser.cookies[settings.JWT_REFRESH_COOKIE], browser.cookies[settings.JWT_ACCESS_COOKIE] = pair
    return browser.get("/account/").status_code


async def test_it_closes_every_socket_of_the_user_and_no_device_can_reconnect(mentor, learner):
    here, phone = await token_pair(mentor), await token_pair(mentor)
    sockets = [
        await ready_notification_socket(here),
        await ready_notification_socket(phone),
        await ready_notification_socket(phone),
    ]
    bystander = await ready_notification_socket(await token_pair(learner))

    assert await _sign_out_everywhere(here) == 302

    for comm in sockets:
        assert await comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}
    # The phone's cookies (its own refresh token) are revoked too: no page, no socket.
    assert await _page_status(phone) == 302
    again = WebsocketCommunicator(
        application, "/ws/notifications/", headers=ws_headers(pair_cookie(phone))
    )
    connected, _ = await again.connect()
    assert connected  # accepted only to say why it closes
    assert await again.receive_output(timeout=2) == {"type": "websocket.close", "code": SIGNED_OUT}
    # Someone else's socket is untouched.
    await bystander.send_json_to({"type": "ping", "last_id": 0})
    assert (await bystander.receive_json_from(timeout=2))["type"] == "pong"
    await bystander.disconnect()
