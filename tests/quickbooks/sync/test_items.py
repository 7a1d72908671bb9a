"""Items and the chart of accounts, one way in either direction, against the sandbox over real HTTP."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounting.models import Account, AccountType, ItemType
from apps.accounting.services import default_accounts_set
from apps.catalog.models import Item
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import RecordLink, SyncRunStatus
from tests.factories import AccountFactory, ItemFactory
from tests.quickbooks.sync.conftest import configure, entries, remote_create, remote_update, sync

CHART = {
    "Services": {"AccountType": "Income", "AccountSubType": "ServiceFeeIncome"},
    "Sales of Product Income": {"AccountType": "Income", "AccountSubType": "SalesOfProductIncome", "AcctNum": "4100"},
    "Cost of Goods Sold": {"AccountType": "Cost of Goods Sold", "AcctNum": "5000"},
    "Job Materials": {"AccountType": "Expense", "AccountSubType": "SuppliesMaterials"},
    "Inventory Asset": {"AccountType": "Other Current Asset", "AccountSubType": "Inventory", "AcctNum": "1300"},
    "Checking": {"AccountType": "Bank"},
}


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


@pytest.fixture
def chart(company) -> dict[str, SandboxEntity]:
    return {name: remote_create(company, "Account", {"Name": name, **fields}) for name, fields in CHART.items()}


def ref(entity: SandboxEntity) -> dict[str, str]:
    return {"value": entity.entity_id}


def remote_item(company, name: str) -> SandboxEntity:
    return SandboxEntity.objects.get(company=company, entity_type="Item", data__Name=name)


def remote_items(company) -> list[SandboxEntity]:
    return list(SandboxEntity.objects.filter(company=company, entity_type="Item").order_by("id"))


def local_account(division, name: str) -> Account:
    return Account.objects.get(division=division, name=name)


def pulled(division, company, chart) -> None:
    """QuickBooks' chart here, linked: what a first sync of inventory gives."""
    configure(division, inventory_direction="to_quickbooks")
    assert_clean(sync(division))


def defaults_set(division) -> None:
    """Default accounts for every item type, from QuickBooks' chart (pulled first)."""
    income, service_income = local_account(division, "Sales of Product Income"), local_account(division, "Services")
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
    default_accounts_set(
        division=division,
        item_type=ItemType.SERVICE,
        accounts={"income_account": service_income, "expense_account": materials},
    )


# QuickBooks → FieldOffice.


def test_the_chart_of_accounts_is_pulled_and_matched_by_number_then_name(division, connection, company, chart):
    by_number = AccountFactory(division=division, name="Parts Sales", number="4100", account_type=AccountType.INCOME)
    by_name = AccountFactory(division=division, name="job materials", number="6000", account_type=AccountType.EXPENSE)
    configure(division, inventory_direction="to_local")

    run = sync(division)

    assert_clean(run)
    by_number.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_number.name, by_number.number) == ("Sales of Product Income", "4100")
    assert (by_name.name, by_name.number) == ("Job Materials", "6000")  # QuickBooks has no number: kept.
    asset = local_account(division, "Inventory Asset")
    assert (asset.account_type, asset.number) == (AccountType.INVENTORY_ASSET, "1300")
    assert local_account(division, "Cost of Goods Sold").account_type == AccountType.COST_OF_GOODS_SOLD
    assert local_account(division, "Checking").account_type == AccountType.BANK
    actions = {(entity, action) for entity, action, _ in entries(run, entity="account")}
    assert actions == {("account", "linked"), ("account", "created")}
    assert RecordLink.objects.filter(division=division, entity_type="Account").exclude(qbo_id="").count() == len(CHART)

    remote_update(company, "Account", chart["Checking"], {"Name": "Operating Checking", "Active": False})
    run = sync(division)
    assert entries(run, entity="account") == [("account", "deactivated", "Operating Checking")]
    assert local_account(division, "Operating Checking").active is False


def test_a_category_is_skipped_and_noted_once(division, connection, company, chart):
    category = remote_create(company, "Item", {"Name": "Filters", "Type": "Category"})
    remote_create(
        company,
        "Item",
        {
            "Name": "Filter 20x20",
            "Type": "Service",
            "ParentRef": ref(category),
            "IncomeAccountRef": ref(chart["Services"]),
        },
    )
    configure(division, inventory_direction="to_local")

    first = sync(division)

    assert_clean(first)
    (note,) = first.entries.filter(entity="item", action="skipped")
    assert note.record_label == "Filters" and "category" in note.message and "not an item to sell" in note.message
    assert list(Item.objects.filter(division=division).values_list("name", flat=True)) == ["Filter 20x20"]

    remote_update(company, "Item", category, {"Name": "Air Filters"})
    again = sync(division)
    full = sync(division, full=True)
    assert not again.entries.filter(action="skipped").exists()
    assert not full.entries.filter(action="skipped").exists()


def test_items_are_listed_once_when_inventory_is_switched_on_after_other_syncs(division, connection, company, chart):
    labor = remote_create(
        company, "Item", {"Name": "Labor", "Type": "Service", "IncomeAccountRef": ref(chart["Services"])}
    )
    # Made long before the cursor of the syncs that ran while inventory was off: change data capture would miss it.
    SandboxEntity.objects.filter(pk=labor.pk).update(updated_at=timezone.now() - timedelta(days=2))
    configure(division, customers_direction="to_local")
    sync(division)

    configure(division, customers_direction="to_local", inventory_direction="to_local")
    run = sync(division)

    assert_clean(run)
    assert Item.objects.filter(division=division, name="Labor").exists()


# FieldOffice → QuickBooks.


def test_each_item_type_is_pushed_with_default_accounts_and_equipment_goes_as_inventory(
    division, connection, company, chart
):
    pulled(division, company, chart)
    defaults_set(division)
    ItemFactory(division=division, name="Labor", item_type=ItemType.SERVICE, sales_price=Decimal("95.00"))
    ItemFactory(division=division, name="Fittings", item_type=ItemType.NON_INVENTORY, sku="", taxable=False)
    ItemFactory(
        division=division,
        name="Filter",
        item_type=ItemType.INVENTORY,
        quantity_on_hand=Decimal("12.5"),
        quantity_as_of=date(2024, 5, 1),
        description="MERV 11",
    )
    furnace = ItemFactory(
        division=division,
        name="Furnace 80k",
        item_type=ItemType.EQUIPMENT,
        quantity_on_hand=Decimal("3"),
        sales_price=Decimal("2400.00"),
        cost=Decimal("1500.00"),
    )
    ItemFactory(division=division, name="Retired Part", item_type=ItemType.NON_INVENTORY, active=False)

    run = sync(division)

    assert_clean(run)
    labor = remote_item(company, "Labor").data
    assert (labor["Type"], labor["IncomeAccountRef"]["value"]) == ("Service", chart["Services"].entity_id)
    assert labor["ExpenseAccountRef"]["value"] == chart["Job Materials"].entity_id
    fittings = remote_item(company, "Fittings").data
    assert (fittings["Type"], fittings["Taxable"]) == ("NonInventory", False)
    filt = remote_item(company, "Filter").data
    assert (filt["Type"], filt["TrackQtyOnHand"], filt["QtyOnHand"], filt["InvStartDate"]) == (
        "Inventory",
        True,
        Decimal("12.5"),
        "2024-05-01",
    )
    assert filt["AssetAccountRef"]["value"] == chart["Inventory Asset"].entity_id
    assert filt["ExpenseAccountRef"]["value"] == chart["Cost of Goods Sold"].entity_id
    unit = remote_item(company, "Furnace 80k").data
    assert (unit["Type"], unit["QtyOnHand"], unit["UnitPrice"], unit["PurchaseCost"]) == (
        "Inventory",
        3,
        2400,
        1500,
    )
    assert unit["InvStartDate"]  # Never counted here: the day it was created.
    assert remote_item(company, "Retired Part").data["Active"] is False
    assert len(entries(run, entity="item", action="created")) == 5

    # The same company later syncs from QuickBooks: the furnace stays equipment here.
    configure(division, inventory_direction="to_local")
    remote_update(company, "Item", remote_item(company, "Furnace 80k"), {"UnitPrice": 2600})
    run = sync(division)
    assert_clean(run)
    furnace.refresh_from_db()
    assert (furnace.item_type, furnace.sales_price, furnace.quantity_on_hand) == (
        ItemType.EQUIPMENT,
        Decimal("2600.00"),
        Decimal("3"),
    )
