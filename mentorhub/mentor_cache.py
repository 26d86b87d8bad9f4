"""A mentor's computed figures, cached until the mentor's data changes.

Earnings and Analytics aggregate a mentor's whole history (10,000+ ledger
entries and bookings for a busy mentor) on every request. The figures only
change when that history does, so they are cached per mentor under a key
holding `User.data_version`:

- every write to the mentor's sessions, bookings, requests, ledger entries,
  payouts or reviews raises the version after commit (`bump`, called from
  the model signals and from `MentorDataQuerySet` for `update()` and
  `bulk_create()`, which send no signals);
- the version is read from the database on each use, so a write by any
  process (another server, an operator's `manage.py` command) is seen at
  once, even with a per-process cache;
- keys also hold the minute, because the figures depend on the clock (the
  "last 30 days" window, funds leaving the hold): nothing is served more
  than a minute old, even if a write path were ever missed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.core.cache import caches
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils import timezone

log = logging.getLogger(__name__)
CACHE_ALIAS = "figures"
TIMEOUT_SECONDS = 120


def bump(mentor_ids: Iterable[int | None]) -> None:
    """Invalidate the mentors' cached figures once the current transaction commits."""
    ids = {pk for pk in mentor_ids if pk}
    if not ids:
        return

    def _raise_versions():
        from accounts.models import User

        try:
            User.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)
        except DatabaseError:  # the write itself committed; keys expire within the minute
            log.exception("could not raise data_version of mentors %s", sorted(ids))

    transaction.on_commit(_raise_versions)


def key_for(mentor, name: str, *parts) -> str:
    """A cache key for this mentor's current data, minute and zone.

    Read it *before* reading the data it stands for: a write committing in
    between then leaves newer data under an older key, never the reverse.
    Also used by `{% cache … using="figures" %}` for rendered rows.
    """
    from accounts.models import User

    version = User.objects.filter(pk=mentor.pk).values_list("data_version", flat=True).first()
    minute = int(timezone.now().timestamp() // 60)
    # date_joined tells apart users that reuse a primary key (a flushed test database).
    joined = int(mentor.date_joined.timestamp() * 1e6) if mentor.date_joined else 0
    return ":".join(
        str(p) for p in (name, mentor.pk, joined, version, minute, mentor.timezone, *parts)
    )


def cached(mentor, name: str, compute: Callable[[], object], *parts) -> object:
    """`compute()`, or its result cached for this mentor's current data and minute."""
    key = key_for(mentor, name, *parts)
    store = caches[CACHE_ALIAS]
    value = store.get(key)
    if value is None:
        value = compute()
        store.set(key, value, TIMEOUT_SECONDS)
    return value


class MentorDataQuerySet(models.QuerySet):
    """Raises the mentors' data versions on `update()` and `bulk_create()`.

    `mentor_path` names the lookup from the model to its mentor's id.
    """

    mentor_path = "mentor_id"

    def update(self, **kwargs):
        mentors = set(self.order_by().values_list(self.mentor_path, flat=True).distinct())
        changed = super().update(**kwargs)
        if changed:
            bump(mentors)
        return changed

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        bump(_mentor_ids(objs))
        return objs


def _mentor_ids(objs) -> set[int]:
    """The mentors of model instances; bookings reach theirs through the session."""
    ids, session_ids = set(), set()
    for obj in objs:
        if hasattr(obj, "mentor_id"):
            ids.add(obj.mentor_id)
        elif (session := obj._state.fields_cache.get("session")) is not None:
            ids.add(session.mentor_id)
        elif getattr(obj, "session_id", None):
            session_ids.add(obj.session_id)
    if session_ids:
        from sessions_app.models import Session

        ids |= set(Session.objects.filter(pk__in=session_ids).values_list("mentor_id", flat=True))
    return ids


def bump_for_instance(sender, instance, **kwargs) -> None:
    """post_save / post_delete receiver for the models that feed the figures."""
    if kwargs.get("raw"):  # loaddata
        return
    bump(_mentor_ids([instance]))


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from earnings.models import LedgerEntry, Payout
    from requests_app.models import SessionRequest
    from sessions_app.models import Booking, Review, Session

    for model in (Session, Booking, Review, SessionRequest, LedgerEntry, Payout):
        for signal in (post_save, post_delete):
            signal.connect(
                bump_for_instance, sender=model, dispatch_uid=f"mentor-cache-{model.__name__}"
            )
