"""The session form (Create / Edit dialog) and the learner catalogue filters."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from core.timebounds import BoundedDateFormField, check_schedulable
from mentorhub.errors import DomainError

from .services import MAX_DURATION_MINUTES

INPUT = (
    "block w-full min-h-11 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm "
    "shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500 "
    "aria-[invalid=true]:border-rose-500"
)
# Service field → form field where its error is shown.
FIELD_FOR = {"starts_at": "start_time", "reason": "reason"}


class SessionForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Give the session a title.",
            "max_length": "Keep the title to 200 characters or fewer.",
        },
    )
    topic = forms.CharField(max_length=100, required=False, help_text="e.g. Django, career, CSS")
    description = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Simple formatting: <strong>, <em>, lists and links.",
    )
    date = BoundedDateFormField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Choose a date.", "invalid": "Enter a valid date."},
    )
    start_time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Choose a start time.", "invalid": "Enter a valid time."},
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        initial=60,
        error_messages={"required": "Enter a duration.", "invalid": "Enter whole minutes."},
    )
    capacity = forms.IntegerField(
        label="Seats",
        initial=1,
        error_messages={"required": "Enter the number of seats.", "invalid": "Enter a number."},
    )
    price = forms.DecimalField(
        label=f"Price ({settings.PLATFORM_CURRENCY})",
        initial=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text="0 makes the session free.",
        error_messages={
            "required": "Enter a price (0 for free).",
            "invalid": "Enter a price such as 25 or 19.99.",
            "max_decimal_places": "Use at most two decimal places.",
            "max_digits": "That price is too high.",
            "max_whole_digits": "That price is too high.",
        },
    )

    visibility = forms.ChoiceField(
        label="Who can see it",
        required=False,  # left out: unchanged (new sessions are public)
        choices=[
            ("public", "Public — listed in the catalogue"),
            ("private", "Private — only you and the learners booked on it"),
        ],
        help_text="A private session is never listed; only you and its learners can open it.",
    )

    def __init__(self, *args, mentor, session=None, **kwargs):
        self.mentor = mentor
        self.session = session
        if session is not None and "initial" not in kwargs:
            local = session.starts_at.astimezone(mentor.tzinfo)
            kwargs["initial"] = {
                "title": session.title,
                "topic": session.topic,
                "description": session.description,
                "date": local.date(),
                "start_time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": session.duration_minutes,
                "capacity": session.capacity,
                "price": session.price,
                "visibility": session.visibility,
            }
        elif "initial" not in kwargs:
            profile = getattr(mentor, "mentor_profile", None)
            tomorrow = (timezone.now() + timedelta(days=1)).astimezone(mentor.tzinfo)
            kwargs["initial"] = {
                "date": tomorrow.date(),
                "start_time": tomorrow.replace(minute=0, second=0, microsecond=0).time(),
                "duration_minutes": getattr(profile, "default_duration_minutes", 60) or 60,
                "capacity": 1,
                "price": getattr(profile, "default_price", Decimal("0")),
                "visibility": "public",
            }
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", INPUT)
            field.widget.attrs["id"] = f"id_{name}"
        self.fields["duration_minutes"].widget.attrs.update(
            {"min": 1, "max": MAX_DURATION_MINUTES, "step": 5}
        )
        self.fields["capacity"].widget.attrs.update({"min": 1, "max": settings.LIVE_MESH_LIMIT})
        self.fields["price"].widget.attrs.update({"min": 0, "step": "0.01"})
        self.fields["title"].widget.attrs.update({"maxlength": 200, "autofocus": True})

    def clean_duration_minutes(self):
        value = self.cleaned_data["duration_minutes"]
        if value <= 0:
            raise forms.ValidationError("The duration must be at least 1 minute.")
        if value > MAX_DURATION_MINUTES:
            raise forms.ValidationError("A session can last at most 8 hours.")
        return value

    def clean_capacity(self):
        value = self.cleaned_data["capacity"]
        if value < 1:
            raise forms.ValidationError("A session needs at least 1 seat.")
        if value > settings.LIVE_MESH_LIMIT:
            raise forms.ValidationError(
                f"Live video supports at most {settings.LIVE_MESH_LIMIT} learners per session "
                "(peer-to-peer); larger groups need a media server (SFU), which isn't "
                "available yet."
            )
        return value

    def clean_price(self):
        value = self.cleaned_data["price"]
        if value < 0:
            raise forms.ValidationError("The price can't be negative.")
        return value

    def clean(self):
        data = super().clean()
        day, at = data.get("date"), data.get("start_time")
        if day and at:
            local = datetime.combine(day, at.replace(second=0, microsecond=0))
            starts_at = timezone.make_aware(local, self.mentor.tzinfo)
            if starts_at <= timezone.now():
                self.add_error("start_time", "The start time is in the past.")
            else:
                try:  # not more than 2 years ahead (CONTRACT: Times)
                    check_schedulable(starts_at, field="date")
                except DomainError as error:
                    self.add_error("date", error.message)
            data["starts_at"] = starts_at
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        fields = {
            "title": d["title"],
            "topic": d.get("topic", ""),
            "description": d.get("description", ""),
            "starts_at": d["starts_at"],
            "duration_minutes": d["duration_minutes"],
            "capacity": d["capacity"],
            "price": d["price"],
        }
        if d.get("visibility"):
            fields["visibility"] = d["visibility"]
        return fields

    def add_domain_error(self, error: DomainError) -> None:
        field = FIELD_FOR.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, error.message)


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": INPUT, "id": "id_reason"}),
        help_text="Booked learners see this reason.",
        error_messages={"max_length": "Keep the reason to 500 characters or fewer."},
    )


class CatalogFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    date = BoundedDateFormField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
