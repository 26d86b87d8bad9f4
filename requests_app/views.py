"""The Requests tab (mentor)."""

from accounts.decorators import mentor_required
from mentorhub.dashboard import render_tab


@mentor_required
def requests_tab(request):
    return render_tab(request, "requests_app/requests_tab.html", {}, tab="requests")
