"""Public mentor pages for signed-in users: the list and one mentor's page.

They show sessions and ratings, so they live here rather than in accounts
(accounts sits below sessions_app and never imports it)."""

from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.http import Http404
from django.shortcuts import render

from accounts import profile_services as svc
from accounts.decorators import signin_required
from accounts.models import MentorProfile, User, active_mentors

from .availability import picker, pricing
from .models import Review
from .queries import catalog_sessions

PICKER = "sessions_app/_slot_picker.html"
PAGE_SIZE = 24
UPCOMING_LIMIT = 10


def get_public_mentor(pk: int) -> MentorProfile:
    """An active mentor's profile, or 404 (learners, staff and unknown ids alike).

    A mentor made in the admin has no profile row until they open the Profile
    tab; their sessions still link here, so the row is created on first view.
    """
    try:
        return MentorProfile.objects.select_related("user").get(
            user_id=pk, user__role=User.Role.MENTOR, user__is_active=True
        )
    except MentorProfile.DoesNotExist as exc:
        user = active_mentors().filter(pk=pk).first()
        if user is None:
            raise Http404("No such mentor.") from exc
        return svc.get_profile(user)


@signin_required
def mentor_list(request):
    query = request.GET.get("q", "").strip()[:100]
    profiles = (
        MentorProfile.objects.filter(user__role=User.Role.MENTOR, user__is_active=True)
        .select_related("user")
        .annotate(
            rating_avg=Avg("user__reviews_received__rating"),
            rating_count=Count("user__reviews_received", distinct=True),
        )
        .order_by("display_name", "user__username", "pk")
    )
    if query:
        profiles = profiles.filter(
            Q(display_name__icontains=query)
            | Q(headline__icontains=query)
            | Q(user__username__icontains=query)
            | Q(expertise__icontains=query)
        )
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [
        {**svc.card_for(p), "rating_avg": p.rating_avg, "rating_count": p.rating_count}
        for p in page
    ]
    context = {"page": page, "cards": cards, "query": query, "learner_nav": "mentors"}
    return render(request, "sessions_app/mentor_list.html", context)


@signin_required
def mentor_detail(request, pk: int):
    profile = get_public_mentor(pk)
    rating = Review.objects.filter(mentor_id=profile.user_id).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    upcoming = list(catalog_sessions(mentor_id=profile.user_id)[:UPCOMING_LIMIT])
    context = {
        "card": svc.card_for(profile),
        "mentor": profile.user,
        "rating": rating,
        "upcoming": upcoming,
        "can_request": request.user.is_learner,
        "is_self": request.user.pk == profile.user_id,
        "learner_nav": "mentors",
        "picker": _picker(request, profile) if request.user.is_learner else None,
    }
    return render(request, "sessions_app/mentor_detail.html", context)


def _picker(request, profile) -> dict | None:
    """The "Book a 1:1" picker: durations with their price, days (learner's zone) with
    their free-time counts, the chosen day's times; None when the mentor has no weekly
    hours."""
    mentor = profile.user
    offered = picker.durations(mentor)
    if offered is None:
        return None
    choices, default = offered
    duration = pricing.chosen_duration(request.GET.get("duration"), choices, default)
    by_day = picker.slots_by_day(mentor, request.user.tzinfo, duration)
    day = picker.parse_day(request.GET.get("day"), by_day)
    if day is None:
        day = next((d for d, times in by_day.items() if times), next(iter(by_day)))
    return {
        "mentor": mentor,
        "duration": duration,
        "durations": choices,
        "price": pricing.price_for(mentor, duration),
        "days": [(d, len(times)) for d, times in by_day.items()],
        "day": day,
        "times": by_day[day],
        "any": any(by_day.values()),
    }


@signin_required
def mentor_slot_times(request, pk: int):
    """The picker's body for another day (htmx), or the whole page without htmx."""
    profile = get_public_mentor(pk)
    if not request.htmx:
        return mentor_detail(request, pk)
    found = _picker(request, profile) if request.user.is_learner else None
    if found is None:
        raise Http404("No bookable times.")
    return render(request, PICKER, {"picker": found})
