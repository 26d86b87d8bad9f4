"""Monthly rollups of the Analytics figures, kept current by the writes.

`queries.mentor_analytics()` reads the calendar months wholly inside the
period from `MonthRollup` (+ its weekday×hour slots and per-learner counts)
and only the rest of the period from the rows, so a cold view at 100,000
bookings reads a few dozen rollup rows instead of every booking.

- All time reads its per-learner counts from `LearnerTotals` (one row per
  learner over every complete month, keyed on the months' ids and seqs, so any
  write into one of them, a new month or a zone change makes them unused until
  the next view stores them again): only the learners the raw ranges also hold
  are looked up, the rest come as four sums.
- Months are the mentor's local calendar months (rows keyed on the zone): a
  zone change leaves the old rows unused (and deleted at the next build), so
  weekday × hour and month boundaries follow the new zone, half-hour zones
  (Asia/Kolkata) and DST included: a month is built by the same SQL as the
  raw figures, over its UTC span.
- A month is built on first use (one pass of grouped queries for all missing
  months, `queries.collect()`), and only once complete (before the current
  month): the current month is always read from the rows.
- Every write to a session, booking, ledger entry or review raises `seq` of
  the rollups spanning the row's timestamp (whatever their zone): through
  model signals, and `core.cache.on_bulk_write` for `update()`/`bulk_create()`.
  A build records the `seq` it read *before* reading the rows, so a month
  whose data changed while it was being computed is never used (valid while
  `built_seq == seq`). A write into a past month with no rollup row creates
  one (seq 1): a concurrent build of that month then waits for the write to
  commit on the row's unique key (PostgreSQL) or on the write lock (SQLite).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import F, Sum
from django.db.models.signals import post_init, post_save, pre_delete
from django.utils import timezone

from analytics.models import (
    LearnerRollup,
    LearnerTotal,
    LearnerTotals,
    MonthRollup,
    SlotRollup,
)
from analytics.queries import (
    SESSION_STATUSES,
    MonthFigures,
    _next_month,
    _Window,
    collect,
    ranges_q,
)
from core.cache import on_bulk_write
from core.localtime import LocalTime
from earnings.models import LedgerEntry
from sessions_app.models import Booking, Review, Session

log = logging.getLogger(__name__)
TICK = dt.timedelta(microseconds=1)  # [start, end) as inclusive bounds: [start, end - TICK]
MAX_ZONE_AHEAD = dt.timedelta(hours=14)

# model → (lookup to the mentor, lookup to the timestamp that picks the month,
#          fields whose change alters the figures)
TRACKED = {
    Session: (
        "mentor_id",
        "starts_at",
        {"mentor", "mentor_id", "starts_at", "status", "duration_minutes", "published_at"},
    ),
    Booking: (
        "session__mentor_id",
        "session__starts_at",
        {"session", "session_id", "status", "created_at", "learner", "learner_id"},
    ),
    LedgerEntry: ("mentor_id", "created_at", {"mentor", "mentor_id", "created_at", "net"}),
    Review: ("mentor_id", "created_at", {"mentor", "mentor_id", "created_at", "rating"}),
}


def month_start_utc(month: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime(month.year, month.month, 1, tzinfo=tz).astimezone(dt.UTC)


def _create_months(mentor_id: int, zone: str, tz: ZoneInfo, months) -> None:
    """Rollup rows for these local months (with their UTC span); existing ones stay."""
    MonthRollup.objects.bulk_create(
        [
            MonthRollup(
                mentor_id=mentor_id,
                tz=zone,
                month=m,
                starts=month_start_utc(m, tz),
                ends=month_start_utc(_next_month(m), tz),
            )
            for m in months
        ],
        ignore_conflicts=True,
    )


def _local_month(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    local = moment.astimezone(tz)
    return dt.date(local.year, local.month, 1)


def full_months(tz, since, until, first) -> list[dt.date]:
    """The local months wholly inside [since or first, until), oldest first."""
    current = _local_month(until, tz)
    if since is None:
        month = _local_month(first, tz)
    else:
        month = _local_month(since, tz)
        if month_start_utc(month, tz) < since:
            month = _next_month(month)
    months = []
    while month < current:
        months.append(month)
        month = _next_month(month)
    return months


def read(mentor, tz: ZoneInfo, full: list[dt.date], since, until):
    """(figures per month, the stored months' slots and learners, the raw ranges).

    Months missing or invalidated are built first. 4 queries when all are valid.
    """
    name = str(tz)
    rows = {
        r.month: r
        for r in MonthRollup.objects.filter(
            mentor=mentor, tz=name, month__gte=full[0], month__lte=full[-1]
        )
    }
    valid = [rows[m] for m in full if m in rows and rows[m].built_seq == rows[m].seq]
    missing = [m for m in full if not (m in rows and rows[m].built_seq == rows[m].seq)]
    months: dict[dt.date, MonthFigures] = {}
    stored = MonthFigures()
    if missing:
        months.update(_build(mentor, tz, missing))
    if valid:
        ids = [r.pk for r in valid]
        for r in valid:
            months[r.month] = MonthFigures(
                sessions=r.sessions,
                minutes=r.minutes,
                net=r.net,
                ratings={int(k): v for k, v in r.ratings.items()},
                fill={
                    "weekend": [r.fill_weekend_seconds, r.fill_weekend_n],
                    "weekday": [r.fill_weekday_seconds, r.fill_weekday_n],
                },
            )
        for s in (
            SlotRollup.objects.filter(rollup_id__in=ids)
            .values("weekday", "hour")
            .annotate(b=Sum("booked"), h=Sum("held"))
            .order_by()
        ):
            if s["b"]:
                stored.popular[(s["weekday"], s["hour"])] = s["b"]
            if s["h"]:
                stored.held[(s["weekday"], s["hour"])] = s["h"]
    first_start = month_start_utc(full[0], tz)
    ranges = [(month_start_utc(_next_month(full[-1]), tz), until)]
    if since is not None:  # all time: no figure is older than the first month
        ranges.insert(0, (since, first_start - TICK))
    if valid:
        if since is None and not missing:  # all time: every complete month
            _read_learner_totals(mentor, name, valid, stored, ranges)
        else:
            stored.learners = _learner_sums([r.pk for r in valid])
    return months, stored, ranges


def _learner_sums(ids) -> dict[int, list[int]]:
    """learner id → [attended, no-shows] over these months' rows."""
    return {
        lr["learner_id"]: [lr["a"], lr["n"]]
        for lr in LearnerRollup.objects.filter(rollup_id__in=ids)
        .values("learner_id")
        .annotate(a=Sum("attended"), n=Sum("no_shows"))
        .order_by()
    }


def _totals_key(name: str, rows) -> str:
    """Which month rows, at which seq: changes with any write into any of them."""
    text = name + "|" + ",".join(f"{r.pk}:{r.seq}" for r in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def _read_learner_totals(mentor, name: str, rows, stored: MonthFigures, ranges) -> None:
    """The all-time per-learner counts of the complete months, from `LearnerTotals`
    (2 queries: the totals, and the learners the raw ranges also hold), or from
    the month rows when they changed since (then stored for the next view)."""
    key = _totals_key(name, rows)
    totals = LearnerTotals.objects.filter(mentor=mentor, tz=name, key=key).first()
    if totals is None:
        stored.learners = _learner_sums([r.pk for r in rows])
        _store_learner_totals(mentor, name, key, stored.learners)
        return
    raw_learners = (
        Booking.objects.filter(
            ranges_q("session__starts_at", ranges),
            session__mentor=mentor,
            session__status__in=SESSION_STATUSES,
        )
        .filter(status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW])
        .order_by()
        .values("learner_id")
    )
    stored.learners = {
        learner: [att, ns]
        for learner, att, ns in LearnerTotal.objects.filter(
            totals=totals, learner_id__in=raw_learners
        ).values_list("learner_id", "attended", "no_shows")
    }
    seen = stored.learners.values()
    stored.learner_base = [
        totals.students - sum(1 for att, _ in seen if att >= 1),
        totals.repeaters - sum(1 for att, _ in seen if att >= 2),
        totals.attended - sum(att for att, _ in seen),
        totals.no_shows - sum(ns for _, ns in seen),
    ]


def _store_learner_totals(mentor, name: str, key: str, learners: dict) -> None:
    counts = learners.values()
    try:
        with transaction.atomic():
            LearnerTotals.objects.filter(mentor=mentor).delete()
            totals = LearnerTotals.objects.create(
                mentor=mentor,
                tz=name,
                key=key,
                students=sum(1 for att, _ in counts if att >= 1),
                repeaters=sum(1 for att, _ in counts if att >= 2),
                attended=sum(att for att, _ in counts),
                no_shows=sum(ns for _, ns in counts),
            )
            LearnerTotal.objects.bulk_create(
                [
                    LearnerTotal(totals=totals, learner_id=learner, attended=att, no_shows=ns)
                    for learner, (att, ns) in learners.items()
                ],
                batch_size=500,
            )
    except DatabaseError:  # e.g. a busy database or a concurrent view storing them
        log.warning("analytics rollups: could not store learner totals for mentor %s", mentor.pk)


def _build(mentor, tz: ZoneInfo, missing: list[dt.date]) -> dict[dt.date, MonthFigures]:
    """Compute the missing months from the rows (one grouped pass) and store them."""
    name = str(tz)
    lo = month_start_utc(missing[0], tz)
    hi = month_start_utc(_next_month(missing[-1]), tz)
    try:
        with transaction.atomic():
            MonthRollup.objects.filter(mentor=mentor).exclude(tz=name).delete()
            _create_months(mentor.pk, name, tz, missing)
            seqs = {
                r["month"]: (r["id"], r["seq"])
                for r in MonthRollup.objects.filter(mentor=mentor, tz=name, month__in=missing)
                .values("id", "month", "seq")
                .order_by()
            }
    except DatabaseError:  # e.g. a busy database: compute without storing
        log.warning("analytics rollups: could not reserve months for mentor %s", mentor.pk)
        seqs = {}
    window = _Window(mentor, None, hi, tz, LocalTime(tz, lo, hi), ranges=[(lo, hi - TICK)])
    computed = collect(window)
    months = {m: computed.get(m, MonthFigures()) for m in missing}
    if seqs:
        try:
            with transaction.atomic():
                _store(months, seqs)
        except DatabaseError:
            log.warning("analytics rollups: could not store months for mentor %s", mentor.pk)
    return months


def _store(months: dict[dt.date, MonthFigures], seqs: dict) -> None:
    ids = [seqs[m][0] for m in months if m in seqs]
    SlotRollup.objects.filter(rollup_id__in=ids).delete()
    LearnerRollup.objects.filter(rollup_id__in=ids).delete()
    slots, learners, rows = [], [], []
    for month, f in months.items():
        if month not in seqs:
            continue
        pk, seq = seqs[month]
        for key in set(f.popular) | set(f.held):
            slots.append(
                SlotRollup(
                    rollup_id=pk,
                    weekday=key[0],
                    hour=key[1],
                    booked=f.popular.get(key, 0),
                    held=f.held.get(key, 0),
                )
            )
        for learner, (att, ns) in f.learners.items():
            learners.append(
                LearnerRollup(rollup_id=pk, learner_id=learner, attended=att, no_shows=ns)
            )
        weekend = f.fill.get("weekend", [0.0, 0])
        weekday = f.fill.get("weekday", [0.0, 0])
        rows.append(
            MonthRollup(
                pk=pk,
                built_seq=seq,
                sessions=f.sessions,
                minutes=f.minutes,
                net=f.net,
                ratings={str(k): v for k, v in f.ratings.items()},
                fill_weekend_seconds=weekend[0],
                fill_weekend_n=weekend[1],
                fill_weekday_seconds=weekday[0],
                fill_weekday_n=weekday[1],
            )
        )
    SlotRollup.objects.bulk_create(slots, batch_size=500)
    LearnerRollup.objects.bulk_create(learners, batch_size=500)
    MonthRollup.objects.bulk_update(
        rows,
        [
            "built_seq",
            "sessions",
            "minutes",
            "net",
            "ratings",
            "fill_weekend_seconds",
            "fill_weekend_n",
            "fill_weekday_seconds",
            "fill_weekday_n",
        ],
        batch_size=200,
    )


# --- invalidation ---------------------------------------------------------------


def invalidate(pairs) -> None:
    """Rows of these (mentor id, timestamp) changed: their months must be rebuilt.

    At most 4 queries per mentor, however many rows.
    """
    by_mentor: dict[int, set[dt.datetime]] = {}
    for mentor_id, moment in pairs:
        if mentor_id and moment:
            by_mentor.setdefault(mentor_id, set()).add(moment)
    now = timezone.now()
    guard_before = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + MAX_ZONE_AHEAD
    for mentor_id, moments in by_mentor.items():
        spans = list(
            MonthRollup.objects.filter(mentor_id=mentor_id)
            .values_list("id", "starts", "ends")
            .order_by()
        )
        hit = {pk for pk, lo, hi in spans for t in moments if lo <= t < hi}
        # A past month no rollup spans yet: reserve it (seq 1), see the module doc.
        bare = [
            t for t in moments if t < guard_before and not any(lo <= t < hi for _, lo, hi in spans)
        ]
        if bare:
            zone = (
                get_user_model()
                ._base_manager.filter(pk=mentor_id)
                .values_list("timezone", flat=True)
                .first()
            )
            if zone is not None:
                tz = ZoneInfo(zone)
                months = {_local_month(t, tz) for t in bare}
                _create_months(mentor_id, zone, tz, months)
                # Ours or a build's that got there first: either is now stale.
                MonthRollup.objects.filter(mentor_id=mentor_id, tz=zone, month__in=months).update(
                    seq=F("seq") + 1
                )
        if hit:
            MonthRollup.objects.filter(pk__in=hit).update(seq=F("seq") + 1)


def invalidate_mentors(mentor_ids) -> None:
    MonthRollup.objects.filter(mentor_id__in=[m for m in mentor_ids if m]).update(seq=F("seq") + 1)


def _instance_pairs(instance) -> list[tuple]:
    if isinstance(instance, Booking):
        try:
            session = instance.session
        except Session.DoesNotExist:
            return []
        return [(session.mentor_id, session.starts_at)]
    field = TRACKED[type(instance)][1]
    pairs = [(instance.mentor_id, getattr(instance, field))]
    if isinstance(instance, Session):
        original = instance.__dict__.get("_rollup_loaded")
        if original is not None and original != (instance.mentor_id, instance.starts_at):
            pairs.append(original)
    return pairs


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & TRACKED[sender][2]):
        return
    invalidate(_instance_pairs(instance))
    if isinstance(instance, Session):
        instance.__dict__["_rollup_loaded"] = (instance.mentor_id, instance.starts_at)


def _on_delete(sender, instance, **kwargs) -> None:
    """Before the delete: the row as stored (the instance may hold older values)."""
    owner, stamp, _ = TRACKED[sender]
    stored = list(sender._base_manager.filter(pk=instance.pk).values_list(owner, stamp))
    invalidate(stored or _instance_pairs(instance))


def _remember_loaded(sender, instance, **kwargs) -> None:
    """A session's month before it moves (rescheduling saves the new start)."""
    if instance.pk is not None:
        instance.__dict__["_rollup_loaded"] = (
            instance.__dict__.get("mentor_id"),
            instance.__dict__.get("starts_at"),
        )


def _on_bulk_write(model, rows, values) -> None:
    spec = TRACKED.get(model)
    if spec is None:
        return
    owner, stamp, fields = spec
    if values is None:  # bulk_create: the new objects
        if model is Booking:
            ids = {b.session_id for b in rows}
            invalidate(Session.objects.filter(pk__in=ids).values_list("mentor_id", "starts_at"))
        else:
            invalidate((getattr(o, "mentor_id", None), getattr(o, stamp, None)) for o in rows)
        return
    if not (set(values) & fields):
        return
    pairs = list(rows.order_by().values_list(owner, stamp).distinct())
    moved = {stamp, "session", "session_id", "mentor", "mentor_id"} & set(values)
    if moved:
        new = values.get(stamp)
        if isinstance(new, dt.datetime) and not (moved - {stamp}):
            pairs += [(m, new) for m, _ in pairs]
        else:  # an expression or another owner: every month of these mentors
            invalidate_mentors({m for m, _ in pairs})
            if model is not Booking and "mentor" in moved or "mentor_id" in moved:
                target = values.get("mentor_id", values.get("mentor"))
                invalidate_mentors([getattr(target, "pk", target)])
            elif model is Booking:
                MonthRollup.objects.update(seq=F("seq") + 1)
    invalidate(pairs)


def connect() -> None:
    for model in TRACKED:
        uid = f"analytics.rollups.{model._meta.label}"
        post_save.connect(_on_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_on_delete, sender=model, dispatch_uid=uid)
    post_init.connect(_remember_loaded, sender=Session, dispatch_uid="analytics.rollups.init")
    on_bulk_write(_on_bulk_write)
