"""
Who is calling the Accounting API, decided as Intuit decides it.

A missing, malformed, unknown, revoked or expired Bearer token is a 401 ``AuthenticationFailed`` (3200); a valid token
used on another company, or without the accounting scope, is a 403 ``ApplicationAuthorizationFailed`` (3100).
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from apps.qbo_sandbox.http import json_response
from apps.qbo_sandbox.models import SandboxApp, SandboxCompany, SandboxGrant, SandboxToken
from apps.qbo_sandbox.oauth.credentials import access_token_well_formed
from apps.qbo_sandbox.oauth.selectors import token_find
from apps.qbo_sandbox.oauth.services import ACCOUNTING_SCOPE
from apps.qbo_sandbox.timefmt import epoch_millis, now


@dataclass(frozen=True)
class ApiCaller:
    """The authenticated side of an API request."""

    company: SandboxCompany
    app: SandboxApp
    grant: SandboxGrant
    token: SandboxToken


class ApiAuthError(Exception):
    def __init__(self, *, status: int, message: str, code: int, fault_type: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.fault_type = fault_type
        self.detail = detail

    @classmethod
    def authentication_failed(cls, detail: str | None = None) -> "ApiAuthError":
        return cls(status=401, message="AuthenticationFailed", code=3200, fault_type="AUTHENTICATION", detail=detail)

    @classmethod
    def authorization_failed(cls, detail: str | None = None) -> "ApiAuthError":
        return cls(status=403, message="ApplicationAuthorizationFailed", code=3100, fault_type="SERVICE", detail=detail)


def authenticate_api_request(request: HttpRequest, realm_id: str) -> ApiCaller:
    """The caller of a request to ``/v3/company/<realm_id>/...``; raises ``ApiAuthError`` when Intuit would refuse."""
    scheme, _, raw_token = request.headers.get("Authorization", "").partition(" ")
    raw_token = raw_token.strip()
    if scheme.lower() != "bearer" or not raw_token:
        raise ApiAuthError.authentication_failed()
    if not access_token_well_formed(raw_token):
        raise ApiAuthError.authentication_failed("Malformed bearer token: too short or too long")
    token = token_find(raw_token, kind=SandboxToken.Kind.ACCESS)
    if token is None or token.revoked_at is not None or token.grant.revoked_at is not None:
        raise ApiAuthError.authentication_failed()
    if token.expires_at <= now():
        # Echo only the token's fixed header, as a hint of which token it was.
        raise ApiAuthError.authentication_failed(f"Token expired: {raw_token[:20]}...")
    grant = token.grant
    if grant.company.realm_id != realm_id or ACCOUNTING_SCOPE not in grant.scopes:
        raise ApiAuthError.authorization_failed()
    return ApiCaller(company=grant.company, app=grant.app, grant=grant, token=token)


def api_auth_error_response(exc: ApiAuthError) -> HttpResponse:
    """Intuit's authentication fault: lowercase keys and the whole response skeleton around them."""
    body = {
        "warnings": None,
        "intuitObject": None,
        "fault": {
            "error": [
                {
                    "message": f"message={exc.message}; errorCode={exc.code:06d}; statusCode={exc.status}",
                    "detail": exc.detail,
                    "code": str(exc.code),
                    "element": None,
                }
            ],
            "type": exc.fault_type,
        },
        "report": None,
        "queryResponse": None,
        "batchItemResponse": [],
        "attachableResponse": [],
        "syncErrorResponse": None,
        "requestId": None,
        "time": epoch_millis(),
        "status": None,
        "cdcresponse": [],
    }
    headers = {"WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'} if exc.status == 401 else {}
    return json_response(body, status=exc.status, headers=headers)
