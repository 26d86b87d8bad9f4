"""Shared WebSocket plumbing: strict frame parsing and a guard against crashes.

Client frames are small JSON objects. Anything else (binary, non-objects,
NaN/Infinity or 1e999, deep nesting, oversize text) is a `BadFrame` the
consumer ignores or answers, never an exception that kills the socket.
"""

from __future__ import annotations

import json
import logging
import math

from channels.exceptions import StopConsumer

logger = logging.getLogger(__name__)

MAX_DEPTH = 16  # signaling payloads are 2–3 levels deep
MAX_ID = 2**53 - 1  # ids a browser can hold exactly; far above any row id
CLOSE_INTERNAL = 4011  # an unexpected error, handled (Daphne refuses 1011 from apps)


class BadFrame(ValueError):
    pass


def _reject_constant(name: str):
    raise BadFrame(f"{name} is not allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadFrame("numbers must be finite")
    return value


def _depth_ok(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in item)
    return True


def parse_object(text: str | None, *, max_chars: int, max_depth: int = MAX_DEPTH) -> dict:
    """A JSON object from a text frame, or BadFrame."""
    if not isinstance(text, str):
        raise BadFrame("only text frames are accepted")
    if len(text) > max_chars:
        raise BadFrame("frame too large")
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:  # BadFrame is a ValueError
        raise BadFrame("not JSON") from exc
    if not isinstance(value, dict):
        raise BadFrame("not a JSON object")
    if not _depth_ok(value, max_depth):
        raise BadFrame("nested too deeply")
    return value


def as_id(value, *, default: int | None = None) -> int | None:
    """A non-negative integer id (not a bool, not a float), else `default`."""
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value if 0 <= value <= MAX_ID else default


class CrashGuard:
    """Consumer mixin: an unexpected exception is logged and the socket closes
    with a valid code after `crashed()` cleans up (presence, groups) — instead
    of Daphne's 1011 with the cleanup skipped."""

    async def dispatch(self, message):
        try:
            await super().dispatch(message)
        except StopConsumer:
            raise
        except Exception:
            logger.exception("%s failed on %r", type(self).__name__, message.get("type"))
            if message.get("type") == "websocket.disconnect":
                raise StopConsumer from None
            await self.crashed()

    async def crashed(self) -> None:
        await self.close(code=CLOSE_INTERNAL)
