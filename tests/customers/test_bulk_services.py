"""
The bulk services check each record by the rules one record saved alone follows, with the same errors as Django's
``full_clean()`` (the reference here), and write the records that pass in a few queries.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.customers.models import Customer, ServiceLocation
from apps.customers.services import (
    Upsert,
    customer_create,
    customer_update,
    customers_bulk_upsert,
    locations_bulk_upsert,
    service_location_create,
)
from tests.factories import CustomerFactory, DivisionFactory, ServiceLocationFactory, TaxRateFactory

pytestmark = pytest.mark.django_db


def _reference_error(record) -> ValidationError | None:
    """What the services raised before they had rules of their own: ``clean()``, then ``full_clean()``."""
    try:
        record.clean()
        record.full_clean()
    except ValidationError as error:
        return error
    return None


def _described(error: ValidationError | None):
    if error is None:
        return None
    return (error.message_dict if hasattr(error, "error_dict") else None, error.messages)


@pytest.fixture
def division():
    return DivisionFactory(slug="main")


def _customer_cases(division):
    other_division = DivisionFactory()
    CustomerFactory(division=division, display_name="Basement Bar", number="C-1")
    return [
        {"division": division},
        {"division": division, "display_name": "x" * 101},
        {"division": division, "display_name": "Acme", "email": "not an address"},
        {"division": division, "display_name": "x" * 101, "email": "not an address", "phone": "9" * 31},
        {"division": division, "display_name": "BASEMENT bar"},
        {"division": division, "display_name": "Basement Bar 2", "number": "C-1"},
        {"division": division, "display_name": "basement bar", "number": "C-1", "phone": "9" * 31},
        {"division": division, "display_name": "Far", "tax_rate": TaxRateFactory(division=other_division)},
        {"division": division, "display_name": "Fine", "tax_rate": TaxRateFactory(division=division)},
        {"division": other_division, "display_name": "Basement Bar", "number": "C-1"},
        {"division": division, "company_name": "Only a company"},
        {"division_id": 987654, "display_name": "Nowhere"},
    ]


def test_a_bulk_customer_fails_with_the_errors_full_clean_gives(division):
    cases = _customer_cases(division)
    expected = [_described(_reference_error(Customer(**fields))) for fields in cases]
    assert any(expected) and not all(expected)

    results = customers_bulk_upsert(rows=[Upsert(record=None, fields=fields) for fields in cases])

    got = [_described(result) if isinstance(result, ValidationError) else None for result in results]
    assert got == expected
    for fields, result, error in zip(cases, results, expected, strict=True):
        if error is None:
            assert result.pk and Customer.objects.get(pk=result.pk).display_name == result.display_name
        else:
            assert (
                not Customer.objects.filter(display_name=fields.get("display_name") or "")
                .exclude(display_name="Basement Bar")
                .exists()
            )


def test_one_customer_saved_alone_fails_with_the_same_errors(division):
    for fields in _customer_cases(division):
        expected = _described(_reference_error(Customer(**fields)))
        try:
            customer_create(**fields)
        except ValidationError as error:
            assert _described(error) == expected
        else:
            assert expected is None


def test_a_later_record_of_the_batch_cannot_take_a_name_an_earlier_one_took(division):
    results = customers_bulk_upsert(
        rows=[
            Upsert(record=None, fields={"division": division, "display_name": "Twin"}),
            Upsert(record=None, fields={"division": division, "display_name": "TWIN"}),
            Upsert(record=None, fields={"division": division, "display_name": "Other", "number": "7"}),
            Upsert(record=None, fields={"division": division, "display_name": "Other 2", "number": "7"}),
        ]
    )
    assert isinstance(results[0], Customer) and isinstance(results[2], Customer)
    assert results[1].messages == ["Another customer of this division has this display name."]
    assert results[3].messages == ["Another customer of this division has this number."]
    assert Customer.objects.filter(division=division).count() == 2


def test_updates_are_checked_in_order_and_a_name_given_up_may_be_taken(division):
    first = CustomerFactory(division=division, display_name="Alpha")
    second = CustomerFactory(division=division, display_name="Beta")
    third = CustomerFactory(division=division, display_name="Gamma")
    results = customers_bulk_upsert(
        rows=[
            Upsert(record=first, fields={"display_name": "Delta"}),
            Upsert(record=second, fields={"display_name": "alpha"}),
            Upsert(record=third, fields={"display_name": "BETA", "phone": "555"}),
        ]
    )
    assert results == [first, second, third]
    names = dict(Customer.objects.filter(division=division).values_list("pk", "display_name"))
    assert names == {first.pk: "Delta", second.pk: "alpha", third.pk: "BETA"}
    assert Customer.objects.get(pk=third.pk).phone == "555"


def test_an_update_that_takes_a_name_in_use_fails_alone(division):
    first = CustomerFactory(division=division, display_name="Alpha")
    second = CustomerFactory(division=division, display_name="Beta")
    before = Customer.objects.get(pk=second.pk).updated_at
    results = customers_bulk_upsert(
        rows=[
            Upsert(record=first, fields={"display_name": "BETA"}),
            Upsert(record=second, fields={"phone": "555"}),
        ]
    )
    assert results[0].messages == ["Another customer of this division has this display name."]
    assert results[1] == second
    assert Customer.objects.get(pk=first.pk).display_name == "Alpha"
    stored = Customer.objects.get(pk=second.pk)
    assert stored.phone == "555" and stored.updated_at > before


def test_a_same_name_update_after_validation_matches_customer_update(division):
    customer = CustomerFactory(division=division, display_name="Alpha")
    other = CustomerFactory(division=division, display_name="Beta")
    with pytest.raises(ValidationError) as alone:
        customer_update(customer=Customer.objects.get(pk=customer.pk), display_name="beta")
    [result] = customers_bulk_upsert(rows=[Upsert(record=customer, fields={"display_name": "beta"})])
    assert result.messages == alone.value.messages
    assert other.display_name == "Beta"


def test_bulk_customers_cost_a_few_queries_whatever_their_number(division):
    rows = [Upsert(record=None, fields={"division": division, "display_name": f"Customer {n}"}) for n in range(400)]
    with CaptureQueriesContext(connection) as queries:
        results = customers_bulk_upsert(rows=rows)
    assert all(isinstance(result, Customer) and result.pk for result in results)
    # Savepoint, relations, names taken, and the inserts (SQLite takes 999 values a statement: about 50 customers).
    assert len(queries) <= 20


def test_a_bulk_location_fails_with_the_errors_full_clean_gives(division):
    customer = CustomerFactory(division=division)
    other = CustomerFactory(division=division)
    ServiceLocationFactory(customer=customer, name="Main floor")
    cases = [
        {"customer": customer, "name": "MAIN FLOOR"},
        {"customer": other, "name": "Main floor"},
        {"customer": customer, "name": ""},
        {"customer": customer, "name": "x" * 101, "postal_code": "1" * 21},
        {"customer": customer, "name": "Basement"},
        {"customer": customer, "name": "basement"},
        {"customer_id": 987654, "name": "Nowhere"},
    ]
    expected, saved = [], []
    for fields in cases:
        expected.append(_described(_reference_error(ServiceLocation(**fields))))
        # The reference sees the earlier locations of the batch as saved, as the bulk service does.
        if expected[-1] is None:
            saved.append(ServiceLocation.objects.create(**fields).pk)
    ServiceLocation.objects.filter(pk__in=saved).delete()

    results = locations_bulk_upsert(rows=[Upsert(record=None, fields=fields) for fields in cases])

    got = [_described(result) if isinstance(result, ValidationError) else None for result in results]
    assert got == expected
    assert sorted(ServiceLocation.objects.values_list("name", flat=True)) == ["Basement", "Main floor", "Main floor"]


def test_one_location_saved_alone_fails_with_the_same_errors(division):
    location = ServiceLocationFactory(name="Main floor")
    expected = _described(_reference_error(ServiceLocation(customer=location.customer, name="main FLOOR")))
    with pytest.raises(ValidationError) as alone:
        service_location_create(customer=location.customer, name="main FLOOR")
    assert _described(alone.value) == expected
    [result] = locations_bulk_upsert(rows=[Upsert(record=None, fields={"customer": location.customer, "name": "x"})])
    assert result.pk


def test_a_location_moves_to_another_customer_and_keeps_the_rules(division):
    location = ServiceLocationFactory(name="Shop")
    target = CustomerFactory(division=division)
    ServiceLocationFactory(customer=target, name="shop")
    [refused] = locations_bulk_upsert(rows=[Upsert(record=location, fields={"customer": target})])
    assert refused.messages == ["This customer already has a service location with this name."]
    [moved] = locations_bulk_upsert(rows=[Upsert(record=location, fields={"customer": target, "name": "Shop 2"})])
    assert ServiceLocation.objects.get(pk=moved.pk).customer_id == target.pk
