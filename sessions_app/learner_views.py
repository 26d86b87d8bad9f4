"""Learner pages: home (bookings, requests, reviews)."""

from django.shortcuts import render

from accounts.decorators import learner_required


@learner_required
def learner_home(request):
    return render(request, "sessions_app/learner_home.html", {"learner_nav": "home"})
