"""The one account FieldOffice writes to QuickBooks Desktop: an account an Owner asked to create there."""

import pytest

from apps.accounting.models import Account, AccountType, ItemType
from apps.quickbooks.mapping.desktop.accounts import (
    READ_ONLY,
    TYPES_OUT,
    AccountsAdapter,
    account_add_fields,
    account_type,
)
from apps.quickbooks.models import AccountMapping, RecordLink, SyncRunStatus, SyncSettings
from apps.quickbooks.services.account_mapping import account_mapping_set
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write
from apps.quickbooks.sync.records import ACCOUNT, AccountRecord
from tests.factories import AccountFactory, ItemFactory
from tests.quickbooks.desktop_sync.conftest import qbxml

pytestmark = pytest.mark.django_db


def account_ret(company, name: str):
    return qbxml(company, f"<AccountQueryRq><FullName>{name}</FullName></AccountQueryRq>").find(".//AccountRet")


@pytest.fixture
def pushing_items(division):
    SyncSettings.objects.update_or_create(
        division=division,
        defaults={
            "integration_type": "desktop",
            "customers_direction": "off",
            "inventory_direction": "to_quickbooks",
            "invoices_direction": "off",
            "sync_tax_rates_and_terms": False,
        },
    )
    return division


def test_an_account_to_create_is_added_to_the_company_file_and_the_item_names_it(pushing_items, desktop_sync, company):
    division = pushing_items
    desktop_sync()  # Reads the company file's chart.
    labor = AccountFactory(division=division, name="Subcontracted Labor", account_type=AccountType.COST_OF_GOODS_SOLD)
    income = Account.objects.get(division=division, name="Construction Income")
    ItemFactory(
        division=division, name="Labor hour", item_type=ItemType.SERVICE, income_account=income, expense_account=labor
    )
    failed = desktop_sync()
    assert failed.status == SyncRunStatus.PARTIAL
    assert "not in QuickBooks' chart of accounts" in failed.entries.get(action="failed").message

    account_mapping_set(division=division, account=labor, create_in_quickbooks=True)
    run = desktop_sync()

    assert run.status == SyncRunStatus.SUCCEEDED, list(run.entries.values_list("message", flat=True))
    assert run.entity_counts == {"account": {"created": 1}, "item": {"created": 1}}
    created = account_ret(company, "Subcontracted Labor")
    assert created.findtext("AccountType") == "CostOfGoodsSold"
    link = RecordLink.objects.get(division=division, entity_type=ACCOUNT, object_id=labor.pk)
    assert link.qbo_id == created.findtext("ListID")
    assert not AccountMapping.objects.filter(account=labor).exists()  # Linked now: nothing left to map.
    item = qbxml(company, "<ItemQueryRq><FullName>Labor hour</FullName></ItemQueryRq>").find(".//ItemServiceRet")
    assert created.findtext("ListID") in {element.text for element in item.iter("ListID")}
    again = desktop_sync()
    assert again.entries.count() == 0 and again.status == SyncRunStatus.SUCCEEDED
    assert desktop_sync.transport.requests("AccountAdd") == 0


def test_what_an_account_is_created_as():
    inventory = AccountRecord(name="Parts: Stock on the trucks of the north crew", account_type="inventory_asset")
    numbered = AccountRecord(name="Subcontracted Labor", account_type="cost_of_goods_sold", number="5200")

    assert account_add_fields(inventory) == {
        "Name": "Parts - Stock on the trucks of",
        "AccountType": "OtherCurrentAsset",
    }
    assert account_add_fields(numbered) == {
        "Name": "Subcontracted Labor",
        "AccountType": "CostOfGoodsSold",
        "AccountNumber": "5200",
    }
    # Every type here has one in Desktop, read back as the same type (an inventory asset account is the one Desktop
    # marks itself, so one created as an other current asset reads back as such).
    assert set(TYPES_OUT) == set(AccountType.values)
    for local, desktop in TYPES_OUT.items():
        expected = AccountType.OTHER_CURRENT_ASSET if local == AccountType.INVENTORY_ASSET else local
        assert account_type({"AccountType": desktop}) == expected


def test_an_account_desktop_has_is_never_changed():
    change = Write(
        ACCOUNT, UPDATE, AccountRecord(remote_id="80000001-1", version="1", name="Checking", account_type="bank")
    )
    create = Write(ACCOUNT, CREATE, AccountRecord(name="Savings", account_type="bank"))

    planned, refused = AccountsAdapter().plan([(0, change), (1, create)], seen=None)

    assert [request.kind for request in planned] == ["AccountAdd"]
    assert str(refused[0][1]) == READ_ONLY
