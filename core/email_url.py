"""EMAIL_URL → Django's mailer configuration (settings.MAILERS["default"]).

    smtp://user:pass@host:port      plain SMTP (port 25 by default)
    smtp+tls://user:pass@host:port  SMTP with STARTTLS (port 587 by default)
    smtp+ssl://user:pass@host:port  SMTP over TLS (port 465 by default)
    console:                        print every message (development)
    file:///absolute/path           one file per message in that directory

User name and password are percent-decoded (`%40` for an "@" in a user name).
`?timeout=N` sets the SMTP timeout (seconds, default 10). Anything else raises
ValueError with a message fit for ImproperlyConfigured.

Our own parser: dj-email-url (1.0.6, no release since 2022) knows neither
`smtp+tls` nor `smtp+ssl`, and the whole contract fits in this page.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

_SMTP_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),
    "smtp+ssl": (465, False, True),
}
DEFAULT_TIMEOUT = 10


def parse_email_url(url: str) -> dict:
    """The MAILERS entry for `url`: {"BACKEND": …, "OPTIONS": {…}} (Django 6.1 mailers)."""
    raw = (url or "").strip()
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    query = parse_qs(parts.query, keep_blank_values=True)
    timeout = DEFAULT_TIMEOUT
    if "timeout" in query:
        try:
            timeout = float(query.pop("timeout")[-1])
        except ValueError as exc:
            raise ValueError("EMAIL_URL: timeout must be a number of seconds") from exc
        if timeout <= 0:
            raise ValueError("EMAIL_URL: timeout must be positive")
    if query:
        raise ValueError(f"EMAIL_URL: unknown option(s) {', '.join(sorted(query))}")

    if scheme == "console":
        if parts.netloc or parts.path:
            raise ValueError("EMAIL_URL: write console: with nothing after it")
        return {"BACKEND": CONSOLE_BACKEND, "OPTIONS": {}}
    if scheme == "file":
        if parts.netloc or not parts.path.startswith("/"):
            raise ValueError("EMAIL_URL: file:///absolute/path (three slashes, absolute path)")
        return {"BACKEND": FILE_BACKEND, "OPTIONS": {"file_path": unquote(parts.path)}}
    if scheme in _SMTP_SCHEMES:
        default_port, use_tls, use_ssl = _SMTP_SCHEMES[scheme]
        if not parts.hostname:
            raise ValueError(f"EMAIL_URL: {scheme}://host is missing the host")
        if parts.path not in ("", "/"):
            raise ValueError(f"EMAIL_URL: {scheme}:// takes no path")
        try:
            port = parts.port
        except ValueError as exc:
            raise ValueError("EMAIL_URL: the port must be a number from 1 to 65535") from exc
        if port == 0:
            raise ValueError("EMAIL_URL: the port must be a number from 1 to 65535")
        return {
            "BACKEND": SMTP_BACKEND,
            "OPTIONS": {
                "host": parts.hostname,
                "port": port or default_port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": use_tls,
                "use_ssl": use_ssl,
                "timeout": timeout,
            },
        }
    shown = scheme or raw[:20] or "(empty)"
    raise ValueError(
        f"EMAIL_URL: unsupported scheme {shown!r}; use smtp://, smtp+tls://, smtp+ssl://, "
        "console: or file:///path"
    )
