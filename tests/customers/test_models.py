import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from apps.customers.models import Customer
from tests.factories import (
    CustomerAttachmentFactory,
    CustomerFactory,
    DivisionFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db


def test_customers_belong_to_the_default_division_unless_told():
    customer = CustomerFactory()
    assert customer.division.slug == "main"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"company_name": "Basement Bar"}, "Basement Bar"),
        ({"first_name": "Ada", "last_name": "Lovelace"}, "Ada Lovelace"),
        ({"company_name": "Acme", "first_name": "Ada"}, "Acme"),
        ({"display_name": "Acme (north)", "company_name": "Acme"}, "Acme (north)"),
    ],
)
def test_display_name_is_filled_from_company_or_person(fields, expected):
    customer = Customer(**fields)
    customer.clean()
    assert customer.display_name == expected


def test_a_customer_without_any_name_is_refused():
    with pytest.raises(ValidationError, match="display name"):
        Customer().clean()


def test_display_names_are_unique_per_division_ignoring_case():
    CustomerFactory(display_name="Basement Bar")
    with pytest.raises(IntegrityError):
        CustomerFactory(display_name="basement bar")


def test_the_same_display_name_may_exist_in_two_divisions():
    CustomerFactory(display_name="Basement Bar")
    other = CustomerFactory(display_name="Basement Bar", division=DivisionFactory())
    assert other.pk


def test_blank_customer_numbers_do_not_collide_but_real_ones_do():
    CustomerFactory(number="")
    CustomerFactory(number="")
    CustomerFactory(number="C-1")
    with pytest.raises(IntegrityError):
        CustomerFactory(number="C-1")


def test_tax_rate_from_another_division_is_refused():
    customer = CustomerFactory.build(tax_rate=TaxRateFactory(division=DivisionFactory()))
    customer.division_id = CustomerFactory().division_id
    with pytest.raises(ValidationError, match="another division"):
        customer.clean()


def test_billing_address_and_location_address_lines():
    customer = CustomerFactory(billing_street2="")
    assert customer.billing_address == "511 N Washington Ave, Minneapolis, MN, 55401, USA"
    location = ServiceLocationFactory(name="BB_1", customer=customer)
    assert str(location) == "BB_1, 248 N Leandro Cir, Mesa, AZ, 85207"


def test_service_location_names_are_unique_per_customer():
    location = ServiceLocationFactory(name="Main floor")
    with pytest.raises(IntegrityError):
        ServiceLocationFactory(name="MAIN FLOOR", customer=location.customer)


def test_attachment_remembers_the_original_file_name():
    attachment = CustomerAttachmentFactory()
    assert attachment.file_name == "site-plan.txt"
    assert attachment.file.name.startswith(f"customers/{attachment.customer_id}/attachments/")
