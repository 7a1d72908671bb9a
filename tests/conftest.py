import pytest

from tests.factories import UserFactory


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
