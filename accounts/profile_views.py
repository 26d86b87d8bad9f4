"""The Profile tab (mentor): edit form, live preview, picture removal."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.decorators import mentor_required
from core.dashboard import cached_tab, render_tab

from . import profile_services as svc
from . import richtext
from .profile_forms import ProfileForm, initial_from

TEMPLATE = "accounts/profile_tab.html"
CALENDAR_CARD = "sessions_app/_calendar_feed_card.html"
RICHTEXT_PREVIEW = "accounts/_richtext_preview.html"


def _has_template(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _context(request, form: ProfileForm, profile, **extra) -> dict:
    return {
        "form": form,
        "profile": profile,
        "profile_user": profile.user,
        "card": svc.card_for(profile),
        "timezone_groups": svc.timezone_choices(form["timezone"].value()),
        "limits": {
            "headline": svc.HEADLINE_MAX,
            "expertise": svc.MAX_EXPERTISE,
            "languages": svc.MAX_LANGUAGES,
            "tag": svc.TAG_MAX,
        },
        "has_calendar_card": _has_template(CALENDAR_CARD),
        **extra,
    }


@mentor_required
@require_http_methods(["GET", "POST"])
@cached_tab
def profile_tab(request):
    profile = svc.get_profile(request.user)
    if request.method == "POST":
        return _save(request, profile)
    form = ProfileForm(initial=initial_from(profile))
    saved = request.GET.get("saved") == "1"
    return render_tab(
        request, TEMPLATE, _context(request, form, profile, saved=saved), tab="profile"
    )


def _save(request, profile):
    form = ProfileForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _context(request, form, profile, invalid=True)
        if request.htmx:
            return render(request, f"{TEMPLATE}#editor_response", context, status=422)
        return render_tab(request, TEMPLATE, context, tab="profile", status=422)
    profile = svc.update_profile(request.user, form.changes(), picture=form.cleaned_data["picture"])
    if not request.htmx:
        return redirect(f"{reverse('profile_tab')}?saved=1")
    timezone.activate(request.user.tzinfo)  # a new zone applies from this answer on
    form = ProfileForm(initial=initial_from(profile))
    context = _context(request, form, profile, saved=True, oob_avatar=True)
    return render(request, f"{TEMPLATE}#editor_response", context)


@mentor_required
@require_POST
def profile_preview(request):
    """The learner-facing card for the unsaved form (nothing is stored)."""
    profile = svc.get_profile(request.user)
    card = svc.card_for(profile, svc.preview_overrides(request.POST))
    return render(request, f"{TEMPLATE}#preview_card", {"card": card})


@mentor_required
@require_POST
def richtext_preview(request):
    """The editors' Preview: `text` rendered by the same code that renders saved text."""
    text = request.POST.get("text", "")
    if len(text) > svc.BIO_RAW_MAX:
        context = {"too_long": True, "limit": svc.BIO_RAW_MAX}
        return render(request, RICHTEXT_PREVIEW, context, status=400)
    return render(request, RICHTEXT_PREVIEW, {"html": richtext.render(text)})


@mentor_required
@require_POST
def picture_remove(request):
    profile = svc.remove_picture(request.user)
    if not request.htmx:
        return redirect(f"{reverse('profile_tab')}?saved=1")
    form = ProfileForm(initial=initial_from(profile))
    context = _context(request, form, profile, oob_avatar=True, picture_removed=True)
    response: HttpResponse = render(request, f"{TEMPLATE}#picture_response", context)
    return trigger_client_event(response, "profile-picture-changed")
