"""What every list shares: pagination, ?division=, ?active=, ?updated_since=, ?search= and ?ordering=."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.customers.models import Customer
from tests.factories import (
    AccountFactory,
    CustomerFactory,
    DivisionFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    assert response.status_code == 200, response.data
    return [row.get("display_name") or row["name"] for row in response.data["results"]]


def test_lists_are_paginated(read_only_api):
    CustomerFactory.create_batch(3)

    response = read_only_api.get("/api/v1/customers/", {"page_size": 2})

    assert response.data["count"] == 3
    assert len(response.data["results"]) == 2
    assert response.data["next"].endswith("page=2&page_size=2")
    assert response.data["previous"] is None


def test_default_page_size_is_50(read_only_api):
    TaxRateFactory.create_batch(51)

    response = read_only_api.get("/api/v1/tax-rates/")

    assert (response.data["count"], len(response.data["results"])) == (51, 50)


@pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("/api/v1/customers/", CustomerFactory),
        ("/api/v1/items/", ItemFactory),
        ("/api/v1/accounts/", AccountFactory),
        ("/api/v1/tax-rates/", TaxRateFactory),
        ("/api/v1/payment-terms/", PaymentTermFactory),
    ],
)
def test_division_filter(read_only_api, url, factory):
    west = DivisionFactory(name="West", slug="west")
    in_main = factory()
    in_west = factory(division=west)

    def ids(params):
        return {row["id"] for row in read_only_api.get(url, params).data["results"]}

    assert ids({"division": "west"}) == {in_west.pk}
    assert ids({"division": "main"}) == {in_main.pk}
    assert ids({"division": "nowhere"}) == set()
    assert ids({}) == {in_main.pk, in_west.pk}


def test_division_filter_on_service_locations_goes_through_the_customer(read_only_api):
    west = DivisionFactory(slug="west")
    location = ServiceLocationFactory(customer__division=west)
    ServiceLocationFactory()

    response = read_only_api.get("/api/v1/service-locations/", {"division": "west"})

    assert [row["id"] for row in response.data["results"]] == [location.pk]


@pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("/api/v1/customers/", CustomerFactory),
        ("/api/v1/items/", ItemFactory),
        ("/api/v1/accounts/", AccountFactory),
        ("/api/v1/tax-rates/", TaxRateFactory),
        ("/api/v1/payment-terms/", PaymentTermFactory),
        ("/api/v1/service-locations/", ServiceLocationFactory),
    ],
)
def test_active_filter(read_only_api, url, factory):
    active = factory()
    inactive = factory(active=False)

    def ids(value):
        return {row["id"] for row in read_only_api.get(url, {"active": value}).data["results"]}

    assert ids("true") == {active.pk}
    assert ids("false") == {inactive.pk}


def test_bad_boolean_is_a_400(read_only_api):
    response = read_only_api.get("/api/v1/items/", {"active": "maybe"})

    assert response.status_code == 400
    assert response.data == {"active": ["“maybe” is not true or false."]}


def test_updated_since(read_only_api):
    now = timezone.now()
    old = CustomerFactory()
    recent = CustomerFactory()
    # No sleeping: move the old record's timestamp back instead.
    Customer.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=2))
    since = (now - timedelta(days=1)).isoformat()

    response = read_only_api.get("/api/v1/customers/", {"updated_since": since})

    assert [row["id"] for row in response.data["results"]] == [recent.pk]


def test_updated_since_accepts_an_unencoded_plus_and_a_date(read_only_api):
    old = CustomerFactory()
    Customer.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=400))
    recent = CustomerFactory()
    since = (timezone.now() - timedelta(days=1)).replace(microsecond=0)

    unencoded = read_only_api.get(f"/api/v1/customers/?updated_since={since.isoformat()}")  # "+00:00" -> " 00:00"
    day = read_only_api.get("/api/v1/customers/", {"updated_since": since.date().isoformat()})

    assert [row["id"] for row in unencoded.data["results"]] == [recent.pk]
    assert [row["id"] for row in day.data["results"]] == [recent.pk]


def test_updated_since_rejects_garbage(read_only_api):
    response = read_only_api.get("/api/v1/invoices/", {"updated_since": "last tuesday"})

    assert response.status_code == 400
    assert "updated_since" in response.data


def test_search_and_ordering(read_only_api):
    ItemFactory(name="Copper pipe", sku="CU-1")
    ItemFactory(name="Brass valve", sku="BR-1")
    ItemFactory(name="Copper elbow", sku="CU-2")

    assert _names(read_only_api.get("/api/v1/items/", {"search": "copper"})) == ["Copper elbow", "Copper pipe"]
    assert _names(read_only_api.get("/api/v1/items/", {"search": "CU-", "ordering": "-sku"})) == [
        "Copper elbow", "Copper pipe",
    ]
