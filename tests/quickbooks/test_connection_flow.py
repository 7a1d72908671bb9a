"""Connect, reconnect and disconnect through the admin pages, with the sandbox's consent page driven over HTTP."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection as db
from django.urls import reverse
from intuitlib.client import AuthClient
from intuitlib.exceptions import AuthClientError

from apps.qbo_sandbox.models import SandboxAuthorizationCode
from apps.qbo_sandbox.oauth.selectors import token_find
from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection, RecordLink
from apps.quickbooks.online.local_consent import consent_give
from tests.factories import CustomerFactory

CALLBACK = "/admin/quickbooks/integration/callback/"


def _page(division) -> str:
    return reverse("admin:quickbooks_integration_change", args=[division.pk])


def _start(client, division, **data) -> str:
    """Press Connect to QuickBooks; returns the consent page's address."""
    response = client.post(reverse("admin:quickbooks_integration_connect", args=[division.pk]), data)
    assert response.status_code == 302
    return response["Location"]


def _callback(client, result, **overrides):
    params = {"code": result.code, "state": result.state, "realmId": result.realm_id, **overrides}
    return client.get(CALLBACK, {key: value for key, value in params.items() if value is not None})


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _link(division) -> RecordLink:
    customer = CustomerFactory(division=division)
    return RecordLink.objects.create(
        division=division,
        content_type=ContentType.objects.get_for_model(customer),
        object_id=customer.pk,
        entity_type="Customer",
        qbo_id="58",
    )


def test_connect_end_to_end_stores_the_company_and_encrypted_tokens(qbo, owner_client, division, sandbox_company):
    consent_url = _start(owner_client, division)
    assert consent_url.startswith(f"{qbo.url}/qbo-sandbox/connect/oauth2?")
    result = consent_give(consent_url, realm_id=sandbox_company.realm_id)

    response = _callback(owner_client, result)

    assert response.status_code == 302 and response["Location"] == _page(division)
    assert _messages(response) == [f"{division} is connected to the QuickBooks company Fieldwork Plumbing."]
    stored = QuickBooksConnection.objects.get(division=division)
    assert stored.status == ConnectionStatus.CONNECTED
    assert (stored.realm_id, stored.company_name) == (sandbox_company.realm_id, "Fieldwork Plumbing")
    assert token_find(stored.access_token).grant.company == sandbox_company
    assert token_find(stored.refresh_token).revoked_at is None
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM quickbooks_quickbooksconnection")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert stored.access_token not in row and stored.refresh_token not in row
    assert stored.access_token[:40] not in row and stored.refresh_token[:20] not in row
    assert stored.access_token not in repr(stored) and stored.refresh_token not in str(stored)
    page = owner_client.get(_page(division))
    assert b"Fieldwork Plumbing" in page.content and b"Stop connection" in page.content


def test_a_wrong_state_is_refused_and_nothing_is_stored(qbo, owner_client, division, sandbox_company):
    result = consent_give(_start(owner_client, division), realm_id=sandbox_company.realm_id)

    response = _callback(owner_client, result, state="forged-state")

    assert "was not started here" in _messages(response)[0]
    assert not QuickBooksConnection.objects.filter(division=division, status=ConnectionStatus.CONNECTED).exists()
    # The code was never presented to QuickBooks.
    assert SandboxAuthorizationCode.objects.get().used_at is None


def test_a_callback_counts_once(qbo, owner_client, division, sandbox_company):
    result = consent_give(_start(owner_client, division), realm_id=sandbox_company.realm_id)
    _callback(owner_client, result)

    again = _callback(owner_client, result)

    assert "was not started here" in _messages(again)[-1]
    assert QuickBooksConnection.objects.get(division=division).status == ConnectionStatus.CONNECTED


def test_cancel_on_the_consent_page_gives_a_plain_message(qbo, owner_client, division, sandbox_company):
    consent_url = _start(owner_client, division)
    state = dict(part.split("=") for part in urlsplit(consent_url).query.split("&"))["state"]

    response = owner_client.get(CALLBACK, {"error": "access_denied", "state": state})

    assert response["Location"] == _page(division)
    assert _messages(response) == ["You cancelled the connection in QuickBooks. Nothing was changed."]
    assert not QuickBooksConnection.objects.filter(division=division, status=ConnectionStatus.CONNECTED).exists()


def test_reconnecting_the_same_company_keeps_the_links(qbo, owner_client, division, sandbox_company, connection):
    link = _link(division)
    first_token = connection.refresh_token

    result = consent_give(_start(owner_client, division), realm_id=sandbox_company.realm_id)
    _callback(owner_client, result)

    assert RecordLink.objects.filter(pk=link.pk).exists()
    reconnected = QuickBooksConnection.objects.get(division=division)
    assert reconnected.status == ConnectionStatus.CONNECTED and reconnected.refresh_token != first_token


def test_another_company_is_refused_while_links_exist(qbo, owner_client, division, connection, other_company):
    _link(division)

    result = consent_give(_start(owner_client, division), realm_id=other_company.realm_id)
    response = _callback(owner_client, result)

    assert "linked to another QuickBooks company (Fieldwork Plumbing): 1 links" in _messages(response)[0]
    stored = QuickBooksConnection.objects.get(division=division)
    assert stored.realm_id == connection.realm_id and RecordLink.objects.count() == 1
    assert SandboxAuthorizationCode.objects.filter(company=other_company).get().used_at is None


def test_another_company_replaces_the_links_when_asked(qbo, owner_client, division, connection, other_company):
    _link(division)

    result = consent_give(_start(owner_client, division, reset_links="on"), realm_id=other_company.realm_id)
    response = _callback(owner_client, result)

    assert _messages(response) == [f"{division} is connected to the QuickBooks company Second Books Inc."]
    stored = QuickBooksConnection.objects.get(division=division)
    assert (stored.realm_id, stored.company_name) == (other_company.realm_id, "Second Books Inc")
    assert not RecordLink.objects.exists()


def test_the_owner_disconnects_and_the_refresh_token_stops_working(qbo, owner_client, division, connection):
    _link(division)
    old_refresh_token = connection.refresh_token
    stop_url = reverse("admin:quickbooks_integration_disconnect", args=[division.pk])
    assert b"Are you sure?" in owner_client.get(stop_url).content

    response = owner_client.post(stop_url)

    assert _messages(response) == [f"The connection of {division} to QuickBooks has been stopped."]
    stored = QuickBooksConnection.objects.get(division=division)
    assert stored.status == ConnectionStatus.DISCONNECTED and stored.disconnected_at
    assert stored.access_token_encrypted == "" and stored.refresh_token_encrypted == ""
    assert RecordLink.objects.count() == 1
    intuit = AuthClient(
        settings.QBO_CLIENT_ID,
        settings.QBO_CLIENT_SECRET,
        f"{qbo.url}{CALLBACK}",
        environment=f"{qbo.url}/qbo-sandbox/.well-known/openid_configuration/",
    )
    with intuit, pytest.raises(AuthClientError) as refused:
        intuit.refresh(refresh_token=old_refresh_token)
    assert b"invalid_grant" in refused.value.content


@pytest.mark.parametrize("role_client", ["office_client", "read_only_client"])
def test_only_the_owner_may_connect_or_disconnect(request, qbo, role_client, division, connection):
    client = request.getfixturevalue(role_client)

    assert client.get(_page(division)).status_code == 200
    assert client.post(reverse("admin:quickbooks_integration_connect", args=[division.pk])).status_code == 403
    assert client.get(reverse("admin:quickbooks_integration_disconnect", args=[division.pk])).status_code == 403
    assert client.post(reverse("admin:quickbooks_integration_disconnect", args=[division.pk])).status_code == 403
    assert client.get(CALLBACK, {"state": "x", "code": "y", "realmId": "1"}).status_code == 403
    assert QuickBooksConnection.objects.get(division=division).status == ConnectionStatus.CONNECTED
