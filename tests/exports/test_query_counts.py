"""An export runs as many queries for 200 rows as for 10: related rows come with the rows, never one by one."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounting.models import AccountType, ItemType
from tests.exports.helpers import post_export
from tests.factories import (
    AccountFactory,
    CustomerAttachmentFactory,
    CustomerFactory,
    DefaultAccountsFactory,
    DivisionFactory,
    InvoiceFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _customers(count: int) -> None:
    rate, term = TaxRateFactory(), PaymentTermFactory()
    for customer in CustomerFactory.create_batch(count, tax_rate=rate, payment_term=term):
        ServiceLocationFactory.create_batch(2, customer=customer)


def _items(count: int) -> None:
    accounts = {
        "income_account": AccountFactory(account_type=AccountType.INCOME),
        "expense_account": AccountFactory(account_type=AccountType.EXPENSE),
        "asset_account": AccountFactory(account_type=AccountType.INVENTORY_ASSET),
    }
    ItemFactory.create_batch(count, item_type=ItemType.INVENTORY, **accounts)


def _default_accounts(count: int) -> None:
    # One row per division and item type.
    for start in range(0, count, len(ItemType)):
        division = DivisionFactory()
        for item_type in list(ItemType)[: count - start]:
            DefaultAccountsFactory(
                division=division,
                item_type=item_type,
                income_account__division=division,
                expense_account__division=division,
            )


def _invoices(count: int) -> None:
    location = ServiceLocationFactory()
    InvoiceFactory.create_batch(
        count,
        customer=location.customer,
        service_location=location,
        payment_term=PaymentTermFactory(),
        tax_rate=TaxRateFactory(),
    )


MAKERS: dict[str, Callable[[int], object]] = {
    "customers.customer": _customers,
    "customers.servicelocation": lambda count: ServiceLocationFactory.create_batch(count),
    "customers.customerattachment": lambda count: CustomerAttachmentFactory.create_batch(count),
    "catalog.item": _items,
    "accounting.account": lambda count: AccountFactory.create_batch(count),
    "accounting.defaultaccounts": _default_accounts,
    "accounting.taxrate": lambda count: TaxRateFactory.create_batch(count),
    "accounting.paymentterm": lambda count: PaymentTermFactory.create_batch(count),
    "invoicing.invoice": _invoices,
    "users.user": lambda count: UserFactory.create_batch(count, roles=["Office", "Read-only"]),
}


def _export_queries(client, label: str, file_format: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = post_export(client, label, file_format)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_export_query_count_does_not_grow_with_rows(admin_client, label, file_format):
    MAKERS[label](10)
    small = _export_queries(admin_client, label, file_format)
    MAKERS[label](190)
    assert _export_queries(admin_client, label, file_format) == small
