"""Fixtures for notifications tests; builders are in builders.py."""

import pytest

from tests.notifications.builders import make_notification


@pytest.fixture
def note():
    return make_notification
