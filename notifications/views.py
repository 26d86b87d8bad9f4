"""The Notifications tab (mentor)."""

from accounts.decorators import mentor_required
from mentorhub.dashboard import render_tab


@mentor_required
def notifications_tab(request):
    return render_tab(request, "notifications/notifications_tab.html", {}, tab="notifications")
