"""
Fixtures for the QuickBooks sandbox: a company, a registered app, and an intuit-oauth client pointed at a live server.

The flow is driven as a person would drive it: the authorization page is fetched and its forms posted with
``requests``, and the redirect to the app's callback is captured instead of followed.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes

from apps.qbo_sandbox.companies import DEFAULT_USER_EMAIL, DEFAULT_USER_PASSWORD, company_create
from apps.qbo_sandbox.models import SandboxApp, SandboxCompany
from apps.qbo_sandbox.oauth.services import app_create
from apps.qbo_sandbox.seeding import SeedOptions

REDIRECT_URI = "http://localhost:8000/quickbooks/callback/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class RegisteredApp:
    app: SandboxApp
    client_secret: str

    @property
    def client_id(self) -> str:
        return self.app.client_id


@pytest.fixture
def sandbox_company(db) -> SandboxCompany:
    return company_create(name="Sandbox Company_US_1", options=SeedOptions(seed="empty"))


@pytest.fixture
def registered_app(db) -> RegisteredApp:
    app, client_secret = app_create(name="FieldOffice", redirect_uris=[REDIRECT_URI])
    return RegisteredApp(app=app, client_secret=client_secret)


@pytest.fixture
def sandbox_url(live_server) -> str:
    return live_server.url + "/qbo-sandbox"


@pytest.fixture
def auth_client(sandbox_url, registered_app) -> Iterator[AuthClient]:
    """intuit-oauth, unmodified, reading its endpoints from the sandbox's discovery document."""
    client = AuthClient(
        registered_app.client_id,
        registered_app.client_secret,
        REDIRECT_URI,
        environment=f"{sandbox_url}/.well-known/openid_configuration/",
    )
    yield client
    # A kept-alive connection would outlive the test and the live server's database sharing.
    client.close()


def csrf_token(page: requests.Response) -> str:
    match = CSRF_INPUT.search(page.text)
    assert match, page.text
    return match.group(1)


def sign_in(browser: requests.Session, url: str, *, email: str, password: str) -> requests.Response:
    """Open the authorization page at ``url`` and post the sign-in form."""
    page = browser.get(url, allow_redirects=False)
    assert page.status_code == 200, page.text
    return browser.post(
        url,
        data={"csrfmiddlewaretoken": csrf_token(page), "email": email, "password": password, "action": "sign_in"},
        allow_redirects=False,
    )


def authorize(
    url: str,
    *,
    realm_id: str = "",
    email: str = DEFAULT_USER_EMAIL,
    password: str = DEFAULT_USER_PASSWORD,
    action: str = "connect",
) -> requests.Response:
    """Sign in on the authorization page, pick ``realm_id`` and press ``action``; returns the last answer."""
    with requests.Session() as browser:
        page = sign_in(browser, url, email=email, password=password)
        assert page.status_code == 200, page.text
        return browser.post(
            url,
            data={"csrfmiddlewaretoken": csrf_token(page), "realm_id": realm_id, "action": action},
            allow_redirects=False,
        )


def callback_params(response: requests.Response) -> dict[str, str]:
    """The query the app's callback receives, from a redirect that was not followed."""
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def connect(auth_client: AuthClient, company: SandboxCompany) -> AuthClient:
    """Run the whole code flow; ``auth_client`` then holds an access and a refresh token for ``company``."""
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])
    params = callback_params(authorize(url, realm_id=company.realm_id))
    auth_client.get_bearer_token(params["code"], realm_id=params["realmId"])
    return auth_client
