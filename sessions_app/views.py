"""My Sessions tab (mentor)."""

from django.http import Http404

from accounts.decorators import mentor_required
from mentorhub.dashboard import render_tab

SUBTABS = [("draft", "Draft"), ("scheduled", "Scheduled"), ("past", "Past")]


@mentor_required
def sessions_tab(request, status: str = "scheduled"):
    if status not in dict(SUBTABS):
        raise Http404
    return render_tab(
        request,
        "sessions_app/sessions_tab.html",
        {"status": status, "subtabs": SUBTABS},
        tab="sessions",
    )
