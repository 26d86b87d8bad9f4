from django.contrib import admin

from .models import CancellationPolicy


@admin.register(CancellationPolicy)
class CancellationPolicyAdmin(admin.ModelAdmin):
    list_display = ("mentor", "free_cancel_hours", "late_cancel_refund_percent", "updated_at")
    search_fields = ("mentor__username",)
    raw_id_fields = ("mentor",)
