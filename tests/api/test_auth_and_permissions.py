import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import client_for
from tests.factories import CustomerFactory, InvoiceFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "/api/v1/customers/",
    "/api/v1/service-locations/",
    "/api/v1/items/",
    "/api/v1/accounts/",
    "/api/v1/tax-rates/",
    "/api/v1/payment-terms/",
    "/api/v1/invoices/",
]


@pytest.mark.parametrize("url", LIST_URLS)
def test_anonymous_is_refused(url):
    response = APIClient().get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("url", LIST_URLS)
def test_staff_user_without_permissions_cannot_list(url):
    response = client_for(UserFactory()).get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("url", LIST_URLS)
def test_read_only_user_can_list(read_only_api, url):
    assert read_only_api.get(url).status_code == 200


def test_read_only_user_cannot_create_or_change(read_only_api):
    customer = CustomerFactory()

    assert read_only_api.post("/api/v1/customers/", {"display_name": "Acme"}, format="json").status_code == 403
    response = read_only_api.patch(f"/api/v1/customers/{customer.pk}/", {"phone": "1"}, format="json")
    assert response.status_code == 403
    assert read_only_api.delete(f"/api/v1/customers/{customer.pk}/").status_code == 403


def test_read_only_user_cannot_run_invoice_actions(read_only_api):
    invoice = InvoiceFactory()

    for action in ("approve", "mark-for-sync", "payments"):
        response = read_only_api.post(f"/api/v1/invoices/{invoice.pk}/{action}/", {}, format="json")
        assert response.status_code == 403, action


def test_token_authentication(office_user):
    token = Token.objects.create(user=office_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert client.get("/api/v1/customers/").status_code == 200


def test_wrong_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get("/api/v1/customers/").status_code in (401, 403)


def test_session_authentication(client, office_user):
    client.force_login(office_user)

    assert client.get("/api/v1/customers/").status_code == 200
