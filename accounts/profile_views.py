"""The Profile tab (mentor)."""

from accounts.decorators import mentor_required
from mentorhub.dashboard import render_tab


@mentor_required
def profile_tab(request):
    return render_tab(request, "accounts/profile_tab.html", {}, tab="profile")
