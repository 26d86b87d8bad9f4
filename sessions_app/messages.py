"""Every user-facing message of the session rules and refusals, in one place.

The services raise DomainError/ConflictError with these strings; forms and
serializers show the very same ones (they map the DomainError to a field), so
a bad value reads the same in the dialog, the API and the admin. The wording
of notifications (alerts to mentors and learners) is in services/notices.py.
Date bounds ("between 2000-01-01 and 2100-12-31", "within the next 2 years")
come from core.timebounds.
"""

from __future__ import annotations

# --- Fields (rules.py) ----------------------------------------------------------------
TITLE_REQUIRED = "Give the session a title."
TITLE_TOO_LONG = "Keep the title to 200 characters or fewer."
TOPIC_TOO_LONG = "Keep the topic to 100 characters or fewer."
DESCRIPTION_TOO_LONG = "Keep the description under 10,000 characters."
DATE_REQUIRED = "Choose a date."
DATE_INVALID = "Enter a valid date."
TIME_REQUIRED = "Choose a start time."
TIME_INVALID = "Enter a valid time."
STARTS_AT_REQUIRED = "Choose a date and start time."
STARTS_AT_NAIVE = "The start time needs a time zone."
STARTS_IN_PAST = "The start time is in the past."
DURATION_REQUIRED = "Enter a duration."
DURATION_NOT_WHOLE = "The duration must be a whole number."
DURATION_TOO_SHORT = "The duration must be at least 1 minute."
DURATION_TOO_LONG = "A session can last at most 8 hours."
CAPACITY_REQUIRED = "Enter the number of seats."
CAPACITY_NOT_WHOLE = "The capacity must be a whole number."
CAPACITY_TOO_SMALL = "A session needs at least 1 seat."
PRICE_REQUIRED = "Enter a price (0 for free)."
PRICE_INVALID = "Enter a price such as 25 or 19.99."
PRICE_NEGATIVE = "The price can't be negative."
PRICE_TOO_HIGH = "That price is too high."
PRICE_DECIMALS = "Use at most two decimal places."
VISIBILITY_INVALID = "Choose public or private."
VISIBILITY_STAYS_PRIVATE = "Learners booked this session as a private one, so it stays private."
REASON_TOO_LONG = "Keep the reason to 500 characters or fewer."


def unknown_field(name: str) -> str:
    return f"Unknown field {name!r}."


def capacity_above_mesh(limit: int) -> str:
    return (
        f"Live video supports at most {limit} learners per session here (peer-to-peer). "
        "Larger groups need the media server (Janus, an SFU), which isn't configured on this server."
    )


def capacity_above_sfu(limit: int) -> str:
    return f"A group session has at most {limit} learners."


def capacity_below_booked(booked: int) -> str:
    return f"{booked} learners have already booked; the capacity can't be lower than that."


def overlaps(title: str, at: str) -> str:
    """`at` is the other session's start, "HH:MM" in the mentor's zone."""
    return f"It overlaps your session ‘{title}’ at {at}."


# --- Lifecycle (services/lifecycle.py) ------------------------------------------------
ONLY_MENTORS_CREATE = "Only mentors can create sessions."
EDIT_ONLY_BEFORE_START = "A session can only be edited before it starts."
CHANGED_MEANWHILE = (
    "This session changed in the meantime (it started, or learners booked). Reload and try again."
)
ALREADY_PUBLISHED = "This session is already published."
PUBLISH_IN_PAST = "The start time is in the past. Edit the session and pick a new time."
DELETE_ONLY_DRAFTS = "Only drafts can be deleted; cancel a published session instead."
CANCEL_DRAFT = "A draft isn't published; delete it instead."
CANCEL_ONLY_SCHEDULED = "Only a scheduled session that hasn't started can be cancelled."
START_ONLY_SCHEDULED = "Only a scheduled session can be started."
START_TOO_EARLY = "You can start the session from 10 minutes before its start time."
START_TOO_LATE = "This session's time is over; it can't be started any more."
START_NOT_ANY_MORE = "This session can't be started any more."
END_ONLY_LIVE = "Only a live session can be ended."

# --- Bookings (services/bookings.py) --------------------------------------------------
ONLY_LEARNERS_BOOK = "Only learners can book sessions."
NOT_OPEN_FOR_BOOKING = "This session is not open for booking."
ALREADY_BOOKED = "You have already booked this session."
PRIVATE_NOT_BOOKABLE = "This session is private: it is not open for booking."
FULL = "This session is full."
BOOKING_ALREADY_CANCELLED = "This booking is already cancelled."
BOOKING_TOO_LATE_TO_CANCEL = "The session has started or ended; the booking can't be cancelled."

# --- Rescheduling (services/reschedule.py) --------------------------------------------
RESCHEDULE_ONLY_SCHEDULED = "Only a scheduled session that hasn't started can be rescheduled."
RESCHEDULE_SAME_TIME = "That is the session's current time; pick a different one."
RESCHEDULE_ONLY_ONE_TO_ONE = "Only your own private one-to-one session can be rescheduled."
RESCHEDULE_BOOKING_INACTIVE = "This booking is cancelled or its session is no longer scheduled."
RESCHEDULE_NOT_A_FREE_SLOT = "That time isn't one of the mentor's free times. Pick a listed slot."
RESCHEDULE_SLOT_TAKEN = "That time was just taken. Pick another slot."
RESCHEDULE_PICK_A_TIME = "Pick one of the free times."


def reschedule_too_late(hours: int) -> str:
    return f"A booking can be moved only until {hours} hours before the session starts."


# --- Calendar feed --------------------------------------------------------------------
ONLY_MENTORS_CALENDAR = "Only mentors have a calendar feed."

# Waitlist
WAITLIST_NOT_FULL = "This session still has free seats: book one instead."
WAITLIST_ALREADY_ON = "You are already on the waitlist."
WAITLIST_ALREADY_BOOKED = "You already have a seat in this session."
WAITLIST_NOT_ON = "You are not on this session's waitlist."
