"""
The OAuth 2.0 server's rules, as Intuit applies them.

- An authorization code lives ten minutes and is exchanged once; presenting it again fails with ``invalid_grant``
  and revokes the connection the first exchange made.
- Every refresh answers a new refresh token; the one presented is spent and then fails with ``invalid_grant``.
  Access tokens already handed out stay valid until they expire.
- Revoking any token of a connection ends the whole connection.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.http import QueryDict

from apps.qbo_sandbox.models import (
    SandboxApp,
    SandboxAuthorizationCode,
    SandboxCompany,
    SandboxGrant,
    SandboxToken,
    SandboxUser,
    WebhookFormat,
)
from apps.qbo_sandbox.oauth import credentials, local_app
from apps.qbo_sandbox.oauth.selectors import token_find
from apps.qbo_sandbox.timefmt import now

logger = logging.getLogger(__name__)

ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"
SUPPORTED_SCOPES = frozenset(
    {ACCOUNTING_SCOPE, "com.intuit.quickbooks.payment", "openid", "profile", "email", "phone", "address"}
)
AUTHORIZATION_CODE_LIFETIME = timedelta(minutes=10)
# Since November 2025 a chain of refresh tokens ends five years after the connection, whatever the rolling expiry.
GRANT_MAX_LIFETIME = timedelta(days=5 * 365)


class OAuthError(Exception):
    """An error of the token or revocation endpoint: ``{"error": <error>}`` with ``status``."""

    def __init__(self, error: str, *, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    grant: SandboxGrant

    def as_response(self) -> dict[str, object]:
        """The token endpoint's answer, with Intuit's field names (no ``id_token``: OpenID is not emulated)."""
        return {
            "token_type": "bearer",
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "x_refresh_token_expires_in": self.refresh_expires_in,
            "expires_in": self.expires_in,
        }


def _validate_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"The {what} must be an absolute http(s) URL: {url!r}")
    return url


@transaction.atomic
def app_create(
    *,
    name: str,
    redirect_uris: list[str],
    webhook_url: str = "",
    webhook_format: str = WebhookFormat.CLOUDEVENTS,
) -> tuple[SandboxApp, str]:
    """Register an app; returns it with its client secret, which is stored only as a digest and shown this once."""
    if not redirect_uris:
        raise ValueError("An app needs at least one redirect URI.")
    if webhook_format not in WebhookFormat.values:
        raise ValueError(f"Webhook format must be one of {', '.join(WebhookFormat.values)}.")
    client_secret = credentials.client_secret_generate()
    app = SandboxApp.objects.create(
        name=name,
        client_id=credentials.client_id_generate(),
        client_secret_hash=credentials.digest(client_secret),
        redirect_uris=[_validate_url(uri, "redirect URI") for uri in redirect_uris],
        webhook_url=_validate_url(webhook_url, "webhook URL") if webhook_url else "",
        webhook_verifier_token=credentials.verifier_token_generate(),
        webhook_format=webhook_format,
    )
    return app, client_secret


def app_authenticate(client_id: str, client_secret: str) -> SandboxApp | None:
    if client_id and client_id == local_app.local_app_client_id():
        local_app.local_app_ensure()
    app = SandboxApp.objects.filter(client_id=client_id).first()
    if app is None or not credentials.digests_match(client_secret, app.client_secret_hash):
        return None
    return app


class AuthorizationRequestError(Exception):
    """
    A bad request to the authorization page.

    With ``redirect_to`` the app is known and its redirect URI registered, so the error goes back to the app
    (RFC 6749 §4.1.2.1); without, the page shows it and never redirects to an unverified address.
    """

    def __init__(self, message: str, *, redirect_to: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.redirect_to = redirect_to


@dataclass(frozen=True)
class AuthorizationRequest:
    app: SandboxApp
    redirect_uri: str
    scope: str
    state: str

    def redirect_url(self, **params: str) -> str:
        """The app's redirect URI with ``params``, ``state`` placed as Intuit places it (after ``code``)."""
        leading = {key: params.pop(key) for key in ("code", "error") if key in params}
        query = {**leading, **({"state": self.state} if self.state else {}), **params}
        separator = "&" if urlsplit(self.redirect_uri).query else "?"
        return f"{self.redirect_uri}{separator}{urlencode(query)}"


def authorization_request_validate(params: QueryDict) -> AuthorizationRequest:
    """Check the query of the authorization page: client, redirect URI, response type and scope."""
    client_id = params.get("client_id", "")
    if client_id and client_id == local_app.local_app_client_id():
        local_app.local_app_ensure(with_company=True)
    app = SandboxApp.objects.filter(client_id=client_id).first() if client_id else None
    if app is None:
        raise AuthorizationRequestError("The client_id is missing or belongs to no app.")
    redirect_uri = params.get("redirect_uri", "")
    if not local_app.redirect_uri_registered(app, redirect_uri):
        raise AuthorizationRequestError(
            "The redirect_uri is not one of the app's registered redirect URIs; it must match exactly."
        )
    request = AuthorizationRequest(
        app=app, redirect_uri=redirect_uri, scope=params.get("scope", ""), state=params.get("state", "")
    )
    if params.get("response_type") != "code":
        raise AuthorizationRequestError(
            "response_type must be code.", redirect_to=request.redirect_url(error="unsupported_response_type")
        )
    scopes = request.scope.split()
    if not scopes or not set(scopes) <= SUPPORTED_SCOPES or ACCOUNTING_SCOPE not in scopes:
        raise AuthorizationRequestError(
            f"The scope must include {ACCOUNTING_SCOPE}.", redirect_to=request.redirect_url(error="invalid_scope")
        )
    return request


def authorization_code_issue(request: AuthorizationRequest, company: SandboxCompany, user: SandboxUser) -> str:
    if not user.companies.filter(pk=company.pk).exists():
        raise ValueError("This user may not connect that company.")
    at = now()
    expires_at = at + AUTHORIZATION_CODE_LIFETIME
    code = credentials.grant_code_generate(expires_at)
    SandboxAuthorizationCode.objects.create(
        code_hash=credentials.digest(code),
        app=request.app,
        company=company,
        user=user,
        redirect_uri=request.redirect_uri,
        scope=request.scope,
        created_at=at,
        expires_at=expires_at,
    )
    return code


def _tokens_issue(grant: SandboxGrant, at: datetime) -> IssuedTokens:
    company = grant.company
    access_lifetime = int(company.setting("access_token_lifetime"))
    refresh_expires_at = min(at + timedelta(seconds=int(company.setting("refresh_token_lifetime"))), grant.expires_at)
    access_token = credentials.access_token_generate()
    refresh_token = credentials.grant_code_generate(refresh_expires_at)
    SandboxToken.objects.bulk_create(
        [
            SandboxToken(
                grant=grant,
                kind=SandboxToken.Kind.ACCESS,
                token_hash=credentials.digest(access_token),
                created_at=at,
                expires_at=at + timedelta(seconds=access_lifetime),
            ),
            SandboxToken(
                grant=grant,
                kind=SandboxToken.Kind.REFRESH,
                token_hash=credentials.digest(refresh_token),
                created_at=at,
                expires_at=refresh_expires_at,
            ),
        ]
    )
    return IssuedTokens(
        access_token=access_token,
        refresh_token=refresh_token,
        expires_in=access_lifetime,
        refresh_expires_in=int((refresh_expires_at - at).total_seconds()),
        grant=grant,
    )


@transaction.atomic
def grant_create(
    *, app: SandboxApp, company: SandboxCompany, scope: str, user: SandboxUser | None = None
) -> IssuedTokens:
    """Connect ``app`` to ``company`` and hand out a first pair of tokens (the code exchange, or the playground)."""
    at = now()
    grant = SandboxGrant.objects.create(
        app=app, company=company, user=user, scope=scope, created_at=at, expires_at=at + GRANT_MAX_LIFETIME
    )
    logger.info("Sandbox app %s connected to company %s", app.client_id, company.realm_id)
    return _tokens_issue(grant, at)


def grant_revoke(grant: SandboxGrant, *, reason: str) -> None:
    at = now()
    SandboxGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(revoked_at=at, revoked_reason=reason)
    grant.tokens.filter(revoked_at__isnull=True).update(revoked_at=at)
    logger.info("Sandbox connection %s revoked: %s", grant.pk, reason)


def authorization_code_exchange(app: SandboxApp, *, code: str, redirect_uri: str) -> IssuedTokens:
    if not code:
        raise OAuthError("invalid_request")
    record = (
        SandboxAuthorizationCode.objects.select_related("company", "grant", "user")
        .filter(code_hash=credentials.digest(code), app=app)
        .first()
    )
    if record is None:
        raise OAuthError("invalid_grant")
    if record.used_at is not None:
        # A replayed code may have been stolen: the connection it opened is closed (RFC 6749 §4.1.2).
        if record.grant is not None:
            grant_revoke(record.grant, reason="authorization code used twice")
        raise OAuthError("invalid_grant")
    at = now()
    if record.expires_at <= at or record.redirect_uri != redirect_uri:
        raise OAuthError("invalid_grant")
    with transaction.atomic():
        # Compare-and-set: of two simultaneous exchanges only one marks the code used.
        if not SandboxAuthorizationCode.objects.filter(pk=record.pk, used_at__isnull=True).update(used_at=at):
            raise OAuthError("invalid_grant")
        issued = grant_create(app=app, company=record.company, scope=record.scope, user=record.user)
        SandboxAuthorizationCode.objects.filter(pk=record.pk).update(grant=issued.grant)
    return issued


def refresh_token_exchange(app: SandboxApp, refresh_token: str) -> IssuedTokens:
    if not refresh_token:
        raise OAuthError("invalid_request")
    token = token_find(refresh_token, kind=SandboxToken.Kind.REFRESH)
    at = now()
    if (
        token is None
        or token.grant.app_id != app.pk
        or token.revoked_at is not None
        or token.expires_at <= at
        or token.grant.revoked_at is not None
    ):
        raise OAuthError("invalid_grant")
    with transaction.atomic():
        # Spend the presented token first, so that two workers refreshing at once cannot both succeed.
        if not SandboxToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=at):
            raise OAuthError("invalid_grant")
        return _tokens_issue(token.grant, at)


def token_revoke(app: SandboxApp, token: str) -> None:
    """Disconnect the connection ``token`` (access or refresh) belongs to; unknown tokens are ignored (RFC 7009)."""
    if not token:
        raise OAuthError("invalid_request")
    found = token_find(token)
    if found is not None and found.grant.app_id == app.pk:
        grant_revoke(found.grant, reason="revoked by the app")
