"""Forms: the learner's request, the mentor's Accept and Decline dialogs.

Times typed into datetime-local inputs are read in the form user's own zone
(learner for the request, mentor for Accept) and converted to UTC. The forms
parse; the rules and their words are the services' (rules.py, messages.py),
and a DomainError is shown next to the input it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from core.errors import DomainError
from core.formatting import money_label
from core.timebounds import BoundedDateTimeFormField
from sessions_app.availability.picker import slots_by_day
from sessions_app.availability.pricing import chosen_duration
from sessions_app.availability.slots import FREE, OUTSIDE_HOURS, TAKEN, time_states

from . import messages as msg
from . import rules
from .models import SessionRequest
from .rules import MAX_PREFERRED_TIMES, MESSAGE_MAX, REASON_MAX, TOPIC_MAX

INPUT = (
    "block w-full min-h-11 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm "
    "shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500 "
    "aria-[invalid=true]:border-rose-500"
)
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
DURATIONS = [(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1½ hours"),
             (120, "2 hours")]  # fmt: skip
TIME_FIELDS = [f"time_{i}" for i in range(1, MAX_PREFERRED_TIMES + 1)]


def _local_datetime_field(label: str, *, required: bool) -> forms.DateTimeField:
    return BoundedDateTimeFormField(  # in range and at most 2 years ahead (CONTRACT: Times)
        schedulable=True,
        label=label,
        required=required,
        input_formats=LOCAL_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": msg.TIMES_REQUIRED, "invalid": msg.TIME_INVALID},
    )


def _rule(check, *args):
    """A rule's DomainError as the error of the field being cleaned."""
    try:
        return check(*args)
    except DomainError as error:
        raise forms.ValidationError(error.message) from error


class _ZonedForm(forms.Form):
    """Reads naive datetime-local values in `self.zone` (the acting user's)."""

    zone = None

    def full_clean(self):
        with timezone.override(self.zone):
            super().full_clean()

    def add_domain_error(self, error: DomainError, field_map: dict | None = None) -> None:
        field = (field_map or {}).get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, error.message)

    def _style(self):
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.setdefault("class", INPUT)
            field.widget.attrs["id"] = f"id_{name}"


class RequestForm(_ZonedForm):
    topic = forms.CharField(
        help_text="What would you like to work on? e.g. “Review my Django project”.",
        error_messages={"required": msg.TOPIC_REQUIRED},
    )
    message = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Context for the mentor: your level, goals, links. Plain text.",
    )
    duration_minutes = forms.TypedChoiceField(
        label="Duration", choices=DURATIONS, coerce=int, initial=60
    )

    def __init__(self, *args, learner, mentor, offered=None, duration=None, **kwargs):
        """`offered`: the mentor's (duration choices with price, default duration) when
        they have weekly hours (availability.picker.durations): the learner then picks
        among the free slots of the chosen duration instead of typing times."""
        self.learner, self.mentor, self.zone = learner, mentor, learner.tzinfo
        profile = getattr(mentor, "mentor_profile", None)
        default = offered[1] if offered else getattr(profile, "default_duration_minutes", 60)
        kwargs.setdefault("initial", {"duration_minutes": default})
        super().__init__(*args, **kwargs)
        self.slot_mode = offered is not None
        if self.slot_mode:
            self._slot_fields(offered[0], default, duration)
        else:
            if default not in dict(DURATIONS):
                self.fields["duration_minutes"].choices = sorted(
                    [*DURATIONS, (default, f"{default} minutes")]
                )
            for i, name in enumerate(TIME_FIELDS, start=1):
                label = "First choice" if i == 1 else f"Option {i} (optional)"
                self.fields[name] = _local_datetime_field(label, required=i == 1)
        self._style()
        self.fields["topic"].widget.attrs["maxlength"] = TOPIC_MAX
        self.fields["message"].widget.attrs["maxlength"] = MESSAGE_MAX
        now_local = timezone.now().astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")
        for name in TIME_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs["min"] = now_local

    def _slot_fields(self, choices, default: int, duration) -> None:
        """Duration choices with their price; `slots`: the free starts of that duration
        over the picker's days (in the learner's zone), up to five ticked."""
        field = self.fields["duration_minutes"]
        field.choices = [
            (minutes, f"{minutes} min · {money_label(price, settings.PLATFORM_CURRENCY)}"
             if price else f"{minutes} min · free")
            for minutes, price in choices
        ]  # fmt: skip
        raw = self.data.get("duration_minutes") if self.is_bound else duration
        self.duration = chosen_duration(raw, choices, default)
        by_day = slots_by_day(self.mentor, self.zone, self.duration)
        self.slot_days = [(day, times) for day, times in by_day.items() if times]
        self.fields["slots"] = forms.MultipleChoiceField(
            label="Free times",
            required=True,
            choices=[(t.isoformat(), t.isoformat()) for _d, times in self.slot_days for t in times],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": msg.SLOTS_REQUIRED,
                "invalid_choice": msg.SLOT_NO_LONGER_FREE,
            },
        )

    @property
    def picked(self) -> set[str]:
        return set(self.data.getlist("slots")) if self.is_bound else set()

    @property
    def time_fields(self):
        return [self[name] for name in TIME_FIELDS if name in self.fields]

    def clean_topic(self) -> str:
        return _rule(rules.check_topic, self.cleaned_data["topic"])

    def clean_message(self) -> str:
        return _rule(rules.check_message, self.cleaned_data["message"])

    def clean(self):
        data = super().clean()
        now = timezone.now()
        if self.slot_mode:
            picked = data.get("slots") or []
            if len(picked) > MAX_PREFERRED_TIMES:
                self.add_error("slots", msg.too_many_times(MAX_PREFERRED_TIMES))
            data["preferred_times"] = sorted(datetime.fromisoformat(v) for v in picked)
            return data
        times = []
        for name in TIME_FIELDS:
            value = data.get(name)
            if value is None:
                continue
            try:
                when = rules.check_preferred_time(value, now)
            except DomainError as error:
                self.add_error(name, error.message)
                continue
            if when in times:  # the service merges repeats; here the input is pointed at
                self.add_error(name, msg.TIME_REPEATED)
            else:
                times.append(when)
        data["preferred_times"] = times
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "topic": d["topic"],
            "message": d.get("message", ""),
            "preferred_times": d["preferred_times"],
            "duration_minutes": d["duration_minutes"],
        }


CUSTOM = "custom"
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
TIME_STATE_LABELS = {FREE: "free", TAKEN: "busy", OUTSIDE_HOURS: "outside"}


@dataclass(frozen=True)
class TimeOption:
    """One of the learner's preferred times in the Accept dialog."""

    key: str  # the index in preferred_times: the radio's value
    when: datetime
    passed: bool
    state: str = ""  # "free", "busy" (a session or its buffer), "outside" (hours); "" unknown

    @property
    def rank(self) -> str:
        number = int(self.key) + 1
        return ORDINALS.get(number, f"{number}th")


def time_options(mentor, request_obj: SessionRequest, now: datetime) -> list[TimeOption]:
    """The learner's times, those still free in the mentor's calendar first (in the
    learner's order), then the busy or out-of-hours ones, then the passed ones."""
    times = request_obj.preferred_datetimes
    open_times = [when for when in times if when > now]
    states = time_states(mentor, open_times, request_obj.duration_minutes) or {}
    options = [
        TimeOption(str(i), when, when <= now, TIME_STATE_LABELS.get(states.get(when), ""))
        for i, when in enumerate(times)
    ]
    return sorted(options, key=lambda o: (o.passed, o.state not in ("free", "")))


class AcceptForm(_ZonedForm):
    choice = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": msg.CHOOSE_A_TIME}
    )
    custom_at = _local_datetime_field("Another time", required=False)

    def __init__(self, *args, mentor, request_obj: SessionRequest, **kwargs):
        self.mentor, self.request_obj, self.zone = mentor, request_obj, mentor.tzinfo
        now = timezone.now()
        self.options = time_options(mentor, request_obj, now)
        first_open = next((o.key for o in self.options if not o.passed), CUSTOM)
        kwargs.setdefault("initial", {"choice": first_open})
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [
            *((o.key, o.key) for o in self.options if not o.passed),
            (CUSTOM, CUSTOM),
        ]
        self.fields["choice"].error_messages["invalid_choice"] = msg.CHOOSE_ONE_OF_THE_TIMES
        self._style()
        self.fields["custom_at"].widget.attrs["min"] = now.astimezone(self.zone).strftime(
            "%Y-%m-%dT%H:%M"
        )

    @property
    def selected(self) -> str:
        value = self.data.get("choice") if self.is_bound else self.initial.get("choice")
        return str(value or "")

    def clean(self):
        data = super().clean()
        choice = data.get("choice")
        if choice == CUSTOM:
            if data.get("custom_at") is None and "custom_at" not in self.errors:
                self.add_error("custom_at", msg.CUSTOM_TIME_REQUIRED)
            data["scheduled_at"] = data.get("custom_at")
        elif choice is not None:
            data["scheduled_at"] = self.request_obj.preferred_datetimes[int(choice)]
        if data.get("scheduled_at") is not None:
            try:
                rules.check_accept_time(data["scheduled_at"])
            except DomainError as error:
                self.add_error("custom_at" if choice == CUSTOM else "choice", error.message)
        return data

    def scheduled_at_or_none(self):
        """The chosen time while the form is being filled (for the overlap hint)."""
        with timezone.override(self.zone):
            choice = self.data.get("choice")
            if choice == CUSTOM:
                field = self.fields["custom_at"]
                try:
                    return field.clean(self.data.get("custom_at"))
                except forms.ValidationError:
                    return None
            try:
                return self.request_obj.preferred_datetimes[int(choice)]
            except (TypeError, ValueError, IndexError):
                return None


class DeclineForm(_ZonedForm):
    reason = forms.CharField(
        required=False,
        label="Reason (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The learner sees this. e.g. “I'm fully booked this month.”",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["reason"].widget.attrs["maxlength"] = REASON_MAX

    def clean_reason(self) -> str:
        return _rule(rules.check_reason, self.cleaned_data["reason"])


class SlotBookForm(forms.Form):
    """Book one of a mentor's free slots: the time (UTC ISO from the picker's link),
    the duration, and what the learner wants to work on (the rules check them again)."""

    starts_at = BoundedDateTimeFormField(schedulable=True, widget=forms.HiddenInput)
    duration = forms.IntegerField(widget=forms.HiddenInput)
    topic = forms.CharField(
        label="What would you like to work on?",
        max_length=TOPIC_MAX,
        widget=forms.TextInput(attrs={"class": INPUT}),
        error_messages={"required": msg.TOPIC_REQUIRED},
    )
    message = forms.CharField(
        label="Anything the mentor should know? (optional)",
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": INPUT}),
    )

    def clean_topic(self):
        try:
            return rules.check_topic(self.cleaned_data["topic"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
