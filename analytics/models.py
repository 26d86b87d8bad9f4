"""Monthly rollups of a mentor's additive figures (analytics/rollups.py keeps them).

A month is a calendar month in the mentor's zone (`tz`), the UTC instants
[`starts`, `ends`). Each row holds the figures whose own timestamp falls in
it (sessions and bookings by the session's start, ledger entries and reviews
by their creation). A row is valid while `built_seq == seq`: every write to a
row in [starts, ends) raises `seq` (whatever the zone), so a month computed
before a write that committed meanwhile is never used.
"""

from django.conf import settings
from django.db import models


class MonthRollup(models.Model):
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tz = models.CharField(max_length=64)
    month = models.DateField()  # first day of the local month
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    seq = models.PositiveIntegerField(default=0)  # raised by writes
    built_seq = models.IntegerField(default=-1)  # seq the figures were computed at
    sessions = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    net = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    ratings = models.JSONField(default=dict)  # {"1": n, …, "5": n}
    fill_weekend_seconds = models.FloatField(default=0)
    fill_weekend_n = models.PositiveIntegerField(default=0)
    fill_weekday_seconds = models.FloatField(default=0)
    fill_weekday_n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentor", "tz", "month"], name="rollup_month_unique")
        ]
        indexes = [models.Index(fields=["mentor", "starts", "ends"], name="rollup_month_span")]

    def __str__(self) -> str:
        return f"{self.mentor_id} {self.month:%Y-%m} {self.tz}"


class SlotRollup(models.Model):
    """Bookings (not cancelled) and held sessions by local weekday (0 = Monday) × hour."""

    rollup = models.ForeignKey(MonthRollup, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()
    booked = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.rollup_id} {self.weekday}/{self.hour}"


class LearnerCounts(models.Model):
    """One learner's attended and no-show bookings (per month, or in a totals row)."""

    learner_id = models.IntegerField()
    attended = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class LearnerRollup(LearnerCounts):
    """Attended and no-show bookings of one learner in the month."""

    rollup = models.ForeignKey(
        MonthRollup, on_delete=models.CASCADE, related_name="learners", db_index=False
    )

    class Meta:
        # Covering: the per-learner sums over a period's months read the index only.
        indexes = [
            models.Index(
                fields=["rollup", "learner_id", "attended", "no_shows"], name="rollup_learner_sums"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rollup_id} learner {self.learner_id}"


class LearnerTotals(models.Model):
    """A mentor's attended/no-show counts per learner over all the complete months.

    Derived from the `LearnerRollup` rows of every complete local month since
    the mentor's first data; `key` fingerprints those months' rows (their ids
    and `seq`, which only ever grow: a write into any of them, a new month or a
    zone change gives another key), so the totals are used only while no month
    they add up changed. students/repeaters/attended/no_shows sum the rows.
    """

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    tz = models.CharField(max_length=64)
    key = models.CharField(max_length=64)
    students = models.PositiveIntegerField(default=0)  # learners with ≥ 1 attended
    repeaters = models.PositiveIntegerField(default=0)  # learners with ≥ 2 attended
    attended = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.mentor_id} learners {self.tz}"


class LearnerTotal(LearnerCounts):
    """One learner's attended and no-show bookings in `totals`' months."""

    totals = models.ForeignKey(
        LearnerTotals, on_delete=models.CASCADE, related_name="learners", db_index=False
    )

    class Meta:
        # Covering: the lookups of the learners seen in the raw part read the index only.
        indexes = [
            models.Index(
                fields=["totals", "learner_id", "attended", "no_shows"], name="learner_total_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.totals_id} learner {self.learner_id}"


class ResponseTime(models.Model):
    """How long the mentor took to answer one request (accepted or declined with
    `answered_at`), kept by the request's writes (analytics/responses.py).

    `seconds` is computed by the same SQL as the raw median (SecondsBetween), so
    the median walks the index (mentor, seconds) instead of sorting every request.
    """

    request = models.OneToOneField(
        "requests_app.SessionRequest", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    mentor_id = models.IntegerField()
    created_at = models.DateTimeField()
    seconds = models.FloatField()

    class Meta:
        indexes = [
            models.Index(
                fields=["mentor_id", "seconds", "created_at"], name="response_mentor_seconds"
            ),
            models.Index(fields=["mentor_id", "created_at"], name="response_mentor_created"),
        ]

    def __str__(self) -> str:
        return f"request {self.request_id}: {self.seconds:.0f} s"
