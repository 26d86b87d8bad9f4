"""Role checks for pages: anonymous → login, wrong role → a friendly 403."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


def _to_login(request):
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(f"{reverse('login')}?next={request.get_full_path()}")
    return redirect_to_login(request.get_full_path())


def mentor_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        if not request.user.is_mentor:
            return render(request, "accounts/forbidden.html", {"for_role": "mentors"}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def learner_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        if not request.user.is_learner:
            return render(request, "accounts/forbidden.html", {"for_role": "learners"}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def signin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        return view(request, *args, **kwargs)

    return wrapper
