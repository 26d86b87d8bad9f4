"""Domain errors raised by services: a message fit for the user, maybe a field."""


class DomainError(Exception):
    """A rule of the domain was broken; views show it, the API answers 400."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """The object is in a state that does not allow this (e.g. already answered)."""

    status_code = 409
