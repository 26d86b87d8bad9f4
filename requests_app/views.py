"""The Requests tab (mentor) with its Accept/Decline dialogs, and the learner's
"Request a session" page and Withdraw confirmation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget, trigger_client_event

from accounts.decorators import learner_required, mentor_required
from core.dashboard import cached_tab, render_tab
from core.errors import ConflictError, DomainError
from sessions_app.availability import picker
from sessions_app.availability.pricing import price_for

from . import services
from .forms import CUSTOM, AcceptForm, DeclineForm, RequestForm
from .fragments import requests_version
from .queries import (
    FILTERS,
    filter_counts,
    get_request_for_learner,
    get_request_for_mentor,
    learner_requests,
    overlapping_sessions,
    requests_page,
)

PAGE_SIZE = 10
TAB_URL = reverse_lazy("requests_tab")
ACCEPT_FIELDS = {"scheduled_at": "choice"}


def _which(value: str | None) -> str:
    return value if value in dict(FILTERS) else "pending"


def _tab_context(request, which: str, **extra) -> dict:
    params = request.POST if request.method == "POST" else request.GET
    page = requests_page(request.user, which, params.get("page"), PAGE_SIZE)  # rows cached
    counts = filter_counts(request.user, page)
    return {
        "which": which,
        "filters": [(key, label, counts[key]) for key, label in FILTERS],
        "page": page,
        "pending_count": counts["pending"],
        "pending_requests": counts["pending"],  # the tab badge: already counted here
        "now": timezone.now(),
        # The list reloads when this stamp changes (a learner sent a request).
        "requests_version": requests_version(request.user.pk),
        **extra,
    }


@mentor_required
@require_GET
@cached_tab
def requests_tab(request):
    which = _which(request.GET.get("filter"))
    return render_tab(
        request, "requests_app/requests_tab.html", _tab_context(request, which), tab="requests"
    )


def _answered(request, flash: str):
    """After Accept/Decline: the refreshed list replaces the old one, the dialog closes."""
    if not request.htmx:
        return HttpResponseRedirect(TAB_URL)
    context = _tab_context(request, _which(request.POST.get("filter")), flash=flash)
    response = render(request, "requests_app/requests_tab.html#listing", context)
    response = retarget(response, "#requests-listing")
    response = reswap(response, "outerHTML")
    return trigger_client_event(response, "closeDialog", after="receive")


def _dialog(request, template: str, context: dict, *, status: int = 200):
    if request.htmx:
        if request.method == "POST":
            template += "#form"  # the dialog stays open; only its form re-renders
        return render(request, template, context, status=status)
    # No htmx (deep link, no JS): the tab with the dialog open.
    context = _tab_context(request, "pending", open_dialog=template, **context)
    return render_tab(
        request, "requests_app/requests_tab.html", context, tab="requests", status=status
    )


def _accept_context(request, request_obj, form: AcceptForm, **extra) -> dict:
    scheduled = form.scheduled_at_or_none() if form.is_bound else None
    if not form.is_bound:
        choice = form.initial.get("choice")
        if choice not in (None, CUSTOM):
            scheduled = request_obj.preferred_datetimes[int(choice)]
    overlaps = (
        overlapping_sessions(request.user, scheduled, request_obj.duration_minutes)
        if scheduled
        else []
    )
    return {
        "r": request_obj,
        "form": form,
        "overlaps": overlaps,
        "chosen": scheduled,
        "price": price_for(request.user, request_obj.duration_minutes),
        "any_free": any(o.state == "free" for o in form.options),
        **extra,
    }


@mentor_required
@require_http_methods(["GET", "POST"])
def request_accept(request, pk: int):
    request_obj = get_request_for_mentor(request.user, pk)
    template = "requests_app/accept_dialog.html"
    if request.method == "GET":
        form = AcceptForm(mentor=request.user, request_obj=request_obj)
        return _dialog(request, template, _accept_context(request, request_obj, form))
    form = AcceptForm(request.POST, mentor=request.user, request_obj=request_obj)
    if form.is_valid():
        try:
            services.accept_request(request.user, request_obj, form.cleaned_data["scheduled_at"])
        except ConflictError as error:
            context = _accept_context(request, request_obj, form, conflict=error.message)
            return _dialog(request, template, context, status=409)
        except DomainError as error:
            form.add_domain_error(error, ACCEPT_FIELDS)
        else:
            when = services.local_label(request.user, form.cleaned_data["scheduled_at"])
            return _answered(
                request,
                f"Accepted — “{request_obj.topic}” is scheduled for {when}. "
                f"{request_obj.learner.display_name} is booked and was told.",
            )
    return _dialog(request, template, _accept_context(request, request_obj, form), status=422)


@mentor_required
@require_GET
def accept_overlap(request, pk: int):
    """The overlap warning for the time selected in the Accept dialog (htmx, on change)."""
    request_obj = get_request_for_mentor(request.user, pk)
    data = request.GET.copy()
    typed_custom = bool(request.htmx and request.htmx.trigger == "id_custom_at")
    if typed_custom:
        data["choice"] = CUSTOM  # typing a custom time selects that option
    form = AcceptForm(data, mentor=request.user, request_obj=request_obj)
    context = _accept_context(request, request_obj, form, select_custom=typed_custom)
    return render(request, "requests_app/accept_dialog.html#overlap", context)


@mentor_required
@require_http_methods(["GET", "POST"])
def request_decline(request, pk: int):
    request_obj = get_request_for_mentor(request.user, pk)
    template = "requests_app/decline_dialog.html"
    if request.method == "GET":
        return _dialog(request, template, {"r": request_obj, "form": DeclineForm()})
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_request(request.user, request_obj, form.cleaned_data["reason"])
        except ConflictError as error:
            context = {"r": request_obj, "form": form, "conflict": error.message}
            return _dialog(request, template, context, status=409)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _answered(
                request,
                f"Declined. {request_obj.learner.display_name} was told"
                + (" with your reason." if form.cleaned_data["reason"] else "."),
            )
    return _dialog(request, template, {"r": request_obj, "form": form}, status=422)


# --- Learner ------------------------------------------------------------------------------


def _mentor_or_404(pk: int):
    user = (
        get_user_model()
        .objects.select_related("mentor_profile")
        .filter(pk=pk, role="mentor", is_active=True)
        .first()
    )
    if user is None:
        raise Http404("No such mentor.")
    return user


@learner_required
@require_http_methods(["GET", "POST"])
def request_new(request, mentor_id: int):
    mentor = _mentor_or_404(mentor_id)
    form = RequestForm(
        request.POST or None,
        learner=request.user,
        mentor=mentor,
        offered=picker.durations(mentor),  # None: no weekly hours, typed times instead
        duration=request.GET.get("duration_minutes"),
    )
    if request.method == "GET" and request.htmx and form.slot_mode:
        # Another duration chosen: only the free times of that length re-render.
        context = {"mentor": mentor, "form": form}
        return render(request, "requests_app/request_form.html#slots", context)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.create_request(request.user, mentor, **form.service_fields())
            except DomainError as error:
                field = "slots" if form.slot_mode else "time_1"
                form.add_domain_error(error, {"preferred_times": field})
            else:
                return HttpResponseRedirect("/?request_sent=1#my-requests")
        status = 422
    context = {
        "learner_nav": "mentors",
        "mentor": mentor,
        "form": form,
        "pending_with_mentor": learner_requests(request.user)
        .filter(mentor=mentor, status="pending")
        .count(),
        "max_pending": services.MAX_PENDING_PER_MENTOR,
    }
    return render(request, "requests_app/request_form.html", context, status=status)


@learner_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request, pk: int):
    request_obj = get_request_for_learner(request.user, pk)
    if request.method == "GET":
        return render(request, "requests_app/withdraw_dialog.html", {"r": request_obj})
    error = ""
    try:
        services.withdraw_request(request.user, request_obj)
    except DomainError as exc:
        error = exc.message
    if not request.htmx:
        return HttpResponseRedirect("/#my-requests")
    context = {
        "session_requests": learner_requests(request.user, limit=20),
        "requests_flash": "" if error else "Request withdrawn.",
        "requests_error": error,
    }
    response = render(
        request, "requests_app/_learner_requests.html", context, status=409 if error else 200
    )
    response = retarget(response, "#my-requests")
    response = reswap(response, "outerHTML")
    return trigger_client_event(response, "closeDialog", after="receive")
