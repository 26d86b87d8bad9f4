"""Staff views of mentors' availability (imported by sessions_app/admin.py)."""

from django.contrib import admin

from .models import Availability, AvailabilityOverride, WeeklyHours


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0
    fields = ("weekday", "start_minute", "end_minute")


class OverrideInline(admin.TabularInline):
    model = AvailabilityOverride
    extra = 0
    fields = ("date", "available", "start_minute", "end_minute")
    ordering = ("-date",)


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = (
        "mentor",
        "buffer_minutes",
        "min_notice_minutes",
        "max_days_ahead",
        "instant_booking",
        "updated_at",
    )
    list_filter = ("instant_booking",)
    search_fields = ("mentor__username", "mentor__first_name", "mentor__last_name")
    raw_id_fields = ("mentor",)
    inlines = [WeeklyHoursInline, OverrideInline]
