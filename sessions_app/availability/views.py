"""The mentor's availability page: week editor, booking settings, date overrides and a
preview of the next free slots. Plain POST forms (CSRF), errors next to the fields;
the services check the rules again and save each form in one transaction.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import mentor_required
from core.dashboard import render_tab
from core.errors import DomainError
from policies import rules as policy_rules
from policies.queries import terms_for
from policies.services import update_policy

from . import forms, rules, services
from .slots import mentor_slots

TEMPLATE = "sessions_app/availability_page.html"
PREVIEW_DAYS = 14
PREVIEW_COUNT = 6
SAVED = {"week": "Availability saved.", "override": "Date added.", "deleted": "Date removed."}


def _preview(mentor) -> tuple[int, list]:
    profile = getattr(mentor, "mentor_profile", None)
    duration = getattr(profile, "default_duration_minutes", 60)
    try:
        duration = rules.check_slot_duration(duration)
    except DomainError:
        duration = 60
    today = services.mentor_today(mentor)
    last = today + timedelta(days=PREVIEW_DAYS - 1)
    return duration, mentor_slots(mentor, duration=duration, first=today, last=last)[:PREVIEW_COUNT]


def _override_rows(mentor) -> list[dict]:
    return [
        {
            "pk": row.pk,
            "date": row.date,
            "hours": (
                f"{rules.format_hhmm(row.start_minute)}–{rules.format_hhmm(row.end_minute)}"
                if row.available
                else ""
            ),
        }
        for row in services.overrides_of(mentor)
    ]


def _parse_policy(mentor, data, errors: dict) -> dict:
    """The Cancellation policy fields of the week form (policies.rules checks them);
    a field the form didn't send keeps its saved value."""
    values = asdict(terms_for(mentor))
    checks = {
        "free_cancel_hours": policy_rules.check_free_cancel_hours,
        "late_cancel_refund_percent": policy_rules.check_late_cancel_refund_percent,
    }
    for name, check in checks.items():
        if name not in data:
            continue
        raw = (data.get(name) or "").strip()
        values[name] = raw
        try:
            values[name] = check(int(raw) if raw.lstrip("-").isdigit() else raw)
        except DomainError as error:
            errors[name] = error.message
    return values


def _context(
    request, *, days=None, numbers=None, errors=None, override_form=None, policy=None
) -> dict:
    mentor = request.user
    availability, weekly = services.get_availability(mentor)
    duration, preview = _preview(mentor)
    return {
        "days": days if days is not None else forms.days_from_weekly(weekly),
        "numbers": numbers if numbers is not None else forms.numbers_from(availability),
        "policy": policy if policy is not None else asdict(terms_for(mentor)),
        "limits": rules.NUMBERS,
        "errors": errors or {},
        "override_form": override_form or forms.OverrideForm(),
        "overrides": _override_rows(mentor),
        "preview": preview,
        "preview_duration": duration,
        "saved": SAVED.get(request.GET.get("saved", "")),
    }


def _done(kind: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('availability_page')}?saved={kind}")


def _render(request, context: dict, status: int = 200):
    return render_tab(request, TEMPLATE, context, tab="sessions", status=status)


@mentor_required
@require_http_methods(["GET", "POST"])
def availability_page(request):
    if request.method == "GET":
        return _render(request, _context(request))
    days, rows, numbers, errors = forms.parse_week(request.POST)
    policy = _parse_policy(request.user, request.POST, errors)
    if not errors:
        try:
            with transaction.atomic():  # the week, the settings and the policy together
                services.update_availability(request.user, weekly=rows, **numbers)
                update_policy(request.user, **policy)
            return _done("week")
        except DomainError as error:
            errors[error.field or "weekly"] = error.message
    context = _context(request, days=days, numbers=numbers, errors=errors, policy=policy)
    return _render(request, context, status=422)


@mentor_required
@require_POST
def override_add(request):
    form = forms.OverrideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_override(
                request.user,
                day=data["date"],
                available=data["kind"] == "hours",
                start=data["start_minutes"],
                end=data["end_minutes"],
            )
            return _done("override")
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else "date", error.message)
    return _render(request, _context(request, override_form=form), status=422)


@mentor_required
@require_POST
def override_delete(request, pk: int):
    services.delete_override(request.user, pk)
    return _done("deleted")
