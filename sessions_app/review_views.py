"""The learner's review form: /sessions/<id>/review/ (GET shows it, POST stores the review)."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.decorators import learner_required
from mentorhub.errors import DomainError

from . import reviews
from .models import Review

RATING_CHOICES = [(5, "Excellent"), (4, "Good"), (3, "Okay"), (2, "Poor"), (1, "Bad")]


@learner_required
@require_http_methods(["GET", "POST"])
def review_form(request, pk: int):
    session = reviews.session_for_review(request.user, pk)  # 404 unless the learner booked it
    existing = Review.objects.filter(session=session, learner=request.user).first()
    context = {
        "learner_nav": "home",
        "session": session,
        "review": existing,
        "choices": RATING_CHOICES,
        "max_comment": reviews.MAX_COMMENT,
        "thanks": request.GET.get("thanks") == "1" and existing is not None,
        "errors": {},
        "values": {"rating": "", "comment": ""},
    }
    if existing is None:
        try:
            reviews.check_can_review(request.user, session)
        except DomainError as error:
            context["blocked"] = error.message
    if request.method == "GET" or existing is not None or context.get("blocked"):
        status = 200 if request.method == "GET" else 400
        return render(request, "sessions_app/review_form.html", context, status=status)

    values = {"rating": request.POST.get("rating", ""), "comment": request.POST.get("comment", "")}
    try:
        reviews.leave_review(request.user, session, values["rating"], values["comment"])
    except DomainError as error:
        context["errors"] = {error.field or "session": error.message}
        context["values"] = values
        return render(request, "sessions_app/review_form.html", context, status=422)
    return HttpResponseRedirect(f"{reviews.review_url(session.pk)}?thanks=1")
