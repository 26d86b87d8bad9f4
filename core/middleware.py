"""A middleware base that runs sync or async, following the handler it wraps.

Django's middleware protocol: with both flags set, Django hands it whichever
kind of handler the chain has, and the instance must then be a coroutine
function exactly when the handler is (no thread switch either way).
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class EitherModeMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
