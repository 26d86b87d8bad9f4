"""The Profile tab's form: the same validators as the API (profile_services)."""

from django import forms

from . import profile_services as svc
from .images import PictureError, process_picture


class ProfileForm(forms.Form):
    display_name = forms.CharField(required=False, strip=False)
    headline = forms.CharField(required=False, strip=False)
    bio = forms.CharField(required=False, strip=False)
    expertise = forms.CharField(required=False)
    languages = forms.CharField(required=False)
    timezone = forms.CharField()
    default_price = forms.CharField()
    default_duration_minutes = forms.CharField()
    picture = forms.FileField(required=False)

    error_messages = {"required": "This field is required."}

    def clean_display_name(self):
        return svc.clean_text(
            self.cleaned_data["display_name"], label="Display name", limit=svc.DISPLAY_NAME_MAX
        )

    def clean_headline(self):
        return svc.clean_text(
            self.cleaned_data["headline"], label="Headline", limit=svc.HEADLINE_MAX
        )

    def clean_bio(self):
        return svc.clean_bio(self.cleaned_data["bio"])

    def clean_expertise(self):
        return svc.clean_tags(
            self.cleaned_data["expertise"], label="Expertise", limit=svc.MAX_EXPERTISE
        )

    def clean_languages(self):
        return svc.clean_tags(
            self.cleaned_data["languages"], label="Language", limit=svc.MAX_LANGUAGES
        )

    def clean_timezone(self):
        return svc.clean_timezone(self.cleaned_data["timezone"])

    def clean_default_price(self):
        return svc.clean_price(self.cleaned_data["default_price"])

    def clean_default_duration_minutes(self):
        return svc.clean_duration(self.cleaned_data["default_duration_minutes"])

    def clean_picture(self):
        upload = self.cleaned_data.get("picture")
        if not upload:
            return None
        try:
            return process_picture(upload)
        except PictureError as exc:
            raise forms.ValidationError(exc.message) from exc

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("picture", None)
        return data


def initial_from(profile) -> dict:
    payload = svc.profile_payload(profile)
    payload["bio"] = svc.bio_source(profile)  # the editor shows Markdown, not the HTML
    payload["expertise"] = ", ".join(payload["expertise"])
    payload["languages"] = ", ".join(payload["languages"])
    return payload
