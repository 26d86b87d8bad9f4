"""{% session_record session %}: the room's notes and chat on a session's details.

sessions_app's pages (the mentor's session dialog, the learner's session page) show
what the live room left behind through this tag, so sessions_app never imports live.
Members only: the mentor sees the notes always (with a link to write them), a booked
learner once the session is over; the chat transcript shows once it is over.
At most three queries (membership, notes, the transcript's count and rows).
"""

from django import template

from sessions_app.models import Session

from .. import chat, notes, services

register = template.Library()


@register.inclusion_tag("live/_session_record.html", takes_context=True)
def session_record(context, session: Session, heading: str = "h2", css: str = "mt-8") -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    member = services.membership(user, session) if user is not None else None
    if member is None:
        return {"show_notes": False, "show_chat": False}
    over = session.status == Session.Status.COMPLETED
    show_notes = member.is_mentor or notes.learners_may_read(session)
    return {
        "session": session,
        "member": member,
        "heading": "h3" if heading == "h3" else "h2",
        "css": css,
        "show_notes": show_notes,
        "notes": notes.notes_of(session) if show_notes else notes.EMPTY,
        "show_chat": over,
        "transcript": chat.transcript(session.pk) if over else None,
    }
