"""{% room_presence session %}: who is in the live room, for dashboard rows.

Renders the registered live fragment's template (live/live/room_presence.html,
id="room-<session id>") with the row's session, so the row starts right and
pushes keep it current. Only live sessions query presence (one query each).
Presence is live state: an enclosing `{% cachedrows %}` never stores it.
"""

from django import template
from django.template.loader import render_to_string

from core.cache import never_cache_markup
from sessions_app.models import Session

from .. import services
from ..fragments import ROOM_PRESENCE_TEMPLATE

register = template.Library()


@register.simple_tag(takes_context=True)
def room_presence(context, session: Session) -> str:
    never_cache_markup(context)
    names = services.room_names(session) if session.status == Session.Status.LIVE else []
    return render_to_string(
        ROOM_PRESENCE_TEMPLATE, {"session_id": session.pk, "names": names, "oob": False}
    )
