"""Staff views: the ledger (read-only) and payouts with mark paid / failed actions.

The actions go through the same services as `process_payouts`, so the mentor
is notified and two operators can't process one payout twice.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from core.errors import DomainError

from . import services
from .models import LedgerEntry, Payout


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "mentor",
        "kind",
        "session",
        "gross",
        "fee",
        "net",
        "available_at",
    )
    list_filter = ("kind", ("mentor", admin.RelatedOnlyFieldListFilter), "created_at")
    search_fields = ("mentor__username", "session__title", "description")
    date_hierarchy = "created_at"
    list_select_related = ("mentor", "session")

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
