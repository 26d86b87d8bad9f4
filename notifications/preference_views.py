"""The notification settings page and section, and the one-click unsubscribe.

`/account/notifications/` works on its own; the /account/ page includes the
same section (`notifications/_preferences_section.html`, rendered by the
`{% notification_preferences_form %}` tag), which posts here.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.decorators import signin_required
from accounts.models import User
from core.dashboard import render_tab
from core.errors import DomainError

from . import preferences
from .emails import ALL_KINDS, read_unsubscribe_token

FORM_TEMPLATE = "notifications/_preferences_form.html"


def form_context(user, prefs=None, *, data=None, errors=None, saved=False, next_url="") -> dict:
    """What the settings form shows: the stored values, or the posted ones with errors."""
    prefs = prefs or preferences.for_user(user)
    rows = []
    for kind, label, help_ in preferences.kinds_for(user):
        if data is not None:
            email, in_app = f"email_{kind}" in data, f"in_app_{kind}" in data
        else:
            email, in_app = prefs.wants_email(kind), prefs.wants_in_app(kind)
        rows.append({"kind": kind, "label": label, "help": help_, "email": email, "in_app": in_app})
    quiet = prefs.quiet_hours
    if data is not None:
        quiet_on = "quiet_enabled" in data
        quiet_start, quiet_end = data.get("quiet_start", ""), data.get("quiet_end", "")
        digest = data.get("email_digest", prefs.email_digest)
    else:
        quiet_on = quiet is not None
        quiet_start = quiet["start"] if quiet else "22:00"
        quiet_end = quiet["end"] if quiet else "07:00"
        digest = prefs.email_digest
    return {
        "rows": rows,
        "quiet_on": quiet_on,
        "quiet_start": quiet_start,
        "quiet_end": quiet_end,
        "email_digest": digest,
        "errors": errors or {},
        "saved": saved,
        "next_url": next_url,
        "zone": user.timezone,
        "has_email": bool(user.email),
    }


def _payload(user, data) -> dict:
    kinds = [kind for kind, *_ in preferences.kinds_for(user)]
    quiet = None
    if "quiet_enabled" in data:
        quiet = {"start": data.get("quiet_start", ""), "end": data.get("quiet_end", "")}
    return {
        "email": {kind: f"email_{kind}" in data for kind in kinds},
        "in_app": {kind: f"in_app_{kind}" in data for kind in kinds},
        "quiet_hours": quiet,
        "email_digest": data.get("email_digest", "off"),
    }


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if ok and target.startswith("/") else ""


@signin_required
@require_http_methods(["GET", "POST"])
def preferences_page(request):
    user = request.user
    next_url = _safe_next(request)
    status = 200
    if request.method == "POST":
        try:
            prefs = preferences.update_preferences(user, _payload(user, request.POST))
        except DomainError as error:
            context = form_context(
                user,
                data=request.POST,
                errors={error.field or "form": error.message},
                next_url=next_url,
            )
            status = 422
        else:
            if not request.htmx:
                return HttpResponseRedirect(
                    next_url or f"{reverse('notification_preferences')}?saved=1"
                )
            context = form_context(user, prefs, saved=True, next_url=next_url)
        if request.htmx:
            return HttpResponse(render_to_string(FORM_TEMPLATE, context, request), status=status)
    else:
        context = form_context(user, saved=request.GET.get("saved") == "1", next_url=next_url)
    if user.is_mentor:
        return render_tab(
            request,
            "notifications/preferences_page.html",
            {**context, "base_template": "mentorhub/dashboard.html"},
            tab="notifications",
            status=status,
        )
    context["base_template"] = "learner_base.html"
    return render(request, "notifications/preferences_page.html", context, status=status)


# --- Unsubscribe ------------------------------------------------------------------------


@csrf_exempt  # RFC 8058: mail clients POST without a session or a token of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a confirmation page; POST (the button or one-click): that kind's email off."""
    try:
        user_id, kind = read_unsubscribe_token(token)
        user = User.objects.get(pk=user_id, is_active=True)
    except signing.SignatureExpired:
        return _unsubscribe_page(request, "expired", status=400)
    except (signing.BadSignature, User.DoesNotExist):
        return _unsubscribe_page(request, "invalid", status=400)
    label = "all notification" if kind == ALL_KINDS else f"“{preferences.LABELS[kind]}”"
    if request.method == "POST":
        preferences.turn_off_email(user, kind)
        return _unsubscribe_page(request, "done", label=label)
    return _unsubscribe_page(request, "confirm", label=label, token=token)


def _unsubscribe_page(request, state: str, *, status: int = 200, **context):
    context = {"state": state, **context}
    response = render(request, "notifications/unsubscribe.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token stays out of other sites' logs
    return response
