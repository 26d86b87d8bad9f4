"""Every user-facing refusal message of the policies app."""

HOURS_RANGE = (
    "Enter a whole number of hours from 0 to {max} (0 = free cancellation until the start)."
)
PERCENT_RANGE = "Enter a whole percentage from 0 to 100."
ONLY_MENTORS = "Only mentors have a cancellation policy."
