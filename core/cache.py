"""Per-owner cached figures, invalidated by the writes that change them.

Earnings and Analytics aggregate a mentor's whole history on every request,
and the dashboard lists render the same rows again and again. Both only
change when the owner's (the mentor's) data does, so they are cached under a
key holding the owner's data version:

- each app registers the models whose rows feed an owner's figures with
  `watch(Model, "lookup__to__owner_id")` in its `AppConfig.ready()`; their
  saves and deletes (signals) and `update()` / `bulk_create()` (through
  `WatchedQuerySet`, as those send no signals) raise the owner's version;
- the version (`data_version` on the user model) is raised in the database
  once the write commits and read from the database on each use, so a write
  by any process (another server, a `manage.py` command) is seen at once;
- the writing process also moves on at once, before the commit (a
  per-process generation in the key): a read later in the same transaction
  (and every test, whose transaction never commits) gets fresh figures;
- keys also hold the minute and the owner's zone, because the figures depend
  on the clock ("last 30 days", funds leaving the hold): nothing is served
  more than a minute old, even if a write path were ever missed.

Rendered markup goes through `{% cachedrows %}` (core/templatetags/cachedrows.py),
which never stores markup holding a CSRF token or live state.

Bottom layer: imports no domain app; the owner is the configured user model.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

log = logging.getLogger(__name__)
CACHE_ALIAS = "figures"
TIMEOUT_SECONDS = 120
VERSION_FIELD = "data_version"  # on the user model, only ever raised with F() + 1

# model → lookup from a row to its owner's id ("mentor_id", "session__mentor_id")
_watched: dict[type[models.Model], str] = {}
# owner id → this process's latest generation (raised at write time, before commit)
_generation: dict[int, int] = {}
_counter = itertools.count(1)
_lock = threading.Lock()


def store():
    return caches[CACHE_ALIAS]


# --- keys and reads -------------------------------------------------------------


def _minute() -> int:
    return int(timezone.now().timestamp() // 60)


def data_version(owner) -> int:
    """The owner's version as committed in the database (one primary-key query)."""
    version = (
        get_user_model()
        ._base_manager.filter(pk=owner.pk)
        .values_list(VERSION_FIELD, flat=True)
        .first()
    )
    return version or 0


def key_for(owner, name: str, *params) -> str:
    """A key for this owner's current data, minute and zone.

    Read it *before* the data it stands for: a write committing in between
    then leaves newer data under an older key, never the reverse.
    """
    # date_joined tells apart users that reuse a primary key (a flushed test database).
    joined = int(owner.date_joined.timestamp() * 1e6) if owner.date_joined else 0
    parts = (name, owner.pk, joined, data_version(owner), _generation.get(owner.pk, 0))
    parts += (_minute(), getattr(owner, "timezone", ""), *params)
    return ":".join(str(p) for p in parts)


def cached(owner, name: str, compute: Callable[[], Any], *params) -> Any:
    """`compute()`, or its result cached for this owner's current data and minute."""
    key = key_for(owner, name, *params)
    value = store().get(key)
    if value is None:
        value = compute()
        store().set(key, value, TIMEOUT_SECONDS)
    return value


def cached_page(owner, name: str, rows, per_page: int, number, *params) -> Page:
    """A page of `rows` whose `cache_key` lets `{% cachedrows %}` reuse its markup.

    The key is read before the rows (the page evaluates them lazily).
    """
    key = key_for(owner, name, per_page, number, *params)
    paginator = Paginator(rows, per_page)
    # The row count (a COUNT query) is as fresh as the rows under this key.
    count_key = f"{key}:count"
    count = store().get(count_key)
    if count is None:
        count = paginator.count
        store().set(count_key, count, TIMEOUT_SECONDS)
    else:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    page = paginator.get_page(number)
    page.cache_key = key
    return page


def cached_with_page(page: Page | None, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` cached under `page`'s key: for figures shown beside the rows
    (tab counts) that change with the same writes, no extra version query."""
    key = getattr(page, "cache_key", None)
    if not key:
        return compute()
    key = f"{key}:{name}"
    value = store().get(key)
    if value is None:
        value = compute()
        store().set(key, value, TIMEOUT_SECONDS)
    return value


# --- invalidation ---------------------------------------------------------------


def stale_here(owner_ids: Iterable[int]) -> None:
    """The owners' cached figures and markup are stale in this process (no write):
    what `bump` does at once. The benchmark's "after a write" rows use it alone."""
    with _lock:
        for pk in owner_ids:
            _generation[pk] = next(_counter)


def bump(owner_ids: Iterable[int | None]) -> None:
    """The owners' figures are stale: at once in this process, everywhere on commit."""
    ids = {pk for pk in owner_ids if pk}
    if not ids:
        return
    stale_here(ids)

    def raise_versions():
        try:
            get_user_model()._base_manager.filter(pk__in=ids).update(
                **{VERSION_FIELD: F(VERSION_FIELD) + 1}
            )
        except DatabaseError:  # the write itself committed; keys expire within the minute
            log.exception("could not raise the data version of owners %s", sorted(ids))

    transaction.on_commit(raise_versions)


def watch(model: type[models.Model], owner: str) -> None:
    """Invalidate the owner's figures on every write to `model`'s rows.

    `owner` is the lookup from a row to its owner's id. The model's manager
    must come from `WatchedQuerySet` (for `update()` and `bulk_create()`).
    """
    if not issubclass(model._default_manager._queryset_class, WatchedQuerySet):
        raise TypeError(f"{model.__name__}.objects must be a WatchedQuerySet manager")
    _watched[model] = owner
    uid = f"core.cache.{model._meta.label}"
    post_save.connect(_on_write, sender=model, dispatch_uid=uid)
    post_delete.connect(_on_write, sender=model, dispatch_uid=uid)


def watched() -> dict[type[models.Model], str]:
    """The registered models and their owner lookups (for tests and docs)."""
    return dict(_watched)


def _on_write(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    bump([_owner_of(instance, _watched[sender])])


def _owner_of(instance, path: str) -> int | None:
    """Follow `path` from one row (a related row is fetched unless cached)."""
    *hops, last = path.split("__")
    obj = instance
    try:
        for hop in hops:
            obj = getattr(obj, hop)
            if obj is None:
                return None
    except ObjectDoesNotExist:  # deleted along with the row
        return None
    return getattr(obj, last, None)


def _owners_of_rows(model, objs) -> set[int]:
    path = _watched.get(model)
    if path is None:
        return set()
    if "__" not in path:
        return {getattr(obj, path) for obj in objs}
    pks = [obj.pk for obj in objs if obj.pk is not None]
    if len(pks) == len(objs):  # one query for all rows, not one per row
        return set(model._base_manager.filter(pk__in=pks).values_list(path, flat=True))
    return {_owner_of(obj, path) for obj in objs}


# Functions told about writes that send no signals (analytics rollups):
# hook(model, rows, values) runs before `update(**values)` with the queryset,
# and after `bulk_create()` with the new objects (values None). A hook may
# return a function: it runs right after the update (same transaction).
_bulk_write_hooks: list[Callable[[type[models.Model], Any, dict | None], None]] = []


def on_bulk_write(hook: Callable[[type[models.Model], Any, dict | None], None]) -> None:
    if hook not in _bulk_write_hooks:
        _bulk_write_hooks.append(hook)


class WatchedQuerySet(models.QuerySet):
    """Raises the owners' versions on `update()` and `bulk_create()` of a watched model."""

    def update(self, **kwargs):
        path = _watched.get(self.model)
        owners = set()
        if path is not None:
            owners = set(self.order_by().values_list(path, flat=True).distinct())
        after = [hook(self.model, self, kwargs) for hook in _bulk_write_hooks]
        changed = super().update(**kwargs)
        for then in after:
            if then is not None:
                then()
        if changed:
            bump(owners)
        return changed

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        bump(_owners_of_rows(self.model, objs))
        for hook in _bulk_write_hooks:
            hook(self.model, objs, None)
        return objs

    bulk_create.alters_data = True


# --- rendered markup ------------------------------------------------------------

_VOLATILE = "core_cache_volatile"
# True while a whole tab is rendered to be stored (core.tab_cache): the CSRF
# token and CSP nonce are placeholders then, and time-relative text a marker
# filled in at serve time, so markup rendered in that mode is kept apart.
markup_capture: ContextVar[bool] = ContextVar("core_cache_markup_capture", default=False)


class _Volatile:
    seen = False  # the markup must not be stored (token read or live state)
    live = False  # it shows live state: nothing enclosing it may be stored either


def never_cache_markup(context) -> None:
    """Called while rendering live state (presence, urgent banners): an enclosing
    `{% cachedrows %}` or cached tab then renders it afresh every time instead of
    storing it."""
    flag = context.get(_VOLATILE)
    if flag is not None:
        flag.seen = flag.live = True


def cached_markup(context, key: str, render: Callable[[Any], str]) -> str:
    """`render(context)` stored under `key`, unless it used the CSRF token or
    called `never_cache_markup()`: such markup must be fresh in every response."""
    if markup_capture.get():
        key += ":capture"
    html = store().get(key)
    if html is not None:
        return html
    outer = context.get(_VOLATILE)
    flag = _Volatile()
    overrides: dict[str, Any] = {_VOLATILE: flag}
    token = context.get("csrf_token")
    if token is not None:
        overrides["csrf_token"] = _UseFlagged(token, flag)
    with context.push(overrides):
        html = render(context)
    if flag.live and outer is not None:
        outer.seen = outer.live = True
    if not flag.seen:
        store().set(key, html, TIMEOUT_SECONDS)
    return html


class _UseFlagged:
    """The CSRF token, marking the markup volatile once a template reads it."""

    def __init__(self, token, flag: _Volatile):
        self._token, self._flag = token, flag

    def _use(self):
        self._flag.seen = True
        return self._token

    def __str__(self) -> str:
        return str(self._use())

    def __bool__(self) -> bool:
        return bool(self._use())

    def __eq__(self, other) -> bool:
        return self._use() == other

    __hash__ = None
    __html__ = __str__
