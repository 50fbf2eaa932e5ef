"""GridGov settings, read from the environment (see docs/configuration.md).

Defaults are the embedded ones used by `make run` and `make test`: a SQLite file in the
project and a filesystem Celery broker that needs no server. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gridgov import openapi

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GRIDGOV_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# `make run`: the product as its users see it (DEBUG off: the site's own error pages, collected
# static files) on this machine over plain http, with the demo district's data readable. Never
# in production: `manage.py check --deploy` refuses it (gridgov/checks.py).
DEMO = env_bool("GRIDGOV_DEMO")


def demo_secret_key() -> str:
    """A key generated once for this checkout (var/secret_key), so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# The development key is accepted only with DEBUG on; production refuses to start without
# a key of its own.
DEVELOPMENT_SECRET_KEY = "gridgov-development-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEMO and not DEBUG:
    SECRET_KEY = demo_secret_key()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for development.")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif SECRET_KEY == DEVELOPMENT_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY is the development key; production needs a key of its own.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or DEMO else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "gridgov.apps.GridGovAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mptt",
    "leaflet",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "grids",
    "residents",
    "petitions",
    "funding",
    "visits",
    "assessment",
    "dashboard",
    "audit",
    "gridgov.apps.GridGovConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (docs/security.md).
    "csp.middleware.CSPMiddleware",
    "gridgov.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in security (accounts/middleware.py, docs/security.md), in this order: an idle
    # session ends first; then the one-time-password check (django-otp marks the user verified
    # or not); then a password past its age must be changed before anything else.
    "accounts.middleware.IdleSessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.PasswordRotationMiddleware",
    # Before any view reads a parameter: PostgreSQL refuses NUL, so a request carrying one is a 400.
    "gridgov.middleware.RejectNulMiddleware",
    "gridgov.errors.DomainErrorMiddleware",
    # Last: turns a lockout flagged during authentication into the lockout page (or 429 JSON).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.notices",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Passwords (MLPS level 3 身份鉴别; docs/security.md): at least GRIDGOV_PASSWORD_MIN_LENGTH
# characters from at least 3 of 4 classes, not like the username, not a common password, not one
# of the last GRIDGOV_PASSWORD_HISTORY passwords (0: no history).
GRIDGOV_PASSWORD_MIN_LENGTH = int(os.environ.get("GRIDGOV_PASSWORD_MIN_LENGTH", "8"))
GRIDGOV_PASSWORD_HISTORY = int(os.environ.get("GRIDGOV_PASSWORD_HISTORY", "5"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": GRIDGOV_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "accounts.passwords.PasswordHistoryValidator"},
]
# A password older than this many days must be changed before anything else (0: never). MLPS
# asks for periodic change; ASVS L2 (2.1.10) advises against forced rotation: docs/security.md.
GRIDGOV_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("GRIDGOV_PASSWORD_MAX_AGE_DAYS", "90"))

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes, accounts/lockout.py): an account is locked after
# GRIDGOV_LOCKOUT_ACCOUNT_FAILURES failed sign-ins from anywhere, an address after
# GRIDGOV_LOCKOUT_ADDRESS_FAILURES failed sign-ins on any accounts (higher: an office behind one
# NAT address shares it), each for GRIDGOV_LOCKOUT_MINUTES after the last failure. Login page,
# admin login and HTTP Basic alike.
GRIDGOV_LOCKOUT_ACCOUNT_FAILURES = int(os.environ.get("GRIDGOV_LOCKOUT_ACCOUNT_FAILURES", "5"))
GRIDGOV_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("GRIDGOV_LOCKOUT_ADDRESS_FAILURES", "30"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("GRIDGOV_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # the order of the two limits above
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_RESET_ON_SUCCESS = True
# No "AXES: BEGIN version …" line at the start of every command; failures and lockouts are still logged.
AXES_VERBOSE = False
# Behind a reverse proxy (docs/deploy.md: nginx sets X-Forwarded-For), how many proxies to
# trust: the client's address is that many entries from the right of X-Forwarded-For. 0: the
# connection's address (REMOTE_ADDR). Used by the lockout and the throttles alike.
GRIDGOV_TRUSTED_PROXIES = int(os.environ.get("GRIDGOV_TRUSTED_PROXIES", "0"))

# Idle timeout: a session unused for this many minutes ends (0: no idle timeout); and none
# lasts longer than GRIDGOV_SESSION_MAX_HOURS from sign-in, used or not.
GRIDGOV_SESSION_IDLE_MINUTES = int(os.environ.get("GRIDGOV_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(float(os.environ.get("GRIDGOV_SESSION_MAX_HOURS", "12")) * 3600)

# Two-factor sign-in (TOTP, django-otp; accounts/twofactor.py): holders of these roles (and
# superusers and staff, when "admin" is listed) must enrol an authenticator app and give a code
# after their password. Others may enrol; once they have, the code is asked of them too.
# Development and the demo (`make dev`, `make run`: published demo logins) default to nobody.
GRIDGOV_2FA_ROLES = env_list("GRIDGOV_2FA_ROLES", "" if DEBUG or DEMO else "admin,command_center,supervision,auditor")
OTP_TOTP_ISSUER = os.environ.get("GRIDGOV_2FA_ISSUER", "GridGov")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport (no server needed).
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # An unacknowledged task (its worker died) is redelivered after this many seconds; longer
    # than any task's time limit. The worker-kill test shortens it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
    if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] < 60:
        # A short timeout (the test) is only useful if kombu also looks for abandoned tasks
        # often: by default it scans about every 100 s.
        CELERY_BROKER_TRANSPORT_OPTIONS |= {"unacked_restore_interval": 1, "unacked_restore_throttle": 1}
else:
    # A host in the URL, though the transport ignores it: without one kombu logs "No hostname
    # was supplied" on every connection (each enqueue, every seeding and command).
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TIMEZONE = "Asia/Shanghai"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gridgov@localhost")
# Links in e-mailed notices.
GRIDGOV_SITE_URL = os.environ.get("GRIDGOV_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("GRIDGOV_MEDIA_ROOT", VAR_DIR / "media"))
# In development whitenoise serves straight from the app folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# HTTPS: production runs behind nginx with TLS (docs/deploy.md) and says so with GRIDGOV_HTTPS=1:
# plain http is redirected, browsers are told to stay on https for a year (HSTS, subdomains
# included, preload allowed), cookies are Secure. DJANGO_SSL_REDIRECT and DJANGO_HSTS_* override
# single parts. `manage.py check --deploy --fail-level WARNING` passes with that environment (.ci/smoke).
HTTPS = env_bool("GRIDGOV_HTTPS")
if not DEBUG:
    # The demo is plain http on this machine: a Secure cookie would never come back.
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", HTTPS or not DEMO)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", HTTPS)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if HTTPS else "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
# Debug pages and error reports mask broker, cache and database URLs (they hold passwords and
# map the internal network), as they mask keys and passwords.
DEFAULT_EXCEPTION_REPORTER_FILTER = "gridgov.debug.GridGovExceptionReporterFilter"
# Django's defaults, written down because docs/security.md maps them: nosniff, no Referer to
# other sites, no framing (also frame-ancestors below), no cross-origin opener.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, so an
# injected <script>, on* attribute or javascript: URL never runs. No inline script anywhere: page
# data travels in data-* attributes or json_script (type="application/json", never executed);
# django-leaflet's inline map loader is replaced by templates/leaflet/ and
# static/gridgov/leafletmap.js. Styles set through the DOM (Leaflet's el.style.*) are allowed
# by CSP; style="" attributes and <style> elements are not. Tiles, when GRIDGOV_TILES_URL names a
# tile server, are the one outside origin allowed (img-src).
_tiles = urlsplit(os.environ.get("GRIDGOV_TILES_URL", ""))
_TILES_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc.replace('{s}.', '*.')}" if _tiles.netloc else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"] + ([_TILES_ORIGIN] if _TILES_ORIGIN else []),
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# HTTP Basic on the API (username and password in every request): off unless set; scripts use
# API tokens (accounts/tokens.py, docs/api.md). Development (DEBUG) keeps it on by default.
GRIDGOV_API_BASIC_AUTH = env_bool("GRIDGOV_API_BASIC_AUTH", DEBUG)
# Throttles (accounts/throttling.py): "N/second|minute|hour|day" per client; empty: no limit.
# `anon` and `user` for the API (per address, per user or token owner); `public` for the public
# pages that take input (the Open311 POST, the public portal), per address.
GRIDGOV_THROTTLE_RATES = {
    "anon": os.environ.get("GRIDGOV_THROTTLE_ANON", "60/minute"),
    "user": os.environ.get("GRIDGOV_THROTTLE_USER", "1200/minute"),
    "public": os.environ.get("GRIDGOV_THROTTLE_PUBLIC", "10/minute"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, as before: its (absent) WWW-Authenticate header keeps "not signed in" a 403.
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
        "accounts.authentication.SwitchableBasicAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.AnonThrottle", "accounts.throttling.UserThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "gridgov.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gridgov.errors.api_exception_handler",
}
# The OpenAPI schema and its docs pages (drf-spectacular): gridgov/openapi.py.
SPECTACULAR_SETTINGS = openapi.SPECTACULAR_SETTINGS

# Map: by default no tiles, so that no page asks an outside server for anything: every map
# draws its base (district, street and community outlines and names) from our own data
# (/api/grids/basemap/, static/gridgov/gridmap.js). Set GRIDGOV_TILES_URL to your own tile
# server (an intranet or Tianditu server) to draw tiles under it as well.
GRIDGOV_TILES_URL = os.environ.get("GRIDGOV_TILES_URL", "")
GRIDGOV_TILES_ATTRIBUTION = os.environ.get("GRIDGOV_TILES_ATTRIBUTION", "")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (34.86, 117.55),
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 19,
    "TILES": [(_("Base map"), GRIDGOV_TILES_URL, GRIDGOV_TILES_ATTRIBUTION)] if GRIDGOV_TILES_URL else [],
    # Leaflet 1.9's default prefix carries a flag and a link; plain text, as on printed maps.
    "ATTRIBUTION_PREFIX": "Leaflet",
    "RESET_VIEW": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Registry imports (residents.importing): larger files are refused before they are read.
GRIDGOV_IMPORT_MAX_BYTES = int(os.environ.get("GRIDGOV_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
GRIDGOV_IMPORT_MAX_ROWS = int(os.environ.get("GRIDGOV_IMPORT_MAX_ROWS", "20000"))
# An .xlsx is a zip: refused before parsing when its members unpack to more than this in total,
# when a member (over 1 MB) is compressed more than GRIDGOV_IMPORT_MAX_RATIO times (a zip bomb:
# millions of empty rows, one huge string), or when it has more members than a workbook needs.
GRIDGOV_IMPORT_MAX_UNCOMPRESSED = int(os.environ.get("GRIDGOV_IMPORT_MAX_UNCOMPRESSED", str(50 * 1024 * 1024)))
GRIDGOV_IMPORT_MAX_RATIO = int(os.environ.get("GRIDGOV_IMPORT_MAX_RATIO", "100"))
GRIDGOV_IMPORT_MAX_MEMBERS = int(os.environ.get("GRIDGOV_IMPORT_MAX_MEMBERS", "200"))
# While streaming: columns read per row (the template has 11), characters per cell.
GRIDGOV_IMPORT_MAX_COLUMNS = int(os.environ.get("GRIDGOV_IMPORT_MAX_COLUMNS", "30"))
GRIDGOV_IMPORT_MAX_CELL_CHARS = int(os.environ.get("GRIDGOV_IMPORT_MAX_CELL_CHARS", "500"))
# Uploaded sheets wait in MEDIA_ROOT/imports/ between the check and the confirmation; the
# beat task residents.tasks.expire_staged_imports deletes those older than this.
GRIDGOV_IMPORT_STAGED_HOURS = int(os.environ.get("GRIDGOV_IMPORT_STAGED_HOURS", "24"))
# Households a grid of each level should hold, inclusive: base grid (3) 500–800, unit grid (4)
# 100–250 (docs/domain.md §2); /grids/outside-band/ lists the grids outside (docs/configuration.md).
GRIDGOV_HOUSEHOLD_BANDS = {3: (500, 800), 4: (100, 250)}

# The audit trail (audit app) keeps entries this many days; `manage.py audit_purge` deletes
# older ones. At least 180 (Cybersecurity Law art. 21: six months); the database refuses to
# delete younger entries whatever this says.
GRIDGOV_AUDIT_RETENTION_DAYS = max(int(os.environ.get("GRIDGOV_AUDIT_RETENTION_DAYS", "180")), 180)

# The domain's years (gridgov/dates.py): periods, years and datetime filters outside them are a 400.
GRIDGOV_YEARS = tuple(int(y) for y in os.environ.get("GRIDGOV_YEARS", "2000,2100").split(",", 1))
# Four-colour supervision (docs/domain.md §4): the thresholds of the rule table.
GRIDGOV_SUPERVISION = {
    "BLUE_SHARE": 0.70,  # share of the handling window used, not replied
    "YELLOW_SHARE": 0.85,
    "BLUE_UNACKNOWLEDGED_WORKING_DAYS": 1,  # a blue slip ignored this long turns yellow
    "RED_OVERDUE_WORKING_DAYS": 5,
    "RED_REWORKS": 3,  # the third rework
    # Appeals per sweep task run (~20 ms each on PostgreSQL: a run stays well under 5 s); the task
    # re-enqueues itself while more are due.
    "SWEEP_BATCH": 100,
    # Test-only: seconds the sweep waits per appeal (the worker-kill test makes it slow).
    "TEST_SLEEP_PER_APPEAL": float(os.environ.get("GRIDGOV_SWEEP_TEST_SLEEP", "0")),
}
# Personal data keys (gridgov.personal_data) are read from GRIDGOV_DATA_KEY and
# GRIDGOV_HASH_KEY there, not here, so they never sit in the settings object. Fixed
# development keys stand in for unset ones only when DJANGO_DEBUG was on at start-up (decided
# here, like SECRET_KEY's, so that a test run's DEBUG=False does not change it). The demo
# (`make run`) keeps them, so the district seeded by `make dev` stays readable in both.
GRIDGOV_DEVELOPMENT_KEYS = DEBUG or DEMO
# Uploads (appeal and visit photos, receipts) are personal data: no public /media/ URL; the one
# view in gridgov/files.py checks the viewer's scope first. In production it hands the file to
# the web server: "x-accel-redirect" (nginx; an `internal` location at GRIDGOV_FILES_INTERNAL_URL
# aliasing MEDIA_ROOT) or "x-sendfile" (Apache, lighttpd); unset, Django streams it. docs/deploy.md.
GRIDGOV_FILES_SENDFILE = os.environ.get("GRIDGOV_FILES_SENDFILE", "").strip().lower()
GRIDGOV_FILES_INTERNAL_URL = os.environ.get("GRIDGOV_FILES_INTERNAL_URL", "/protected-media/")
