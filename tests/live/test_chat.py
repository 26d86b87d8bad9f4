"""The room's text chat over /ws/live/<id>/: stored, broadcast, cleaned, rate-limited."""

import json

import pytest
from asgiref.sync import sync_to_async

from live import chat
from live.models import ChatMessage
from sessions_app.models import Booking, Session
from tests.live.builders import book, make_session
from tests.support import sockets
from tests.support.sockets import ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

stored = sync_to_async(
    lambda session: list(
        ChatMessage.objects.filter(session=session).order_by("id").values_list("author_id", "text")
    )
)


async def connect(user, session_id):
    comm = await ws(user, f"/ws/live/{session_id}/")
    hello = await comm.receive_json_from(timeout=2)
    assert hello["type"] == "hello"
    return comm, hello


async def next_of(comm, kind: str) -> dict:
    while True:
        frame = await comm.receive_json_from(timeout=3)
        if frame["type"] == kind:
            return frame


async def say(comm, text) -> None:
    await comm.send_json_to({"type": "chat", "text": text})


async def test_a_message_is_stored_and_reaches_every_member_at_once(mentor, learner, live_session):
    m, _ = await connect(mentor, live_session.pk)
    lrn, _ = await connect(learner, live_session.pk)  # not in the call yet: still hears it

    await say(lrn, "  Hello <b>everyone</b>  ")
    to_mentor = (await next_of(m, "chat"))["message"]
    to_learner = (await next_of(lrn, "chat"))["message"]  # the sender hears it back

    assert to_mentor == to_learner
    assert to_mentor["author"] == learner.pk
    assert to_mentor["author_name"] == learner.display_name
    assert to_mentor["text"] == "Hello <b>everyone</b>"  # plain text: escaped where shown
    assert to_mentor["created_at"].endswith("+00:00")
    assert await stored(live_session) == [(learner.pk, "Hello <b>everyone</b>")]
    assert to_mentor["id"] == (await sync_to_async(ChatMessage.objects.get)()).pk
    await m.disconnect()
    await lrn.disconnect()


async def test_control_and_bidi_characters_are_stripped(mentor, live_session):
    m, _ = await connect(mentor, live_session.pk)
    await say(m, "a\x00b\x07c\u202eevil\u2066\r\nnext\tline")
    message = (await next_of(m, "chat"))["message"]
    assert message["text"] == "abcevil\nnext line"
    assert await stored(live_session) == [(mentor.pk, "abcevil\nnext line")]
    await m.disconnect()


async def test_a_message_over_the_limit_is_refused_with_a_clear_error(mentor, live_session):
    m, _ = await connect(mentor, live_session.pk)
    await say(m, "x" * (chat.MAX_LENGTH + 1))
    error = await next_of(m, "error")
    assert error == {"type": "error", "code": "chat_too_long", "message": chat.TOO_LONG}
    # Exactly the limit is fine, and the socket is still open.
    await say(m, "y" * chat.MAX_LENGTH)
    assert len((await next_of(m, "chat"))["message"]["text"]) == chat.MAX_LENGTH
    assert len(await stored(live_session)) == 1
    await m.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "chat"},
        {"type": "chat", "text": None},
        {"type": "chat", "text": 42},
        {"type": "chat", "text": ["hi"]},
        {"type": "chat", "text": {"nested": "hi"}},
        {"type": "chat", "text": "   \n\t "},
        {"type": "chat", "text": "\x00\x01\u202e"},
    ],
)
async def test_malformed_chat_frames_answer_an_error_and_keep_the_socket(
    mentor, live_session, frame
):
    m, _ = await connect(mentor, live_session.pk)
    await m.send_json_to(frame)
    error = await next_of(m, "error")
    assert error["code"] in ("chat_invalid", "chat_empty")
    await m.send_to(text_data='{"type": "chat", "text": "ok"')  # broken JSON
    assert (await next_of(m, "error"))["code"] == "malformed"
    await say(m, "still here")
    assert (await next_of(m, "chat"))["message"]["text"] == "still here"
    assert await stored(live_session) == [(mentor.pk, "still here")]
    await m.disconnect()


async def test_a_sender_over_five_messages_in_five_seconds_is_told_to_slow_down(
    mentor, learner, live_session
):
    m, _ = await connect(mentor, live_session.pk)
    lrn, _ = await connect(learner, live_session.pk)
    for i in range(chat.RATE_MAX_MESSAGES):
        await say(lrn, f"message {i}")
        await next_of(lrn, "chat")
    await say(lrn, "one too many")
    error = await next_of(lrn, "error")
    assert error == {"type": "error", "code": "chat_rate_limited", "message": chat.RATE}
    # The limit is per sender: the mentor still talks, and the learner's socket lives on.
    await say(m, "slow down please")
    assert (await next_of(lrn, "chat"))["message"]["text"] == "slow down please"
    await lrn.send_json_to({"type": "ping"})
    assert (await next_of(lrn, "pong"))["session"] == "live"
    texts = [text for _, text in await stored(live_session)]
    assert "one too many" not in texts and len(texts) == chat.RATE_MAX_MESSAGES + 1
    await m.disconnect()
    await lrn.disconnect()


async def test_the_rate_limit_counts_every_socket_of_the_sender(learner, live_session):
    first, _ = await connect(learner, live_session.pk)
    second, _ = await connect(learner, live_session.pk)
    for i in range(chat.RATE_MAX_MESSAGES):
        await say(first if i % 2 else second, f"m{i}")
        await next_of(first, "chat")
    await say(first, "sixth")
    assert (await next_of(first, "error"))["code"] == "chat_rate_limited"
    assert len(await stored(live_session)) == chat.RATE_MAX_MESSAGES
    await first.disconnect()
    await second.disconnect()


async def test_non_members_cannot_open_the_room_socket(other_learner, other_mentor, live_session):
    for user in (other_learner, other_mentor):
        comm = await sockets.communicator(user, f"/ws/live/{live_session.pk}/")
        connected, _ = await comm.connect()
        assert not connected
    assert await stored(live_session) == []


async def test_a_learner_whose_booking_was_cancelled_cannot_post(learner, live_session):
    comm, _ = await connect(learner, live_session.pk)
    # Cancelled under the open socket (no push in this test): the service re-reads it.
    await sync_to_async(
        lambda: Booking.objects.filter(session=live_session, learner=learner).update(
            status=Booking.Status.CANCELLED
        )
    )()
    await say(comm, "am I still here?")
    error = await next_of(comm, "error")
    assert error["code"] == "chat_forbidden"
    assert await stored(live_session) == []
    await comm.disconnect()


async def test_the_chat_is_closed_before_the_session_starts(mentor, learner):
    session = await sync_to_async(make_session)(mentor, status=Session.Status.SCHEDULED)
    await sync_to_async(book)(session, learner)
    comm, _ = await connect(learner, session.pk)
    await say(comm, "early bird")
    assert await next_of(comm, "error") == {
        "type": "error",
        "code": "chat_closed",
        "message": chat.NOT_LIVE,
    }
    assert await stored(session) == []
    await comm.disconnect()


async def test_a_reconnecting_page_gets_the_recent_history_in_hello(mentor, learner, live_session):
    m, _ = await connect(mentor, live_session.pk)
    await say(m, "first")
    await next_of(m, "chat")
    lrn, _ = await connect(learner, live_session.pk)
    await say(lrn, "second")
    await next_of(m, "chat")
    await m.disconnect()  # the mentor's network drops …
    await say(lrn, "while you were away")
    await next_of(lrn, "chat")

    m, hello = await connect(mentor, live_session.pk)  # … and comes back
    history = hello["chat"]
    assert [h["text"] for h in history] == ["first", "second", "while you were away"]
    assert [h["author"] for h in history] == [mentor.pk, learner.pk, learner.pk]
    assert set(history[0]) == {"id", "author", "author_name", "text", "created_at"}
    await m.disconnect()
    await lrn.disconnect()


async def test_the_history_holds_only_the_last_messages(mentor, live_session):
    def many():
        ChatMessage.objects.bulk_create(
            ChatMessage(session=live_session, author=mentor, text=f"line {i}")
            for i in range(chat.HISTORY_SIZE + 10)
        )

    await sync_to_async(many)()
    m, hello = await connect(mentor, live_session.pk)
    texts = [h["text"] for h in hello["chat"]]
    assert len(texts) == chat.HISTORY_SIZE
    assert texts[0] == "line 10" and texts[-1] == f"line {chat.HISTORY_SIZE + 9}"
    await m.disconnect()


async def test_a_message_of_another_room_never_arrives(mentor, learner, live_session):
    other = await sync_to_async(make_session)(mentor, title="Another room")
    await sync_to_async(book)(other, learner)
    here, _ = await connect(mentor, live_session.pk)
    there, _ = await connect(learner, other.pk)
    await say(there, "wrong room?")
    await next_of(there, "chat")
    await say(here, "right room")
    assert (await next_of(here, "chat"))["message"]["text"] == "right room"  # not "wrong room?"
    await here.disconnect()
    await there.disconnect()


async def test_an_oversized_chat_frame_closes_like_any_other(mentor, live_session):
    m, _ = await connect(mentor, live_session.pk)
    await m.send_to(text_data=json.dumps({"type": "chat", "text": "z" * 70_000}))
    assert (await next_of(m, "error"))["code"] == "too_large"
    assert await stored(live_session) == []
    await m.disconnect()
