"""Staff views of sessions and bookings (reviews: the Analytics issue)."""

from django.contrib import admin

from .models import Booking, Session


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    fields = ("learner", "status", "amount_paid", "created_at", "joined_at", "cancelled_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("learner",)
    show_change_link = True


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "mentor",
        "status",
        "visibility",
        "starts_at",
        "duration_minutes",
        "participants",
        "price",
    )
    list_filter = (
        "status",
        "visibility",
        ("mentor", admin.RelatedOnlyFieldListFilter),
        "starts_at",
    )
    search_fields = (
        "title",
        "topic",
        "mentor__username",
        "mentor__first_name",
        "mentor__last_name",
    )
    date_hierarchy = "starts_at"
    list_select_related = ("mentor",)
    raw_id_fields = ("mentor",)
    readonly_fields = (
        "description",  # rendered from description_markdown on save
        "booked_count",
        "created_at",
        "updated_at",
        "published_at",
        "started_at",
        "ended_at",
        "reminder_sent_at",
        "sequence",  # raised by the services on every change of time
    )
    inlines = [BookingInline]

    @admin.display(description="Booked", ordering="booked_count")
    def participants(self, obj: Session) -> str:
        return f"{obj.booked_count} / {obj.capacity}"


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("session", "learner", "status", "amount_paid", "created_at", "joined_at")
    list_filter = ("status", "created_at", ("session__mentor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("session__title", "learner__username", "learner__first_name")
    list_select_related = ("session", "learner")
    raw_id_fields = ("session", "learner")
    date_hierarchy = "created_at"


from .availability import admin as availability_admin  # noqa: E402, F401  (registers its models)
