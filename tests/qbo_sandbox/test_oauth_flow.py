"""The OAuth 2.0 code flow, refresh and revocation, through intuit-oauth against a live server."""

import json

import pytest
import requests
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError

from apps.qbo_sandbox.companies import company_create, user_create
from apps.qbo_sandbox.models import SandboxGrant
from apps.qbo_sandbox.seeding import SeedOptions
from tests.qbo_sandbox.conftest import REDIRECT_URI, authorize, callback_params, csrf_token, sign_in


def _company_info(sandbox_url: str, realm_id: str, access_token: str) -> requests.Response:
    return requests.get(
        f"{sandbox_url}/v3/company/{realm_id}/companyinfo/{realm_id}",
        params={"minorversion": 75},
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
    )


def test_discovery_document_has_intuits_keys_and_points_at_this_server(sandbox_url):
    document = requests.get(f"{sandbox_url}/.well-known/openid_configuration/").json()

    assert list(document) == [
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "revocation_endpoint",
        "jwks_uri",
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "scopes_supported",
        "token_endpoint_auth_methods_supported",
        "claims_supported",
    ]
    assert document["token_endpoint"] == f"{sandbox_url}/oauth2/v1/tokens/bearer"
    assert requests.get(document["jwks_uri"]).json() == {"keys": []}


def test_code_flow_refresh_and_revoke(auth_client, sandbox_company, sandbox_url):
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])
    assert url.startswith(f"{sandbox_url}/connect/oauth2?")

    params = callback_params(authorize(url, realm_id=sandbox_company.realm_id))
    assert params["state"] == auth_client.state_token
    assert params["realmId"] == sandbox_company.realm_id

    auth_client.get_bearer_token(params["code"], realm_id=params["realmId"])
    assert auth_client.expires_in == 3600
    assert auth_client.x_refresh_token_expires_in == 8726400
    first_access, first_refresh = auth_client.access_token, auth_client.refresh_token
    assert len(first_access) > 500

    response = _company_info(sandbox_url, sandbox_company.realm_id, first_access)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["intuit_tid"].startswith("1-")
    body = response.json()
    assert set(body) == {"CompanyInfo", "time"}
    assert body["CompanyInfo"]["CompanyName"] == "Sandbox Company_US_1"
    assert body["CompanyInfo"]["Id"] == "1"
    assert body["CompanyInfo"]["SyncToken"] == "0"

    preferences = requests.get(
        f"{sandbox_url}/v3/company/{sandbox_company.realm_id}/preferences",
        headers={"Authorization": f"Bearer {first_access}"},
    ).json()["Preferences"]
    assert preferences["SalesFormsPrefs"]["CustomTxnNumbers"] is False
    assert preferences["TaxPrefs"]["UsingSalesTax"] is True

    # Refresh: a new refresh token; the presented one is spent.
    auth_client.refresh()
    assert auth_client.refresh_token != first_refresh
    assert auth_client.access_token != first_access
    with pytest.raises(AuthClientError) as spent:
        auth_client.refresh(refresh_token=first_refresh)
    assert spent.value.status_code == 400
    assert json.loads(spent.value.content) == {"error": "invalid_grant"}
    # Access tokens already handed out live until they expire, as at Intuit.
    assert _company_info(sandbox_url, sandbox_company.realm_id, first_access).status_code == 200

    # Revoke ends the connection: every token of it stops working.
    assert auth_client.revoke() is True
    response = _company_info(sandbox_url, sandbox_company.realm_id, auth_client.access_token)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    fault = response.json()["fault"]
    assert fault["type"] == "AUTHENTICATION"
    assert fault["error"][0]["code"] == "3200"
    assert fault["error"][0]["message"] == "message=AuthenticationFailed; errorCode=003200; statusCode=401"
    assert _company_info(sandbox_url, sandbox_company.realm_id, first_access).status_code == 401
    with pytest.raises(AuthClientError) as revoked:
        auth_client.refresh()
    assert revoked.value.status_code == 400


def test_an_authorization_code_is_exchanged_once_and_a_replay_closes_its_connection(auth_client, sandbox_company):
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])
    code = callback_params(authorize(url, realm_id=sandbox_company.realm_id))["code"]
    auth_client.get_bearer_token(code)

    with pytest.raises(AuthClientError) as replay:
        auth_client.get_bearer_token(code)

    assert replay.value.status_code == 400
    assert json.loads(replay.value.content) == {"error": "invalid_grant"}
    assert SandboxGrant.objects.get().revoked_at is not None


def test_a_code_is_bound_to_its_redirect_uri(auth_client, sandbox_company):
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])
    code = callback_params(authorize(url, realm_id=sandbox_company.realm_id))["code"]
    auth_client.redirect_uri = REDIRECT_URI + "other"

    with pytest.raises(AuthClientError) as refused:
        auth_client.get_bearer_token(code)

    assert refused.value.status_code == 400


def test_a_wrong_client_secret_is_refused(auth_client, sandbox_company):
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])
    code = callback_params(authorize(url, realm_id=sandbox_company.realm_id))["code"]
    auth_client.client_secret = "not-the-secret"

    with pytest.raises(AuthClientError) as refused:
        auth_client.get_bearer_token(code)

    assert refused.value.status_code == 401
    assert json.loads(refused.value.content) == {"error": "invalid_client"}


def test_cancel_sends_access_denied_back_to_the_app(auth_client, sandbox_company):
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])

    params = callback_params(authorize(url, realm_id=sandbox_company.realm_id, action="cancel"))

    assert params == {"error": "access_denied", "state": auth_client.state_token}


def test_an_unregistered_redirect_uri_is_refused_on_the_page(auth_client, sandbox_company):
    auth_client.redirect_uri = "http://evil.example.com/callback"
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])

    response = requests.get(url, allow_redirects=False)

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "redirect_uri is not one of the app" in response.text


def test_an_unknown_client_id_is_refused_on_the_page(auth_client):
    auth_client.client_id = "ABunknown"

    response = requests.get(auth_client.get_authorization_url([Scopes.ACCOUNTING]), allow_redirects=False)

    assert response.status_code == 400


def test_without_the_accounting_scope_the_app_gets_invalid_scope(auth_client, sandbox_company):
    url = auth_client.get_authorization_url([Scopes.OPENID])

    params = callback_params(requests.get(url, allow_redirects=False))

    assert params == {"error": "invalid_scope", "state": auth_client.state_token}


def test_a_wrong_password_shows_the_sign_in_form_again(auth_client, sandbox_company):
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])
    with requests.Session() as browser:
        page = sign_in(browser, url, email="sandbox@example.com", password="wrong")

        assert page.status_code == 200
        assert "The email address or password is incorrect." in page.text
        assert "qbo_sandbox_user" not in browser.cookies
    # Connect without a sign-in lands on the sign-in form again; nothing goes back to the app.
    connect = authorize(url, realm_id=sandbox_company.realm_id, password="wrong")
    assert connect.status_code == 200
    assert 'name="password"' in connect.text
    assert not SandboxGrant.objects.exists()


def test_the_signed_in_user_can_switch(auth_client, sandbox_company):
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])
    browser = requests.Session()
    page = sign_in(browser, url, email="sandbox@example.com", password="sandbox")
    assert "Signed in as sandbox@example.com" in page.text
    assert browser.get(url).text.count("Signed in as sandbox@example.com") == 1

    page = browser.post(
        url, data={"csrfmiddlewaretoken": csrf_token(page), "action": "sign_out"}, allow_redirects=False
    )

    assert 'name="password"' in page.text
    assert 'name="password"' in browser.get(url).text


def test_a_company_the_user_may_not_connect_is_refused(auth_client, sandbox_company):
    someone_else = user_create(email="alice@example.com", password="alice")
    other = company_create(name="Alice's company", options=SeedOptions(seed="empty"), user=someone_else)
    url = auth_client.get_authorization_url([Scopes.ACCOUNTING])

    response = authorize(url, realm_id=other.realm_id)

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
