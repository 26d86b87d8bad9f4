""".ics files: one session ("Add to calendar") and the mentor's private feed.

Every event keeps its UID (`session-<id>@host`) and carries SEQUENCE (raised on
each change of time) and STATUS (CANCELLED for a cancelled session, which the
feed keeps for 30 days after its start so subscribed calendars remove it).
Times are written in UTC (`DTSTART:20261025T080000Z`), so calendars place
them correctly on both sides of a daylight-saving change.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import mentor_required, signin_required
from accounts.models import MentorProfile
from core.errors import DomainError

from . import ics
from .models import Booking, Session
from .queries import feed_sessions
from .services import rotate_calendar_token


def _calendar(name: str):
    return ics.calendar(name)


def _event(session: Session, request, *, for_mentor: bool):
    base_url = request.build_absolute_uri("/").rstrip("/")
    return ics.event(session, base_url=base_url, host=request.get_host(), for_mentor=for_mentor)


def _ics_response(cal, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@signin_required
def session_ics(request, pk: int):
    """Add to calendar: the session's mentor or a learner booked on it."""
    try:
        session = (
            Session.objects.visible_to(request.user)
            .select_related("mentor", "mentor__mentor_profile")
            .get(pk=pk)
        )
    except Session.DoesNotExist as exc:
        raise Http404 from exc
    is_mentor = session.mentor_id == request.user.pk
    cancelled = session.status == Session.Status.CANCELLED
    # A cancelled session's learners lost their seat with it: they get the cancellation.
    seats = Booking.objects.filter(session=session, learner_id=request.user.pk)
    booked = (seats if cancelled else seats.filter(status=Booking.Status.BOOKED)).exists()
    if not (is_mentor or booked) or session.status not in (
        Session.Status.SCHEDULED,
        Session.Status.LIVE,
        Session.Status.CANCELLED,
    ):
        raise Http404
    cal = _calendar("MentorHub")
    cal.add_component(_event(session, request, for_mentor=is_mentor))
    return _ics_response(cal, f"mentorhub-session-{session.pk}.ics", attachment=True)


def calendar_feed(request, token: str):
    """The mentor's private feed (no sign-in: calendar apps fetch it with the secret URL)."""
    if len(token) < 20:
        raise Http404
    profile = MentorProfile.objects.select_related("user").filter(calendar_token=token).first()
    if profile is None or not profile.calendar_token:
        raise Http404
    mentor = profile.user
    cal = _calendar(f"MentorHub · {mentor.display_name}")
    cal.add("refresh-interval;value=duration", "PT1H")
    cal.add("x-published-ttl", "PT1H")
    for session in feed_sessions(mentor).select_related("mentor"):
        cal.add_component(_event(session, request, for_mentor=True))
    return _ics_response(cal, "mentorhub.ics", attachment=False)


@mentor_required
@require_POST
def rotate_feed(request):
    """Revoke & create new (htmx POST from the Profile tab card)."""
    try:
        rotate_calendar_token(request.user)
    except DomainError as error:
        return HttpResponse(error.message, status=400)
    # The card reads user.mentor_profile.calendar_token: give it the new one.
    request.user.mentor_profile = MentorProfile.objects.get(user=request.user)
    return render(request, "sessions_app/_calendar_feed_card.html", {"calendar_feed_rotated": True})
