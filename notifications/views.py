"""Notification pages and fragments: the tab, the learner list, the bell menu, actions.

Every action works on the signed-in user's own rows (another user's id → 404)
and answers with the fragment the caller swaps plus the new bell count.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import learner_required, mentor_required, signin_required
from core.dashboard import cached_tab, render_tab

from . import queries, services
from .fragments import BELL_TEMPLATE
from .models import Notification

MENTOR_LIST_URL = reverse_lazy("notifications_tab")
LEARNER_LIST_URL = reverse_lazy("learner_notifications")


def _list_url(user) -> str:
    return MENTOR_LIST_URL if user.is_mentor else LEARNER_LIST_URL


def _list_context(request, filter_value: str | None = None, page_number=None) -> dict:
    unread_only = (filter_value or request.GET.get("filter")) == "unread"
    page = queries.page(
        request.user, unread_only=unread_only, number=page_number or request.GET.get("page", 1)
    )
    return {"page_obj": page, "unread_only": unread_only, "list_url": _list_url(request.user)}


def _wants_list(request) -> bool:
    return bool(request.htmx) and request.htmx.target == "notification-list"


def _bell_oob(user) -> str:
    context = {"count": services.unread_count(user), "oob": True}
    return render_to_string(BELL_TEMPLATE, context)


def _own(request, pk) -> Notification:
    try:
        return services.get_notification_for_user(request.user, pk)
    except Notification.DoesNotExist as exc:
        raise Http404("No such notification") from exc


@mentor_required
@cached_tab
def notifications_tab(request):
    context = _list_context(request)
    if _wants_list(request):
        return render(request, "notifications/_list.html#list", context)
    return render_tab(request, "notifications/notifications_tab.html", context, tab="notifications")


@learner_required
def learner_notifications(request):
    context = _list_context(request)
    if _wants_list(request):
        return render(request, "notifications/_list.html#list", context)
    return render(request, "notifications/learner_list.html", {**context, "learner_nav": ""})


@signin_required
@require_GET
def bell_menu(request):
    return _menu(request)


def _menu(request) -> HttpResponse:
    items = queries.latest(request.user)
    unread = services.unread_count(request.user)
    context = {
        "items": items,
        "unread": unread,
        "has_unread": unread > 0,
        "list_url": _list_url(request.user),
    }
    return render(request, "notifications/menu.html#menu", context)


@signin_required
@require_POST
def open_notification(request, pk):
    """Mark read, then go to the page it links to (or the full list)."""
    notification = _own(request, pk)
    services.mark_read(request.user, notification.pk)
    return HttpResponseClientRedirect(notification.url or _list_url(request.user))


@signin_required
@require_POST
def dismiss_notification(request, pk):
    _own(request, pk)
    services.mark_read(request.user, pk)
    return HttpResponse(_bell_oob(request.user))


@signin_required
@require_POST
def read_notification(request, pk):
    _own(request, pk)
    notification = services.mark_read(request.user, pk)
    return _row(request, notification)


@signin_required
@require_POST
def unread_notification(request, pk):
    _own(request, pk)
    notification = services.mark_unread(request.user, pk)
    return _row(request, notification)


def _row(request, notification: Notification) -> HttpResponse:
    html = render_to_string("notifications/_list.html#row", {"n": notification}, request)
    return HttpResponse(html + _bell_oob(request.user))


@signin_required
@require_POST
def read_all(request):
    services.mark_all_read(request.user)
    if request.htmx and request.htmx.target == "bell-menu":
        return _menu(request)
    context = _list_context(request, filter_value=request.POST.get("filter"), page_number=1)
    html = render_to_string("notifications/_list.html#list", context, request)
    return HttpResponse(html + _bell_oob(request.user))
