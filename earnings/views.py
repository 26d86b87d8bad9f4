"""The Earnings tab (mentor)."""

from accounts.decorators import mentor_required
from mentorhub.dashboard import render_tab


@mentor_required
def earnings_tab(request):
    return render_tab(request, "earnings/earnings_tab.html", {}, tab="earnings")
