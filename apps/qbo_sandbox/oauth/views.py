"""
The OAuth endpoints Intuit's discovery document lists, served under ``/qbo-sandbox/``.

The authorization page is a real page (CSRF-protected, signed sign-in cookie of its own, separate from FieldOffice's
session); the token, revocation and user-info endpoints are machine endpoints and CSRF-exempt, as Intuit's are.
"""

import base64
import binascii
import json
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.qbo_sandbox.companies import user_authenticate
from apps.qbo_sandbox.http import json_response
from apps.qbo_sandbox.models import SandboxApp, SandboxToken, SandboxUser
from apps.qbo_sandbox.oauth import services
from apps.qbo_sandbox.oauth.forms import CompanyChoiceForm, SignInForm
from apps.qbo_sandbox.oauth.selectors import token_find, user_companies
from apps.qbo_sandbox.timefmt import now

SIGN_IN_COOKIE = "qbo_sandbox_user"
SIGN_IN_SALT = "qbo_sandbox.sign_in"
SIGN_IN_MAX_AGE = 3600
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
SCOPE_LABELS = {
    services.ACCOUNTING_SCOPE: "Your QuickBooks accounting data: customers, items, invoices and payments",
    "com.intuit.quickbooks.payment": "QuickBooks Payments",
    "openid": "Your identity",
    "profile": "Your name",
    "email": "Your email address",
    "phone": "Your phone number",
    "address": "Your address",
}


@require_GET
def discovery(request: HttpRequest) -> HttpResponse:
    """The OpenID discovery document, with Intuit's keys, pointing at this server whatever its host and port."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"qbo_sandbox:{name}"))

    return json_response(
        {
            # Intuit's issuer is the jwks_uri without "/jwks".
            "issuer": url("jwks").removesuffix("/jwks"),
            "authorization_endpoint": url("authorize"),
            "token_endpoint": url("token"),
            "userinfo_endpoint": url("userinfo"),
            "revocation_endpoint": url("revoke"),
            "jwks_uri": url("jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "address", "phone"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
        }
    )


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    # No ID tokens are signed, so there is no key to publish.
    return json_response({"keys": []})


def _signed_in_user(request: HttpRequest) -> SandboxUser | None:
    user_pk = request.get_signed_cookie(SIGN_IN_COOKIE, default=None, salt=SIGN_IN_SALT, max_age=SIGN_IN_MAX_AGE)
    return SandboxUser.objects.filter(pk=user_pk).first() if user_pk else None


def _cookie_path() -> str:
    return reverse("qbo_sandbox:authorize")


def _page(request: HttpRequest, auth_request: services.AuthorizationRequest, context: dict) -> HttpResponse:
    scopes = auth_request.scope.split()
    context = {"app": auth_request.app, "scopes": [SCOPE_LABELS.get(scope, scope) for scope in scopes], **context}
    return render(request, "qbo_sandbox/authorize.html", context)


def _sign_in_page(
    request: HttpRequest, auth_request: services.AuthorizationRequest, form: SignInForm | None = None
) -> HttpResponse:
    return _page(request, auth_request, {"sign_in_form": form or SignInForm()})


def _consent_page(
    request: HttpRequest,
    auth_request: services.AuthorizationRequest,
    user: SandboxUser,
    form: CompanyChoiceForm | None = None,
) -> HttpResponse:
    companies = user_companies(user)
    return _page(
        request,
        auth_request,
        {"user": user, "companies": companies, "company_form": form or CompanyChoiceForm(companies=companies)},
    )


def _sign_in(request: HttpRequest, auth_request: services.AuthorizationRequest) -> HttpResponse:
    """Check the posted credentials; on success show the companies and remember the user in a signed cookie."""
    form = SignInForm(request.POST)
    user = None
    if form.is_valid():
        user = user_authenticate(form.cleaned_data["email"], form.cleaned_data["password"])
        if user is None:
            form.add_error(None, "The email address or password is incorrect.")
    if user is None:
        return _sign_in_page(request, auth_request, form)
    response = _consent_page(request, auth_request, user)
    response.set_signed_cookie(
        SIGN_IN_COOKIE,
        user.pk,
        salt=SIGN_IN_SALT,
        max_age=SIGN_IN_MAX_AGE,
        path=_cookie_path(),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """Sign in as a sandbox user, pick a company, then Connect (a code goes back to the app) or Cancel."""
    try:
        auth_request = services.authorization_request_validate(request.GET)
    except services.AuthorizationRequestError as exc:
        if exc.redirect_to:
            return HttpResponseRedirect(exc.redirect_to)
        return render(request, "qbo_sandbox/authorize_error.html", {"message": exc.message}, status=400)

    action = request.POST.get("action", "")
    if action == "cancel":
        return HttpResponseRedirect(auth_request.redirect_url(error="access_denied"))
    if action == "sign_out":
        response = _sign_in_page(request, auth_request)
        response.delete_cookie(SIGN_IN_COOKIE, path=_cookie_path())
        return response

    if action == "sign_in":
        return _sign_in(request, auth_request)
    user = _signed_in_user(request)
    if user is None:
        return _sign_in_page(request, auth_request)
    if action == "connect":
        form = CompanyChoiceForm(request.POST, companies=user_companies(user))
        if not form.is_valid():
            return _consent_page(request, auth_request, user, form)
        code = services.authorization_code_issue(auth_request, form.company, user)
        return HttpResponseRedirect(auth_request.redirect_url(code=code, realmId=form.company.realm_id))
    return _consent_page(request, auth_request, user)


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """The client id and secret from HTTP Basic (``client_secret_basic``) or the form (``client_secret_post``)."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            client_id, _, client_secret = base64.b64decode(encoded.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return unquote(client_id), unquote(client_secret)
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _authenticated_client(request: HttpRequest) -> SandboxApp:
    client_id, client_secret = _client_credentials(request)
    app = services.app_authenticate(client_id, client_secret) if client_id and client_secret else None
    if app is None:
        raise services.OAuthError("invalid_client", status=401)
    return app


def _oauth_error_response(exc: services.OAuthError) -> HttpResponse:
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="Intuit"'
    return json_response({"error": exc.error}, status=exc.status, headers=headers)


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    """``grant_type=authorization_code`` or ``refresh_token``, client authenticated with HTTP Basic."""
    try:
        app = _authenticated_client(request)
        grant_type = request.POST.get("grant_type", "")
        if grant_type == "authorization_code":
            issued = services.authorization_code_exchange(
                app, code=request.POST.get("code", ""), redirect_uri=request.POST.get("redirect_uri", "")
            )
        elif grant_type == "refresh_token":
            issued = services.refresh_token_exchange(app, request.POST.get("refresh_token", ""))
        else:
            raise services.OAuthError("unsupported_grant_type")
    except services.OAuthError as exc:
        return _oauth_error_response(exc)
    return json_response(issued.as_response(), headers=NO_STORE)


@csrf_exempt
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    """``{"token": <access or refresh token>}`` as JSON (or form) with HTTP Basic: the connection ends."""
    try:
        app = _authenticated_client(request)
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise services.OAuthError("invalid_request") from None
            raw_token = body.get("token", "") if isinstance(body, dict) else ""
        else:
            raw_token = request.POST.get("token", "")
        services.token_revoke(app, raw_token)
    except services.OAuthError as exc:
        return _oauth_error_response(exc)
    return HttpResponse(status=200)


@csrf_exempt
@require_GET
def userinfo(request: HttpRequest) -> HttpResponse:
    """The signed-in user's identity, for connections that asked for ``openid``."""
    scheme, _, raw_token = request.headers.get("Authorization", "").partition(" ")
    found = token_find(raw_token.strip(), kind=SandboxToken.Kind.ACCESS) if scheme.lower() == "bearer" else None
    if found is None or found.revoked_at or found.grant.revoked_at or found.expires_at <= now():
        return json_response({"error": "invalid_token"}, status=401, headers={"WWW-Authenticate": "Bearer"})
    grant = found.grant
    if "openid" not in grant.scopes or grant.user is None:
        return json_response({"error": "insufficient_scope"}, status=403)
    user = grant.user
    info = {"sub": str(user.sub)}
    if "email" in grant.scopes:
        info.update({"email": user.email, "emailVerified": True})
    if "profile" in grant.scopes:
        info.update({"givenName": user.given_name, "familyName": user.family_name})
    return json_response(info)
