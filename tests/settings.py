"""Test settings: production-like (DEBUG off), without the HTTPS redirect.

The browser-test server (E2E_SERVER=1) also drops the Secure cookie flag,
because it speaks plain HTTP on 127.0.0.1.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret-" + "k" * 40)
os.environ.setdefault("SCHEDULER_IN_PROCESS", "0")
# Tests send the outbox by calling mailer.delivery.deliver_due(), not from a thread.
os.environ.setdefault("MAILER_SEND_ON_COMMIT", "0")
# Several test runs may share a machine (and its PostgreSQL/Redis): give each
# run its own test database and channel-layer prefix. The browser-test server
# inherits the prefix through the environment.
# pytest-xdist workers inherit the controller's environment: add the worker id,
# or two workers would share channel groups (user ids repeat across their databases).
os.environ.setdefault("REDIS_CHANNEL_PREFIX", f"t{os.getpid()}")
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and not os.environ["REDIS_CHANNEL_PREFIX"].endswith(_WORKER):
    os.environ["REDIS_CHANNEL_PREFIX"] += _WORKER
_RUN_ID = os.environ["REDIS_CHANNEL_PREFIX"]

from mentorhub.settings import *  # noqa: E402,F403
from mentorhub.settings import env_bool  # noqa: E402

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

if not env_bool("E2E_SERVER", False):
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
        DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{_RUN_ID}.sqlite3")}  # noqa: F405
    else:
        DATABASES["default"]["TEST"] = {"NAME": f"test_mentorhub_{_RUN_ID}"}  # noqa: F405

# Cached figures and rows use a real in-memory cache in every test, as in
# production (tests/conftest.py clears it for each test). A test's transaction
# never commits, so the database version is raised only in the tests that commit
# or run the on-commit callbacks; the writing process's own generation moves at
# once (core/cache.py), so a read after a write is fresh in every test.
CACHES["figures"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "figures-tests",
}

# Users' stamps (accounts/user_cache.py) are shared with the browser-test
# servers, as between production processes: per run, like the database.
if not REDIS_URL:  # noqa: F405
    CACHES["auth"]["LOCATION"] = os.path.join(  # noqa: F405
        tempfile.gettempdir(), f"mentorhub-auth-stamps-{_RUN_ID}"
    )

if env_bool("E2E_SERVER", False):
    JWT_COOKIE_SECURE = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
