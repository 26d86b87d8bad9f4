"""Fixtures for requests_app tests; builders are in builders.py."""

import pytest

from tests.requests_app.builders import make_request


@pytest.fixture
def pending(learner, mentor):
    return make_request(learner, mentor)
