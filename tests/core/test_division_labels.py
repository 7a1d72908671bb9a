"""
Records of several divisions are told apart on every screen (a column, and labels such as "Net 15 (Snow Removal)"),
and numbers read as a bookkeeper writes them ("1", "$12.50", "8.025 %"). A company with one division sees neither.
"""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from apps.core.selectors import division_get_default
from apps.invoicing.models import InvoiceStatus
from tests.factories import (
    CustomerFactory,
    DivisionFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db

CUSTOMERS = reverse("admin:customers_customer_changelist")


@pytest.fixture
def snow():
    return DivisionFactory(name="Snow Removal", slug="snow-removal")


def _filter_choices(response, title: str) -> list[str]:
    (spec,) = [spec for spec in response.context["cl"].filter_specs if spec.title == title]
    return [choice["display"] for choice in spec.choices(response.context["cl"])]


def test_filters_name_each_records_division_when_there_are_several(admin_client, snow):
    main = division_get_default()
    CustomerFactory(payment_term=PaymentTermFactory(name="Net 15", division=main))
    CustomerFactory(division=snow, payment_term=PaymentTermFactory(name="Net 15", division=snow))

    response = admin_client.get(CUSTOMERS)

    assert _filter_choices(response, "payment term") == ["All", "Net 15 (Main)", "Net 15 (Snow Removal)", "-"]


def test_one_division_keeps_plain_labels_and_no_division_column(admin_client):
    CustomerFactory(display_name="Lakeside Dental Clinic", payment_term=PaymentTermFactory(name="Net 15"))

    response = admin_client.get(CUSTOMERS)

    assert _filter_choices(response, "payment term") == ["All", "Net 15", "-"]
    assert "division" not in response.context["cl"].list_display


def test_two_customers_of_the_same_name_show_their_divisions(admin_client, snow):
    CustomerFactory(display_name="Lakeside Dental Clinic")
    CustomerFactory(display_name="Lakeside Dental Clinic", division=snow)

    response = admin_client.get(CUSTOMERS)

    assert "division" in response.context["cl"].list_display
    html = response.content.decode()
    assert '<td class="field-division nowrap">Snow Removal</td>' in html
    assert '<td class="field-division nowrap">Main</td>' in html


@pytest.mark.parametrize(
    ("url_name", "record"),
    [
        ("admin:invoicing_invoice_changelist", lambda snow: InvoiceFactory(division=snow, customer__division=snow)),
        ("admin:catalog_item_changelist", lambda snow: ItemFactory(division=snow)),
        ("admin:accounting_taxrate_changelist", lambda snow: TaxRateFactory(division=snow)),
        ("admin:customers_servicelocation_changelist", lambda snow: ServiceLocationFactory(customer__division=snow)),
    ],
)
def test_lists_of_several_divisions_have_a_division_column(admin_client, snow, url_name, record):
    record(snow)
    response = admin_client.get(reverse(url_name))
    assert "division" in response.context["cl"].list_display
    assert ">Snow Removal</td>" in response.content.decode()


def test_choices_and_the_autocomplete_name_the_division(admin_client, snow):
    main_term = PaymentTermFactory(name="Net 15")
    PaymentTermFactory(name="Net 15", division=snow)
    customer = CustomerFactory(display_name="Basement Bar", payment_term=main_term)

    form = admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk])).content.decode()
    assert f'<option value="{main_term.pk}" selected>Net 15 (Main)</option>' in form

    answer = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "customers", "model_name": "customer", "field_name": "payment_term", "term": "Net"},
    ).json()
    assert sorted(result["text"] for result in answer["results"]) == ["Net 15 (Main)", "Net 15 (Snow Removal)"]


def test_lists_show_money_with_its_sign_and_numbers_without_trailing_zeros(admin_client):
    ItemFactory(name="Furnace filter", item_type="inventory", sales_price=D("12.50"), cost=D("4.75"),
                quantity_on_hand=D("48.0000"))
    ItemFactory(name="Labor hour", item_type="service", quantity_on_hand=D("0"))
    TaxRateFactory(name="Minneapolis", percent=D("8.0250"))

    items = admin_client.get(reverse("admin:catalog_item_changelist")).content.decode()
    assert '<td class="field-sales_price_amount">$12.50</td>' in items
    assert '<td class="field-cost_amount">$4.75</td>' in items
    assert '<td class="field-quantity_on_hand_display">48</td>' in items
    assert "48.0000" not in items
    rates = admin_client.get(reverse("admin:accounting_taxrate_changelist")).content.decode()
    assert '<td class="field-percent_display">8.025\u00a0%</td>' in rates


def test_invoice_lines_show_quantities_and_prices_without_trailing_zeros(admin_client):
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice, quantity=D("3.0000"), unit_price=D("149.0000"))
    url = reverse("admin:invoicing_invoice_change", args=[invoice.pk])

    editable = admin_client.get(url).content.decode()
    assert 'name="lines-0-quantity" value="3"' in editable
    assert 'name="lines-0-unit_price" value="149.00"' in editable

    void = InvoiceFactory(status=InvoiceStatus.VOID)
    InvoiceLineFactory(invoice=void, quantity=D("1.5000"), unit_price=D("12.3450"))
    page = admin_client.get(reverse("admin:invoicing_invoice_change", args=[void.pk])).content.decode()
    read_only = " ".join(page.split())
    assert '<td class="field-quantity_shown"> <p>1.5</p> </td>' in read_only
    assert '<td class="field-unit_price_shown"> <p>$12.345</p> </td>' in read_only
    assert "1.5000" not in read_only
