"""Fixtures for live tests; builders are in builders.py."""

import pytest

from tests.live.builders import book, make_session


@pytest.fixture
def live_session(mentor, learner):
    session = make_session(mentor)
    book(session, learner)
    return session
