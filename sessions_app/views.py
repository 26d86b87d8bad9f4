"""My Sessions tab (mentor): subtabs, the Create/Edit dialog and row actions."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, reswap, retarget, trigger_client_event

from accounts.decorators import mentor_required
from core.dashboard import cached_tab, render_tab
from core.errors import DomainError

from . import messages as msg
from . import services
from .forms import CancelForm, OverlapCheckForm, RescheduleForm, SessionForm
from .fragments import scheduled_version
from .models import Session
from .queries import (
    DEFAULT_ORDER,
    ORDERINGS,
    SUBTABS,
    get_session_for_mentor,
    overlapping_sessions,
    session_participants,
    session_row,
    sessions_page,
    subtab_counts,
)

PAGE_SIZE = 20
TAB_OF_STATUS = {
    Session.Status.DRAFT: "draft",
    Session.Status.SCHEDULED: "scheduled",
    Session.Status.LIVE: "scheduled",
    Session.Status.COMPLETED: "past",
    Session.Status.CANCELLED: "past",
}


def _subtab(value: str | None, default: str = "scheduled") -> str:
    return value if value in dict(SUBTABS) else default


def _panel_context(request, status: str, **extra) -> dict:
    params = request.POST if request.method == "POST" else request.GET
    order = params.get("order")
    order = order if order in ORDERINGS else DEFAULT_ORDER[status]
    # Its rendered rows are cached (the template's {% cachedrows %} leaves out
    # rows holding a CSRF token or live presence).
    page = sessions_page(request.user, status, order, params.get("page"), PAGE_SIZE)
    counts = subtab_counts(request.user, page)
    return {
        "status": status,
        "subtabs": [(key, label, counts[key]) for key, label in SUBTABS],
        "page": page,
        "order": order,
        "base_url": reverse("sessions_subtab", args=[status]),
        # The list reloads when this stamp changes (a learner booked a one-to-one).
        "scheduled_version": scheduled_version(request.user.pk) if status == "scheduled" else "",
        **extra,
    }


def _panel(request, status: str, *, http_status: int = 200, **extra):
    context = _panel_context(request, status, **extra)
    return render_tab(
        request, "sessions_app/sessions_tab.html", context, tab="sessions", status=http_status
    )


@mentor_required
@cached_tab
def sessions_tab(request, status: str = "scheduled"):
    if status not in dict(SUBTABS):
        raise Http404
    return _panel(request, status)


def _after_change(request, session: Session, flash: str):
    """Show the subtab the session now lives in, close the dialog, keep the URL honest."""
    status = TAB_OF_STATUS[session.status]
    if not request.htmx:
        return HttpResponseRedirect(reverse("sessions_subtab", args=[status]))
    response = _panel(request, status, flash=flash, highlight=session.pk)
    response = retarget(response, "#tab-panel")
    response = reswap(response, "innerHTML")
    response = push_url(response, reverse("sessions_subtab", args=[status]))
    return trigger_client_event(response, "closeDialog", after="receive")


def _form_dialog(request, form: SessionForm, session: Session | None, *, status: int = 200):
    context = {"form": form, "session": session}
    if request.htmx:
        template = "sessions_app/session_dialog.html"
        if request.method == "POST":
            template += "#form"  # the dialog stays open; only the form re-renders
        return render(request, template, context, status=status)
    # Without htmx (a deep link or no JS): the tab with the dialog open.
    tab = TAB_OF_STATUS[session.status] if session else "draft"
    context = _panel_context(
        request, tab, open_dialog="sessions_app/session_dialog.html", **context
    )
    return render_tab(
        request, "sessions_app/sessions_tab.html", context, tab="sessions", status=status
    )


@mentor_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    if request.method == "GET":
        return _form_dialog(request, SessionForm(mentor=request.user), None)
    form = SessionForm(request.POST, mentor=request.user)
    publish = request.POST.get("action") == "publish"
    if form.is_valid():
        try:
            session = services.create_session(
                request.user, publish=publish, **form.service_fields()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            flash = "Published — learners can book it now." if publish else "Draft saved."
            return _after_change(request, session, flash)
    return _form_dialog(request, form, None, status=422)


@mentor_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    session = get_session_for_mentor(request.user, pk)
    if request.method == "GET":
        if not session.is_editable:
            return _action_error(request, session, msg.EDIT_ONLY_BEFORE_START)
        return _form_dialog(request, SessionForm(mentor=request.user, session=session), session)
    form = SessionForm(request.POST, mentor=request.user, session=session)
    publish = request.POST.get("action") == "publish"
    if form.is_valid():
        try:
            with transaction.atomic():  # "Save and publish": both, or neither
                session = services.update_session(request.user, session, **form.service_fields())
                if publish and session.status == Session.Status.DRAFT:
                    session = services.publish_session(request.user, session)
        except DomainError as error:
            session.refresh_from_db()
            form.add_domain_error(error)
        else:
            flash = "Published — learners can book it now." if publish else "Changes saved."
            if session.booked_count and not publish:
                flash += " Booked learners were told what changed."
            return _after_change(request, session, flash)
    return _form_dialog(request, form, session, status=422)


def _action_error(request, session: Session, message: str):
    status = _subtab(request.POST.get("tab"), TAB_OF_STATUS[session.status])
    response = _panel(request, status, http_status=409, error=message)
    if request.htmx:
        response = retarget(response, "#tab-panel")
        response = reswap(response, "innerHTML")
        response = trigger_client_event(response, "closeDialog", after="receive")
    return response


def _action_done(request, session: Session, flash: str):
    status = _subtab(request.POST.get("tab"), TAB_OF_STATUS[session.status])
    if not request.htmx:
        return HttpResponseRedirect(reverse("sessions_subtab", args=[status]))
    response = _panel(request, status, flash=flash, highlight=session.pk)
    response = retarget(response, "#tab-panel")
    response = reswap(response, "innerHTML")
    return trigger_client_event(response, "closeDialog", after="receive")


def _card_error(request, session: Session, message: str):
    """A refused row action, shown where it was asked: on the card (an inline
    alert) and as a toast, not at the top of a list scrolled out of sight."""
    if not request.htmx:
        return _action_error(request, session, message)
    params = request.POST
    context = {
        "s": session_row(request.user, session.pk),
        "status": _subtab(params.get("tab"), TAB_OF_STATUS[session.status]),
        "order": params.get("order") if params.get("order") in ORDERINGS else "",
        "page": {"number": params.get("page", "") if params.get("page", "").isdigit() else 1},
        "card_error": message,
    }
    response = render(request, "sessions_app/_card_error.html", context, status=409)
    return reswap(retarget(response, f"#session-{session.pk}"), "outerHTML")


@mentor_required
@require_POST
def session_publish(request, pk: int):
    session = get_session_for_mentor(request.user, pk)
    try:
        session = services.publish_session(request.user, session)
    except DomainError as error:
        return _card_error(request, session, error.message)
    return _action_done(
        request, session, f"‘{session.title}’ is published and listed in Scheduled."
    )


def _confirm(request, session: Session, kind: str, *, form=None, status: int = 200):
    context = {"session": session, "kind": kind, "form": form, "tab": request.GET.get("tab", "")}
    if request.htmx:
        return render(request, "sessions_app/confirm_dialog.html", context, status=status)
    tab = _subtab(request.GET.get("tab") or request.POST.get("tab"), TAB_OF_STATUS[session.status])
    context = _panel_context(
        request, tab, open_dialog="sessions_app/confirm_dialog.html", **context
    )
    return render_tab(
        request, "sessions_app/sessions_tab.html", context, tab="sessions", status=status
    )


@mentor_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, pk: int):
    session = get_session_for_mentor(request.user, pk)
    if request.method == "GET":
        return _confirm(request, session, "cancel", form=CancelForm())
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _confirm(request, session, "cancel", form=form, status=422)
    had_learners = session.booked_count > 0  # cancelling releases the seats
    try:
        session = services.cancel_session(request.user, session, form.cleaned_data["reason"])
    except DomainError as error:
        return _action_error(request, session, error.message)
    told = " Booked learners were told." if had_learners else ""
    return _action_done(request, session, f"‘{session.title}’ was cancelled.{told}")


@mentor_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request, pk: int):
    """The Reschedule dialog: a new time (same overlap and bounds checks as Edit)."""
    session = get_session_for_mentor(request.user, pk)
    if session.status != Session.Status.SCHEDULED:
        return _action_error(request, session, msg.RESCHEDULE_ONLY_SCHEDULED)
    if request.method == "GET":
        form = RescheduleForm(mentor=request.user, session=session)
        return _confirm(request, session, "reschedule", form=form)
    form = RescheduleForm(request.POST, mentor=request.user, session=session)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = services.reschedule_session(
                request.user, session, data["starts_at"], data["reason"]
            )
        except DomainError as error:
            if error.field != "starts_at":
                return _action_error(request, session, error.message)
            form.add_domain_error(error)
        else:
            when = services.local_time_label(request.user, session.starts_at)
            told = " Booked learners were told." if session.booked_count else ""
            return _action_done(request, session, f"‘{session.title}’ moved to {when}.{told}")
    return _confirm(request, session, "reschedule", form=form, status=422)


@mentor_required
@require_http_methods(["GET", "POST"])
def session_delete(request, pk: int):
    session = get_session_for_mentor(request.user, pk)
    if request.method == "GET":
        return _confirm(request, session, "delete")
    try:
        services.delete_draft(request.user, session)
    except DomainError as error:
        return _action_error(request, session, error.message)
    return _action_done(request, session, f"Draft ‘{session.title}’ deleted.")


@mentor_required
def session_view(request, pk: int):
    session = get_session_for_mentor(request.user, pk)
    context = {"session": session, "participants": list(session_participants(session))}
    if request.htmx:
        return render(request, "sessions_app/session_view_dialog.html", context)
    tab = TAB_OF_STATUS[session.status]
    context = _panel_context(
        request, tab, open_dialog="sessions_app/session_view_dialog.html", **context
    )
    return render_tab(request, "sessions_app/sessions_tab.html", context, tab="sessions")


@mentor_required
@require_GET
def session_overlap(request):
    """The overlap hint for the time picked in the Create/Edit dialog (htmx, on change)."""
    form = OverlapCheckForm(request.GET)
    slot = form.slot(request.user)
    overlaps = []
    if slot:
        overlaps = overlapping_sessions(
            request.user, *slot, exclude=form.cleaned_data.get("session")
        )
    context = {"overlaps": overlaps, "checked": bool(slot)}
    return render(request, "sessions_app/_overlap_warning.html", context)
