"""
Fixtures for the QuickBooks app, against the local sandbox over real HTTP (pytest-django's ``live_server``).

FieldOffice reaches the sandbox at ``QBO_LOCAL_BASE_URL``, set here to the live server; retry waits are shortened so
that injected faults cost milliseconds. Tests may look into the sandbox's tables to check what happened there.
"""

import pytest
from django.test import Client

from apps.core.selectors import division_get_default
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.seeding import SeedOptions
from apps.quickbooks.models import QuickBooksConnection
from apps.quickbooks.online.connection import (
    callback_url,
    connection_authorization_start,
    connection_complete,
)
from apps.quickbooks.online.local_consent import consent_give
from tests.factories import UserFactory
from tests.quickbooks.previews import previewing_set

PREVIEW_FIRST = "preview_first"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "preview_unpredictable(reason): a sync scenario whose preview cannot count the run, and why"
    )


def pytest_generate_tests(metafunc):
    """A test that uses ``preview_first`` runs twice: as written, and previewing each sync first."""
    if PREVIEW_FIRST in metafunc.fixturenames:
        unpredictable = metafunc.definition.get_closest_marker("preview_unpredictable")
        params = [False] if unpredictable else [False, True]
        ids = ["sync", "preview-then-sync"][: len(params)]
        metafunc.parametrize(PREVIEW_FIRST, params, ids=ids, indirect=True)


@pytest.fixture
def preview_first(request):
    """Whether this run of the scenario previews every sync first and checks the preview's counts."""
    previewing_set(getattr(request, "param", False))
    yield getattr(request, "param", False)
    previewing_set(False)


@pytest.fixture
def qbo(settings, live_server):
    """FieldOffice pointed at the sandbox of the live server, with fast retries."""
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_LOCAL_BASE_URL = live_server.url
    settings.QBO_MAX_ATTEMPTS = 4
    settings.QBO_BACKOFF_SECONDS = 0.01
    settings.QBO_BACKOFF_MAX_SECONDS = 0.05
    settings.QBO_THROTTLE_WAIT_SECONDS = 0.05
    return live_server


@pytest.fixture
def sandbox_company(qbo) -> SandboxCompany:
    return company_create(name="Fieldwork Plumbing", options=SeedOptions(seed="empty"))


@pytest.fixture
def other_company(sandbox_company) -> SandboxCompany:
    return company_create(name="Second Books Inc", options=SeedOptions(seed="empty"))


@pytest.fixture
def division(db):
    return division_get_default()


def _browser() -> Client:
    # The callback address is built from the request: a loopback host, as the sandbox's development app expects.
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def owner_client(owner) -> Client:
    client = _browser()
    client.force_login(owner)
    return client


def connect(division, company: SandboxCompany, *, reset_links: bool = False) -> QuickBooksConnection:
    """The whole Connect flow at the service level: consent given on the sandbox's page, code exchanged."""
    url, pending = connection_authorization_start(
        division=division, user=None, redirect_uri=callback_url(), reset_links=reset_links
    )
    result = consent_give(url, realm_id=company.realm_id)
    return connection_complete(
        division=division,
        code=result.code,
        state=result.state,
        realm_id=result.realm_id,
        user=None,
        pending=pending,
    )


@pytest.fixture
def connection(division, sandbox_company) -> QuickBooksConnection:
    return connect(division, sandbox_company)


@pytest.fixture
def office_client(db) -> Client:
    client = _browser()
    client.force_login(UserFactory(roles=["Office"]))
    return client


@pytest.fixture
def read_only_client(db) -> Client:
    client = _browser()
    client.force_login(UserFactory(roles=["Read-only"]))
    return client
