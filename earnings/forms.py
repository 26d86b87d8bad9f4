"""The Request payout dialog and the ledger CSV range."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms

from core.errors import DomainError
from core.timebounds import BoundedDateFormField

from . import services

INPUT = (
    "block w-full min-h-11 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm "
    "shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500 "
    "aria-[invalid=true]:border-rose-500"
)


class PayoutForm(forms.Form):
    """Amount step; the service does the real checks (minimum, balance, cents)."""

    amount = forms.CharField(
        max_length=20,
        error_messages={"required": "Enter an amount."},
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": INPUT}
        ),
    )
    idempotency_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, mentor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor = mentor

    def clean_amount(self):
        try:
            amount = services.parse_amount(self.cleaned_data["amount"])
            services.check_payout_amount(self.mentor, amount)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return amount


class LedgerExportForm(forms.Form):
    start = BoundedDateFormField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date", "class": INPUT}),
        error_messages={"required": "Choose a start date.", "invalid": "Enter a valid date."},
    )
    end = BoundedDateFormField(
        label="To",
        widget=forms.DateInput(attrs={"type": "date", "class": INPUT}),
        error_messages={"required": "Choose an end date.", "invalid": "Enter a valid date."},
    )

    @classmethod
    def initial_for(cls, today: date) -> dict:
        return {"start": today - timedelta(days=365), "end": today}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date must be on or after the start date.")
        return data
