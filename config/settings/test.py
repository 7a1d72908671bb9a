"""Test settings: the base settings with fast hashing, synchronous tasks and isolated media."""

import os
import tempfile

os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "test-secret-key")

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
# One batch at a time: the test database is shared in memory, where writer threads (a token renewal in a worker
# thread) trip over each other's savepoints. Concurrent batches have their own test (tests/quickbooks/sync).
QBO_WRITE_CONCURRENCY = 1
# The live server's request threads end after each test; kept-open connections of theirs would outlive the test and
# hold PostgreSQL's test database open at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
