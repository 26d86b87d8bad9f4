"""{% room_presence session %}: who is in the live room, for dashboard rows.

Renders the same fragment that live pushes (templates/notifications/live/
room_presence.html, id="room-<session id>"), so the row starts right and the
pushes keep it current. Only live sessions query presence (one query each).
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from sessions_app.models import Session

from .. import services

register = template.Library()


@register.simple_tag
def room_presence(session: Session) -> str:
    names = services.room_names(session) if session.status == Session.Status.LIVE else []
    html = render_to_string(
        "notifications/live/room_presence.html", {"session_id": session.pk, "names": names}
    )
    return mark_safe(html.replace(' hx-swap-oob="true"', "", 1))  # noqa: S308 (our template)
