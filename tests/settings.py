"""Test settings: production-like (DEBUG off), without the HTTPS redirect.

The browser-test server (E2E_SERVER=1) also drops the Secure cookie flag,
because it speaks plain HTTP on 127.0.0.1.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret-" + "k" * 40)
os.environ.setdefault("SCHEDULER_IN_PROCESS", "0")
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

if not env_bool("E2E_SERVER", False):
    # In-process tests run inside a transaction that never commits, so the
    # after-commit invalidation of cached figures never runs there: they compute
    # figures afresh. tests/test_mentor_cache.py turns the cache on and commits;
    # the browser-test server (E2E_SERVER) caches as in production.
    CACHES["figures"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}  # noqa: F405

if env_bool("E2E_SERVER", False):
    JWT_COOKIE_SECURE = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
