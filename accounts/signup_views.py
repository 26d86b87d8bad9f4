"""Sign-up (learner and mentor application), email verification, password reset."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError

from . import services
from .signup_forms import (
    AccountPasswordResetForm,
    AccountSetPasswordForm,
    EmailOnlyForm,
    MentorSignupForm,
    SignupForm,
)
from .throttles import MESSAGE as THROTTLED
from .throttles import throttled

RESEND_ANSWER = (
    "If an unconfirmed account uses this address, a new link is on its way. "
    "It can take a minute; check your spam folder too."
)


def _signup(request, form_class, template: str, mentor: bool):
    if request.user.is_authenticated:
        return redirect(request.user.home_url)
    form = form_class(request.POST or None)
    if request.method == "POST":
        if throttled(request, "signup"):
            form.is_valid()
            form.add_error(None, THROTTLED)
            return render(request, template, {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            application = (
                {k: data[k] for k in ("headline", "expertise", "motivation")} if mentor else None
            )
            try:
                user = services.register_user(
                    display_name=data["display_name"],
                    username=data["username"],
                    email=data["email"],
                    password=data["password1"],
                    application=application,
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                context = {"email": user.email, "mentor": mentor}
                return render(request, "accounts/signup_sent.html", context)
        return render(request, template, {"form": form}, status=422)
    return render(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
def signup_view(request):
    return _signup(request, SignupForm, "accounts/signup.html", mentor=False)


@require_http_methods(["GET", "POST"])
def mentor_signup_view(request):
    return _signup(request, MentorSignupForm, "accounts/signup_mentor.html", mentor=True)


@require_GET
def verify_email_view(request, token: str):
    try:
        user = services.verify_email(token)
    except DomainError as error:
        form = EmailOnlyForm()
        context = {"form": form, "error": error.message}
        return render(request, "accounts/resend_verification.html", context, status=400)
    return render(request, "accounts/email_verified.html", {"verified_user": user})


@require_http_methods(["GET", "POST"])
def resend_verification_view(request):
    form = EmailOnlyForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST":
        if throttled(request, "verification"):
            form.add_error(None, THROTTLED)
            return render(request, "accounts/resend_verification.html", {"form": form}, status=429)
        if form.is_valid():
            services.resend_verification(form.cleaned_data["email"])
            context = {"form": EmailOnlyForm(), "sent": RESEND_ANSWER}
            return render(request, "accounts/resend_verification.html", context)
        return render(request, "accounts/resend_verification.html", {"form": form}, status=422)
    return render(request, "accounts/resend_verification.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view; the same answer whether or not the address has an account."""

    form_class = AccountPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if throttled(request, "password_reset"):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, THROTTLED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = AccountSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
