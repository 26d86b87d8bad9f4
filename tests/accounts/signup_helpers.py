"""Helpers for the sign-up, verification and account tests: the links in emails."""

import re
from urllib.parse import urlsplit

LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in(message) -> list[str]:
    """Every absolute link of an email's text part."""
    return LINK.findall(message.body)


def path_of_link(message, contains: str) -> str:
    """The path (and query) of the first link in `message` whose URL contains `contains`."""
    for link in links_in(message):
        if contains in link:
            parts = urlsplit(link)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"no link containing {contains!r} in {message.body!r}")


def signup_data(**overrides) -> dict:
    data = {
        "display_name": "Nora Quinn",
        "username": "nora",
        "email": "nora@example.com",
        "password1": "plum-lantern-42",
        "password2": "plum-lantern-42",
    }
    return {**data, **overrides}


def mentor_signup_data(**overrides) -> dict:
    data = signup_data(display_name="Omar Reyes", username="omar", email="omar@example.com")
    data.update(
        headline="Data engineer · Spark and SQL",
        expertise="SQL, Spark,  data modelling, sql",
        motivation="Ten years of data pipelines; I want to help juniors ship theirs.",
    )
    return {**data, **overrides}
