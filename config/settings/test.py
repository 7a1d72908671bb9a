"""Test settings: the base settings with fast hashing, synchronous tasks and isolated media."""

import os
import tempfile
from urllib.parse import urlsplit

os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "test-secret-key")
# The tests run against the local QuickBooks sandbox and the Desktop emulator with DEBUG off, as a demonstration
# would: allowed explicitly, with keys of their own (the published development keys are refused with DEBUG off).
os.environ.setdefault("QBO_ENVIRONMENT", "local")
os.environ.setdefault("QBO_ALLOW_LOCAL_SANDBOX", "1")
os.environ.setdefault("QBO_CLIENT_SECRET", "test-client-secret")
os.environ.setdefault("QBO_WEBHOOK_VERIFIER_TOKEN", "test-verifier-token")
os.environ.setdefault("QBD_ALLOW_LOCAL_SANDBOX", "1")

from .base import *  # noqa: F403
from .base import Q_CLUSTER

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-q2 reads its Conf at import: tasks run inline in tests.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
MEDIA_ROOT = tempfile.mkdtemp(prefix="fieldoffice-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="fieldoffice-static-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test client and the live server (the sandbox's HTTP tests, the browser tests) speak plain HTTP, where
# HTTPS-only cookies are not sent back. The production values are tested on the base settings.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# One batch at a time: the test database is shared in memory, where writer threads (a token renewal in a worker
# thread) trip over each other's savepoints. Concurrent batches have their own test (tests/quickbooks/sync).
QBO_WRITE_CONCURRENCY = 1
# The live server's request threads end after each test; kept-open connections of theirs would outlive the test and
# hold PostgreSQL's test database open at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Parallel test processes (pytest-xdist) each get a test database of their own from pytest-django; with Redis they
# also get a database of their own, since a test that clears the cache must not clear another process's limits.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _XDIST_WORKER.startswith("gw"):  # noqa: F405
    _redis_url = urlsplit(REDIS_URL)  # noqa: F405
    _redis_db = int(_redis_url.path.strip("/") or 0) + 1 + int(_XDIST_WORKER[2:])
    _worker_redis_url = _redis_url._replace(path=f"/{_redis_db}").geturl()
    CACHES["default"]["LOCATION"] = _worker_redis_url  # noqa: F405
    # Processes a test starts (the chaos tests' workers and servers) share this process's cache, as in a serial run.
    REDIS_URL = os.environ["REDIS_URL"] = _worker_redis_url
