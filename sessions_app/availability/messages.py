"""Every user-facing refusal of the availability rules, in one place."""

TIME_INVALID = "Enter a time as HH:MM (00:00-24:00)."
END_NOT_AFTER_START = "The end must be after the start."
WEEKDAY_INVALID = "The weekday must be 0 (Monday) to 6 (Sunday)."
TOO_MANY_RANGES = "At most 50 ranges a week."
NOT_WHOLE = "Enter a whole number."
DATE_IN_PAST = "Pick today or a later day."
DATE_TOO_FAR = "Pick a day within the next 2 years."
RANGE_REQUIRED = "Give the start and end of the hours that day."
DAY_OFF_HAS_HOURS = "This date already has other hours; delete them first."
DAY_OFF_ALREADY = "This date is already a day off; delete that first."
DURATION_INVALID = "Pick a duration from 15 minutes to 8 hours."
RANGE_TOO_LONG = "Ask for at most 62 days at once."
RANGE_BACKWARDS = "The end date must not be before the start date."
NO_SUCH_MENTOR = "No such mentor."

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def out_of_bounds(low: int, high: int) -> str:
    return f"Enter a number from {low} to {high}."


def overlapping(day: str, first: str, second: str) -> str:
    return f"{day}: {first} overlaps {second}."
