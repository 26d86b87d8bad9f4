from django.contrib import admin

from .models import Presence


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    list_display = ("session", "user", "peer_id", "joined_at", "last_seen_at", "left_at")
    list_filter = ("left_at",)
    raw_id_fields = ("session", "user")
    readonly_fields = ("joined_at", "last_seen_at")
