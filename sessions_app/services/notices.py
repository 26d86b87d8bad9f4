"""Every notification the sessions services send, with all of its wording.

One function per occasion; each composes title, body and link for its reader
(times in the reader's own zone) and calls `notify`, which stores the row and
pushes after commit. Refusal messages are in sessions_app/messages.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from core.formatting import local_time_label, zone_label
from notifications.services import notify, push_update

from .. import ics
from ..models import Booking, Session

NOT_STARTED_REASON = "The session was not started."  # stored as the cancel reason


def _detail_url(session: Session) -> str:
    return reverse("session_detail", args=[session.pk])


def _subtab_url(status: str) -> str:
    return reverse("sessions_subtab", args=[status])


def _room_url(session: Session) -> str:
    return reverse("live_room", args=[session.pk])


# --- To learners -------------------------------------------------------------------------


def change_summary(reader, old: dict, session: Session) -> str:
    """What changed, for one booked learner: times in the reader's own zone."""
    lines = []
    if "title" in old:
        lines.append(f"New title: {session.title} (was {old['title']}).")
    if "starts_at" in old:
        lines.append(
            f"New time: {local_time_label(reader, session.starts_at)} "
            f"(was {local_time_label(reader, old['starts_at'])}, "
            f"{zone_label(getattr(reader.tzinfo, 'key', 'UTC'), session.starts_at)})."
        )
    if "duration_minutes" in old:
        lines.append(
            f"New duration: {session.duration_minutes} min (was {old['duration_minutes']} min)."
        )
    if "description" in old or "topic" in old:
        lines.append("The description or topic changed.")
    return " ".join(lines)


def session_updated(learners: Iterable, old: dict, session: Session) -> None:
    """Booked learners hear what changed (nothing, if nothing they see changed)."""
    for learner in learners:
        summary = change_summary(learner, old, session)
        if summary:
            notify(
                learner,
                "session_changed",
                f"‘{session.title}’ was updated",
                body=summary,
                url=_detail_url(session),
            )
    learner_cards_changed(session)


def session_rescheduled(learners: Iterable, old_starts_at, session: Session, reason: str) -> None:
    """The mentor moved the session: the new time in each learner's zone, and that a
    cancel now is refunded in full."""
    for learner in learners:
        body = change_summary(learner, {"starts_at": old_starts_at}, session)
        if reason:
            body += f" Reason: {reason}"
        body += " If the new time doesn't suit you, you may cancel with a full refund."
        notify(
            learner,
            "session_rescheduled",
            f"‘{session.title}’ was rescheduled",
            body=body,
            url=_detail_url(session),
        )
    learner_cards_changed(session)


def session_cancelled(
    learners: Iterable, session: Session, reason: str, *, refunded: bool = False
) -> None:
    body = f"Reason: {reason}" if reason else "Your booking was released."
    if refunded and session.price:
        body += " You are refunded in full."
    for learner in learners:
        notify(
            learner,
            "session_changed",
            f"‘{session.title}’ was cancelled",
            body=body,
            url=_detail_url(session),
        )
    learner_cards_changed(session)


def _subject(session: Session) -> tuple[int, str]:
    """What a session's banner names and closes with (Notification.subject_id)."""
    return (session.pk, f"‘{session.title}’")


def session_live(learners: Iterable, session: Session, mentor) -> None:
    """ "Is live — Join": a banner counting from the start, until the session ends."""
    for learner in learners:
        notify(
            learner,
            "session_live",
            f"‘{session.title}’ is live — Join",
            body=f"{mentor.display_name} has started the session.",
            url=_room_url(session),
            level="urgent",
            subject=_subject(session),
            starts_at=session.started_at or session.starts_at,
        )
    learner_cards_changed(session)


# --- To mentors --------------------------------------------------------------------------


def learner_cards_changed(session: Session) -> None:
    """The booked learners' open home pages redraw this session's card (its status,
    time and actions: live fragment `learner_booking`)."""
    rows = Booking.objects.filter(session=session).values_list("pk", "learner_id")
    for booking_id, learner_id in rows:
        push_update(learner_id, "learner_booking", booking_id=booking_id)


def scheduled_changed(mentor_id: int) -> None:
    """The mentor's open Scheduled lists reload (a session was scheduled or moved)."""
    push_update(mentor_id, "scheduled_version")


def new_booking(session: Session, learner) -> None:
    notify(
        session.mentor,
        "booking",
        f"New booking: {session.title}",
        body=f"{learner.display_name} booked a seat ({session.booked_count} / {session.capacity}).",
        url=_subtab_url("scheduled"),
    )


def waitlist_booked(session: Session, learner) -> None:
    """A seat freed and the learner, first on the waitlist, now has it."""
    when = local_time_label(learner, session.starts_at, zone=True)
    notify(
        learner,
        "waitlist_booked",
        f"You're booked: {session.title}",
        body=f"A seat freed up and it's yours: {when}. Cancel from the session page if "
        "you can't make it.",
        url=_detail_url(session),
    )


def booking_cancelled(session: Session, learner) -> None:
    notify(
        session.mentor,
        "booking_cancelled",
        f"Booking cancelled: {session.title}",
        body=f"{learner.display_name} cancelled ({session.booked_count} / {session.capacity}).",
        url=_subtab_url("scheduled"),
    )


def booking_rescheduled(session: Session, learner, old_starts_at) -> None:
    """A learner moved their one-to-one: the new time in the mentor's zone."""
    notify(
        session.mentor,
        "session_rescheduled",
        f"{learner.display_name} rescheduled ‘{session.title}’",
        body=change_summary(session.mentor, {"starts_at": old_starts_at}, session),
        url=_subtab_url("scheduled"),
    )


def not_started(session: Session) -> None:
    notify(
        session.mentor,
        "session_changed",
        f"‘{session.title}’ was not started",
        body="Its time passed without a start, so it was cancelled and the bookings were released.",
        url=_subtab_url("past"),
    )


# --- To both -------------------------------------------------------------------------------


def reminders(session: Session, learners: Iterable, minutes: int) -> None:
    """ "Starts in 5 minutes" to the mentor (with Start Session) and each booked learner."""
    when = "now" if minutes == 0 else f"in {minutes} minute{'s' if minutes != 1 else ''}"
    title = f"Your session ‘{session.title}’ starts {when}"
    notify(
        session.mentor,
        "session_reminder",
        title,
        body="Press Start Session when you're ready; learners can join once it's live.",
        url=_room_url(session),
        level="urgent",
        action="Start Session",
        subject=_subject(session),
        starts_at=session.starts_at,
        email=False,  # the email reminder went an hour earlier (hour_reminders)
    )
    for learner in learners:
        notify(
            learner,
            "session_reminder",
            title,
            body=f"With {session.mentor.display_name}. The Join link opens the room.",
            url=_room_url(session),
            level="urgent",
            subject=_subject(session),
            starts_at=session.starts_at,
            email=False,
        )


def hour_reminder_key(session: Session, user_id: int) -> str:
    """Once per person and start time (a moved session is reminded again)."""
    return f"reminder-1h:{session.pk}:{user_id}:{int(session.starts_at.timestamp())}"


def hour_reminders(session: Session, learners: Iterable) -> int:
    """ "Starts at 14:00" by email, about an hour before, with the session's .ics attached.

    Email only (the app shows its banner 5 minutes before); at most once per person
    and start time, whichever process runs the job. Returns how many people it covered.
    """
    people = [(session.mentor, True), *((learner, False) for learner in learners)]
    for person, is_mentor in people:
        when = local_time_label(person, session.starts_at)
        zone = zone_label(getattr(person.tzinfo, "key", "UTC"), session.starts_at)
        body = (
            "Press Start Session in the room when you're ready."
            if is_mentor
            else f"With {session.mentor.display_name}. The room opens from the link."
        )
        notify(
            person,
            "session_reminder",
            f"Reminder: ‘{session.title}’ starts at {when} ({zone})",
            body=body + " The calendar file is attached.",
            url=_room_url(session),
            level="urgent",
            action="Start Session" if is_mentor else "Open session",
            in_app=False,
            attachments=[
                (
                    f"mentorhub-session-{session.pk}.ics",
                    ics.session_ics(session, for_mentor=is_mentor),
                    "text/calendar",
                )
            ],
            once_key=hour_reminder_key(session, person.pk),
        )
    return len(people)


def banners_changed(user_ids: Iterable[int | None]) -> None:
    """After commit, these users' open pages re-read their banners: a session
    that started, ended or was cancelled (or a lost booking) leaves none
    (sessions_app.queries.open_session_banners decides, the push only hints)."""
    for user_id in sorted({pk for pk in user_ids if pk}):
        push_update(user_id, "banners")
