""".ics building blocks shared by the download, the mentor's feed and the reminder email.

Every event keeps its UID (`session-<id>@host`) and carries SEQUENCE (raised on
each change of time) and STATUS (CANCELLED for a cancelled session). Times are
written in UTC (`DTSTART:20261025T080000Z`), so calendars place them correctly
on both sides of a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Session

PRODID = "-//MentorHub//Sessions//EN"


def calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def event(session: Session, *, base_url: str, host: str, for_mentor: bool) -> Event:
    """One session; `base_url` ("https://host") makes the room link absolute."""
    item = Event()
    item.add("uid", f"session-{session.pk}@{host}")
    item.add("dtstamp", timezone.now().astimezone(UTC))
    item.add("dtstart", session.starts_at.astimezone(UTC))
    item.add("dtend", session.ends_at.astimezone(UTC))
    item.add("summary", session.title)
    room = base_url.rstrip("/") + reverse("live_room", args=[session.pk])
    who = "your learners" if for_mentor else session.mentor.display_name
    item.add("description", f"MentorHub session with {who}.\nJoin: {room}")
    item.add("url", room)
    # Same UID forever; SEQUENCE rises with every move, so calendar apps replace the
    # event; a cancelled one stays (STATUS:CANCELLED) so they remove it.
    item.add("sequence", session.sequence)
    cancelled = session.status == Session.Status.CANCELLED
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if session.updated_at:
        item.add("last-modified", session.updated_at.astimezone(UTC))
    return item


def session_ics(session: Session, *, for_mentor: bool) -> bytes:
    """The session's .ics with links to SITE_URL (for emails: no request at hand)."""
    site = urlsplit(settings.SITE_URL)
    cal = calendar("MentorHub")
    cal.add_component(
        event(session, base_url=settings.SITE_URL, host=site.netloc, for_mentor=for_mentor)
    )
    return cal.to_ical()
