from django.contrib import admin

from . import services
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Staff can look up alerts and send a one-off one (e.g. planned maintenance)."""

    list_display = ["title", "user", "kind", "level", "created_at", "read_at"]
    list_filter = ["kind", "level", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "user__username"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    fields = ["user", "kind", "level", "title", "body", "url", "read_at"]

    def save_model(self, request, obj, form, change):
        obj.url = services.safe_url(obj.url)
        super().save_model(request, obj, form, change)
        if not change:
            services.push_created(obj)  # appears live on the user's open pages
