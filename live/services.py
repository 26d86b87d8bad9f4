"""Live rooms: membership, ICE servers (TURN credentials), presence, attendance.

The room is relayed, never recorded: the database holds who was present and
when (Presence rows, one per signaling connection) and the first time each
learner entered (`Booking.joined_at`, which makes the booking "attended" when
the session completes). Pushes to the room and to the mentor's dashboard go
out after commit through notifications.services.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from core.jobs import claim_each
from notifications.services import push_to_group, push_update, recheck_access
from sessions_app import services as session_services
from sessions_app.models import Booking, Session

from .models import Presence

MEMBER_BOOKING_STATUSES = (Booking.Status.BOOKED, Booking.Status.ATTENDED)
# A learner marked no-show at completion still booked the session: they may open
# its (ended) room and read "Session ended" rather than a 403, e.g. from the
# "is live — Join" alert. No-show only exists once the session is over, so this
# never lets anyone into a call.
ROOM_ACCESS_STATUSES = (*MEMBER_BOOKING_STATUSES, Booking.Status.NO_SHOW)
ENDED_STATUSES = (Session.Status.COMPLETED, Session.Status.CANCELLED)


def room_group(session_id: int) -> str:
    return f"live.{session_id}"


# --- Membership -------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    session: Session
    role: str  # "mentor" | "learner"

    @property
    def is_mentor(self) -> bool:
        return self.role == "mentor"


def membership(user, session: Session) -> Membership | None:
    """The user's place in the room: the session's mentor or a booked learner."""
    if user is None or not user.is_authenticated:
        return None
    if session.mentor_id == user.pk:
        return Membership(session, "mentor")
    booked = Booking.objects.filter(
        session=session, learner_id=user.pk, status__in=ROOM_ACCESS_STATUSES
    ).exists()
    return Membership(session, "learner") if booked else None


def current_access(user_id: int, session_id: int) -> str | None:
    """The session's status while the (active) user still belongs in its room, else None.

    Open sockets re-read this when told their access may have changed and on
    a slow heartbeat, so a cancelled booking or a deactivated account leaves.
    """
    session = Session.objects.select_related("mentor").filter(pk=session_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if session is None or user is None:
        return None
    if session.status in ENDED_STATUSES:
        return session.status  # over for everyone (a cancel also released the bookings)
    return session.status if membership(user, session) else None


def booking_saved(sender, instance: Booking, raw: bool = False, **kwargs) -> None:
    """post_save: an operator cancelling a booking in the admin (the services
    write with update() and call recheck_access themselves) closes its room."""
    if not raw and instance.status not in ROOM_ACCESS_STATUSES:
        recheck_access([instance.learner_id])


def session_saved(sender, instance: Session, raw: bool = False, **kwargs) -> None:
    """post_save: a session ended or cancelled in the admin closes its room."""
    if not raw and instance.status in ENDED_STATUSES:
        push_to_group(room_group(instance.pk), {"type": "access.check"})


def get_room_for_user(user, pk) -> Membership:
    """The room the user may enter; other mentors get 404, other learners 403.

    A private session doesn't exist for anyone outside it (404, never 403).
    """
    try:
        session = Session.objects.visible_to(user).select_related("mentor").get(pk=int(pk))
    except (Session.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such session.") from exc
    member = membership(user, session)
    if member is not None:
        return member
    if getattr(user, "is_mentor", False):
        raise Http404("No such session.")  # another mentor's session does not exist for them
    raise PermissionDenied("This room is for the mentor and the learners who booked it.")


def members(session: Session) -> list[dict]:
    """Everyone who belongs in the room (for the participant list)."""
    people = [{"user_id": session.mentor_id, "name": session.mentor.display_name, "role": "mentor"}]
    bookings = (
        Booking.objects.filter(session=session, status__in=MEMBER_BOOKING_STATUSES)
        .select_related("learner")
        .order_by("created_at")
    )
    people += [
        {"user_id": b.learner_id, "name": b.learner.display_name, "role": "learner"}
        for b in bookings
    ]
    return people


# --- ICE servers --------------------------------------------------------------------------


def turn_credentials(user, *, now: float | None = None) -> dict[str, str]:
    """coturn REST-API credentials (`use-auth-secret`): valid until `expiry`.

    username = "<expiry unix time>:<user id>", credential =
    base64(HMAC-SHA1(static-auth-secret, username)). coturn recomputes the
    HMAC and refuses the allocation once the expiry has passed.
    """
    expiry = int(now if now is not None else time.time()) + settings.WEBRTC_TURN_TTL_SECONDS
    username = f"{expiry}:{user.pk}"
    digest = hmac.new(
        settings.WEBRTC_TURN_SECRET.encode(), username.encode(), hashlib.sha1
    ).digest()
    return {"username": username, "credential": base64.b64encode(digest).decode()}


def ice_servers(user) -> list[dict]:
    """RTCPeerConnection iceServers for a member; TURN only when configured."""
    servers: list[dict] = []
    if settings.WEBRTC_STUN_URLS:
        servers.append({"urls": list(settings.WEBRTC_STUN_URLS)})
    if settings.WEBRTC_TURN_URLS and settings.WEBRTC_TURN_SECRET:
        servers.append({"urls": list(settings.WEBRTC_TURN_URLS), **turn_credentials(user)})
    return servers


def rtc_config(user, session: Session | None = None) -> dict:
    """The page's RTCConfiguration; an ended session's room mints no TURN credentials."""
    policy = settings.WEBRTC_ICE_TRANSPORT_POLICY
    over = session is not None and session.status in ENDED_STATUSES
    return {
        "iceServers": [] if over else ice_servers(user),
        "iceTransportPolicy": "relay" if policy == "relay" else "all",
        # Renew a little before the TURN credentials expire.
        "refreshAfterSeconds": max(settings.WEBRTC_TURN_TTL_SECONDS - 60, 30),
    }


# --- Start / end ------------------------------------------------------------------------


def start_room(mentor, session: Session) -> Session:
    """Start the session (Sessions' service) and tell waiting pages, after commit."""
    session = session_services.start_session(mentor, session)
    push_to_group(room_group(session.pk), {"type": "room.state", "state": session.status})
    return session


def end_room(mentor, session: Session) -> Session:
    """End the session for everyone: completed, attendance settled, sockets told
    (by close_room, which runs on the completion signal)."""
    return session_services.end_session(mentor, session)


def close_room(sender=None, session: Session | None = None, **kwargs) -> None:
    """`session_completed` receiver: however a session ends (the mentor, the
    periodic job), open presences close and every page in the room hears it
    after commit."""
    if session is None:
        return
    now = timezone.now()
    Presence.objects.filter(session=session, left_at__isnull=True).update(
        left_at=now, last_seen_at=now
    )
    push_to_group(room_group(session.pk), {"type": "room.state", "state": session.status})
    _push_room_presence(session)


# --- Presence -------------------------------------------------------------------------------


def record_join(user, session_id: int, channel_name: str, peer_id: str) -> list[Presence]:
    """A member entered the call on this connection; returns the rows it replaced.

    Older open rows of the same user in this room are closed (a reload or a
    second tab replaces the first: no ghost). A learner's first join stamps
    the booking's `joined_at` once (attendance).
    """
    now = timezone.now()
    with transaction.atomic():
        older = Presence.objects.filter(
            session_id=session_id, user=user, left_at__isnull=True
        ).exclude(channel_name=channel_name)
        replaced = list(older)
        if replaced:
            Presence.objects.filter(pk__in=[r.pk for r in replaced]).update(
                left_at=now, last_seen_at=now
            )
        Presence.objects.create(
            session_id=session_id, user=user, channel_name=channel_name, peer_id=peer_id
        )
        Booking.objects.filter(
            session_id=session_id,
            learner=user,
            status__in=MEMBER_BOOKING_STATUSES,
            joined_at__isnull=True,
        ).update(joined_at=now)
        _push_room_presence_for(session_id)
    return replaced


def record_leave(channel_name: str) -> list[Presence]:
    """The connection closed: its open presence rows get `left_at`."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(Presence.objects.filter(channel_name=channel_name, left_at__isnull=True))
        if rows:
            Presence.objects.filter(pk__in=[r.pk for r in rows]).update(
                left_at=now, last_seen_at=now
            )
            for session_id in {r.session_id for r in rows}:
                _push_room_presence_for(session_id)
    return rows


def touch(channel_name: str) -> bool:
    """Heartbeat: the connection is alive. False when its presence was closed."""
    return bool(
        Presence.objects.filter(channel_name=channel_name, left_at__isnull=True).update(
            last_seen_at=timezone.now()
        )
    )


def close_stale_presence() -> int:
    """Periodic job: close presences whose socket went silent (a crashed server,
    a lost network) so they don't haunt the room, and tell the room."""
    cutoff = timezone.now() - timedelta(seconds=settings.LIVE_PRESENCE_TIMEOUT_SECONDS)
    stale = Presence.objects.filter(left_at__isnull=True, last_seen_at__lt=cutoff).order_by(
        "last_seen_at"
    )

    def claim(rows) -> int:
        return rows.filter(left_at__isnull=True).update(left_at=F("last_seen_at"))

    def tell(presence) -> None:
        push_to_group(
            room_group(presence.session_id), {"type": "room.gone", "peer": presence.peer_id}
        )
        _push_room_presence_for(presence.session_id)

    return claim_each(stale, tell, claim=claim, label="live.close_stale_presence")


def open_peers(session_id: int, *, exclude_channel: str = "") -> list[dict]:
    """Peers in the call now (one per user: the newest connection)."""
    # Rows silent for longer than a few heartbeats are likely ghosts of a
    # crashed server; the stale-presence job closes them soon.
    fresh = timezone.now() - timedelta(seconds=min(45, settings.LIVE_PRESENCE_TIMEOUT_SECONDS))
    rows = (
        Presence.objects.filter(
            session_id=session_id, left_at__isnull=True, last_seen_at__gte=fresh
        )
        .exclude(channel_name=exclude_channel)
        .select_related("user", "user__mentor_profile")
        .order_by("joined_at")
    )
    session_mentor = Session.objects.filter(pk=session_id).values_list("mentor_id", flat=True)
    mentor_id = session_mentor.first()
    peers = {}
    for row in rows:
        peers[row.user_id] = {
            "peer": row.peer_id,
            "user_id": row.user_id,
            "name": row.user.display_name,
            "role": "mentor" if row.user_id == mentor_id else "learner",
        }
    return list(peers.values())


def online_user_ids(session_id: int) -> set[int]:
    return set(
        Presence.objects.filter(session_id=session_id, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )


def room_names(session: Session) -> list[str]:
    """Names of the people in the call right now, mentor first."""
    online = online_user_ids(session.pk)
    return [m["name"] for m in members(session) if m["user_id"] in online]


def _push_room_presence_for(session_id: int) -> None:
    mentor_id = Session.objects.filter(pk=session_id).values_list("mentor_id", flat=True).first()
    if mentor_id is not None:
        push_update(mentor_id, "room_presence", session_id=session_id)


def _push_room_presence(session: Session) -> None:
    """The mentor's dashboard shows who is in the room (id="room-<session id>")."""
    push_update(session.mentor_id, "room_presence", session_id=session.pk)
