"""Live fragments: pieces of a page that stay current over the user's socket.

Each app registers its fragments in its `AppConfig.ready()`:

    register("participants", "sessions_app/live/participants.html",
             participants_state, keys=("session_id",))

- `state(user, **key)` reads fresh state from the database and returns the
  template's context, or None when `user` may not see that key (nothing is
  sent then). Keys are integer ids.
- The page's first render includes the same template (with `oob` off), so the
  first render and later updates can't drift. The fragment's root element
  carries its id, `data-live-fragment="<name>"` and one `data-live-key-<key>`
  per key (`data-live-key-session-id="12"`): the client lists them in its
  `hello`, and the server re-sends each one fresh, so a reconnect restores them.
- A write calls `notifications.services.push_update(user, name, **key)`. That
  push is only a hint `{name, key}`; the consumer calls `state()` and renders
  (`render()` below, `oob` on), so it never carries a stale value.

This module imports no domain app.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

MAX_ID = 2**53 - 1  # ids a browser can hold exactly
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

State = Callable[..., dict | None]


@dataclass(frozen=True)
class Fragment:
    name: str
    template: str
    state: State
    keys: tuple[str, ...] = ()


_registry: dict[str, Fragment] = {}


def register(name: str, template: str, state: State, *, keys: tuple[str, ...] = ()) -> None:
    """Declare a fragment; registering the same definition twice is a no-op."""
    if not _NAME.match(name) or not all(_NAME.match(k) for k in keys):
        raise ValueError(f"bad live fragment name or key in {name!r} {keys!r}")
    fragment = Fragment(name, template, state, tuple(keys))
    if _registry.setdefault(name, fragment) != fragment:
        raise ValueError(f"live fragment {name!r} is already registered differently")


def get(name) -> Fragment | None:
    return _registry.get(name) if isinstance(name, str) else None


def names() -> list[str]:
    return sorted(_registry)


def _as_id(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_ID else None


def clean_key(fragment: Fragment, key) -> dict[str, int] | None:
    """The key with exactly the fragment's key names and id values, else None."""
    if key is None:
        key = {}
    if not isinstance(key, dict) or set(key) != set(fragment.keys):
        return None
    ids = {name: _as_id(value) for name, value in key.items()}
    return None if None in ids.values() else ids


def render(user, name, key=None) -> str | None:
    """The fragment's HTML for `user` (hx-swap-oob on), from fresh state.

    None for an unknown name, a malformed key or a key the user may not see.
    Call it outside the event loop (it queries the database).
    """
    fragment = get(name)
    ids = clean_key(fragment, key) if fragment else None
    if ids is None:
        return None
    context = fragment.state(user, **ids)
    if context is None:
        return None
    return render_to_string(fragment.template, {**context, "oob": True})


def parse_page(entries, *, limit: int) -> list[tuple[str, dict[str, int]]]:
    """The fragments a client says its page shows (`hello`'s `fragments`).

    `[{"name": "participants", "key": {"session_id": 12}}, …]`: anything but a
    list of at most `limit` objects yields nothing; entries with an unknown
    name or a bad key are skipped; duplicates count once.
    """
    if not isinstance(entries, list) or len(entries) > limit:
        return []
    page: list[tuple[str, dict[str, int]]] = []
    for entry in entries:
        if not isinstance(entry, dict) or not (fragment := get(entry.get("name"))):
            continue
        ids = clean_key(fragment, entry.get("key"))
        if ids is not None and (fragment.name, ids) not in page:
            page.append((fragment.name, ids))
    return page
