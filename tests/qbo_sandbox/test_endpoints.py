"""Smaller endpoints and edges of the OAuth server, through Django's test client."""

import base64
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxGrant
from apps.qbo_sandbox.oauth.services import app_create, grant_create
from apps.qbo_sandbox.seeding import SeedOptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected():
    company = company_create(name="Endpoints Co", options=SeedOptions(seed="empty"))
    app, secret = app_create(name="App", redirect_uris=["http://localhost/cb"])
    return company, app, secret


def _basic(app, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()}


def test_userinfo_answers_openid_connections_only(connected):
    company, app, _ = connected
    user = company.users.get()
    with_openid = grant_create(
        app=app, company=company, user=user, scope="com.intuit.quickbooks.accounting openid email"
    )
    without = grant_create(app=app, company=company, user=user, scope="com.intuit.quickbooks.accounting")
    client = Client()

    info = client.get(
        "/qbo-sandbox/v1/openid_connect/userinfo", headers={"Authorization": f"Bearer {with_openid.access_token}"}
    )
    refused = client.get(
        "/qbo-sandbox/v1/openid_connect/userinfo", headers={"Authorization": f"Bearer {without.access_token}"}
    )

    assert info.json() == {"sub": str(user.sub), "email": "sandbox@example.com", "emailVerified": True}
    assert refused.status_code == 403


def test_unsupported_grant_type_and_missing_client(connected):
    _, app, secret = connected
    client = Client()

    unsupported = client.post(
        "/qbo-sandbox/oauth2/v1/tokens/bearer", {"grant_type": "password"}, headers=_basic(app, secret)
    )
    anonymous = client.post("/qbo-sandbox/oauth2/v1/tokens/bearer", {"grant_type": "refresh_token"})

    assert (unsupported.status_code, unsupported.json()) == (400, {"error": "unsupported_grant_type"})
    assert (anonymous.status_code, anonymous.json()) == (401, {"error": "invalid_client"})
    assert unsupported["Cache-Control"] == "no-store"


def test_client_secret_post_is_accepted(connected):
    company, app, secret = connected
    issued = grant_create(app=app, company=company, scope="com.intuit.quickbooks.accounting")

    response = Client().post(
        "/qbo-sandbox/oauth2/v1/tokens/bearer",
        {
            "grant_type": "refresh_token",
            "refresh_token": issued.refresh_token,
            "client_id": app.client_id,
            "client_secret": secret,
        },
    )

    assert response.status_code == 200
    assert set(response.json()) == {
        "token_type",
        "access_token",
        "refresh_token",
        "x_refresh_token_expires_in",
        "expires_in",
    }


def test_revoking_an_unknown_token_is_not_an_error(connected):
    _, app, secret = connected

    response = Client().post(
        "/qbo-sandbox/v2/oauth2/tokens/revoke",
        {"token": "nothing"},
        content_type="application/json",
        headers=_basic(app, secret),
    )

    assert response.status_code == 200


def test_another_apps_token_cannot_be_revoked(connected):
    company, app, _ = connected
    issued = grant_create(app=app, company=company, scope="com.intuit.quickbooks.accounting")
    intruder, intruder_secret = app_create(name="Intruder", redirect_uris=["http://localhost/cb"])

    Client().post(
        "/qbo-sandbox/v2/oauth2/tokens/revoke",
        {"token": issued.refresh_token},
        content_type="application/json",
        headers=_basic(intruder, intruder_secret),
    )

    assert SandboxGrant.objects.get().revoked_at is None


def test_the_sandbox_is_mounted_only_for_the_local_environment():
    # URLs are built once per process: ask a fresh one configured for Intuit's own sandbox.
    probe = (
        "import django; django.setup(); from django.urls import NoReverseMatch, reverse\n"
        "try:\n    reverse('qbo_sandbox:token')\nexcept NoReverseMatch:\n    print('absent')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "QBO_ENVIRONMENT": "sandbox"}

    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "absent"
    assert reverse("qbo_sandbox:token") == "/qbo-sandbox/oauth2/v1/tokens/bearer"
