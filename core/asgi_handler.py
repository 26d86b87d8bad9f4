"""Django's ASGI handler with the middleware stack run as one sync call.

Our views are sync. Django's stock ASGI handler builds the middleware chain
in async mode, so every sync part costs a thread switch: a sync-only
middleware switches the chain out of and back into the event loop, each
`process_view` of a sync middleware and the view itself are sent to the
thread separately, and an async-capable `MiddlewareMixin` (most of Django's
own) sends each of its `process_request`/`process_response` calls to the
thread one by one. Here the chain is built in sync mode, as under WSGI,
and the whole of it (every middleware, `process_view`, the view, template
rendering) runs in one call on the request's thread: one switch per request
instead of one per sync step. Reading the body, the request_started and
request_finished signals and sending the response stay as Django does them.

Every middleware in settings.MIDDLEWARE must be sync-capable (Django's are;
tests/mentorhub/test_middleware_modes.py checks the list and counts the
switches).
"""

from __future__ import annotations

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncStackASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)
        # get_response_async awaits the chain: one switch into the request's
        # thread (its lane, core/http_limit.py) for all of it.
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


def get_asgi_application() -> SyncStackASGIHandler:
    """Like django.core.asgi.get_asgi_application, with the one-switch stack."""
    django.setup(set_prefix=False)
    return SyncStackASGIHandler()
