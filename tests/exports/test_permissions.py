"""Whoever may view a list may export it (Read-only included); whoever may not, may not."""

import pytest
from django.urls import reverse

from tests.exports.helpers import export, export_form_data, export_url, post_export
from tests.factories import CustomerFactory, InvoiceFactory, UserFactory

pytestmark = pytest.mark.django_db

DOMAIN_LISTS = [
    "customers.customer",
    "customers.servicelocation",
    "customers.customernote",
    "customers.customerattachment",
    "catalog.item",
    "accounting.account",
    "accounting.defaultaccounts",
    "accounting.taxrate",
    "accounting.paymentterm",
    "invoicing.invoice",
]


@pytest.mark.parametrize("label", DOMAIN_LISTS)
def test_read_only_user_can_export_what_they_can_see(client, read_only_user, label, file_format):
    client.force_login(read_only_user)
    assert client.get(export_url(label)).status_code == 200
    assert post_export(client, label, file_format).status_code == 200


def test_read_only_user_exports_the_rows(client, read_only_user):
    CustomerFactory(display_name="Basement Bar")
    client.force_login(read_only_user)

    assert export(client, "customers.customer", "csv").column("Display name") == ["Basement Bar"]


def test_read_only_user_sees_the_export_button(client, read_only_user):
    InvoiceFactory()
    client.force_login(read_only_user)

    for name in ("admin:customers_customer_changelist", "admin:invoicing_invoice_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert 'class="export_link"' in response.content.decode(), name


@pytest.mark.parametrize("label", [*DOMAIN_LISTS, "users.user"])
def test_staff_without_view_permission_cannot_export(client, label):
    client.force_login(UserFactory())  # staff, in no role

    assert client.get(export_url(label)).status_code == 403
    assert client.post(export_url(label), export_form_data(label, "xlsx")).status_code == 403


@pytest.mark.parametrize("role_user", ["office_user", "read_only_user"])
def test_only_owners_export_users(client, request, role_user):
    client.force_login(request.getfixturevalue(role_user))

    assert post_export(client, "users.user", "xlsx").status_code == 403


def test_owner_exports_users(client, owner):
    client.force_login(owner)

    assert owner.email in export(client, "users.user", "xlsx").column("Email")


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.post(export_url("customers.customer"), export_form_data("customers.customer", "csv"))

    assert response.status_code == 302
    assert "login" in response["Location"]
