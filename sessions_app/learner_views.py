"""Learner pages: home (bookings, requests, reviews), catalogue, session detail, booking,
the review form.

`/` is the learner's home. Apps above sessions_app in the layers (requests_app)
add their section to it with a template tag of their own in
sessions_app/learner_home.html, so this module never imports them.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from accounts.decorators import learner_required, signin_required
from core.errors import DomainError
from core.formatting import money_label

from . import services
from .booking_terms import booking_review, cancellation_terms, refund_for
from .forms import CatalogFilterForm
from .learner_booking_views import home_bookings
from .models import Review
from .queries import (
    active_booking,
    booked_session_ids,
    catalog_sessions,
    visible_session_for_learner,
    waiting_session_ids,
)
from .services import reviews
from .services.reviews import sessions_to_review

CATALOG_PAGE_SIZE = 12
RATING_CHOICES = [(5, "Excellent"), (4, "Good"), (3, "Okay"), (2, "Poor"), (1, "Bad")]


def home(request):
    """`/`: the learner's home; mentors go to their dashboard."""
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.is_mentor:
        return redirect("dashboard")
    return learner_home(request)


@learner_required
def learner_home(request):
    flash = ""
    if request.GET.get("moved"):
        flash = "Your session was moved. The mentor was told; its calendar entry has the new time."
    elif request.GET.get("cancelled"):
        flash = "Your booking was cancelled."
    context = {
        "learner_nav": "home",
        "bookings_flash": flash,
        "bookings": home_bookings(request.user),
        "sessions_to_review": sessions_to_review(request.user),
    }
    return render(request, "sessions_app/learner_home.html", context)


@signin_required
def catalog(request):
    form = CatalogFilterForm(request.GET or None)
    query, on = "", None
    if form.is_valid():
        query, on = form.cleaned_data["q"], form.cleaned_data["date"]
    sessions = catalog_sessions(query=query, on=on, tz=request.user.tzinfo)
    page = Paginator(sessions, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "learner_nav": "catalog",
        "form": form,
        "page": page,
        "booked_ids": booked_session_ids(request.user, [s.pk for s in page]),
        "waiting_ids": waiting_session_ids(request.user, [s.pk for s in page]),
        "filtered": bool(query or on),
        "querystring": _without_page(request.GET),
    }
    if request.htmx and request.htmx.target == "catalog-results":
        return render(request, "sessions_app/catalog.html#results", context)
    return render(request, "sessions_app/catalog.html", context)


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _detail_context(request, session, **extra) -> dict:
    learner = request.user.is_learner
    booking = active_booking(request.user, session) if learner else None
    waiting = services.waiting_entry(request.user, session) if learner and not booking else None
    return {
        "learner_nav": "catalog",
        "session": session,
        "booking": booking,
        "mentor": session.mentor,
        # The mentor's cancellation policy in plain words (before booking and after).
        "terms": cancellation_terms(session, request.user) if session.status == "scheduled" else "",
        "waitlist_position": services.position_of(waiting) if waiting else None,
        **extra,
    }


@signin_required
def session_detail(request, pk: int):
    session = visible_session_for_learner(request.user, pk)
    return render(request, "sessions_app/session_detail.html", _detail_context(request, session))


def _booking_panel(request, session, *, status: int = 200, **extra):
    """The page's whole booking section (counts, status, actions) after a change."""
    session.refresh_from_db()
    context = _detail_context(request, session, **extra)
    if request.htmx:
        response = render(
            request, "sessions_app/session_detail.html#booking", context, status=status
        )
        return trigger_client_event(response, "closeDialog")
    if status == 200:
        return HttpResponseRedirect(reverse("session_detail", args=[session.pk]))
    return render(request, "sessions_app/session_detail.html", context, status=status)


def _book_confirmation(request, session):
    """The review before booking: a dialog for htmx, a page of its own without JS."""
    try:
        services.check_bookable(request.user, session)
    except DomainError:  # booked, full or closed meanwhile: the section says which
        response = _booking_panel(request, session, status=409)
        if request.htmx:
            return reswap(retarget(response, "#booking-section"), "outerHTML")
        return response
    context = {
        "learner_nav": "catalog",
        "session": session,
        "mentor": session.mentor,
        "review": booking_review(session, request.user),
    }
    if request.htmx:
        return render(request, "sessions_app/book_dialog.html", context)
    return render(request, "sessions_app/book_confirm.html", context)


@learner_required
@require_http_methods(["GET", "POST"])
def book(request, pk: int):
    """GET: review time, price and terms; POST: take the seat."""
    session = visible_session_for_learner(request.user, pk)
    if request.method == "GET":
        return _book_confirmation(request, session)
    try:
        services.book_session(request.user, session)
    except DomainError as error:
        return _booking_panel(request, session, status=409, error=error.message)
    return _booking_panel(request, session, just_booked=True)


@learner_required
@require_http_methods(["GET", "POST"])
def cancel_booking(request, pk: int):
    session = visible_session_for_learner(request.user, pk)
    booking = active_booking(request.user, session)
    if request.method == "GET":
        refund = refund_for(booking) if booking is not None else None
        if request.htmx:
            context = {"session": session, "kind": "unbook", "refund": refund}
            return render(request, "sessions_app/confirm_dialog.html", context)
        context = _detail_context(
            request,
            session,
            kind="unbook",
            refund=refund,
            open_dialog="sessions_app/confirm_dialog.html",
        )
        return render(request, "sessions_app/session_detail.html", context)
    if booking is None:
        return _booking_panel(
            request, session, status=409, error="You have no booking for this session."
        )
    try:
        booking = services.cancel_booking(request.user, booking)
    except DomainError as error:
        return _booking_panel(request, session, status=409, error=error.message)
    flash = "Your booking was cancelled."
    if booking.amount_paid:
        refund = money_label(booking.refund_amount or 0, settings.PLATFORM_CURRENCY)
        flash += f" Refund: {refund}."
    return _booking_panel(request, session, flash=flash)


@learner_required
@require_POST
def waitlist(request, pk: int):
    """Join (or, with `leave`, leave) the waitlist of a full session."""
    session = visible_session_for_learner(request.user, pk)
    leaving = request.POST.get("action") == "leave"
    try:
        if leaving:
            services.leave_waitlist(request.user, session)
        else:
            services.join_waitlist(request.user, session)
    except DomainError as error:
        return _booking_panel(request, session, status=409, error=error.message)
    flash = "You left the waitlist." if leaving else "You're on the waitlist."
    return _booking_panel(request, session, flash=flash)


@learner_required
@require_http_methods(["GET", "POST"])
def review_form(request, pk: int):
    session = reviews.session_for_review(request.user, pk)  # 404 unless the learner booked it
    existing = Review.objects.filter(session=session, learner=request.user).first()
    context = {
        "learner_nav": "home",
        "session": session,
        "review": existing,
        "choices": RATING_CHOICES,
        "max_comment": reviews.MAX_COMMENT,
        "thanks": request.GET.get("thanks") == "1" and existing is not None,
        "errors": {},
        "values": {"rating": "", "comment": ""},
    }
    if existing is None:
        try:
            reviews.check_can_review(request.user, session)
        except DomainError as error:
            context["blocked"] = error.message
    if request.method == "GET" or existing is not None or context.get("blocked"):
        status = 200 if request.method == "GET" else 400
        return render(request, "sessions_app/review_form.html", context, status=status)

    values = {"rating": request.POST.get("rating", ""), "comment": request.POST.get("comment", "")}
    try:
        reviews.leave_review(request.user, session, values["rating"], values["comment"])
    except DomainError as error:
        context["errors"] = {error.field or "session": error.message}
        context["values"] = values
        return render(request, "sessions_app/review_form.html", context, status=422)
    return HttpResponseRedirect(f"{reviews.review_url(session.pk)}?thanks=1")
