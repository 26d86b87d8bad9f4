from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core.errors import ConflictError

from .models import MentorApplication, MentorProfile, User
from .services import approve_application, reject_application


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username", "email", "email_verified", "role", "timezone", "is_staff", "is_active"
    )  # fmt: skip
    list_filter = ("role", "email_verified", "is_staff", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("MentorHub", {"fields": ("role", "timezone", "email_verified")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("MentorHub", {"fields": ("role",)}))


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "headline", "default_price", "updated_at")
    search_fields = ("user__username", "display_name", "headline")
    list_select_related = ("user",)
    readonly_fields = ("bio",)  # rendered from bio_markdown on save


class DecisionActionForm(ActionForm):
    note = forms.CharField(
        required=False,
        label="Note to the applicant",
        widget=forms.TextInput(attrs={"size": 50, "placeholder": "optional, sent in the email"}),
    )


@admin.register(MentorApplication)
class MentorApplicationAdmin(admin.ModelAdmin):
    """Staff approve or reject with the actions (a note goes into the email)."""

    action_form = DecisionActionForm
    actions = ["approve", "reject"]
    list_display = ("user", "applicant_email", "headline", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__username", "user__email", "headline")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "headline",
        "expertise",
        "motivation",
        "status",
        "note",
        "created_at",
        "decided_at",
        "decided_by",
    )

    def has_add_permission(self, request):
        return False  # applications come from /signup/mentor/

    @admin.display(description="Email", ordering="user__email")
    def applicant_email(self, obj):
        verified = "" if obj.user.email_verified else " (not confirmed yet)"
        return f"{obj.user.email}{verified}"

    def _decide(self, request, queryset, decide, verb: str) -> None:
        note = request.POST.get("note", "")
        done, skipped = 0, 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                decide(request.user, pk, note)
                done += 1
            except ConflictError:
                skipped += 1
        if done:
            self.message_user(request, f"{verb} {done} application(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} application(s) were already decided.", messages.WARNING
            )

    @admin.action(description="Approve", permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve_application, "Approved")

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, reject_application, "Rejected")
