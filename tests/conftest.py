import pytest
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

from tests.factories import UserFactory


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
