from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import MentorProfile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "timezone", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("MentorHub", {"fields": ("role", "timezone")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("MentorHub", {"fields": ("role",)}))


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "headline", "default_price", "updated_at")
    search_fields = ("user__username", "display_name", "headline")
    list_select_related = ("user",)
    readonly_fields = ("bio",)  # rendered from bio_markdown on save
