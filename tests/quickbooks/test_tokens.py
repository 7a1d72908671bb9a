"""Access tokens: refreshed before they expire and after a 401, once however many workers ask, never lost."""

import threading
from datetime import timedelta

import pytest
import requests
from django.db import connection as db
from django.utils import timezone
from django_q.models import Schedule
from intuitlib.client import AuthClient

from apps.qbo_sandbox.models import SandboxToken
from apps.qbo_sandbox.oauth.credentials import digest
from apps.qbo_sandbox.oauth.selectors import token_find
from apps.qbo_sandbox.oauth.services import grant_revoke
from apps.quickbooks.errors import ConnectionUnavailableError, NeedsReconnectError, NotConnectedError
from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection
from apps.quickbooks.online.connection import client_for
from apps.quickbooks.online.tokens import access_token_get
from apps.quickbooks.services.sync_settings import sync_settings_update


def _expiring(connection: QuickBooksConnection) -> QuickBooksConnection:
    """Make the stored access token look as if it expired in a minute."""
    QuickBooksConnection.objects.filter(pk=connection.pk).update(
        access_token_expires_at=timezone.now() + timedelta(minutes=1)
    )
    return QuickBooksConnection.objects.get(pk=connection.pk)


def _refresh_tokens(connection: QuickBooksConnection):
    return SandboxToken.objects.filter(grant=token_find(connection.access_token).grant, kind="refresh")


def test_a_fresh_token_is_used_as_it_is(connection):
    assert access_token_get(connection) == connection.access_token
    assert _refresh_tokens(connection).count() == 1


def test_a_token_expiring_within_five_minutes_is_refreshed_and_the_new_refresh_token_kept(connection):
    old_access, old_refresh = connection.access_token, connection.refresh_token

    token = access_token_get(_expiring(connection))

    stored = QuickBooksConnection.objects.get(pk=connection.pk)
    assert token == stored.access_token != old_access
    assert stored.refresh_token != old_refresh
    assert stored.access_token_expires_at > timezone.now() + timedelta(minutes=55)
    assert token_find(old_refresh).revoked_at is not None
    assert token_find(stored.refresh_token).revoked_at is None


def test_a_401_refreshes_once_and_the_call_is_made_again(connection):
    SandboxToken.objects.filter(token_hash=digest(connection.access_token)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with client_for(connection) as client:
        info = client.company_info()

    assert info["CompanyName"] == "Fieldwork Plumbing"
    assert client.api_calls == 2
    assert QuickBooksConnection.objects.get(pk=connection.pk).access_token != connection.access_token


def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(connection):
    connection = _expiring(connection)
    # Each worker has its own copy of the row, as two processes would.
    copies = [QuickBooksConnection.objects.select_related("division").get(pk=connection.pk) for _ in range(2)]
    start = threading.Barrier(2)
    tokens: list[str] = []
    errors: list[Exception] = []

    def worker(copy: QuickBooksConnection) -> None:
        try:
            start.wait()
            tokens.append(access_token_get(copy))
        except Exception as exc:  # reported below, with the thread's own traceback
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(copy,)) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    stored = QuickBooksConnection.objects.get(pk=connection.pk)
    assert tokens == [stored.access_token, stored.access_token]
    refresh_tokens = _refresh_tokens(stored)
    assert refresh_tokens.count() == 2  # the first one, and exactly one refresh
    assert refresh_tokens.get(revoked_at__isnull=True).token_hash == digest(stored.refresh_token)
    assert stored.refresh_claim == "" and stored.refresh_claimed_until is None
    with client_for(stored) as client:
        assert client.company_info()["CompanyName"] == "Fieldwork Plumbing"


def test_invalid_grant_marks_the_connection_for_a_reconnect(connection, division):
    sync_settings_update(division=division, frequency="1h")
    assert Schedule.objects.filter(name="quickbooks-sync-main").exists()
    grant_revoke(token_find(connection.refresh_token).grant, reason="disconnected in QuickBooks")

    with pytest.raises(NeedsReconnectError) as refused:
        access_token_get(_expiring(connection))

    stored = QuickBooksConnection.objects.get(pk=connection.pk)
    assert stored.status == ConnectionStatus.NEEDS_RECONNECT
    assert "An Owner must reconnect" in stored.last_error == refused.value.message
    assert stored.refresh_claim == ""
    assert not Schedule.objects.filter(name="quickbooks-sync-main").exists()
    with pytest.raises(NeedsReconnectError):
        access_token_get(stored)


def test_a_failing_token_service_is_transient_and_keeps_the_connection(connection, monkeypatch):
    calls = []

    def unreachable(self, refresh_token=None):
        calls.append(refresh_token)
        raise requests.ConnectionError("connection refused")

    monkeypatch.setattr(AuthClient, "refresh", unreachable)
    monkeypatch.setattr("apps.quickbooks.online.oauth.REFRESH_RETRY_SECONDS", 0.01)

    with pytest.raises(ConnectionUnavailableError):
        access_token_get(_expiring(connection))

    stored = QuickBooksConnection.objects.get(pk=connection.pk)
    assert len(calls) == 3 and set(calls) == {connection.refresh_token}
    assert stored.status == ConnectionStatus.CONNECTED and stored.refresh_token == connection.refresh_token
    assert stored.refresh_claim == "" and "did not answer" in stored.last_error


def test_a_disconnected_division_has_no_token(connection, division):
    QuickBooksConnection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.DISCONNECTED)

    with pytest.raises(NotConnectedError):
        access_token_get(connection)
