"""
Fixtures shared by every test, and the rule that picks the tests CI's PostgreSQL and Redis run repeats.

CI runs the whole suite on SQLite, then again on PostgreSQL with Redis. With ``FIELDOFFICE_DB_TESTS_ONLY=1`` (CI's
second run) only the tests whose outcome can depend on the database or the cache are collected: those that ask for
the database (a ``django_db`` mark, or a fixture that enables it: ``db``, ``transactional_db``, ``live_server``...)
and those marked ``uses_cache``. A test that asks for neither cannot reach the database, since pytest-django blocks
it; that it reaches no cache either is checked on every run: a test that asks for no database and touches a Django
cache (``caches[...]``, ``django.core.cache.cache``) without the ``uses_cache`` mark fails, as does one that reaches
the database through a fixture it requested at run time, so that the second run cannot silently leave it out.
"""

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import CacheHandler
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

from tests.factories import UserFactory

DB_TESTS_ONLY = os.environ.get("FIELDOFFICE_DB_TESTS_ONLY") == "1"
# pytest-django's fixtures that enable the database (each of its other database fixtures requests one of these).
# Every test has django_db_blocker (pytest-django's own autouse fixtures ask for it): a test that unblocks the
# database with it is caught at run time instead.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)
USES_CACHE = "uses_cache"
CACHE, DATABASE = "a Django cache", "the database"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{USES_CACHE}: touches a Django cache without the database; kept in the PostgreSQL and Redis run, where the "
        "cache is Redis",
    )


def asks_for_database(item: pytest.Item) -> bool:
    """Whether pytest-django lets ``item`` reach the database: a ``django_db`` mark, or a fixture that enables it."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def depends_on_database_or_cache(item: pytest.Item) -> bool:
    """Whether ``item``'s outcome can differ between SQLite and PostgreSQL with Redis (see the module's docstring)."""
    return asks_for_database(item) or item.get_closest_marker(USES_CACHE) is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not DB_TESTS_ONLY:
        return
    kept = [item for item in items if depends_on_database_or_cache(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not depends_on_database_or_cache(item)])
        items[:] = kept


class _Reach:
    """
    What the running test reached that it did not ask for. Only the test's own thread and the threads started during
    the test count: a request thread of the live server left over from an earlier test is not this test's doing.
    """

    test: str | None = None
    thread: threading.Thread | None = None
    found: set[str] = set()

    @classmethod
    def note(cls, what: str) -> None:
        if cls.test is None:
            return
        thread = threading.current_thread()
        if thread is cls.thread or getattr(thread, "_fieldoffice_started_by", None) == cls.test:
            cls.found.add(what)


def _noting(original: Callable[..., Any], what: str) -> Callable[..., Any]:
    def noted(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        _Reach.note(what)
        return result

    return noted


def _tagging_start(original: Callable[[threading.Thread], None]) -> Callable[[threading.Thread], None]:
    def start(thread: threading.Thread) -> None:
        thread._fieldoffice_started_by = _Reach.test  # type: ignore[attr-defined]
        original(thread)

    return start


@pytest.fixture(scope="session", autouse=True)
def _reach_watched() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CacheHandler, "__getitem__", _noting(CacheHandler.__getitem__, CACHE))
        patch.setattr(BaseDatabaseWrapper, "_cursor", _noting(BaseDatabaseWrapper._cursor, DATABASE))
        patch.setattr(threading.Thread, "start", _tagging_start(threading.Thread.start))
        yield


@pytest.fixture(autouse=True)
def _reaches_only_what_it_asked_for(request: pytest.FixtureRequest, _reach_watched: None) -> Iterator[None]:
    """Fails a test that asks for no database yet reaches it, or a cache without the ``uses_cache`` mark."""
    if asks_for_database(request.node):
        yield
        return
    _Reach.test, _Reach.thread, _Reach.found = request.node.nodeid, threading.current_thread(), set()
    try:
        yield
    finally:
        found, _Reach.test, _Reach.thread = _Reach.found, None, None
    unasked = found - ({CACHE} if request.node.get_closest_marker(USES_CACHE) else set())
    if unasked:
        pytest.fail(
            f"This test asks for no database yet reached {' and '.join(sorted(unasked))}: CI's PostgreSQL and Redis "
            f"run would leave it out. Request the db fixture (or a django_db mark) for the database, or mark it "
            f"@pytest.mark.{USES_CACHE} for a cache.",
            pytrace=False,
        )


@pytest.fixture(scope="session", autouse=True)
def _postgres_flushed_by_delete():
    """
    On PostgreSQL, the tests that need real transactions (the sandboxes over real HTTP, the browser, the workers) end
    with Django's flush, which empties every table with one TRUNCATE: about a second and a half each, since TRUNCATE
    gives each of the sixty tables new files, while the few rows a test leaves take milliseconds to DELETE. The flush
    deletes them instead, every table in one transaction with the foreign keys checked at its end (Django's are
    deferrable), and the rest of the flush (post_migrate's content types, permissions and role groups) is unchanged.
    """
    truncate = PostgresOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        quoted = (self.quote_name(table) for table in tables)
        return ["SET CONSTRAINTS ALL DEFERRED", *(f"DELETE FROM {table}" for table in quoted)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PostgresOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture
def owner(db):
    return UserFactory(roles=["Owner"])


@pytest.fixture
def office_user(db):
    return UserFactory(roles=["Office"])


@pytest.fixture
def read_only_user(db):
    return UserFactory(roles=["Read-only"])


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, email="admin@example.com")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
