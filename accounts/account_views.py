"""/account/: change email (re-verified) and password, Sign out everywhere."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError

from . import services
from .decorators import signin_required
from .signup_forms import AccountPasswordChangeForm as PasswordChangeForm
from .signup_forms import ChangeEmailForm
from .throttles import MESSAGE as THROTTLED
from .throttles import throttled
from .tokens import clear_auth_cookies, issue_tokens, set_auth_cookies


def _page(request, *, email_form=None, password_form=None, status=200):
    context = {
        "email_form": email_form or ChangeEmailForm(request.user),
        "password_form": password_form or PasswordChangeForm(request.user),
    }
    return render(request, "accounts/account.html", context, status=status)


@require_GET
@signin_required
def account_view(request):
    return _page(request)


@require_POST
@signin_required
def change_email_view(request):
    form = ChangeEmailForm(request.user, request.POST)
    if throttled(request, "email_change"):
        form.is_valid()
        form.add_error(None, THROTTLED)
        return _page(request, email_form=form, status=429)
    if form.is_valid():
        try:
            new_email = services.request_email_change(request.user, form.cleaned_data["new_email"])
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                f"We sent a link to {new_email}. Your address changes when you follow it.",
            )
            return redirect("account")
    return _page(request, email_form=form, status=422)


@require_POST
@signin_required
def change_password_view(request):
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _page(request, password_form=form, status=422)
    user = form.save()
    # Every other browser and app is signed out; this one gets fresh tokens.
    services.sign_out_everywhere(user)
    response = redirect("account")
    set_auth_cookies(response, *issue_tokens(user))
    response.jwt_handled = True
    messages.success(request, "Your password was changed. Other devices were signed out.")
    return response


@require_http_methods(["GET", "POST"])
@signin_required
def sign_out_everywhere_view(request):
    if request.method == "GET":  # the confirmation (a dialog on the account page)
        if request.htmx:
            return render(request, "accounts/account.html#signout_dialog")
        return render(request, "accounts/sign_out_everywhere.html")
    services.sign_out_everywhere(request.user)
    response = redirect(f"{reverse('login')}?signed_out=everywhere")
    clear_auth_cookies(response)
    response.jwt_handled = True
    return response


@require_GET
def confirm_email_change_view(request, token: str):
    try:
        user = services.confirm_email_change(token)
    except DomainError as error:
        return render(request, "accounts/email_changed.html", {"error": error.message}, status=400)
    return render(request, "accounts/email_changed.html", {"new_email": user.email})
