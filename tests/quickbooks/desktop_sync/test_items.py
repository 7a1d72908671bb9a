"""
Items and the chart of accounts with QuickBooks Desktop only, one way in either direction, through the engine: what
both backends do with them is a shared scenario (``tests/quickbooks/scenarios/test_items.py``, ``test_accounts.py``).
"""

from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree

from apps.accounting.models import Account, AccountType, ItemType
from apps.accounting.services import default_accounts_set
from apps.catalog.models import Item
from apps.catalog.services import item_update
from apps.qbd_sandbox import services as emulator
from apps.quickbooks.desktop import backend as desktop_backend
from apps.quickbooks.desktop.mapping.accounts import account_record
from apps.quickbooks.desktop.mapping.items import item_fields, item_record
from apps.quickbooks.models import RecordLink, SyncAction, SyncRunStatus, SyncSettings
from apps.quickbooks.sync.specs.accounts import account_fields
from tests.factories import ItemFactory
from tests.quickbooks.desktop_sync.conftest import qbxml
from tests.quickbooks.scenarios.common import DESKTOP_CHART

pytestmark = pytest.mark.django_db


@pytest.fixture
def desktop_items(division, company):
    """Sets the division's inventory direction with the Desktop backend (the settings service refuses it yet)."""
    qbxml(company, DESKTOP_CHART)

    def configure(direction: str):
        SyncSettings.objects.update_or_create(
            division=division,
            defaults={
                "integration_type": "desktop",
                "customers_direction": "off",
                "inventory_direction": direction,
                "invoices_direction": "off",
                "sync_tax_rates_and_terms": False,
            },
        )
        return division

    return configure


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def entries(run, **filters) -> list[tuple[str, str, str]]:
    return list(run.entries.filter(**filters).values_list("entity", "action", "record_label"))


def item_add(company, kind: str, name: str, body: str = "") -> dict[str, str]:
    root = qbxml(company, f"<{kind}AddRq><{kind}Add><Name>{name}</Name>{body}</{kind}Add></{kind}AddRq>")
    ret = root.find(f".//{kind}Ret")
    return {"ListID": ret.findtext("ListID"), "EditSequence": ret.findtext("EditSequence")}


def item_ret(company, name: str) -> etree._Element:
    root = qbxml(company, f"<ItemQueryRq><FullName>{name}</FullName></ItemQueryRq>")
    (ret,) = [element for element in root.find(".//ItemQueryRs") if element.tag.endswith("Ret")]
    return ret


def local_account(division, name: str) -> Account:
    return Account.objects.get(division=division, name=name)


def defaults_set(division) -> None:
    """Default accounts for every item type, from the company file's chart (pulled first)."""
    income, service_income = local_account(division, "Materials Income"), local_account(division, "Service Income")
    cogs, materials = local_account(division, "Cost of Goods Sold"), local_account(division, "Job Materials")
    asset = local_account(division, "Inventory Asset")
    stocked = {"income_account": income, "expense_account": cogs, "asset_account": asset}
    default_accounts_set(division=division, item_type=ItemType.INVENTORY, accounts=stocked)
    default_accounts_set(division=division, item_type=ItemType.EQUIPMENT, accounts=stocked)
    default_accounts_set(
        division=division,
        item_type=ItemType.NON_INVENTORY,
        accounts={"income_account": income, "expense_account": materials},
    )
    default_accounts_set(division=division, item_type=ItemType.SERVICE, accounts={"income_account": service_income})


# QuickBooks Desktop → FieldOffice.

TAX, NON = (
    "<SalesTaxCodeRef><FullName>Tax</FullName></SalesTaxCodeRef>",
    "<SalesTaxCodeRef><FullName>Non</FullName></SalesTaxCodeRef>",
)


def pulled_items(company) -> None:
    """One item of each kind Desktop sells, an inactive one, a sub-item and a sales tax item (already there)."""
    item_add(
        company,
        "ItemInventory",
        "Air Filter 16x25",
        "<ManufacturerPartNumber>AF-1625</ManufacturerPartNumber>"
        f"{TAX}<SalesDesc>Pleated, MERV 11</SalesDesc><SalesPrice>24.50</SalesPrice>"
        "<IncomeAccountRef><FullName>Materials Income</FullName></IncomeAccountRef><PurchaseCost>9.25</PurchaseCost>"
        "<COGSAccountRef><FullName>Cost of Goods Sold</FullName></COGSAccountRef>"
        "<AssetAccountRef><FullName>Inventory Asset</FullName></AssetAccountRef>"
        "<QuantityOnHand>40</QuantityOnHand><InventoryDate>2024-03-01</InventoryDate>",
    )
    item_add(
        company,
        "ItemNonInventory",
        "Copper Fittings",
        f"<ManufacturerPartNumber>CF-12</ManufacturerPartNumber>{NON}<SalesAndPurchase><SalesDesc>Fittings</SalesDesc>"
        "<SalesPrice>12.5</SalesPrice><IncomeAccountRef><FullName>Materials Income</FullName></IncomeAccountRef>"
        "<PurchaseCost>4.10</PurchaseCost><ExpenseAccountRef><FullName>Job Materials</FullName></ExpenseAccountRef>"
        "</SalesAndPurchase>",
    )
    service = (
        f"{NON}<SalesOrPurchase><Desc>Hourly labor</Desc><Price>95</Price>"
        "<AccountRef><FullName>Service Income</FullName></AccountRef></SalesOrPurchase>"
    )
    item_add(company, "ItemService", "Labor", service)
    item_add(company, "ItemService", "Old Visit", f"<IsActive>false</IsActive>{service}")
    item_add(company, "ItemService", "Overtime", f"<ParentRef><FullName>Labor</FullName></ParentRef>{service}")


def test_a_sub_item_arrives_and_the_sales_tax_item_is_noted_once_all_read_by_one_query(
    desktop_items, desktop_sync, company
):
    """What each kind of item brings is a shared scenario (``tests/quickbooks/scenarios/test_items.py``)."""
    division = desktop_items("to_local")
    pulled_items(company)

    run = desktop_sync()

    assert_clean(run)
    assert Item.objects.get(division=division, name="Overtime").item_type == ItemType.SERVICE
    (note,) = run.entries.filter(entity="item", action=SyncAction.SKIPPED)
    assert note.record_label == "State Tax" and "Sales Tax items are not products or services" in note.message
    assert len(entries(run, entity="item", action="created")) == 5
    assert desktop_sync.transport.requests("ItemQuery") == 1

    again = desktop_sync()

    assert_clean(again)
    assert again.counts == {} and not again.entries.exists()  # Nothing changed; the tax item is noted once only.


# FieldOffice → QuickBooks Desktop.


def pushing(desktop_items, desktop_sync):
    """The chart here and linked (a first sync of inventory), then default accounts for every item type."""
    division = desktop_items("to_quickbooks")
    assert_clean(desktop_sync())
    defaults_set(division)
    return division


def test_edits_go_out_as_mods_of_the_desktop_type_and_desktop_edits_are_not_pulled(
    desktop_items, desktop_sync, company
):
    division = pushing(desktop_items, desktop_sync)
    labor = ItemFactory(division=division, name="Labor", item_type=ItemType.SERVICE, sales_price=Decimal("95.00"))
    filt = ItemFactory(division=division, name="Filter", item_type=ItemType.INVENTORY, quantity_on_hand=Decimal("4"))
    desktop_sync()
    link = RecordLink.objects.get(division=division, entity_type="Item", object_id=labor.pk)
    assert link.sync_token.endswith("/Service")

    # Edited in Desktop meanwhile: not pulled, and the edit sequence FieldOffice holds is now out of date.
    ret = item_ret(company, "Labor")
    qbxml(
        company,
        f"<ItemServiceModRq><ItemServiceMod><ListID>{link.qbo_id}</ListID>"
        f"<EditSequence>{ret.findtext('EditSequence')}</EditSequence><Name>Labour</Name></ItemServiceMod>"
        "</ItemServiceModRq>",
    )
    # A non-inventory item here now, with an expense account: still a service item in Desktop, sold and bought.
    item_update(
        item=labor,
        item_type=ItemType.NON_INVENTORY,
        sales_price=Decimal("110.00"),
        active=False,
        expense_account=local_account(division, "Job Materials"),
    )
    item_update(item=filt, item_type=ItemType.SERVICE, quantity_on_hand=Decimal("0"), quantity_as_of=None)
    run = desktop_sync()

    assert run.status == SyncRunStatus.PARTIAL
    assert entries(run, entity="item", action="updated") == [("item", "updated", "Labor")]
    (failed,) = run.entries.filter(action="failed")
    assert failed.record_label == "Filter" and "cannot change an item between inventory" in failed.message
    documents = "".join(desktop_sync.transport.documents)
    assert documents.count("<ItemServiceModRq") == 2 and "<ItemNonInventoryModRq" not in documents
    ret = item_ret(company, "Labor")  # Renamed back: FieldOffice is master.
    assert (ret.tag, ret.findtext("IsActive")) == ("ItemServiceRet", "false")
    assert ret.find("SalesOrPurchase") is None  # Sold and bought now: two accounts instead of one.
    assert ret.findtext("SalesAndPurchase/SalesPrice") == "110.00"
    assert ret.findtext("SalesAndPurchase/ExpenseAccountRef/FullName") == "Job Materials"
    labor.refresh_from_db()
    assert (labor.name, labor.item_type) == ("Labor", ItemType.NON_INVENTORY)

    item_update(item=filt, item_type=ItemType.INVENTORY, sales_price=Decimal("30.00"), quantity_on_hand=Decimal("9"))
    run = desktop_sync()

    assert_clean(run)
    ret = item_ret(company, "Filter")
    # Desktop changes quantities through inventory adjustments only: the Mod leaves the quantity alone.
    assert (ret.findtext("SalesPrice"), Decimal(ret.findtext("QuantityOnHand"))) == ("30.00", Decimal("4"))
    assert "<QuantityOnHand>" not in desktop_sync.transport.documents[-1]


def test_a_long_item_list_is_read_with_iterators(desktop_items, desktop_sync, company, division, monkeypatch):
    # Pages of 50 instead of 500: the same iterator, Start then Continue, over a list a tenth as long.
    monkeypatch.setattr(desktop_backend, "PAGE_SIZE", 50)
    desktop_items("to_local")
    emulator.company_seed(company, items=110)

    run = desktop_sync()

    assert_clean(run)
    assert Item.objects.filter(division=division).count() == 110
    documents = desktop_sync.transport.documents
    assert len(documents) == 3  # 50 + 50 + 10 items; the chart and deletions ride in the first.
    assert "<MaxReturned>50</MaxReturned>" in documents[0]
    assert 'iterator="Start"' in documents[0] and 'iterator="Continue"' in documents[1]
    assert "<AccountQueryRq" in documents[0] and "<AccountQueryRq" not in documents[1]


# The translations on their own.


def test_desktop_accounts_read_as_online_accounts():
    inventory = account_record(
        {
            "ListID": "80000005-1",
            "EditSequence": "17",
            "Name": "Inventory Asset",
            "FullName": "Inventory Asset",
            "AccountType": "OtherCurrentAsset",
            "SpecialAccountType": "InventoryAssets",
            "AccountNumber": "1120",
        }
    )
    sub = account_record(
        {
            "ListID": "80000006-1",
            "Name": "Parts",
            "FullName": "Sales:Parts",
            "Sublevel": "1",
            "ParentRef": {"ListID": "80000007-1", "FullName": "Sales"},
            "AccountType": "Income",
            "IsActive": "false",
        }
    )

    assert account_fields(inventory) == {
        "name": "Inventory Asset",
        "account_type": AccountType.INVENTORY_ASSET,
        "description": "",
        "active": True,
        "number": "1120",
    }
    assert (account_fields(sub)["name"], account_fields(sub)["active"]) == ("Sales:Parts", False)
    assert sub.parent_id == "80000007-1"  # Its parent's name is the first part of its own.


def test_one_account_for_sales_and_purchases_serves_both_roles_and_the_type_rides_in_the_token():
    record = item_record(
        {
            "ListID": "80000010-1",
            "EditSequence": "1700000000",
            "Name": "Subcontracting",
            "SalesTaxCodeRef": {"FullName": "Tax"},
            "SalesOrPurchase": {"Price": "80.00", "AccountRef": {"ListID": "80000008-1"}},
        },
        "ItemServiceRet",
    )

    assert (record.item_type, record.kind, record.version, record.taxable) == (
        ItemType.SERVICE,
        "Service",
        "1700000000/Service",
        True,
    )
    assert record.income_account_id == record.expense_account_id == "80000008-1"
    mod = item_fields(replace(record, expense_account_id=""), "ItemService")
    assert (mod["ListID"], mod["EditSequence"]) == ("80000010-1", "1700000000")
    assert mod["SalesOrPurchaseMod"]["AccountRef"] == {"ListID": "80000008-1"}
    assert "ManufacturerPartNumber" not in mod  # Service items have none.
