"""Answer times of requests (`ResponseTime`), kept current by every write to a request.

The median answer time of a period is an index walk over these rows (one
count, one OFFSET) instead of computing and sorting answered_at − created_at
for every request. A row exists for each request accepted or declined with
an `answered_at`; its `seconds` come from the same SQL expression the raw
figures use (`SecondsBetween`), so both give the same median to the bit.

Writes: `save()` (post_save), `update()` (`core.cache.on_bulk_write`, synced
right after the update), `bulk_create()` (the new rows); a deleted request
takes its row along (CASCADE). A sync locks the requests it reads (SELECT …
FOR UPDATE; SQLite's IMMEDIATE transactions hold the write lock), then replaces
their rows from what it read: syncs of one request run one after the other
and the last one reads the last write, so no update is lost.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.signals import post_save

from analytics.models import ResponseTime
from core.cache import on_bulk_write
from core.localtime import SecondsBetween
from requests_app.models import SessionRequest

S = SessionRequest.Status
RESPONDED_Q = Q(status__in=[S.ACCEPTED, S.DECLINED], answered_at__isnull=False)
FIELDS = {"status", "answered_at", "created_at", "mentor", "mentor_id"}
BATCH = 500


def sync(pks) -> None:
    """Make the rows of these requests match the requests as stored now."""
    pks = sorted({pk for pk in pks if pk is not None})
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        with transaction.atomic():
            rows = list(
                SessionRequest.objects.select_for_update()
                .filter(pk__in=batch)
                .order_by()
                .annotate(
                    responded=ExpressionWrapper(RESPONDED_Q, output_field=BooleanField()),
                    took=SecondsBetween("answered_at", "created_at"),
                )
                .values_list("pk", "mentor_id", "created_at", "took", "responded")
            )
            ResponseTime.objects.filter(request_id__in=batch).delete()
            ResponseTime.objects.bulk_create(
                [
                    ResponseTime(request_id=pk, mentor_id=mentor, created_at=created, seconds=took)
                    for pk, mentor, created, took, responded in rows
                    if responded
                ]
            )


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not set(update_fields) & FIELDS):
        return
    sync([instance.pk])


def _on_bulk_write(model, rows, values):
    if model is not SessionRequest:
        return None
    if values is None:  # bulk_create: the new objects
        sync(o.pk for o in rows)
        return None
    if not set(values) & FIELDS:
        return None
    pks = list(rows.order_by().values_list("pk", flat=True))  # before the update moves them
    return lambda: sync(pks)


def connect() -> None:
    post_save.connect(_on_save, sender=SessionRequest, dispatch_uid="analytics.responses")
    on_bulk_write(_on_bulk_write)
