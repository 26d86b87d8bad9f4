"""The Analytics tab (mentor)."""

from accounts.decorators import mentor_required
from mentorhub.dashboard import render_tab


@mentor_required
def analytics_tab(request):
    return render_tab(request, "analytics/analytics_tab.html", {}, tab="analytics")
