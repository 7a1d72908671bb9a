"""A list costs the same number of queries for 5 records as for 50: no query per row."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.invoicing.models import InvoiceStatus
from apps.invoicing.services import invoice_recalculate
from tests.factories import (
    AccountFactory,
    ContactFactory,
    CustomerFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    ItemFactory,
    PaymentFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db


def _customer() -> None:
    customer = CustomerFactory(tax_rate=TaxRateFactory(), payment_term=PaymentTermFactory())
    ServiceLocationFactory.create_batch(2, customer=customer)
    ContactFactory(customer=customer)


def _invoice() -> None:
    invoice = InvoiceFactory(
        status=InvoiceStatus.UNPAID, service_location=ServiceLocationFactory(), tax_rate=TaxRateFactory()
    )
    InvoiceLineFactory.create_batch(2, invoice=invoice)
    PaymentFactory(invoice=invoice, amount="10.00")
    invoice_recalculate(invoice=invoice)


def _item() -> None:
    ItemFactory(income_account=AccountFactory(), expense_account=AccountFactory(account_type="expense"))


def _location() -> None:
    ServiceLocationFactory()


CASES = [
    ("/api/v1/customers/", _customer),
    ("/api/v1/invoices/", _invoice),
    ("/api/v1/items/", _item),
    ("/api/v1/service-locations/", _location),
    ("/api/v1/accounts/", AccountFactory),
    ("/api/v1/tax-rates/", TaxRateFactory),
    ("/api/v1/payment-terms/", PaymentTermFactory),
]


def _count_queries(client, url: str, expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.data["results"]) == expected_rows
    return len(queries)


@pytest.mark.parametrize(("url", "make"), CASES)
def test_list_query_count_does_not_grow_with_the_page(office_api, url: str, make: Callable[[], object]):
    for _ in range(5):
        make()
    office_api.get(url)  # loads the user's permissions once, as any earlier request would have
    few = _count_queries(office_api, url, expected_rows=5)

    for _ in range(45):
        make()
    many = _count_queries(office_api, url, expected_rows=50)

    assert many == few
