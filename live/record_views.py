"""The mentor's session notes page: `/live/<id>/notes/` (the Markdown editor of the bio).

Learners read the notes (and the chat transcript) on the session's details,
through `{% session_record %}` (live/templatetags/session_record.py).
"""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.decorators import mentor_required
from core.dashboard import render_tab
from core.errors import DomainError
from sessions_app.queries import get_session_for_mentor

from . import chat, notes

BACK_TAB = {"draft": "draft", "completed": "past", "cancelled": "past"}  # else "scheduled"


@mentor_required
@require_http_methods(["GET", "POST"])
def session_notes(request, session_id: int):
    session = get_session_for_mentor(request.user, session_id)
    context = {
        "session": session,
        "saved": request.GET.get("saved") == "1",
        "back_url": reverse("sessions_subtab", args=[BACK_TAB.get(session.status, "scheduled")]),
        "transcript": chat.transcript(session.pk),
    }
    if request.method == "POST":
        text = request.POST.get("notes", "")
        try:
            notes.save_notes(request.user, session, text)
        except DomainError as exc:
            context.update(value=text, errors=[exc.message])
            return render_tab(request, "live/notes.html", context, tab="sessions", status=422)
        return HttpResponseRedirect(f"{reverse('live_notes', args=[session.pk])}?saved=1")
    context["value"] = notes.notes_of(session).markdown
    return render_tab(request, "live/notes.html", context, tab="sessions")
