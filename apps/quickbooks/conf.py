"""
Where FieldOffice finds QuickBooks, and with which keys: read from settings once, checked, cached.

``QBO_ENVIRONMENT`` picks Intuit's production or sandbox hosts, or ``local``: the in-project sandbox on
``QBO_LOCAL_BASE_URL``, reached over HTTP exactly as Intuit is. ``QBO_API_BASE_URL`` and ``QBO_DISCOVERY_URL``
override the derived addresses.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

API_BASE_URLS = {
    "production": "https://quickbooks.api.intuit.com/v3",
    "sandbox": "https://sandbox-quickbooks.api.intuit.com/v3",
}
DISCOVERY_URLS = {
    "production": "https://developer.intuit.com/.well-known/openid_configuration/",
    "sandbox": "https://developer.intuit.com/.well-known/openid_sandbox_configuration/",
}
LOCAL_API_PATH = "/qbo-sandbox/v3"
LOCAL_DISCOVERY_PATH = "/qbo-sandbox/.well-known/openid_configuration/"
# Sent on every call: Intuit serves anything older as 75 since August 2025.
MINOR_VERSION = 75

ENVIRONMENTS = ("local", "sandbox", "production")
# The keys of the local sandbox's development app. They are published (in this code), so they are only good for a
# developer's own machine: with DEBUG off the local sandbox refuses them.
LOCAL_CLIENT_ID = "fieldoffice-local"
LOCAL_CLIENT_SECRET = "fieldoffice-local-development-secret"
LOCAL_WEBHOOK_VERIFIER_TOKEN = "fieldoffice-local-verifier-token"


def environment_problems(
    *, debug: bool, environment: str, allow_local_sandbox: bool, client_secret: str, webhook_verifier_token: str
) -> list[tuple[str, str]]:
    """
    What is wrong with the QuickBooks environment settings, as (system check id, sentence saying what to set); empty
    when nothing is.

    With DEBUG off ``QBO_ENVIRONMENT`` must be chosen explicitly (``environment`` is empty when it was not), and the
    local sandbox, which anyone can sign in to with its published sign-in, needs ``QBO_ALLOW_LOCAL_SANDBOX`` and keys
    of the installation's own: with the published ones, anyone could exchange codes for tokens or sign webhooks.
    The settings refuse to load on any of these; the system checks report them if a settings module changes them.
    """
    if environment not in ENVIRONMENTS:
        given = f", not {environment!r}" if environment else ": with DEBUG off it has no default"
        return [
            (
                "fieldoffice.E002",
                f"Set QBO_ENVIRONMENT to production (QuickBooks Online), sandbox (Intuit's developer sandbox) or "
                f"local (the built-in stand-in, for development and demonstrations){given}.",
            )
        ]
    if environment != "local" or debug:
        return []
    if not allow_local_sandbox:
        return [
            (
                "fieldoffice.E003",
                "QBO_ENVIRONMENT=local serves the built-in QuickBooks sandbox, with its published sign-in, at "
                "/qbo-sandbox/. A live installation sets QBO_ENVIRONMENT=production; a demonstration behind a "
                "firewall with DEBUG off also sets QBO_ALLOW_LOCAL_SANDBOX=1.",
            )
        ]
    problems = []
    if client_secret in ("", LOCAL_CLIENT_SECRET):
        problems.append(
            (
                "fieldoffice.E004",
                "With DEBUG off the local sandbox needs QBO_CLIENT_SECRET set to a long random value: the default "
                "one is published.",
            )
        )
    if webhook_verifier_token in ("", LOCAL_WEBHOOK_VERIFIER_TOKEN):
        problems.append(
            (
                "fieldoffice.E005",
                "With DEBUG off the local sandbox needs QBO_WEBHOOK_VERIFIER_TOKEN set to a long random value: the "
                "default one is published.",
            )
        )
    return problems


@dataclass(frozen=True)
class ApiConfig:
    environment: str
    client_id: str
    client_secret: str
    api_base_url: str
    discovery_url: str
    redirect_uri: str
    max_attempts: int
    backoff_seconds: float
    backoff_max_seconds: float
    throttle_wait_seconds: float
    timeout_seconds: float
    rate_limit_per_minute: int
    batch_limit_per_minute: int
    concurrent_limit: int
    limit_window_seconds: float

    def __repr__(self) -> str:
        # The client secret stays out of tracebacks and logs.
        return f"ApiConfig(environment={self.environment!r}, client_id={self.client_id!r}, api={self.api_base_url!r})"

    @property
    def is_local(self) -> bool:
        return self.environment == "local"


@cache
def api_config() -> ApiConfig:
    environment = settings.QBO_ENVIRONMENT
    if environment == "local":
        base = settings.QBO_LOCAL_BASE_URL.rstrip("/")
        api_base_url, discovery_url = base + LOCAL_API_PATH, base + LOCAL_DISCOVERY_PATH
    else:
        api_base_url, discovery_url = API_BASE_URLS[environment], DISCOVERY_URLS[environment]
    return ApiConfig(
        environment=environment,
        client_id=settings.QBO_CLIENT_ID,
        client_secret=settings.QBO_CLIENT_SECRET,
        api_base_url=(settings.QBO_API_BASE_URL or api_base_url).rstrip("/"),
        discovery_url=settings.QBO_DISCOVERY_URL or discovery_url,
        redirect_uri=settings.QBO_REDIRECT_URI,
        max_attempts=max(settings.QBO_MAX_ATTEMPTS, 1),
        backoff_seconds=settings.QBO_BACKOFF_SECONDS,
        backoff_max_seconds=settings.QBO_BACKOFF_MAX_SECONDS,
        throttle_wait_seconds=settings.QBO_THROTTLE_WAIT_SECONDS,
        timeout_seconds=settings.QBO_TIMEOUT_SECONDS,
        rate_limit_per_minute=settings.QBO_RATE_LIMIT_PER_MINUTE,
        batch_limit_per_minute=settings.QBO_BATCH_LIMIT_PER_MINUTE,
        concurrent_limit=settings.QBO_CONCURRENT_LIMIT,
        limit_window_seconds=settings.QBO_LIMIT_WINDOW_SECONDS,
    )


def oauth_config() -> ApiConfig:
    """The config, checked for the app keys that OAuth needs."""
    config = api_config()
    if not (config.client_id and config.client_secret):
        raise ImproperlyConfigured(
            "FieldOffice has no QuickBooks app keys: set QBO_CLIENT_ID and QBO_CLIENT_SECRET to the keys of the app "
            "registered on Intuit's developer portal."
        )
    return config


def config_cache_clear(*, setting: str = "", **kwargs) -> None:
    """Forget the cached config when a test overrides a setting it is built from."""
    if not setting or setting.startswith("QBO_"):
        api_config.cache_clear()
