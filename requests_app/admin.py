"""Admin: staff can look up requests and their outcome (answers go through the app)."""

from django.contrib import admin

from .models import SessionRequest


@admin.register(SessionRequest)
class SessionRequestAdmin(admin.ModelAdmin):
    list_display = ("topic", "learner", "mentor", "status", "created_at", "scheduled_at")
    list_filter = ("status",)
    search_fields = ("topic", "learner__username", "mentor__username")
    date_hierarchy = "created_at"
    list_select_related = ("learner", "mentor")
    raw_id_fields = ("learner", "mentor", "session")
    readonly_fields = ("created_at", "answered_at", "last_preferred_at", "session")
