"""The development app a local install gets on first use: FieldOffice's keys, callback on any loopback port."""

import pytest
import requests
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes

from apps.qbo_sandbox.models import SandboxApp, SandboxCompany
from apps.qbo_sandbox.oauth.credentials import digest
from apps.qbo_sandbox.oauth.local_app import CALLBACK_PATH, local_app_ensure, redirect_uri_registered
from apps.qbo_sandbox.oauth.services import app_authenticate, app_create
from tests.qbo_sandbox.conftest import authorize


@pytest.fixture
def local_keys(settings):
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_CLIENT_ID = "fieldoffice-local"
    settings.QBO_CLIENT_SECRET = "local-secret"
    settings.QBO_WEBHOOK_VERIFIER_TOKEN = "local-verifier"
    return settings


@pytest.mark.django_db
def test_the_app_is_registered_once_with_the_keys_of_the_settings(local_keys):
    app = local_app_ensure()

    assert local_app_ensure() == app and SandboxApp.objects.count() == 1
    assert (app.client_id, app.client_secret_hash) == ("fieldoffice-local", digest("local-secret"))
    assert app.webhook_verifier_token == "local-verifier"
    assert app.redirect_uris == [f"http://127.0.0.1:8000{CALLBACK_PATH}", f"http://localhost:8000{CALLBACK_PATH}"]
    assert not SandboxCompany.objects.exists()


@pytest.mark.django_db
def test_a_new_secret_in_the_settings_replaces_the_old_one(local_keys):
    local_app_ensure()
    local_keys.QBO_CLIENT_SECRET = "rotated-secret"

    assert app_authenticate("fieldoffice-local", "rotated-secret") is not None
    assert app_authenticate("fieldoffice-local", "local-secret") is None


@pytest.mark.django_db
def test_outside_local_mode_nothing_is_registered(local_keys):
    local_keys.QBO_ENVIRONMENT = "sandbox"

    assert local_app_ensure() is None
    assert app_authenticate("fieldoffice-local", "local-secret") is None
    assert not SandboxApp.objects.exists()


@pytest.mark.django_db
def test_any_loopback_port_is_accepted_for_the_development_app_only(local_keys):
    app = local_app_ensure()
    other, _ = app_create(name="Other", redirect_uris=[f"http://localhost:8000{CALLBACK_PATH}"])

    assert redirect_uri_registered(app, f"http://localhost:53211{CALLBACK_PATH}")
    assert redirect_uri_registered(app, f"http://127.0.0.1{CALLBACK_PATH}")
    assert not redirect_uri_registered(app, f"http://evil.example.com:8000{CALLBACK_PATH}")
    assert not redirect_uri_registered(app, f"http://localhost:53211{CALLBACK_PATH}other/")
    assert not redirect_uri_registered(app, f"https://localhost:53211{CALLBACK_PATH}")
    assert not redirect_uri_registered(other, f"http://localhost:53211{CALLBACK_PATH}")


def test_a_fresh_install_reaches_the_consent_page_and_connects(local_keys, live_server):
    """No app and no company registered: the first authorization request creates both."""
    redirect_uri = f"{live_server.url}{CALLBACK_PATH}"
    with AuthClient(
        "fieldoffice-local",
        "local-secret",
        redirect_uri,
        environment=f"{live_server.url}/qbo-sandbox/.well-known/openid_configuration/",
    ) as client:
        url = client.get_authorization_url([Scopes.ACCOUNTING])
        page = requests.get(url, timeout=30)
        assert page.status_code == 200 and "Sign in" in page.text
        company = SandboxCompany.objects.get()

        answer = authorize(url, realm_id=company.realm_id)
        location = answer.headers["Location"]
        assert answer.status_code == 302 and location.startswith(redirect_uri + "?code=")
        code = location.split("code=")[1].split("&")[0]
        client.get_bearer_token(code, realm_id=company.realm_id)

    assert client.access_token and client.refresh_token
