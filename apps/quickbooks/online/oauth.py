"""
Intuit's OAuth 2.0 server through intuit-oauth, unmodified: the authorization URL, the code exchange, refresh and
revoke, with Intuit's errors turned into ``apps.quickbooks.errors``.

intuit-oauth's ``AuthClient`` reads the discovery document when it is built, so one is built per operation, when
needed, never at import. It is not shared: it keeps the tokens of its last call as attributes.
"""

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError

from apps.quickbooks.conf import oauth_config
from apps.quickbooks.errors import (
    AuthorizationFlowError,
    ConnectionProblem,
    ConnectionUnavailableError,
    NeedsReconnectError,
)

logger = logging.getLogger(__name__)

OAUTH_TIMEOUT_SECONDS = 30
# A refresh that failed with a 5xx or no answer is tried again; an authorization code never is.
REFRESH_ATTEMPTS = 3
REFRESH_RETRY_SECONDS = 0.5


class _TimedAuthClient(AuthClient):
    """intuit-oauth's client, with a timeout on its requests (it sets none)."""

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", OAUTH_TIMEOUT_SECONDS)
        return super().request(method, url, *args, **kwargs)


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    refresh_expires_in: int


def _oauth_error(exc: AuthClientError) -> str:
    try:
        return str(json.loads(exc.content).get("error", ""))
    except (ValueError, AttributeError, TypeError):
        return ""


def _log_failure(what: str, exc: Exception) -> None:
    if isinstance(exc, AuthClientError):
        logger.warning(
            "QuickBooks %s failed: HTTP %s, error %r, intuit_tid %s",
            what,
            exc.status_code,
            _oauth_error(exc),
            exc.intuit_tid,
        )
    else:
        logger.warning("QuickBooks %s failed: %s", what, type(exc).__name__)


def _transient(exc: Exception) -> bool:
    return isinstance(exc, requests.RequestException) or (
        isinstance(exc, AuthClientError) and (exc.status_code >= 500 or exc.status_code == 429)
    )


def _unreachable() -> ConnectionUnavailableError:
    return ConnectionUnavailableError("QuickBooks' sign-in service did not answer properly; try again in a moment.")


def _keys_refused() -> ConnectionProblem:
    return ConnectionProblem(
        "QuickBooks refused FieldOffice's app keys (QBO_CLIENT_ID and QBO_CLIENT_SECRET); ask your administrator."
    )


def auth_client_build(*, redirect_uri: str = "") -> AuthClient:
    config = oauth_config()
    try:
        return _TimedAuthClient(
            config.client_id,
            config.client_secret,
            redirect_uri or config.redirect_uri,
            environment=config.discovery_url,
        )
    except (AuthClientError, requests.RequestException, ValueError) as exc:
        _log_failure("discovery", exc)
        raise _unreachable() from exc


def _issued(client: AuthClient) -> IssuedTokens:
    return IssuedTokens(
        access_token=client.access_token,
        refresh_token=client.refresh_token,
        expires_in=int(client.expires_in),
        refresh_expires_in=int(client.x_refresh_token_expires_in),
    )


def authorization_url(*, redirect_uri: str, state: str) -> str:
    with auth_client_build(redirect_uri=redirect_uri) as client:
        return client.get_authorization_url([Scopes.ACCOUNTING], state_token=state)


@contextmanager
def _intuit_call(
    what: str, refused: Callable[[AuthClientError], Exception] | None, *, redirect_uri: str = ""
) -> Iterator[AuthClient]:
    """
    A client for one call to Intuit, whose failure is logged and raised as FieldOffice's: unreachable when it may
    pass (no answer, a 5xx or 429), the app keys refused on a 401, otherwise what ``refused`` makes of Intuit's
    refusal (``None``: the refusal is ignored).
    """
    with auth_client_build(redirect_uri=redirect_uri) as client:
        try:
            yield client
        except (AuthClientError, requests.RequestException) as exc:
            _log_failure(what, exc)
            if _transient(exc) or not isinstance(exc, AuthClientError):
                raise _unreachable() from exc
            if exc.status_code == 401:
                raise _keys_refused() from exc
            if refused is not None:
                raise refused(exc) from exc


def _sign_in_refused(exc: AuthClientError) -> Exception:
    return AuthorizationFlowError(
        "QuickBooks did not accept the sign-in: it expired or was already used. Press Connect again."
    )


def _renewal_refused(exc: AuthClientError) -> Exception:
    if _oauth_error(exc) == "invalid_grant":
        return NeedsReconnectError(
            "QuickBooks no longer accepts FieldOffice's access to this company (it expired or was revoked in "
            "QuickBooks). An Owner must reconnect."
        )
    return ConnectionProblem(f"QuickBooks refused to renew FieldOffice's access ({_oauth_error(exc)}).")


def code_exchange(*, code: str, redirect_uri: str, realm_id: str) -> IssuedTokens:
    """Trade the authorization code for tokens: once, never retried (a second use revokes the connection)."""
    with _intuit_call("code exchange", _sign_in_refused, redirect_uri=redirect_uri) as client:
        client.get_bearer_token(code, realm_id=realm_id)
        return _issued(client)


def _refresh_once(refresh_token: str) -> IssuedTokens:
    with _intuit_call("token refresh", _renewal_refused) as client:
        client.refresh(refresh_token=refresh_token)
        return _issued(client)


def tokens_refresh(refresh_token: str) -> IssuedTokens:
    """New tokens for ``refresh_token``, which QuickBooks may then retire: the answer's refresh token must be kept."""
    attempt = 1
    while True:
        try:
            return _refresh_once(refresh_token)
        except ConnectionUnavailableError:
            if attempt >= REFRESH_ATTEMPTS:
                raise
        time.sleep(REFRESH_RETRY_SECONDS * attempt)
        attempt += 1


def token_revoke(token: str) -> None:
    """End the connection at Intuit; a token it no longer knows counts as revoked."""
    with _intuit_call("revoke", None) as client:
        client.revoke(token=token)
