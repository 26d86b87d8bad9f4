"""Writes for sessions and bookings.

Every function takes the acting user, runs in one transaction and changes
state with a conditional UPDATE (`filter(pk=…, status=…).update(…)`) whose row
count says whether this call won; a lost race raises ConflictError and leaves
the state as it was. Pushes and notifications go out only after commit
(notifications.services does that).

- lifecycle: create, edit, publish, schedule a private session, cancel, start, end
- bookings: book and cancel a seat
- outcomes: the cancellation policy applied (refunds, seat freed, ledger signal)
- waitlist: queue for a full session; a freed seat books the first waiting
- reschedule: the mentor moves a session, a learner moves their one-to-one
- jobs: reminders, ending overdue sessions, cancelling unstarted ones
- notices: the wording of every notification sent from here
- rules (sessions_app/rules.py) and messages (sessions_app/messages.py): the
  field rules and refusal messages forms and serializers share

Callers import from `sessions_app.services`; the names below stay public.
"""

from ..queries import get_session_for_mentor
from ..rules import EDITABLE_FIELDS, MAX_DURATION_MINUTES, START_WINDOW
from ..sanitize import clean_description
from .bookings import book_session, cancel_booking, check_bookable
from .calendar_feed import rotate_calendar_token
from .jobs import (
    cancel_unstarted_sessions,
    end_overdue_sessions,
    send_hour_reminders,
    send_session_reminders,
)
from .lifecycle import (
    cancel_session,
    create_session,
    delete_draft,
    end_session,
    publish_session,
    schedule_private_session,
    start_session,
    update_session,
)
from .notices import local_time_label
from .outcomes import cancel_by_learner
from .reschedule import can_reschedule, reschedule_booking, reschedule_session
from .waitlist import join_waitlist, leave_waitlist, position_of, promote_waitlist, waiting_entry

__all__ = [
    "EDITABLE_FIELDS",
    "MAX_DURATION_MINUTES",
    "START_WINDOW",
    "book_session",
    "cancel_booking",
    "cancel_by_learner",
    "cancel_session",
    "cancel_unstarted_sessions",
    "check_bookable",
    "clean_description",
    "create_session",
    "delete_draft",
    "end_overdue_sessions",
    "end_session",
    "get_session_for_mentor",
    "join_waitlist",
    "leave_waitlist",
    "local_time_label",
    "position_of",
    "promote_waitlist",
    "publish_session",
    "can_reschedule",
    "reschedule_booking",
    "reschedule_session",
    "rotate_calendar_token",
    "schedule_private_session",
    "send_hour_reminders",
    "send_session_reminders",
    "start_session",
    "update_session",
    "waiting_entry",
]
