"""Fixtures for earnings tests; builders are in builders.py."""

import pytest

from tests.earnings.builders import entry


@pytest.fixture
def funded_mentor(mentor):
    """`mentor` with 300.00 available and 45.00 pending."""
    entry(mentor, "200.00")
    entry(mentor, "100.00", days_ago=5)
    entry(mentor, "45.00", days_ago=1, available=False)
    return mentor
