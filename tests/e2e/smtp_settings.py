"""Settings of a browser-test server that mails to the test's aiosmtpd server
(tests/support/smtp.py) on port $E2E_SMTP_PORT (tests/e2e/test_signup.py)."""

import os

from tests.settings import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": int(os.environ["E2E_SMTP_PORT"]), "timeout": 5},
    }
}
# The server sends right after the commit, as under `make run` (tests/settings.py
# turns that off for the in-process tests, which run an outbox pass themselves).
MAILER_SEND_ON_COMMIT = True
