"""The Earnings tab (mentor): summary, monthly breakdown, sessions, payouts, CSV."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget, trigger_client_event

from accounts.decorators import mentor_required
from core import csvsafe
from core.dashboard import cached_tab, render_tab
from core.errors import DomainError

from . import fragments, queries, services
from .forms import LedgerExportForm, PayoutForm


def _tab_context(request, export_form: LedgerExportForm | None = None) -> dict:
    mentor = request.user
    today = timezone.localdate()
    # Cached figures (earnings.queries); the page first: its key, which also
    # keys the rendered sections, is read before the figures.
    sessions_page = queries.sessions_page(mentor, request.GET.get("page"))
    months = queries.monthly(mentor)
    summary = queries.balances(mentor)
    return {
        "summary": summary,
        "months": months,
        "chart": queries.monthly_chart(months, summary.currency, today),
        "months_newest_first": list(reversed(months)),
        "year_totals": {
            k: sum(m[k] for m in months) for k in ("sessions", "gross", "fee", "net", "refunds")
        },
        "sessions_page": sessions_page,
        "payouts_page": _payouts_page(request),
        "export_form": export_form or LedgerExportForm(initial=LedgerExportForm.initial_for(today)),
        "minimum_payout": settings.MINIMUM_PAYOUT,
        "hold_days": settings.EARNINGS_HOLD_DAYS,
        "fee_percent": settings.PLATFORM_FEE_PERCENT,
        "now": timezone.now(),
    }


def _payouts_page(request):
    # The same page the live fragment renders (its first page).
    return fragments.payouts_page(request.user, request.GET.get("payouts"))


@mentor_required
@require_GET
@cached_tab
def earnings_tab(request):
    return render_tab(request, "earnings/earnings_tab.html", _tab_context(request), tab="earnings")


def _dialog(request, step: str, form: PayoutForm, *, status: int = 200, full: bool = True):
    context = {
        "form": form,
        "step": step,
        "summary": queries.balances(request.user),
        "minimum_payout": settings.MINIMUM_PAYOUT,
    }
    if step == "confirm":
        context["amount"] = services.money(form.cleaned_data["amount"])
        context["idempotency_key"] = services.new_idempotency_key()
    template = "earnings/payout_dialog.html" + ("" if full else "#step")
    return render(request, template, context, status=status)


@mentor_required
@require_http_methods(["GET", "POST"])
def payout_dialog(request):
    """GET: the dialog; POST review → confirmation step; POST confirm → request it."""
    if request.method == "GET":
        available = queries.balances(request.user).available
        initial = {"amount": services.money(available)} if available > 0 else {}
        return _dialog(request, "amount", PayoutForm(initial=initial, mentor=request.user))
    action = request.POST.get("action", "review")
    form = PayoutForm(request.POST, mentor=request.user)
    if action == "back":
        return _dialog(
            request,
            "amount",
            PayoutForm(initial={"amount": request.POST.get("amount")}),
            full=False,
        )
    if not form.is_valid():
        return _dialog(request, "amount", form, status=422, full=False)
    if action != "confirm":
        return _dialog(request, "confirm", form, full=False)
    try:
        payout, _created = services.request_payout(
            request.user, form.cleaned_data["amount"], form.cleaned_data["idempotency_key"]
        )
    except DomainError as exc:
        form.add_error("amount", exc.message)
        return _dialog(request, "amount", form, status=422, full=False)
    context = {**_tab_context(request), "requested": payout}
    response = render(request, "earnings/payout_done.html", context)
    response = retarget(reswap(response, "innerHTML"), "#payout-flash")
    return trigger_client_event(response, "closeDialog", after="receive")


CSV_HEADER = [
    "date",
    "kind",
    "session_id",
    "session",
    "booking_id",
    "gross",
    "fee",
    "net",
    "currency",
    "available_at",
    "reason",
    "note",
]


def ledger_rows(entries, tz):
    yield CSV_HEADER
    for e in entries.iterator(chunk_size=500):
        title = e.session.title if e.session_id else e.description
        yield [
            timezone.localtime(e.created_at, tz).isoformat(),
            e.kind,
            e.session_id or "",
            title,
            e.booking_id or "",
            services.money(e.gross),
            services.money(e.fee),
            services.money(e.net),
            e.currency,
            timezone.localtime(e.available_at, tz).isoformat(),
            e.reason,
            e.note,
        ]


@mentor_required
@require_GET
def ledger_csv(request):
    """The ledger for a date range (mentor's zone) as CSV; errors re-render the tab."""
    form = LedgerExportForm(request.GET)
    if not form.is_valid():
        context = _tab_context(request, export_form=form)
        return render_tab(
            request, "earnings/earnings_tab.html", context, tab="earnings", status=422
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    entries = queries.ledger_between(request.user, start, end)
    # One mentor's ledger is small (a few thousand rows over years): no streaming,
    # which under ASGI would buffer a sync iterator anyway.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    csvsafe.writer(response).writerows(ledger_rows(entries, request.user.tzinfo))
    response["Content-Disposition"] = f'attachment; filename="ledger-{start}-{end}.csv"'
    return response
