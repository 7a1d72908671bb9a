import pytest

from apps.customers.models import Customer, ServiceLocation
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    DivisionFactory,
    InvoiceFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


def _detail(customer: Customer) -> str:
    return f"{URL}{customer.pk}/"


def test_create_customer_with_two_service_locations_and_a_contact(office_api):
    tax_rate = TaxRateFactory()
    payload = {
        "company_name": "Northwind Traders",
        "email": "ap@northwind.example.com",
        "billing_city": "Minneapolis",
        "tax_rate": tax_rate.pk,
        "service_locations": [
            {"name": "Warehouse", "street": "1 Dock St", "city": "St Paul"},
            {"name": "Store", "street": "2 Main St", "city": "Minneapolis"},
        ],
        "contacts": [{"name": "Ann Lee", "role": "Accounts payable", "is_primary": True}],
    }

    response = office_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.data
    customer = Customer.objects.get()
    assert response.data["id"] == customer.pk
    assert response.data["display_name"] == "Northwind Traders"  # taken from the company name
    assert response.data["division"] == "main"
    assert response.data["tax_rate"] == tax_rate.pk
    assert sorted(loc["name"] for loc in response.data["service_locations"]) == ["Store", "Warehouse"]
    assert response.data["service_locations"][0]["address_line"]
    assert [contact["name"] for contact in response.data["contacts"]] == ["Ann Lee"]
    assert customer.service_locations.count() == 2
    assert customer.contacts.get().is_primary


def test_create_in_another_division_by_slug(office_api):
    west = DivisionFactory(name="West", slug="west")

    response = office_api.post(URL, {"display_name": "Acme", "division": "west"}, format="json")

    assert response.status_code == 201, response.data
    assert response.data["division"] == "west"
    assert Customer.objects.get().division == west


def test_unknown_division_slug_is_refused(office_api):
    response = office_api.post(URL, {"display_name": "Acme", "division": "nowhere"}, format="json")

    assert response.status_code == 400
    assert "division" in response.data


def test_tax_rate_of_another_division_is_refused(office_api):
    west = DivisionFactory(name="West", slug="west")
    tax_rate = TaxRateFactory(division=west, name="West tax")
    term = PaymentTermFactory(division=west, name="West net 30")

    response = office_api.post(
        URL, {"display_name": "Acme", "tax_rate": tax_rate.pk, "payment_term": term.pk}, format="json"
    )

    assert response.status_code == 400
    assert "belongs to the West division, not to Main" in str(response.data["tax_rate"][0])
    assert "payment_term" in response.data
    assert not Customer.objects.exists()


def test_customer_needs_a_name(office_api):
    response = office_api.post(URL, {"email": "someone@example.com"}, format="json")

    assert response.status_code == 400
    assert response.data["non_field_errors"] == ["Give a company name, a person's name or a display name."]


def test_duplicate_display_name_is_a_400_not_a_crash(office_api):
    CustomerFactory(display_name="Acme")

    response = office_api.post(URL, {"display_name": "ACME"}, format="json")

    assert response.status_code == 400
    assert "Another customer of this division has this display name." in str(response.data)


def test_duplicate_service_location_names_roll_back_the_customer(office_api):
    payload = {"display_name": "Acme", "service_locations": [{"name": "Shop"}, {"name": "shop"}]}

    response = office_api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert "Service location 2: This customer already has a service location with this name." in str(
        response.data["service_locations"]
    )
    assert not Customer.objects.exists()


def test_update_replaces_the_nested_lists(office_api):
    customer = CustomerFactory()
    kept = ServiceLocationFactory(customer=customer, name="Kept")
    removed = ServiceLocationFactory(customer=customer, name="Removed")
    ContactFactory(customer=customer)

    response = office_api.patch(
        _detail(customer),
        {
            "phone": "612-555-0199",
            "service_locations": [{"id": kept.pk, "name": "Kept, renamed"}, {"name": "New"}],
            "contacts": [],
        },
        format="json",
    )

    assert response.status_code == 200, response.data
    assert sorted(loc["name"] for loc in response.data["service_locations"]) == ["Kept, renamed", "New"]
    assert response.data["contacts"] == []
    assert not ServiceLocation.objects.filter(pk=removed.pk).exists()
    kept.refresh_from_db()
    assert kept.name == "Kept, renamed"
    customer.refresh_from_db()
    assert customer.phone == "612-555-0199"


def test_patch_without_nested_lists_keeps_them(office_api):
    location = ServiceLocationFactory()

    response = office_api.patch(_detail(location.customer), {"active": False}, format="json")

    assert response.status_code == 200
    assert [loc["id"] for loc in response.data["service_locations"]] == [location.pk]


def test_service_location_of_another_customer_cannot_be_updated_through_this_one(office_api):
    customer = CustomerFactory()
    stranger = ServiceLocationFactory()

    response = office_api.patch(
        _detail(customer), {"service_locations": [{"id": stranger.pk, "name": "Mine now"}]}, format="json"
    )

    assert response.status_code == 400
    assert f"Service location {stranger.pk} does not belong to this customer." in str(response.data)


def test_service_location_with_invoices_is_not_removed(office_api):
    location = ServiceLocationFactory()
    InvoiceFactory(customer=location.customer, service_location=location)

    response = office_api.patch(_detail(location.customer), {"service_locations": []}, format="json")

    assert response.status_code == 400
    assert "is used by invoices and cannot be removed; set it inactive instead." in str(response.data)
    assert ServiceLocation.objects.filter(pk=location.pk).exists()


def test_division_cannot_change(office_api):
    DivisionFactory(slug="west")
    customer = CustomerFactory()

    response = office_api.patch(_detail(customer), {"division": "west"}, format="json")

    assert response.status_code == 400
    assert "cannot move to another division" in str(response.data["division"])


def test_customer_with_invoices_cannot_be_deleted(owner_api):
    invoice = InvoiceFactory()

    response = owner_api.delete(_detail(invoice.customer))

    assert response.status_code == 409
    assert "in use" in response.data["detail"]


def test_service_locations_endpoint_filters_by_customer(office_api):
    location = ServiceLocationFactory()
    ServiceLocationFactory()

    response = office_api.get("/api/v1/service-locations/", {"customer": location.customer_id})

    assert [row["id"] for row in response.data["results"]] == [location.pk]


def test_service_locations_endpoint_creates_and_keeps_the_customer(office_api):
    customer = CustomerFactory()
    other = CustomerFactory()

    created = office_api.post(
        "/api/v1/service-locations/", {"customer": customer.pk, "name": "Depot"}, format="json"
    )
    moved = office_api.patch(f"/api/v1/service-locations/{created.data['id']}/", {"customer": other.pk}, format="json")

    assert created.status_code == 201, created.data
    assert moved.status_code == 400
    assert moved.data["customer"] == ["A service location cannot move to another customer."]
