"""
Access tokens that are valid when used, and refresh tokens spent exactly once, however many workers ask at once.

A refresh is serialised per connection (threads, processes, machines alike):

1. Under ``select_for_update``, the row is read again. A fresh access token (and not the one QuickBooks just
   rejected) is returned. Otherwise, unless another worker holds a live claim, this worker writes its claim and
   commits.
2. The claimant calls Intuit outside any transaction, then stores the new pair (the refresh token rotates) under
   the lock again. A failure releases the claim; ``invalid_grant`` marks the connection as needing a reconnect.
3. The others wait until the claim is gone and read the new token; none spends the old refresh token again.

The row lock is not held during the call to Intuit: in local mode the sandbox that answers it writes to the same
database, and on SQLite a write lock held by the caller would block it. Call these functions outside transactions.
"""

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from django.db import OperationalError, transaction
from django.utils import timezone

from apps.quickbooks.encryption import DecryptionError
from apps.quickbooks.errors import (
    ConnectionUnavailableError,
    NeedsReconnectError,
    NotConnectedError,
    QuickBooksError,
)
from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection
from apps.quickbooks.online import oauth
from apps.quickbooks.services.schedules import sync_schedule_update

logger = logging.getLogger(__name__)

T = TypeVar("T")

REFRESH_MARGIN = timedelta(minutes=5)
# Longer than the slowest refresh (every attempt timing out): a claim outliving its worker expires after this.
CLAIM_LIFETIME = timedelta(seconds=oauth.OAUTH_TIMEOUT_SECONDS * oauth.REFRESH_ATTEMPTS + 30)
POLL_SECONDS = 0.05
# SQLite reports a busy database as "locked" (at once with a shared in-memory database, as in tests).
LOCKED_RETRY_SECONDS = 10.0


UNREADABLE_MESSAGE = (
    "FieldOffice can no longer read the QuickBooks keys it stored (FIELD_ENCRYPTION_KEY changed). An Owner must "
    "reconnect."
)


@dataclass(frozen=True)
class _Decision:
    access_token: str = field(default="", repr=False)
    claim: str = ""
    refresh_token: str = field(default="", repr=False)
    unreadable: bool = False


def _retrying_when_locked(operation: Callable[[], T]) -> T:
    deadline = time.monotonic() + LOCKED_RETRY_SECONDS
    while True:
        try:
            return operation()
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline or transaction.get_connection().in_atomic_block:
                raise
        time.sleep(0.01 + random.random() * 0.04)


def _usable(connection: QuickBooksConnection) -> None:
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        raise NeedsReconnectError(connection.last_error or "QuickBooks must be reconnected by an Owner.")
    if connection.status != ConnectionStatus.CONNECTED:
        raise NotConnectedError(f"QuickBooks is not connected for {connection.division}.")


def _is_fresh(connection: QuickBooksConnection, at: datetime) -> bool:
    expires_at = connection.access_token_expires_at
    return bool(expires_at and connection.access_token_encrypted and expires_at - at > REFRESH_MARGIN)


def _decide(connection_id: int, rejected: str) -> _Decision:
    with transaction.atomic():
        connection = (
            QuickBooksConnection.objects.select_related("division")
            .select_for_update(of=("self",))
            .get(pk=connection_id)
        )
        _usable(connection)
        at = timezone.now()
        try:
            access_token, refresh_token = connection.access_token, connection.refresh_token
        except DecryptionError:
            connection.status = ConnectionStatus.NEEDS_RECONNECT
            connection.last_error, connection.last_error_at = UNREADABLE_MESSAGE, at
            connection.save()
            return _Decision(unreadable=True)
        if _is_fresh(connection, at) and access_token != rejected:
            return _Decision(access_token=access_token)
        if connection.refresh_claimed_until and connection.refresh_claimed_until > at:
            return _Decision()
        claim = uuid.uuid4().hex
        connection.refresh_claim = claim
        connection.refresh_claimed_until = at + CLAIM_LIFETIME
        connection.save(update_fields=["refresh_claim", "refresh_claimed_until", "updated_at"])
        return _Decision(claim=claim, refresh_token=refresh_token)


def _claim_gone(connection_id: int) -> bool:
    claimed_until = (
        QuickBooksConnection.objects.filter(pk=connection_id).values_list("refresh_claimed_until", flat=True).first()
    )
    return claimed_until is None or claimed_until <= timezone.now()


def tokens_store(connection: QuickBooksConnection, issued: oauth.IssuedTokens, *, at: datetime) -> None:
    """Put a new token pair on ``connection`` (not saved); the refresh token replaces the spent one."""
    connection.access_token = issued.access_token
    connection.refresh_token = issued.refresh_token
    connection.tokens_issued_at = at
    connection.access_token_expires_at = at + timedelta(seconds=issued.expires_in)
    connection.refresh_token_expires_at = at + timedelta(seconds=issued.refresh_expires_in)
    connection.refresh_claim = ""
    connection.refresh_claimed_until = None


def _store(connection_id: int, decision: _Decision, issued: oauth.IssuedTokens) -> None:
    with transaction.atomic():
        connection = QuickBooksConnection.objects.select_for_update().get(pk=connection_id)
        if connection.status == ConnectionStatus.DISCONNECTED:
            raise NotConnectedError("QuickBooks was disconnected while FieldOffice renewed its access.")
        # Ours is the newest pair unless someone stored another since (possible only after our claim expired).
        if connection.refresh_claim == decision.claim or connection.refresh_token == decision.refresh_token:
            tokens_store(connection, issued, at=timezone.now())
            connection.status = ConnectionStatus.CONNECTED
            connection.last_error = ""
            connection.save()


def _release(connection_id: int, decision: _Decision, error: Exception) -> bool:
    """Give the claim back after a failed refresh; returns whether the connection now needs a reconnect."""
    with transaction.atomic():
        connection = QuickBooksConnection.objects.select_for_update().get(pk=connection_id)
        if connection.refresh_claim == decision.claim:
            connection.refresh_claim = ""
            connection.refresh_claimed_until = None
        needs_reconnect = (
            isinstance(error, NeedsReconnectError)
            and connection.status == ConnectionStatus.CONNECTED
            # A stale worker's failure must not undo a refresh another worker has stored since.
            and connection.refresh_token == decision.refresh_token
        )
        if needs_reconnect:
            connection.status = ConnectionStatus.NEEDS_RECONNECT
        if isinstance(error, QuickBooksError):
            connection.last_error = error.message
            connection.last_error_at = timezone.now()
        connection.save()
        return needs_reconnect


def _refresh(connection: QuickBooksConnection, decision: _Decision) -> str:
    try:
        issued = oauth.tokens_refresh(decision.refresh_token)
    except BaseException as exc:
        error = exc
        if _retrying_when_locked(lambda: _release(connection.pk, decision, error)):
            logger.warning("QuickBooks connection of %s needs a reconnect", connection.division)
            sync_schedule_update(division=connection.division)
        raise
    _retrying_when_locked(lambda: _store(connection.pk, decision, issued))
    logger.info("QuickBooks access renewed for %s", connection.division)
    return issued.access_token


def access_token_get(connection: QuickBooksConnection, *, rejected: str = "") -> str:
    """
    A valid access token of ``connection``, refreshed first when it expires within five minutes.

    ``rejected``: a token QuickBooks just answered 401 to; a different one is returned, refreshing if needed.
    Raises ``NotConnectedError``, ``NeedsReconnectError`` (``invalid_grant``) or ``ConnectionUnavailableError``.
    """
    deadline = time.monotonic() + CLAIM_LIFETIME.total_seconds() + 5
    while True:
        decision = _retrying_when_locked(lambda: _decide(connection.pk, rejected))
        if decision.unreadable:
            sync_schedule_update(division=connection.division)
            raise NeedsReconnectError(UNREADABLE_MESSAGE)
        if decision.access_token:
            return decision.access_token
        if decision.claim:
            return _refresh(connection, decision)
        while not _retrying_when_locked(lambda: _claim_gone(connection.pk)):
            if time.monotonic() > deadline:
                raise ConnectionUnavailableError(
                    "Another FieldOffice worker is renewing the QuickBooks access and has not finished; try again."
                )
            time.sleep(POLL_SECONDS)
