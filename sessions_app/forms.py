"""The session form (Create / Edit dialog) and the learner catalogue filters.

The forms parse input into types; the rules and their messages are the
services' (rules.py, messages.py): `clean()` runs the same checks and shows
each broken rule next to its input, and a DomainError from the service (the
overlap, a race) is mapped to a field the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from core.errors import DomainError
from core.timebounds import AHEAD_MESSAGE, RANGE_MESSAGE, BoundedDateFormField

from . import messages as msg
from . import rules
from .sanitize import settle_description

INPUT = (
    "block w-full min-h-11 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm "
    "shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500 "
    "aria-[invalid=true]:border-rose-500"
)
# Service field → form field where its error is shown.
FIELD_FOR = {"starts_at": "start_time", "reason": "reason"}
# A start too far ahead (or out of range) is about the day, not the time of day.
DATE_MESSAGES = (AHEAD_MESSAGE, RANGE_MESSAGE)


def _local_start(data: dict, mentor) -> datetime | None:
    """The picked date and time of day, in the mentor's zone (None until both are valid)."""
    day, at = data.get("date"), data.get("start_time")
    if not (day and at):
        return None
    local = datetime.combine(day, at.replace(second=0, microsecond=0))
    return timezone.make_aware(local, mentor.tzinfo)


def _form_field(field: str | None, message: str) -> str | None:
    if field == "starts_at" and message in DATE_MESSAGES:
        return "date"
    return FIELD_FOR.get(field or "", field)


class SessionForm(forms.Form):
    title = forms.CharField(error_messages={"required": msg.TITLE_REQUIRED})
    topic = forms.CharField(required=False, help_text="e.g. Django, career, CSS")
    # Markdown, shown with the Markdown editor (templates/accounts/_markdown_editor.html).
    description = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    date = BoundedDateFormField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": msg.DATE_REQUIRED, "invalid": msg.DATE_INVALID},
    )
    start_time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": msg.TIME_REQUIRED, "invalid": msg.TIME_INVALID},
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        initial=60,
        error_messages={"required": msg.DURATION_REQUIRED, "invalid": msg.DURATION_NOT_WHOLE},
    )
    capacity = forms.IntegerField(
        label="Seats",
        initial=1,
        help_text=f"Up to {settings.LIVE_MESH_LIMIT} learners: the video room is peer-to-peer.",  # see __init__
        error_messages={"required": msg.CAPACITY_REQUIRED, "invalid": msg.CAPACITY_NOT_WHOLE},
    )
    price = forms.DecimalField(
        label=f"Price ({settings.PLATFORM_CURRENCY})",
        initial=Decimal("0"),
        help_text="0 makes the session free.",
        error_messages={"required": msg.PRICE_REQUIRED, "invalid": msg.PRICE_INVALID},
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
        if "initial" not in kwargs:
            kwargs["initial"] = self._initial(mentor, session)
        super().__init__(*args, **kwargs)
        if rules.sfu_configured():
            self.fields["capacity"].help_text = (
                f"Up to {settings.LIVE_SFU_LIMIT} learners: up to {settings.LIVE_MESH_LIMIT} "
                "connect peer-to-peer, larger groups through the media server."
            )
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", INPUT)
            field.widget.attrs["id"] = f"id_{name}"
        attrs = {
            "title": {"maxlength": rules.TITLE_MAX, "autofocus": True},
            "topic": {"maxlength": rules.TOPIC_MAX},
            "description": {"maxlength": rules.DESCRIPTION_MAX},
            "duration_minutes": {"min": 1, "max": rules.MAX_DURATION_MINUTES, "step": 5},
            "capacity": {"min": 1, "max": rules.max_capacity()},
            "price": {"min": 0, "step": "0.01"},
        }
        for name, extra in attrs.items():
            self.fields[name].widget.attrs.update(extra)

    @staticmethod
    def _initial(mentor, session) -> dict:
        if session is not None:
            local = session.starts_at.astimezone(mentor.tzinfo)
            return {
                "title": session.title,
                "topic": session.topic,
                "description": settle_description(
                    session.description, session.description_markdown
                ).source,
                "date": local.date(),
                "start_time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": session.duration_minutes,
                "capacity": session.capacity,
                "price": session.price,
                "visibility": session.visibility,
            }
        profile = getattr(mentor, "mentor_profile", None)
        tomorrow = (timezone.now() + timedelta(days=1)).astimezone(mentor.tzinfo)
        return {
            "date": tomorrow.date(),
            "start_time": tomorrow.replace(minute=0, second=0, microsecond=0).time(),
            "duration_minutes": getattr(profile, "default_duration_minutes", 60) or 60,
            "capacity": 1,
            "price": getattr(profile, "default_price", Decimal("0")),
            "visibility": "public",
        }

    def clean(self):
        data = super().clean()
        if starts_at := _local_start(data, self.mentor):
            data["starts_at"] = starts_at
        given = {
            name: data[name]
            for name in rules.EDITABLE_FIELDS
            if name in data and not (name == "visibility" and not data[name])
        }
        for field, message in rules.field_errors(given, session=self.session).items():
            self.add_error(_form_field(field, message), message)
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
        field = _form_field(error.field, error.message)
        self.add_error(field if field in self.fields else None, error.message)


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "class": INPUT, "id": "id_reason", "maxlength": rules.REASON_MAX}
        ),
        help_text="Booked learners see this reason.",
    )

    def clean_reason(self) -> str:
        try:
            return rules.check_reason(self.cleaned_data["reason"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from error


class RescheduleForm(forms.Form):
    """The Reschedule dialog: a new day and start time in the mentor's zone, and a reason."""

    date = BoundedDateFormField(
        label="New date",
        widget=forms.DateInput(attrs={"type": "date", "class": INPUT}, format="%Y-%m-%d"),
        error_messages={"required": msg.DATE_REQUIRED, "invalid": msg.DATE_INVALID},
    )
    start_time = forms.TimeField(
        label="New start time",
        widget=forms.TimeInput(attrs={"type": "time", "class": INPUT}, format="%H:%M"),
        error_messages={"required": msg.TIME_REQUIRED, "invalid": msg.TIME_INVALID},
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": INPUT, "maxlength": rules.REASON_MAX}),
        help_text="Booked learners see this reason.",
    )

    def __init__(self, *args, mentor, session, **kwargs):
        self.mentor = mentor
        if "initial" not in kwargs:
            local = session.starts_at.astimezone(mentor.tzinfo)
            kwargs["initial"] = {
                "date": local.date(),
                "start_time": local.time().replace(second=0, microsecond=0),
            }
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if starts_at := _local_start(data, self.mentor):
            data["starts_at"] = starts_at
            try:
                rules.check_starts_at(data["starts_at"])
            except DomainError as error:
                self.add_domain_error(error)
        try:
            data["reason"] = rules.check_reason(data.get("reason", ""))
        except DomainError as error:
            self.add_error("reason", error.message)
        return data

    def add_domain_error(self, error: DomainError) -> None:
        field = _form_field(error.field, error.message)
        self.add_error(field if field in self.fields else None, error.message)


class CatalogFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    date = BoundedDateFormField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class OverlapCheckForm(forms.Form):
    """The time being picked in the Create/Edit dialog, for the overlap hint.

    Incomplete or impossible input is no hint (the dialog's own fields say what
    is wrong when it is saved); saving still runs the overlap check itself.
    """

    date = BoundedDateFormField()
    start_time = forms.TimeField()
    duration_minutes = forms.IntegerField(min_value=1, max_value=rules.MAX_DURATION_MINUTES)
    session = forms.IntegerField(required=False)  # the session being edited: no clash with itself

    def slot(self, mentor) -> tuple[datetime, int] | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        local = datetime.combine(d["date"], d["start_time"].replace(second=0, microsecond=0))
        return timezone.make_aware(local, mentor.tzinfo), d["duration_minutes"]
