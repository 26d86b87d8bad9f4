"""MentorHub settings: one file, configured from the environment.

Every variable is optional (see CONTRACT.md / README.md); a malformed value
raises ImproperlyConfigured at start-up instead of misbehaving later.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from core.email_url import parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0/1/true/false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name) or default
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise ImproperlyConfigured(f"{name} must be a decimal, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_proxies(name: str) -> int | tuple:
    """TRUSTED_PROXIES: a count of proxy hops, or their addresses/networks."""
    raw = env_str(name).strip()
    if raw.isdigit():
        return int(raw)
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in env_list(name))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be a count or comma-separated addresses, got {raw!r}"
        ) from exc


def _local_secret_key() -> str:
    """A key generated once into an untracked file, for local development."""
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0")
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by us: no CDN (CSP, offline)
    "django_htmx",
    "axes",
    "tailwind",
    "theme",
    "core",  # the bottom layer: template tags ({% cachedrows %}), no models
    "mailer",  # the outbox: every email, sent after commit with retries
    "accounts",
    "notifications",
    "policies",
    "sessions_app",
    "requests_app",
    "earnings",
    "analytics",
    "live",
    "mentorhub",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that sets cookies: marks them Secure over HTTPS.
    "accounts.middleware.SecureCookiesOverHttpsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After Django's session auth (admin keeps it); JWT cookies win for pages.
    "accounts.middleware.JWTCookieMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # A page load closes the urgent alerts pointing to it (before the view renders).
    "notifications.middleware.OpenedPageMiddleware",
]

ROOT_URLCONF = "mentorhub.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorhub.context_processors.shell",
            ],
        },
    },
]

ASGI_APPLICATION = "mentorhub.asgi.application"
# Django HTTP requests one server process works on at once; more wait in the
# event loop (core/http_limit.py). 0 = no limit. Run one process per core.
HTTP_CONCURRENCY = env_int("HTTP_CONCURRENCY", 2)
WSGI_APPLICATION = "mentorhub.wsgi.application"

# --- Caches -----------------------------------------------------------------
# "figures": a mentor's computed figures and list rows, per process; keys
# carry the mentor's data_version (read from the database), so several
# processes need no shared cache (core/cache.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "OPTIONS": {"MAX_ENTRIES": env_int("FIGURES_CACHE_ENTRIES", 2000)},
    },
}
if env_int("FIGURES_CACHE_ENTRIES", 2000) <= 0:  # 0 turns the cache off (benchmarks: cold figures)
    CACHES["figures"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
# Analytics reads complete months from its rollups (analytics/rollups.py); 0 reads
# every row instead (benchmarks: the figure without them, in the same run).
ANALYTICS_ROLLUPS = env_bool("ANALYTICS_ROLLUPS", True)

# --- Database ---------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
except Exception as exc:  # dj-database-url raises several types
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
# Connections are reused, never leaked. Under ASGI Django runs each request's
# sync code in a thread of its own, and a connection kept open by a thread that
# dies is a leak. SQLite: the request threads are the HTTP_CONCURRENCY lanes,
# which live as long as the process (core/http_limit.py), so each lane keeps one
# connection (CONN_MAX_AGE None); other threads (socket consumers, the job
# runner, the loop's executor) are a fixed few too. With no limit (0) there are
# no lanes: a connection per request. PostgreSQL: Django's connection pool
# (psycopg_pool); a request's connection returns to the pool when it ends.
_db["CONN_MAX_AGE"] = 0
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["OPTIONS"] = {
        **_db.get("OPTIONS", {}),
        "pool": {
            "min_size": env_int("DB_POOL_MIN_SIZE", 2),
            # lanes + socket consumers + the job runner + the loop's executor
            "max_size": env_int("DB_POOL_MAX_SIZE", max(HTTP_CONCURRENCY, 2) + 8),
            "timeout": 20,
        },
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = None if HTTP_CONCURRENCY > 0 else 0
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so conditional updates are
        # race-safe and writers queue on busy_timeout instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
    # Browser tests run a real server in another thread/process: the test
    # database must live on disk, not in memory.
    _db["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                # Pushes are hints; the database is the source of truth, so a
                # bounded queue and a short expiry are the right trade-off.
                "capacity": 1500,
                "expiry": 30,
                "group_expiry": 86400,
                "prefix": env_str("REDIS_CHANNEL_PREFIX", "asgi"),
            },
        }
    }
else:
    # Channels' in-memory layer, expiry walk at most once a second (core/channel_layer.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "core.channel_layer.InMemoryChannelLayer"}}

# "auth": one stamp per user, read on every authenticated request, so a
# change to the user (deactivation, role, sign-out) reaches every process at
# once (accounts/user_cache.py). Shared: Redis when there is one, else files
# on the local disk, which every process on the host reads (SQLite: one host).
if REDIS_URL:
    CACHES["auth"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("REDIS_CHANNEL_PREFIX", "asgi") + ".auth",
    }
else:
    CACHES["auth"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("AUTH_STAMPS_DIR", str(BASE_DIR / ".auth-stamps")),
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
# How long a process keeps a user it loaded (0: a query per request).
AUTH_USER_CACHE_SECONDS = env_int("AUTH_USER_CACHE_SECONDS", 30)

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"  # a URL name: redirect_to_login resolves it
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCESS_TOKEN_LIFETIME = timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 5))
REFRESH_TOKEN_LIFETIME = timedelta(days=1)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": REFRESH_TOKEN_LIFETIME,
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "TOKEN_OBTAIN_SERIALIZER": "accounts.tokens.VersionedPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "accounts.tokens.SingleUseRefreshSerializer",
}
# A refresh token exchanged less than this long ago yields the same new pair
# again (tabs refreshing at once); later reuse revokes its family (accounts/tokens.py).
JWT_REFRESH_GRACE_SECONDS = env_int("JWT_REFRESH_GRACE_SECONDS", 30)
JWT_ACCESS_COOKIE = "mh_access"
JWT_REFRESH_COOKIE = "mh_refresh"

# django-axes: failures are counted per user+IP.
AXES_FAILURE_LIMIT = 6  # five wrong passwords pass; the sixth is refused
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Reverse proxies whose X-Forwarded-For entry is believed (a count or addresses);
# none → the header is ignored. accounts/client_ip.py walks it from the right,
# so the address used for lockouts and throttling is never one the client chose.
TRUSTED_PROXIES = env_proxies("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"

# --- REST framework -----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's Bearer auth with the cached user (accounts/user_cache.py)
        "accounts.authentication.JWTBearerAuthentication",
        "accounts.authentication.JWTCookieAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttles must derive from accounts.client_ip's classes (TRUSTED_PROXIES);
    # DRF's own get_ident believes the client's X-Forwarded-For.
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MentorHub API",
    "DESCRIPTION": "Sessions, requests, earnings, analytics and notifications for mentors.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Sessions and bookings appear in several components (a booking's session is
    # nested in /api/learner/bookings/): one enum name per choice set.
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "sessions_app.models.Session.Status",
        "BookingStatusEnum": "sessions_app.models.Booking.Status",
    },
}

# --- I18N / time --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# English only: no translation machinery on every rendered value.
USE_I18N = False
USE_TZ = True

# --- Static and media ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

TAILWIND_APP_NAME = "theme"
NPM_BIN_PATH = env_str("NPM_BIN_PATH", "npm")

# --- Security headers -------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF, "blob:"],
    "connect-src": [CSP.SELF, "ws:", "wss:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind a TLS-terminating proxy (docs/deploy.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# `make run`/`make dev` serve plain HTTP on loopback: no HTTPS redirect or HSTS,
# and cookies are Secure only on HTTPS requests (SecureCookiesOverHttpsMiddleware).
PLAIN_HTTP = env_bool("DJANGO_PLAIN_HTTP", DEBUG)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not PLAIN_HTTP)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if PLAIN_HTTP else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = JWT_COOKIE_SECURE = not PLAIN_HTTP

# --- Domain settings ---------------------------------------------------------------
# Absolute links in emails (accounts/emails.py) and calendar feeds.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PLATFORM_CURRENCY = env_str("PLATFORM_CURRENCY", "USD")
PLATFORM_FEE_PERCENT = env_decimal("PLATFORM_FEE_PERCENT", "10")
EARNINGS_HOLD_DAYS = env_int("EARNINGS_HOLD_DAYS", 3)
MINIMUM_PAYOUT = env_decimal("MINIMUM_PAYOUT", "20.00")
LIVE_MESH_LIMIT = 4  # learners per peer-to-peer room; an SFU is the path beyond this
LIVE_SFU_LIMIT = 50  # learners per room on the SFU (Janus)
SESSION_END_GRACE_MINUTES = env_int("SESSION_END_GRACE_MINUTES", 15)
# Mentor no-show: a session not started this long after its start is cancelled and
# every learner refunded in full (sessions_app.services.jobs.cancel_unstarted_sessions).
MENTOR_NO_SHOW_MINUTES = env_int("MENTOR_NO_SHOW_MINUTES", 15)
SCHEDULER_INTERVAL_SECONDS = env_int("SCHEDULER_INTERVAL_SECONDS", 30)
# The in-process job runner starts with the ASGI app unless disabled.
SCHEDULER_IN_PROCESS = env_bool("SCHEDULER_IN_PROCESS", True)
# Heartbeat of the notifications socket; each beat also fetches rows stored by
# other processes (≤ 30 s, per the design).
NOTIFY_POLL_SECONDS = min(max(env_int("NOTIFY_POLL_SECONDS", 25), 1), 30)

WEBRTC_STUN_URLS = env_list("WEBRTC_STUN_URLS")
WEBRTC_TURN_URLS = env_list("WEBRTC_TURN_URLS")
WEBRTC_TURN_SECRET = env_str("WEBRTC_TURN_SECRET")
WEBRTC_TURN_TTL_SECONDS = env_int("WEBRTC_TURN_TTL_SECONDS", 3600)
# "relay" forces every call through TURN (tests, or networks that must hide addresses).
WEBRTC_ICE_TRANSPORT_POLICY = env_str("WEBRTC_ICE_TRANSPORT_POLICY", "all")
# Janus, the SFU for sessions above the mesh limit (docs/deploy.md). Unset: groups
# are capped at LIVE_MESH_LIMIT. JANUS_PUBLIC_URL is what browsers dial (wss://
# behind TLS); it defaults to JANUS_URL (our server's own connection).
JANUS_URL = env_str("JANUS_URL")
JANUS_PUBLIC_URL = env_str("JANUS_PUBLIC_URL") or JANUS_URL
JANUS_API_SECRET = env_str("JANUS_API_SECRET")
JANUS_TOKEN_TTL_SECONDS = env_int("JANUS_TOKEN_TTL_SECONDS", 4 * 3600)
# An open presence whose socket sent nothing for this long is closed (no ghosts).
LIVE_PRESENCE_TIMEOUT_SECONDS = env_int("LIVE_PRESENCE_TIMEOUT_SECONDS", 90)

# --- Email ---------------------------------------------------------------------------
# EMAIL_URL: smtp://, smtp+tls://, smtp+ssl://, console: or file:///path (core/email_url.py).
# Django 6.1 mailers (the EMAIL_* settings are deprecated).
try:
    MAILERS = {"default": parse_email_url(env_str("EMAIL_URL", "console:"))}
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MentorHub <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in emails and calendar files (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# mailer: retries with exponential backoff (base × 2^(attempt-1), capped), then "failed".
MAILER_RETRY_BASE_SECONDS = env_int("MAILER_RETRY_BASE_SECONDS", 60)
MAILER_RETRY_MAX_SECONDS = env_int("MAILER_RETRY_MAX_SECONDS", 6 * 3600)
MAILER_MAX_ATTEMPTS = env_int("MAILER_MAX_ATTEMPTS", 10)
# A row claimed for sending this long ago by a process that died is tried again.
MAILER_SENDING_LEASE_SECONDS = env_int("MAILER_SENDING_LEASE_SECONDS", 600)
# Send right after the commit (a background thread of the process), besides the job.
MAILER_SEND_ON_COMMIT = env_bool("MAILER_SEND_ON_COMMIT", True)
# Notification emails: the daily digest's local hour, the unsubscribe links' lifetime.
NOTIFICATION_DIGEST_HOUR = min(max(env_int("NOTIFICATION_DIGEST_HOUR", 8), 0), 23)
UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS = env_int("UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS", 90)
# Optional: a mailbox whose messages unsubscribe (List-Unsubscribe's mailto: part).
UNSUBSCRIBE_MAILTO = env_str("UNSUBSCRIBE_MAILTO")

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "mentorhub-demo")
# Extra endpoints for `make bench` (a constant "floor" view, a notify trigger).
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
