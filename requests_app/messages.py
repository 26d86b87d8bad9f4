"""Every user-facing message of the request rules and refusals, in one place.

The services raise DomainError/ConflictError with these strings; the forms
and serializers show the same ones (they map the DomainError to a field).
Date bounds come from core.timebounds; a chosen time clashing with another
session is refused by sessions_app (its messages).
"""

from __future__ import annotations

ONLY_LEARNERS_REQUEST = "Only learners can request sessions."
CHOOSE_MENTOR = "Choose a mentor to send your request to."

# --- Preferred times (the learner's request) ------------------------------------------
TIMES_REQUIRED = "Suggest at least one time."
TIME_INVALID = "Enter a date and time."  # what a datetime-local input couldn't parse
TIME_PASSED = "This time has already passed."
TIME_REPEATED = "You suggested this time already."
TIME_BEYOND_A_YEAR = "Choose times within the next year."
SLOTS_REQUIRED = "Pick at least one of the free times."
SLOT_NO_LONGER_FREE = "One of the times you picked is no longer free. Pick again."


def too_many_times(limit: int) -> str:
    return f"Suggest at most {limit} times."


# --- Text and duration ----------------------------------------------------------------
TOPIC_REQUIRED = "Enter a topic."
DURATION_NOT_WHOLE = "Enter the duration in whole minutes."


def too_long(label: str, limit: int) -> str:
    return f"Keep the {label} to {limit} characters or fewer."


def duration_range(low: int, high: int) -> str:
    return f"Choose a duration between {low} and {high} minutes."


def pending_limit(pending: int, mentor_name: str) -> str:
    return (
        f"You already have {pending} pending requests with {mentor_name}. "
        "Wait for an answer or withdraw one first."
    )


# --- Answering (the mentor) -------------------------------------------------------------
CHOOSE_A_TIME = "Choose a time."
CHOOSE_ONE_OF_THE_TIMES = "Choose one of the times."
CUSTOM_TIME_REQUIRED = "Enter the date and time you want to meet."
ACCEPT_TIME_PASSED = "This time has already passed. Choose a later one."
NOT_YOUR_REQUEST = "This is not your request."
NOT_ADDRESSED_TO_YOU = "This request is not addressed to you."
WITHDRAWN = "The learner withdrew this request."
EXPIRED = "This request has expired: all its times have passed."
ALREADY_ANSWERED = "This request was already answered."

# One-to-one booking of a free slot (requests_app/booking.py).
NOT_A_FREE_SLOT = "That time isn't free. Pick one of the offered times."
SLOT_TAKEN = "Someone has just booked that time. Pick another one."
