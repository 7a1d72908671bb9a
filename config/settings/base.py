"""
FieldOffice settings, read from the environment (django-environ).

Everything lives here; production differs only by environment variables:
``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` (cache and rate limits), ``FILE_STORAGE``, ``SECRET_KEY``, ``DEBUG``,
``ALLOWED_HOSTS``, ``QBO_ENVIRONMENT`` (required with ``DEBUG`` off). Without them FieldOffice runs on the embedded
default: SQLite in WAL mode and django-q2's ORM broker.
"""

import base64
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from apps.quickbooks import conf as qbo_conf

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# Variables the environment does not set are read from this file (by default the .env that `make` writes in the
# checkout); FIELDOFFICE_ENV_FILE names another file, and set empty reads none.
ENV_FILE = os.environ.get("FIELDOFFICE_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The development key only works with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin with FieldOffice's site (a dashboard home, grouped navigation) as admin.site.
    "apps.dashboard.admin_site.FieldOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "import_export",
    "apps.users",
    "apps.accounting",
    "apps.customers",
    "apps.catalog",
    "apps.invoicing",
    "apps.purchasing",
    "apps.inventory",
    "apps.demo",
    "apps.qbo_sandbox",
    "apps.qbd_sandbox",
    "apps.imports",
    "apps.quickbooks",
    "apps.benchmarks",
    # Last on purpose: its post_migrate handler grants roles the permissions of every app above.
    "apps.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web server read while a qcluster worker writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
# Reusing connections saves opening one (and, on SQLite, running the PRAGMAs above) on every request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fieldoffice",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fieldoffice",
        }
    }

# django-q2 runs the background work (syncs, imports) on the database broker, in every setup: a task stays in the
# broker's table until a worker acknowledges it, so a worker that dies (killed, machine lost) loses nothing; its tasks
# are handed out again. Redis, when set, is only the cache and the rate limiter's store. See the README.
Q_CLUSTER = {
    "name": "fieldoffice",
    "orm": "default",
    "workers": env.int("Q_WORKERS", default=2),
    # Longer than the longest task (a first sync of a large company, a 200,000-row import): a worker is stopped
    # after this, and its sync run is then closed as failed.
    "timeout": env.int("Q_TIMEOUT", default=1800),
    # A task handed to a worker that never acknowledged it is handed out again after this: longer than `timeout`,
    # so a task still running is never run twice at once. A sync run lost this way is found sooner, by the lease
    # (QBO_SYNC_LEASE_SECONDS) and the reconciler.
    "retry": env.int("Q_RETRY", default=1980),
    # A task that raised is tried once more; one that never reported (its worker died) is always handed out again.
    "max_attempts": 2,
    # Tasks a worker process takes ahead of time: what one that dies holds. One is enough to keep workers busy.
    "queue_limit": env.int("Q_QUEUE_LIMIT", default=1),
    # Missed schedule slots are not replayed one by one after downtime.
    "catch_up": False,
    "save_limit": 500,
    "label": "Background tasks",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: email login, no public sign-up, TOTP available.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "apps.users.adapters.AccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/admin/"
LOGIN_URL = "/accounts/login/"
# Sign-in throttling (allauth's default ACCOUNT_RATE_LIMITS: 5 failed sign-ins per address in 5 minutes, 10 a minute
# per client IP) is counted in the default cache, which REDIS_URL shares between all processes. Behind proxies, the
# number of them that append to X-Forwarded-For, so that the client's own IP is counted, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "FieldOffice"

# Which QuickBooks Online FieldOffice talks to: "local" is the in-project emulator mounted at /qbo-sandbox/, the
# default with DEBUG on. With DEBUG off there is no default, and "local" also needs QBO_ALLOW_LOCAL_SANDBOX=1 and keys
# of its own (see apps.quickbooks.conf.environment_problems): a deployment never serves the sandbox by accident.
QBO_ENVIRONMENT = env.str("QBO_ENVIRONMENT", default="local" if DEBUG else "")
QBO_ALLOW_LOCAL_SANDBOX = env.bool("QBO_ALLOW_LOCAL_SANDBOX", default=False)

# FieldOffice's app on Intuit's developer portal (Keys & credentials). In local mode with DEBUG on these defaults name
# a development app that the sandbox registers on first use, so that "Connect to QuickBooks" works on a fresh install.
_QBO_LOCAL_DEFAULTS = QBO_ENVIRONMENT == "local" and DEBUG
QBO_CLIENT_ID = env.str("QBO_CLIENT_ID", default=qbo_conf.LOCAL_CLIENT_ID if QBO_ENVIRONMENT == "local" else "")
QBO_CLIENT_SECRET = env.str("QBO_CLIENT_SECRET", default=qbo_conf.LOCAL_CLIENT_SECRET if _QBO_LOCAL_DEFAULTS else "")
QBO_WEBHOOK_VERIFIER_TOKEN = env.str(
    "QBO_WEBHOOK_VERIFIER_TOKEN", default=qbo_conf.LOCAL_WEBHOOK_VERIFIER_TOKEN if _QBO_LOCAL_DEFAULTS else ""
)
_QBO_PROBLEMS = qbo_conf.environment_problems(
    debug=DEBUG,
    environment=QBO_ENVIRONMENT,
    allow_local_sandbox=QBO_ALLOW_LOCAL_SANDBOX,
    client_secret=QBO_CLIENT_SECRET,
    webhook_verifier_token=QBO_WEBHOOK_VERIFIER_TOKEN,
)
if _QBO_PROBLEMS:
    # Raised here, not only by a system check, so that gunicorn (which runs no checks) refuses to start too.
    raise ImproperlyConfigured(" ".join(sentence for _, sentence in _QBO_PROBLEMS))

# The QuickBooks Desktop emulator (apps.qbd_sandbox: its admin pages and commands) is there with DEBUG on; with DEBUG
# off only for a demonstration that sets QBD_ALLOW_LOCAL_SANDBOX=1.
QBD_SANDBOX_ENABLED = DEBUG or env.bool("QBD_ALLOW_LOCAL_SANDBOX", default=False)

# Change notices (webhooks) are gathered this long before the one incremental run they ask for starts.
QBO_WEBHOOK_DEBOUNCE_SECONDS = env.int("QBO_WEBHOOK_DEBOUNCE_SECONDS", default=30)
# A sync run holds its division by a lease it renews while it works (every third of it); a run whose worker stopped
# lets it run out, then the reconciler (a schedule, every minute) closes the run as lost and queues it again, and
# Sync Now is accepted.
QBO_SYNC_LEASE_SECONDS = env.int("QBO_SYNC_LEASE_SECONDS", default=300)
# Where Intuit sends the browser back after consent. Empty: built from the request
# (<scheme>://<host>/admin/quickbooks/integration/callback/); production sets the URI registered with Intuit.
QBO_REDIRECT_URI = env.str("QBO_REDIRECT_URI", default="")
# Local mode: the address this server answers on, where FieldOffice finds the sandbox's API and discovery document.
QBO_LOCAL_BASE_URL = env.str("QBO_LOCAL_BASE_URL", default="http://127.0.0.1:8000")
# Empty: derived from QBO_ENVIRONMENT (see apps.quickbooks.conf).
QBO_API_BASE_URL = env.str("QBO_API_BASE_URL", default="")
QBO_DISCOVERY_URL = env.str("QBO_DISCOVERY_URL", default="")
# The API client's retries of 429, 5xx, dropped connections and timeouts: attempts per request, exponential backoff.
QBO_MAX_ATTEMPTS = env.int("QBO_MAX_ATTEMPTS", default=5)
QBO_BACKOFF_SECONDS = env.float("QBO_BACKOFF_SECONDS", default=1.0)
QBO_BACKOFF_MAX_SECONDS = env.float("QBO_BACKOFF_MAX_SECONDS", default=30.0)
# Intuit asks clients to wait a minute after a 429 that carries no Retry-After.
QBO_THROTTLE_WAIT_SECONDS = env.float("QBO_THROTTLE_WAIT_SECONDS", default=60.0)
QBO_TIMEOUT_SECONDS = env.float("QBO_TIMEOUT_SECONDS", default=60.0)
# Per realm, counted for all workers in the cache (Redis in production): Intuit's 40 batches a minute (the limiter
# counts a minute and a second), just under its 500 requests, and at most its 10 requests at once. 0 turns a limit off.
QBO_RATE_LIMIT_PER_MINUTE = env.int("QBO_RATE_LIMIT_PER_MINUTE", default=490)
QBO_BATCH_LIMIT_PER_MINUTE = env.int("QBO_BATCH_LIMIT_PER_MINUTE", default=40)
QBO_CONCURRENT_LIMIT = env.int("QBO_CONCURRENT_LIMIT", default=10)
# Batches a sync sends at once (Intuit allows 10 requests at once per company; the limiter enforces it).
QBO_WRITE_CONCURRENCY = env.int("QBO_WRITE_CONCURRENCY", default=4)
# The limits' window: Intuit's minute. Shorter only against a local sandbox that compresses time (benchmarks).
QBO_LIMIT_WINDOW_SECONDS = env.float("QBO_LIMIT_WINDOW_SECONDS", default=60.0)

# QuickBooks Desktop's Web Connector endpoint: the largest reply QuickBooks may send back in one receiveResponseXML of
# a signed-in session (a query answer of 500 records a list is a few MB). Every other call is refused over 64 KiB.
QBWC_MAX_RESPONSE_MB = env.int("QBWC_MAX_RESPONSE_MB", default=64)


def _key_from_secret(secret: str) -> str:
    """A Fernet key derived from ``secret`` with HKDF-SHA256."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"fieldoffice field encryption")
    return base64.urlsafe_b64encode(key.derive(secret.encode())).decode()


# Encrypts secrets stored in the database (QuickBooks tokens). Production should set its own key, made with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`; several keys,
# comma-separated, rotate: the first encrypts, all decrypt. Without it a key is derived from SECRET_KEY, and a new
# SECRET_KEY then makes the stored tokens unreadable (QuickBooks must be reconnected).
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="") or _key_from_secret(SECRET_KEY)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="fieldoffice@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call then gets 401 with a WWW-Authenticate header, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.api.permissions.ModelPermissionsIncludingView"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FieldOffice API",
    "DESCRIPTION": "Customers, items, accounts, taxes, terms and invoices of a FieldOffice installation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema describes every endpoint: for signed-in people and API tokens only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# django-import-export: the admin lists' Export button (apps/core/resources.py).
# Whoever may view a list may export it, Read-only included: an export shows nothing the list does not.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Text that a spreadsheet would run as a formula (=, +, -, @) is exported as text; numbers and dates stay as they are.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Control characters an xlsx file cannot hold become "�" instead of failing the whole export.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# Rows read per query (and per prefetch query) while exporting.
IMPORT_EXPORT_CHUNK_SIZE = 2_000

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (attachments, imported workbooks) are read by workers too: with several machines they must live in
# storage every machine reaches. FILE_STORAGE=local (the default) keeps them in MEDIA_ROOT (a shared volume when
# MEDIA_ROOT is mounted on every machine); FILE_STORAGE=s3 keeps them in an S3-compatible bucket (django-storages).
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
if FILE_STORAGE == "s3":
    DEFAULT_FILE_STORAGE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            # Files stay private: FieldOffice hands each one out itself after checking who asks.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif FILE_STORAGE == "local":
    DEFAULT_FILE_STORAGE_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be local or s3, not {FILE_STORAGE!r}.")
STORAGES = {
    "default": DEFAULT_FILE_STORAGE_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files live in MEDIA_ROOT under random names and are never served from MEDIA_URL: views that check who asks
# hand them out (the app itself, or the proxy when FILES_X_ACCEL_REDIRECT_PREFIX names its internal location, e.g.
# "/protected-files/" for nginx's X-Accel-Redirect).
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
FILES_X_ACCEL_REDIRECT_PREFIX = env.str("FILES_X_ACCEL_REDIRECT_PREFIX", default="")
# Attachments larger than this are refused at upload.
FIELDOFFICE_MAX_ATTACHMENT_BYTES = env.int("FIELDOFFICE_MAX_ATTACHMENT_BYTES", default=20 * 1024 * 1024)

# Excel import (apps.imports): uploads larger than this are refused (the workbook and the zip of attachments each).
FIELDOFFICE_IMPORT_MAX_BYTES = env.int("FIELDOFFICE_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Rows of data in one workbook.
FIELDOFFICE_IMPORT_MAX_ROWS = env.int("FIELDOFFICE_IMPORT_MAX_ROWS", default=200_000)
# What a workbook may unpack to: a zip bomb is refused before anything reads it.
FIELDOFFICE_IMPORT_MAX_UNPACKED_BYTES = env.int("FIELDOFFICE_IMPORT_MAX_UNPACKED_BYTES", default=300 * 1024 * 1024)
# Workbooks up to this size are checked and imported during the request; larger ones by a background worker.
FIELDOFFICE_IMPORT_INLINE_MAX_BYTES = env.int("FIELDOFFICE_IMPORT_INLINE_MAX_BYTES", default=256 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    # 403s and other client errors are one WARNING line: anonymous callers cannot fill the log with tracebacks.
    "filters": {"client_errors_one_line": {"()": "apps.core.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client_errors_one_line"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# HTTPS. With DEBUG off FieldOffice expects to be served over HTTPS: its cookies go over HTTPS only, plain HTTP is
# redirected, and browsers are told (HSTS) to use nothing but HTTPS for a year. Each can be changed from the
# environment (SECURE_COOKIES, the older name of both cookie settings, is still read as their default).
if not DEBUG:
    _SECURE_COOKIES = env.bool("SECURE_COOKIES", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_SECURE_COOKIES)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_SECURE_COOKIES)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Browsers' preload lists commit a whole domain to HTTPS and are slow to leave: only when asked for.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``"HTTP_X_FORWARDED_PROTO,https"`` as the pair Django expects; ``None`` when empty."""
    if not value:
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not parts[0].startswith("HTTP_") or not parts[1]:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a request header and the value that means HTTPS, such as "
            "HTTP_X_FORWARDED_PROTO,https."
        )
    return parts[0], parts[1]


# Behind a proxy that ends TLS, the header it sets to tell Django a request came over HTTPS. Unset by default: trusted
# without such a proxy (one that overwrites the header on every request), a client could claim HTTPS itself.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env.str("SECURE_PROXY_SSL_HEADER", default=""))
