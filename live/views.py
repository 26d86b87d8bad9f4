"""The live room page, Start / End, and fresh ICE servers for members."""

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import mentor_required, signin_required
from core.errors import DomainError
from sessions_app.queries import get_session_for_mentor
from sessions_app.services import START_WINDOW

from . import chat, queries, services, sfu


def _ended_context(user, member: services.Membership) -> dict:
    """What the ended screen offers: the mentor's summary, the learner's rating link."""
    if member.session.status not in services.ENDED_STATUSES:
        return {"ended": False}
    if member.is_mentor:
        return {"ended": True, "summary": queries.call_summary(member.session)}
    return {"ended": True, "rate_url": queries.rate_url(user, member.session)}


def _room_context(request, member: services.Membership, **extra) -> dict:
    session = member.session
    user = request.user
    online = services.online_user_ids(session.pk)
    people = [dict(p, online=p["user_id"] in online) for p in services.members(session)]
    config = {
        "sessionId": session.pk,
        "socketPath": f"/ws/live/{session.pk}/",  # Channels route: no URL name
        "iceUrl": reverse("live_ice", args=[session.pk]),
        "state": session.status,
        "me": {"userId": user.pk, "name": user.display_name, "role": member.role},
        "members": people,
        "rtc": services.rtc_config(user, session),
        "transport": sfu.transport(session),
    }
    return {
        "session": session,
        "member": member,
        "people": people,
        "config": config,
        "transport": config["transport"],
        "home_url": reverse("sessions_subtab", args=["scheduled"])
        if member.is_mentor
        else reverse("home"),
        "can_start": member.is_mentor and session.is_startable,
        "start_from": session.starts_at - START_WINDOW,
        "chat_max_length": chat.MAX_LENGTH,
        **_ended_context(user, member),
        **extra,
    }


@never_cache
@signin_required
def room(request, session_id: int):
    member = services.get_room_for_user(request.user, session_id)
    if getattr(request, "htmx", False):
        # The page asks when the session ends under it: only the ended panel.
        context = {"session": member.session, "member": member}
        context.update(_ended_context(request.user, member))
        return render(request, "live/room.html#ended_panel", context)
    return render(request, "live/room.html", _room_context(request, member))


@require_POST
@mentor_required
def start(request, session_id: int):
    session = get_session_for_mentor(request.user, session_id)
    try:
        services.start_room(request.user, session)
    except DomainError as exc:
        session.refresh_from_db()
        member = services.Membership(session, "mentor")
        context = _room_context(request, member, start_error=exc.message)
        return render(request, "live/room.html", context, status=exc.status_code)
    url = f"{reverse('live_room', args=[session.pk])}?autojoin=1"  # the mentor pressed Start: straight into the call
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


@require_POST
@mentor_required
def end(request, session_id: int):
    session = get_session_for_mentor(request.user, session_id)
    try:
        services.end_room(request.user, session)
    except DomainError:
        session.refresh_from_db()  # already ended (another tab, the job): nothing to do
    url = reverse("live_room", args=[session.pk])  # the room shows the call's summary
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


@never_cache
@require_GET
@signin_required
def ice(request, session_id: int):
    """Fresh ICE servers (TURN credentials are short-lived); members only."""
    member = services.get_room_for_user(request.user, session_id)
    rtc = services.rtc_config(request.user, member.session)
    return JsonResponse({**rtc, "now": timezone.now().isoformat()})
