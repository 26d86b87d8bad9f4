"""The learner's bookings on their home (issue #20): cancel one (a confirmation that
states the refund `booking_terms.refund_for` gives now) and move a private one-to-one
to another of the mentor's free slots (a page: the slot picker in the learner's zone,
then a confirmation). The same services as /api/learner/bookings/.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget, trigger_client_event

from accounts.decorators import learner_required
from core.errors import ConflictError, DomainError
from core.timebounds import BoundedDateTimeFormField

from . import messages as msg
from . import services
from .availability import picker
from .booking_terms import booking_review, refund_for
from .models import Booking
from .queries import learner_bookings

CANCEL_DIALOG = "sessions_app/booking_cancel_dialog.html"
CANCEL_PAGE = "sessions_app/booking_cancel_page.html"  # without JS
RESCHEDULE_PAGE = "sessions_app/booking_reschedule.html"


def own_booking(learner, pk: int) -> Booking:
    """The learner's own booking; anyone else's answers 404."""
    return get_object_or_404(
        Booking.objects.select_related(
            "session", "session__mentor", "session__mentor__mentor_profile"
        ),
        pk=pk,
        learner=learner,
    )


def home_bookings(learner) -> dict[str, list[Booking]]:
    """The home's bookings, each upcoming one marked `movable` (Reschedule shown)."""
    bookings = learner_bookings(learner)
    for booking in bookings["upcoming"]:
        booking.movable = services.can_reschedule(booking)
    return bookings


def _section(request, *, status: int = 200, **extra):
    """The home's "My bookings" section after a change (htmx), closing the dialog."""
    context = {"bookings": home_bookings(request.user), **extra}
    response = render(request, "sessions_app/_learner_bookings.html", context, status=status)
    response = reswap(retarget(response, "#my-bookings"), "outerHTML")
    return trigger_client_event(response, "closeDialog", after="receive")


@learner_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk: int):
    booking = own_booking(request.user, pk)
    if request.method == "GET":
        context = {"b": booking, "s": booking.session, "refund": refund_for(booking)}
        template = CANCEL_DIALOG if request.htmx else CANCEL_PAGE
        return render(request, template, {**context, "learner_nav": "home"})
    try:
        booking = services.cancel_booking(request.user, booking)
    except DomainError as error:
        if not request.htmx:
            return HttpResponseRedirect(reverse("home") + "#my-bookings")
        return _section(request, status=409, bookings_error=error.message)
    flash = f"Booking for “{booking.session.title}” cancelled."
    if not request.htmx:
        return HttpResponseRedirect(reverse("home") + "?cancelled=1#my-bookings")
    return _section(request, bookings_flash=flash, refunded=booking)


def _parse_time(value) -> datetime | None:
    """A time from the picker's link or form; unreadable or out of bounds: None."""
    try:
        return BoundedDateTimeFormField(schedulable=True).clean(value) if value else None
    except ValidationError:
        return None


def _reschedule_context(request, booking: Booking, **extra) -> dict:
    session = booking.session
    by_day = picker.slots_by_day(
        session.mentor, request.user.tzinfo, session.duration_minutes, exclude=session.pk
    )
    day = picker.parse_day(request.GET.get("day"), by_day)
    if day is None:
        day = next((d for d, times in by_day.items() if times), next(iter(by_day)))
    context = {
        "learner_nav": "home",
        "b": booking,
        "s": session,
        "movable": services.can_reschedule(booking),
        "days": [(d, len(times)) for d, times in by_day.items()],
        "day": day,
        "times": by_day[day],
        **extra,
    }
    chosen = extra.get("chosen")
    if chosen is not None:
        moved = type(session)(
            mentor=session.mentor, title=session.title, starts_at=chosen, price=session.price
        )
        context["review"] = booking_review(moved, request.user)
    return context


@learner_required
@require_http_methods(["GET", "POST"])
def booking_reschedule(request, pk: int):
    """GET: the free slots (`?day=`), or the confirmation of one (`?starts_at=`);
    POST: move the one-to-one there (reschedule_booking's checks and race safety)."""
    booking = own_booking(request.user, pk)
    if request.method == "GET":
        chosen = _parse_time(request.GET.get("starts_at"))
        context = _reschedule_context(request, booking, chosen=chosen)
        return render(request, RESCHEDULE_PAGE, context)
    chosen = _parse_time(request.POST.get("starts_at"))
    try:
        if chosen is None:
            raise DomainError(msg.RESCHEDULE_PICK_A_TIME, field="starts_at")
        services.reschedule_booking(request.user, booking, chosen)
    except DomainError as error:
        status = 409 if isinstance(error, ConflictError) else 400
        booking.refresh_from_db()
        context = _reschedule_context(request, booking, error=error.message)
        return render(request, RESCHEDULE_PAGE, context, status=status)
    return HttpResponseRedirect(reverse("home") + f"?moved={booking.pk}#booking-{booking.pk}")
