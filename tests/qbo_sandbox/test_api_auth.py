"""Who may call the Accounting API: Intuit's 401 and 403 answers, over a live server."""

from datetime import timedelta

import pytest
import requests
from quickbooks import QuickBooks
from quickbooks.objects.company_info import CompanyInfo

from apps.qbo_sandbox.companies import company_create, company_update_settings
from apps.qbo_sandbox.models import SandboxToken
from apps.qbo_sandbox.seeding import SeedOptions
from apps.qbo_sandbox.timefmt import now
from tests.qbo_sandbox.conftest import connect

AUTHENTICATION_FAILED = "message=AuthenticationFailed; errorCode=003200; statusCode=401"


def _get(url: str, token: str | None) -> requests.Response:
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(url, headers=headers, params={"minorversion": 75})


@pytest.fixture
def company_info_url(sandbox_url, sandbox_company) -> str:
    return f"{sandbox_url}/v3/company/{sandbox_company.realm_id}/companyinfo/{sandbox_company.realm_id}"


def _assert_authentication_failed(response: requests.Response, detail=None) -> None:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="Intuit", error="invalid_token"'
    body = response.json()
    assert body["fault"]["type"] == "AUTHENTICATION"
    error = body["fault"]["error"][0]
    assert error["message"] == AUTHENTICATION_FAILED
    assert error["code"] == "3200"
    assert error["detail"] == detail or (detail and error["detail"].startswith(detail))
    assert isinstance(body["time"], int)


def test_a_missing_token_is_401(company_info_url):
    _assert_authentication_failed(_get(company_info_url, None))


def test_a_malformed_token_is_401(company_info_url):
    _assert_authentication_failed(_get(company_info_url, "abc"), "Malformed bearer token: too short or too long")


def test_an_unknown_token_is_401(company_info_url, auth_client, sandbox_company):
    connect(auth_client, sandbox_company)
    forged = auth_client.access_token[:-6] + "AAAAAA"

    _assert_authentication_failed(_get(company_info_url, forged))


def test_an_expired_token_is_401(company_info_url, auth_client, sandbox_company):
    connect(auth_client, sandbox_company)
    SandboxToken.objects.filter(kind=SandboxToken.Kind.ACCESS).update(expires_at=now() - timedelta(seconds=1))

    _assert_authentication_failed(_get(company_info_url, auth_client.access_token), "Token expired: ")
    # The refresh token still gets a working access token.
    auth_client.refresh()
    assert _get(company_info_url, auth_client.access_token).status_code == 200


def test_the_company_token_lifetime_applies(company_info_url, auth_client, sandbox_company):
    company_update_settings(sandbox_company, {"access_token_lifetime": 120})

    connect(auth_client, sandbox_company)

    assert auth_client.expires_in == 120
    token = SandboxToken.objects.get(kind=SandboxToken.Kind.ACCESS)
    assert timedelta(seconds=119) < token.expires_at - token.created_at <= timedelta(seconds=120)


def test_a_token_of_another_company_is_403(sandbox_url, auth_client, sandbox_company):
    other = company_create(name="Other", options=SeedOptions(seed="empty"))
    connect(auth_client, sandbox_company)

    response = _get(f"{sandbox_url}/v3/company/{other.realm_id}/companyinfo/{other.realm_id}", auth_client.access_token)

    assert response.status_code == 403
    error = response.json()["fault"]["error"][0]
    assert error["code"] == "3100"
    assert error["message"] == "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403"


def test_an_unknown_company_id_is_610(sandbox_url, auth_client, sandbox_company):
    connect(auth_client, sandbox_company)

    response = _get(f"{sandbox_url}/v3/company/{sandbox_company.realm_id}/companyinfo/42", auth_client.access_token)

    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "610"


def test_python_quickbooks_reads_company_info(sandbox_url, auth_client, sandbox_company, monkeypatch):
    """An independent client, pointed at the sandbox only by its base URL, reads the company as from QuickBooks."""
    # requests-oauthlib, under python-quickbooks, insists on https unless told the transport is local.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    connect(auth_client, sandbox_company)
    client = QuickBooks(
        auth_client=auth_client,
        refresh_token=auth_client.refresh_token,
        company_id=sandbox_company.realm_id,
        minorversion=75,
    )
    client.api_url_v3 = client.sandbox_api_url_v3 = f"{sandbox_url}/v3"

    try:
        info = CompanyInfo.get(sandbox_company.realm_id, qb=client)
    finally:
        client.session.close()
        client._drop()  # python-quickbooks keeps a process-wide instance

    assert info.CompanyName == "Sandbox Company_US_1"
    assert info.Country == "US"
