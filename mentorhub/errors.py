"""Moved to core.errors (the bottom layer); kept while imports move over."""

from core.errors import ConflictError, DomainError  # noqa: F401
