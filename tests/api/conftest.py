import pytest
from rest_framework.test import APIClient

from apps.users.models import User


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def office_api(office_user) -> APIClient:
    return client_for(office_user)


@pytest.fixture
def owner_api(owner) -> APIClient:
    return client_for(owner)


@pytest.fixture
def read_only_api(read_only_user) -> APIClient:
    return client_for(read_only_user)
