"""Staff views: the ledger (read-only) and payouts with mark paid / failed actions.

The actions go through the same services as `process_payouts`, so the mentor
is notified and two operators can't process one payout twice.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from core.errors import DomainError

from . import services
from .models import LedgerEntry, Payout


class ManualRefundForm(forms.Form):
    """Staff refund a learner: taken from the mentor's balance, kept with a note."""

    mentor = forms.CharField(max_length=150, help_text="The mentor's username.")
    booking = forms.IntegerField(
        required=False, min_value=1, help_text="Booking id (optional; caps the amount)."
    )
    amount = forms.CharField(max_length=30, help_text='e.g. "25.00"')
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean(self):
        from accounts.models import User
        from sessions_app.models import Booking

        data = super().clean()
        if "mentor" in data:
            mentor = User.objects.filter(username=data["mentor"], role=User.Role.MENTOR).first()
            if mentor is None:
                self.add_error("mentor", "No mentor with that username.")
            data["mentor"] = mentor
        if data.get("booking"):
            booking = Booking.objects.select_related("session").filter(pk=data["booking"]).first()
            if booking is None:
                self.add_error("booking", "No booking with that id.")
            data["booking"] = booking
        else:
            data["booking"] = None
        return data


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "mentor",
        "kind",
        "reason",
        "session",
        "booking",
        "gross",
        "fee",
        "net",
        "available_at",
        "created_by",
    )
    list_filter = (
        "kind",
        "reason",
        ("mentor", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("mentor__username", "session__title", "description", "note")
    date_hierarchy = "created_at"
    list_select_related = ("mentor", "session", "booking", "created_by")
    change_list_template = "admin/earnings/ledgerentry_change_list.html"

    def get_urls(self):
        from django.urls import path

        urls = super().get_urls()
        refund = path(
            "refund/",
            self.admin_site.admin_view(self.manual_refund),
            name="earnings_ledgerentry_refund",
        )
        return [refund, *urls]

    def manual_refund(self, request):
        """Issue a refund with a note: a new `refund` entry (reason "manual") with the
        staff member, plus an admin log entry (the audit trail)."""
        from django.contrib.admin.models import ADDITION, LogEntry
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        if not request.user.is_staff:
            raise PermissionDenied
        form = ManualRefundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.issue_manual_refund(
                    request.user,
                    data["mentor"],
                    data["amount"],
                    data["note"],
                    booking=data["booking"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                LogEntry.objects.log_actions(  # the audit trail
                    user_id=request.user.pk,
                    queryset=[entry],
                    action_flag=ADDITION,
                    change_message=f"Manual refund {entry.gross}: {entry.note}",
                    single_object=True,
                )
                self.message_user(
                    request,
                    f"Refund of {-entry.gross} recorded for {entry.mentor}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:earnings_ledgerentry_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Issue a manual refund",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/earnings/manual_refund.html", context)

    # Append-only: corrections are new entries (services.record_adjustment).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PayoutActionForm(forms.Form):
    value = forms.CharField(max_length=300)


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "mentor",
        "amount",
        "currency",
        "status",
        "requested_at",
        "processed_at",
        "reference",
    )
    list_filter = ("status", "requested_at", "processed_at")
    search_fields = ("mentor__username", "reference", "idempotency_key")
    date_hierarchy = "requested_at"
    list_select_related = ("mentor",)
    readonly_fields = (
        "mentor",
        "amount",
        "currency",
        "status",
        "reference",
        "failure_reason",
        "idempotency_key",
        "requested_at",
        "processed_at",
        "processed_by",
    )
    actions = ["mark_processing", "mark_paid", "mark_failed"]

    def has_add_permission(self, request):
        return False  # mentors request payouts; staff only process them

    def has_delete_permission(self, request, obj=None):
        return False

    def _run(self, request, queryset, func, *args):
        done, errors = 0, []
        for payout in queryset.select_related("mentor"):
            try:
                func(payout, *args, actor=request.user)
                done += 1
            except DomainError as exc:
                errors.append(exc.message)
        if done:
            self.message_user(
                request, f"{done} payout(s) updated; mentors notified.", messages.SUCCESS
            )
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    def _ask(self, request, queryset, func, title: str, label: str):
        """An intermediate page asking for the reference / reason, then the service."""
        if "apply" in request.POST:
            form = PayoutActionForm(request.POST)
            if form.is_valid():
                self._run(request, queryset, func, form.cleaned_data["value"])
                return None
        else:
            form = PayoutActionForm(
                initial={
                    "_selected_action": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "label": label,
            "form": form,
            "payouts": queryset,
            "action": request.POST.get("action"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/earnings/payout_action.html", context)

    @admin.action(description="Mark selected payouts processing")
    def mark_processing(self, request, queryset):
        self._run(request, queryset, services.mark_processing)

    @admin.action(description="Mark selected payouts paid…")
    def mark_paid(self, request, queryset):
        return self._ask(
            request, queryset, services.mark_paid, "Mark payouts paid", "Payment reference"
        )

    @admin.action(description="Mark selected payouts failed…")
    def mark_failed(self, request, queryset):
        return self._ask(
            request,
            queryset,
            services.mark_failed,
            "Mark payouts failed",
            "Reason (shown to the mentor)",
        )
