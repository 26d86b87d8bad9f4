"""The learner's "Book a 1:1" confirmation page (issue #20 point 3): the picked time in
both zones, price and cancellation terms, then POST → booking.book_slot (instant
booking → a private session; else a pending request). A time that is not free (400)
or was just taken (409) is said plainly, with the day's fresh free times."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import learner_required
from core.errors import ConflictError, DomainError
from sessions_app.availability.picker import slots_by_day
from sessions_app.availability.pricing import price_for
from sessions_app.booking_terms import booking_review
from sessions_app.models import Session

from .booking import book_slot
from .forms import SlotBookForm
from .views import _mentor_or_404

TEMPLATE = "requests_app/slot_book.html"


def _draft(mentor, starts_at, duration: int) -> Session:
    """An unsaved session: what booking_review needs to describe the slot."""
    price = price_for(mentor, duration)
    return Session(
        mentor=mentor,
        title="1:1 session",
        starts_at=starts_at,
        duration_minutes=duration,
        price=price,
    )


def _fresh_times(request, mentor, starts_at, duration: int) -> list:
    by_day = slots_by_day(mentor, request.user.tzinfo, duration)
    day = timezone.localtime(starts_at, request.user.tzinfo).date()
    return by_day.get(day) or next((times for times in by_day.values() if times), [])


def _page(request, mentor, form, *, status=200, error="", outcome=None):
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    starts_at, duration = data.get("starts_at"), data.get("duration")
    context = {"mentor": mentor, "form": form, "error": error, "outcome": outcome}
    if starts_at and duration and not outcome:
        session = _draft(mentor, starts_at, duration)
        context.update(session=session, review=booking_review(session, request.user))
    if error or not starts_at:
        fallback = starts_at or timezone.now() + timedelta(minutes=1)
        context["fresh"] = _fresh_times(request, mentor, fallback, duration or 60)
        context["duration"] = duration or 60
    return render(request, TEMPLATE, context, status=status)


@learner_required
@require_http_methods(["GET", "POST"])
def slot_book(request, mentor_id: int):
    mentor = _mentor_or_404(mentor_id)
    if request.method == "GET":
        form = SlotBookForm(request.GET, initial={"topic": ""})
        form.is_valid()  # the time and duration from the picker; the topic comes next
        form.errors.pop("topic", None)
        bad = form.errors.get("starts_at") or form.errors.get("duration")
        return _page(request, mentor, form, status=400 if bad else 200, error=bad[0] if bad else "")
    form = SlotBookForm(request.POST)
    if not form.is_valid():
        error = (form.errors.get("starts_at") or form.errors.get("duration") or [""])[0]
        return _page(request, mentor, form, status=422, error=error)
    data = form.cleaned_data
    try:
        outcome = book_slot(
            request.user,
            mentor,
            starts_at=data["starts_at"],
            duration_minutes=data["duration"],
            topic=data["topic"],
            message=data["message"],
        )
    except DomainError as error:
        status = 409 if isinstance(error, ConflictError) else 400
        return _page(request, mentor, form, status=status, error=error.message)
    return _page(request, mentor, form, outcome=outcome)
