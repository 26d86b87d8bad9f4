"""Sign-in and sign-out pages (JWT cookies), the lockout answer."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from .forms import LoginForm
from .signals import signed_out
from .tokens import clear_auth_cookies, issue_tokens, revoke_refresh, set_auth_cookies
from .user_cache import end_access_tokens

UNVERIFIED_MESSAGE = (
    "Please confirm your email address first: follow the link in the email we sent "
    "when you signed up."
)
LOCKOUT_MESSAGE = (
    "Too many failed sign-in attempts. For your security this account is locked "
    "for {minutes} minutes; try again later."
)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(_safe_next(request, request.user.home_url))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if user is not None and user.is_active and not user.email_verified:
                return render(
                    request,
                    "accounts/login.html",
                    {"form": form, "next": _safe_next(request, ""), "unverified": user.email},
                    status=403,
                )
            if user is not None and user.is_active:
                response = HttpResponseRedirect(_safe_next(request, user.home_url))
                set_auth_cookies(response, *issue_tokens(user))
                response.jwt_handled = True
                rotate_token(request)
                return response
            form.add_error(None, "Wrong username or password.")
        status = 400
    context = {
        "form": form,
        "next": _safe_next(request, ""),
        "signed_out_everywhere": request.GET.get("signed_out") == "everywhere",
    }
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout_view(request):
    if request.jwt_refresh:
        revoke_refresh(request.jwt_refresh)
    if request.user.is_authenticated:
        end_access_tokens(request.user.pk)  # its access tokens are refused at once
    # Open pages' sockets close now, not at expiry (notifications listens).
    signed_out.send(sender=type(request.user), user_id=request.user.pk)
    response = redirect("login")
    clear_auth_cookies(response)
    response.jwt_handled = True
    return response


def lockout(request, response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = LOCKOUT_MESSAGE.format(minutes=minutes)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    form = LoginForm(request.POST or None)
    form.is_valid()
    form.add_error(None, message)
    return render(request, "accounts/login.html", {"form": form, "locked": True}, status=429)
