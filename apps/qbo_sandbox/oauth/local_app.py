"""
The development app of a local install, registered on first use, as Intuit's developer portal gives a developer an
app and a sandbox company when they sign up.

With ``QBO_ENVIRONMENT=local`` its keys are ``QBO_CLIENT_ID`` / ``QBO_CLIENT_SECRET`` (development defaults in
settings), so that "Connect to QuickBooks" works on a fresh install without registering anything. Its redirect URIs
are FieldOffice's callback on 127.0.0.1 and localhost; as RFC 8252 §7.3 asks of loopback redirect URIs, any port is
accepted for them, for this app only, so that a server on another port (or a test's live server) can connect.
Its webhook URL is FieldOffice's endpoint on ``QBO_LOCAL_BASE_URL``, set when the app is registered, so that changes
made in the sandbox reach FieldOffice as Intuit's notices would.
"""

from urllib.parse import urlsplit

from django.conf import settings

from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxApp, SandboxCompany
from apps.qbo_sandbox.oauth import credentials

LOCAL_APP_NAME = "FieldOffice (local development)"
# FieldOffice's callback, as a developer would enter it on the portal's Keys page.
CALLBACK_PATH = "/admin/quickbooks/integration/callback/"
# FieldOffice's webhook endpoint, as a developer would enter it on the portal's Webhooks page.
WEBHOOK_PATH = "/quickbooks/webhooks/"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def local_app_client_id() -> str:
    """The development app's client id, or ``""`` outside local mode or without keys."""
    if settings.QBO_ENVIRONMENT != "local" or not (settings.QBO_CLIENT_ID and settings.QBO_CLIENT_SECRET):
        return ""
    return settings.QBO_CLIENT_ID


def local_app_webhook_url() -> str:
    """FieldOffice's webhook endpoint on ``QBO_LOCAL_BASE_URL``, or ``""`` when that is not an http(s) address."""
    base = (getattr(settings, "QBO_LOCAL_BASE_URL", "") or "").rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return base + WEBHOOK_PATH


def local_app_ensure(*, with_company: bool = False) -> SandboxApp | None:
    """
    Register the development app, or bring its keys up to date with settings; idempotent, and only reads when
    nothing is missing.

    With ``with_company`` a first company (demo data, sign-in ``sandbox@example.com`` / ``sandbox``) is created
    when the sandbox has none, so that the consent page has something to connect.
    """
    client_id = local_app_client_id()
    if not client_id:
        return None
    app = SandboxApp.objects.filter(client_id=client_id).first()
    if app is None:
        app, _ = SandboxApp.objects.get_or_create(
            client_id=client_id,
            defaults={
                "name": LOCAL_APP_NAME,
                "client_secret_hash": credentials.digest(settings.QBO_CLIENT_SECRET),
                "redirect_uris": [f"http://{host}:8000{CALLBACK_PATH}" for host in LOOPBACK_HOSTS],
                "webhook_verifier_token": settings.QBO_WEBHOOK_VERIFIER_TOKEN or credentials.verifier_token_generate(),
                "webhook_url": local_app_webhook_url(),
            },
        )
    if not credentials.digests_match(settings.QBO_CLIENT_SECRET, app.client_secret_hash):
        app.client_secret_hash = credentials.digest(settings.QBO_CLIENT_SECRET)
        app.save(update_fields=["client_secret_hash"])
    if with_company and not SandboxCompany.objects.exists():
        company_create()
    return app


def _without_port(uri: str) -> tuple[str, str | None, str, str]:
    parts = urlsplit(uri)
    return parts.scheme, parts.hostname, parts.path, parts.query


def redirect_uri_registered(app: SandboxApp, redirect_uri: str) -> bool:
    """Whether ``redirect_uri`` is one of the app's, exactly; for the development app, on any loopback port."""
    if redirect_uri in app.redirect_uris:
        return True
    if not app.client_id or app.client_id != local_app_client_id():
        return False
    wanted = _without_port(redirect_uri)
    return wanted[1] in LOOPBACK_HOSTS and any(_without_port(uri) == wanted for uri in app.redirect_uris)
