from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction

from .delivery import retry_now, wake
from .models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """Every email: queued, retrying, sent or failed, with the last error."""

    list_display = ["subject", "to", "kind", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind", "urgent"]
    search_fields = ["to", "subject", "user__username"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user"]
    actions = ["retry_now_action"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Retry now", permissions=["view"])
    def retry_now_action(self, request, queryset):
        count = retry_now(queryset)
        self.message_user(
            request, f"{count} email(s) will be sent on the next pass.", messages.SUCCESS
        )
        if count and settings.MAILER_SEND_ON_COMMIT:
            transaction.on_commit(wake)
