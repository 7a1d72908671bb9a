"""
Connecting a division to QuickBooks, and disconnecting it (Owner only: ``quickbooks.manage_connection``).

The browser's round trip: ``connection_authorization_url`` remembers a random ``state`` in the session, bound to
the division, and sends the person to Intuit's consent page; Intuit sends them back to the callback with a code,
the state and the realm id; ``connection_complete`` checks the state, trades the code for tokens (once) and stores
the connection. Reconnecting to the same company keeps every record link; another company is refused while links
exist, unless the person chose to start over, which deletes them.
"""

import hmac
import logging
import secrets
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.conf import api_config
from apps.quickbooks.encryption import DecryptionError
from apps.quickbooks.errors import AuthorizationFlowError, NotConnectedError, QuickBooksError
from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection, RecordLink
from apps.quickbooks.online import oauth
from apps.quickbooks.online.client import QuickBooksClient
from apps.quickbooks.online.tokens import REFRESH_MARGIN, access_token_get, tokens_store
from apps.quickbooks.services.schedules import sync_schedule_update

logger = logging.getLogger(__name__)

MANAGE_PERMISSION = "quickbooks.manage_connection"
SESSION_KEY = "quickbooks_authorizations"
# Time to sign in and consent at Intuit; the code it hands out lives ten minutes more.
PENDING_LIFETIME_SECONDS = 30 * 60
CALLBACK_URL_NAME = "admin:quickbooks_integration_callback"


@dataclass(frozen=True)
class PendingAuthorization:
    """What FieldOffice remembers between sending someone to Intuit and their return."""

    division_id: int
    state: str
    redirect_uri: str
    reset_links: bool = False
    started_at: float = 0.0

    def __repr__(self) -> str:
        return f"PendingAuthorization(division_id={self.division_id}, reset_links={self.reset_links})"


def _require_manage_permission(user) -> None:
    # No user: a management command, run by whoever administers the server.
    if user is not None and not user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied("Only an Owner may connect or disconnect QuickBooks.")


def connection_get_or_create(*, division: Division) -> QuickBooksConnection:
    connection, _ = QuickBooksConnection.objects.get_or_create(division=division)
    return connection


def client_for(connection: QuickBooksConnection) -> QuickBooksClient:
    """An API client of the connection's company, renewing its access token as needed."""

    # The last token, kept while it is fresh so that a run does not read the connection row for every call.
    held = {"token": "", "fresh_until": None}

    def tokens(*, rejected: str = "") -> str:
        now = timezone.now()
        if not rejected and held["token"] and held["fresh_until"] and held["fresh_until"] > now:
            return held["token"]
        token = access_token_get(connection, rejected=rejected)
        expires_at = (
            QuickBooksConnection.objects.filter(pk=connection.pk)
            .values_list("access_token_expires_at", flat=True)
            .first()
        )
        held["token"], held["fresh_until"] = token, (expires_at - REFRESH_MARGIN) if expires_at else None
        return token

    return QuickBooksClient(realm_id=connection.realm_id, tokens=tokens)


def callback_url(*, request: HttpRequest | None = None) -> str:
    """The redirect URI: ``QBO_REDIRECT_URI``, else this server's callback address."""
    config = api_config()
    if config.redirect_uri:
        return config.redirect_uri
    if request is not None:
        return request.build_absolute_uri(reverse(CALLBACK_URL_NAME))
    if not config.is_local:
        raise ImproperlyConfigured("Set QBO_REDIRECT_URI to the redirect URI registered for FieldOffice at Intuit.")
    return settings.QBO_LOCAL_BASE_URL.rstrip("/") + reverse(CALLBACK_URL_NAME)


def connection_authorization_start(
    *, division: Division, user, redirect_uri: str, reset_links: bool = False
) -> tuple[str, PendingAuthorization]:
    """Intuit's consent URL for ``division``, and what must be remembered until the callback."""
    _require_manage_permission(user)
    state = secrets.token_urlsafe(32)
    url = oauth.authorization_url(redirect_uri=redirect_uri, state=state)
    pending = PendingAuthorization(
        division_id=division.pk,
        state=state,
        redirect_uri=redirect_uri,
        reset_links=reset_links,
        started_at=time.time(),
    )
    return url, pending


def connection_authorization_url(*, division: Division, request: HttpRequest, reset_links: bool = False) -> str:
    """Start the Connect flow from a browser: the state is kept in the session, never in the page."""
    url, pending = connection_authorization_start(
        division=division, user=request.user, redirect_uri=callback_url(request=request), reset_links=reset_links
    )
    now = time.time()
    kept = {
        state: data
        for state, data in request.session.get(SESSION_KEY, {}).items()
        if now - data.get("started_at", 0) < PENDING_LIFETIME_SECONDS
    }
    kept[pending.state] = asdict(pending)
    request.session[SESSION_KEY] = kept
    return url


def connection_authorization_pop(*, request: HttpRequest, state: str) -> PendingAuthorization | None:
    """The pending authorization of ``state`` in this session, forgotten as it is read (a callback counts once)."""
    pending = request.session.get(SESSION_KEY, {})
    data = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if data is None or time.time() - data.get("started_at", 0) >= PENDING_LIFETIME_SECONDS:
        return None
    return PendingAuthorization(**data)


def connection_company_refresh(connection: QuickBooksConnection, client: QuickBooksClient) -> QuickBooksConnection:
    """Read the company's name from QuickBooks and keep it."""
    name = client.company_name()
    if name and name != connection.company_name:
        QuickBooksConnection.objects.filter(pk=connection.pk).update(company_name=name, updated_at=timezone.now())
        connection.company_name = name
    return connection


def _check_realm(connection: QuickBooksConnection, realm_id: str, reset_links: bool) -> None:
    if not connection.realm_id or connection.realm_id == realm_id or reset_links:
        return
    links = RecordLink.objects.filter(division_id=connection.division_id).count()
    if links:
        company = connection.company_name or f"realm {connection.realm_id}"
        raise AuthorizationFlowError(
            f"This division's records are linked to another QuickBooks company ({company}): {links} links. "
            "Nothing was changed. To connect the new company, press Connect to QuickBooks again and choose to "
            "start over, which forgets those links."
        )


def connection_complete(
    *,
    division: Division,
    code: str,
    state: str,
    realm_id: str,
    user,
    pending: PendingAuthorization | None,
) -> QuickBooksConnection:
    """
    Finish the Connect flow: check ``state`` against ``pending``, trade ``code`` for tokens once, store them.

    Raises ``AuthorizationFlowError`` with a plain message, before anything is stored, for a wrong or expired
    state, a missing code, or a different company while links exist (unless ``pending.reset_links``).
    """
    _require_manage_permission(user)
    if pending is None or pending.division_id != division.pk or not hmac.compare_digest(pending.state, state or ""):
        raise AuthorizationFlowError(
            "This QuickBooks sign-in was not started here, or it expired. Nothing was changed; press Connect to "
            "QuickBooks again."
        )
    if not code or not realm_id:
        raise AuthorizationFlowError("QuickBooks sent no authorization back. Nothing was changed; please try again.")
    connection = connection_get_or_create(division=division)
    _check_realm(connection, realm_id, pending.reset_links)

    issued = oauth.code_exchange(code=code, redirect_uri=pending.redirect_uri, realm_id=realm_id)
    at = timezone.now()
    with transaction.atomic():
        connection = QuickBooksConnection.objects.select_for_update().get(pk=connection.pk)
        if connection.realm_id and connection.realm_id != realm_id:
            deleted, _ = RecordLink.objects.filter(division=division).delete()
            logger.info("QuickBooks links of %s reset for a new company: %s deleted", division, deleted)
            connection.company_name = ""
        # An older token pair is not revoked: at Intuit that would end the new connection too.
        tokens_store(connection, issued, at=at)
        connection.realm_id = realm_id
        connection.status = ConnectionStatus.CONNECTED
        connection.connected_by = user
        connection.connected_at = at
        connection.disconnected_at = None
        connection.last_error = ""
        connection.save()
    logger.info("QuickBooks connected for %s (realm %s)", division, realm_id)

    try:
        with client_for(connection) as client:
            connection_company_refresh(connection, client)
    except QuickBooksError as exc:
        # Connected all the same: the name is read again at the next sync.
        QuickBooksConnection.objects.filter(pk=connection.pk).update(
            last_error=f"Connected, but the company's name could not be read: {exc.message}", last_error_at=at
        )
    sync_schedule_update(division=division)
    connection.refresh_from_db()
    return connection


def connection_disconnect(*, division: Division, user) -> QuickBooksConnection:
    """
    Stop the connection: revoke FieldOffice's access at Intuit and forget the tokens. Record links are kept, so that
    reconnecting the same company later does not duplicate anything.
    """
    _require_manage_permission(user)
    connection = QuickBooksConnection.objects.filter(division=division).first()
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        raise NotConnectedError(f"QuickBooks is not connected for {division}.")
    try:
        token = connection.refresh_token or connection.access_token
    except DecryptionError:
        token = ""
    problem = ""
    if token:
        try:
            oauth.token_revoke(token)
        except QuickBooksError as exc:
            problem = (
                f"QuickBooks could not be told ({exc.message}). FieldOffice has forgotten its access all the same; "
                "you may also remove FieldOffice under Apps in QuickBooks."
            )
    with transaction.atomic():
        connection = QuickBooksConnection.objects.select_for_update().get(pk=connection.pk)
        connection.access_token_encrypted = ""
        connection.refresh_token_encrypted = ""
        connection.tokens_issued_at = connection.access_token_expires_at = connection.refresh_token_expires_at = None
        connection.refresh_claim = ""
        connection.refresh_claimed_until = None
        connection.status = ConnectionStatus.DISCONNECTED
        connection.disconnected_at = timezone.now()
        connection.last_error = problem
        connection.last_error_at = connection.disconnected_at if problem else None
        connection.save()
    logger.info("QuickBooks disconnected for %s", division)
    sync_schedule_update(division=division)
    return connection
