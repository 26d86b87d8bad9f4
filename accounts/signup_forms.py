"""Forms of the sign-up, password-reset and account pages (parsing and field
messages; the writes are in accounts/services.py)."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator

from .models import User
from .services import (
    EMAIL_TAKEN,
    USERNAME_TAKEN,
    email_taken,
    normalize_email,
    sign_out_everywhere,
    username_taken,
)

PASSWORD_HELP = "At least 8 characters; not only digits, not a common password."
MAX_EXPERTISE = 10
MAX_EXPERTISE_CHARS = 40


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label="Display name",
        max_length=100,
        help_text="How mentors and learners see you.",
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="For signing in. Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="We send a link to confirm it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Repeat the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Please enter the name others will see.")
        return name

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username_taken(username):
            raise forms.ValidationError(USERNAME_TAKEN)
        return username

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if email_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords don't match.")
        elif password1:
            probe = User(
                username=data.get("username") or "",
                email=data.get("email") or "",
                first_name=data.get("display_name") or "",
            )
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class MentorSignupForm(SignupForm):
    headline = forms.CharField(
        label="Headline",
        max_length=120,
        help_text="One line learners see first, e.g. “Senior Python engineer · APIs”.",
    )
    expertise = forms.CharField(
        label="Expertise",
        max_length=500,
        help_text="Topics you teach, separated by commas.",
    )
    motivation = forms.CharField(
        label="Why do you want to mentor?",
        max_length=2000,
        min_length=20,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few sentences for our team: your experience and what you'd like to teach.",
    )

    def clean_expertise(self):
        items = []
        for raw in self.cleaned_data["expertise"].split(","):
            item = " ".join(raw.split())
            if item and item.lower() not in {i.lower() for i in items}:
                items.append(item)
        if not items:
            raise forms.ValidationError("Name at least one topic.")
        if len(items) > MAX_EXPERTISE:
            raise forms.ValidationError(f"At most {MAX_EXPERTISE} topics.")
        if any(len(i) > MAX_EXPERTISE_CHARS for i in items):
            raise forms.ValidationError(f"Each topic at most {MAX_EXPERTISE_CHARS} characters.")
        return items


class EmailOnlyForm(forms.Form):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ChangeEmailForm(forms.Form):
    new_email = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your current password is not right.")
        return password


class AccountPasswordResetForm(PasswordResetForm):
    """Django's form; the email goes through accounts.emails (text + HTML)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.urls import reverse

        from .emails import absolute_url, send_account_email

        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        send_account_email(
            to_email, "password_reset", {"user": context["user"], "link": absolute_url(path)}
        )


def _plain_password_help(form) -> None:
    """One short line instead of Django's HTML list; no autofocus mid-page."""
    form.fields["new_password1"].help_text = PASSWORD_HELP
    form.fields["new_password2"].help_text = ""
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)


class AccountPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self)


class AccountSetPasswordForm(SetPasswordForm):
    """A reset proves the address: the account counts as verified, and every
    other session of the user ends."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email_verified = True
        if commit:
            user.save()
            sign_out_everywhere(user)
        return user
