from django.contrib import admin

from .models import ChatMessage, Presence, SessionNotes


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    list_display = ("session", "user", "peer_id", "joined_at", "last_seen_at", "left_at")
    list_filter = ("left_at",)
    raw_id_fields = ("session", "user")
    readonly_fields = ("joined_at", "last_seen_at")


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ("session", "author", "created_at", "text")
    list_select_related = ("session", "author")
    raw_id_fields = ("session", "author")
    readonly_fields = ("created_at",)
    search_fields = ("text",)


@admin.register(SessionNotes)
class SessionNotesAdmin(admin.ModelAdmin):
    list_display = ("session", "updated_at")
    list_select_related = ("session",)
    raw_id_fields = ("session",)
    readonly_fields = ("body", "updated_at")
