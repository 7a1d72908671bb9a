"""The items and accounts mappings on their own: payloads, comparable forms and local fields."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounting.models import AccountType, ItemType
from apps.catalog.models import Item
from apps.quickbooks.mapping import items
from apps.quickbooks.mapping.common import content_hash
from apps.quickbooks.mapping.items import ItemAccounts
from apps.quickbooks.online.mapping import accounts
from apps.quickbooks.online.mapping import items as online_items
from apps.quickbooks.sync.specs.accounts import account_fields

REFS = {"income_account": "11", "expense_account": "12", "asset_account": "13"}


def _item(**fields) -> Item:
    values = {
        "division_id": 1,  # No database: the default division is not looked up.
        "item_type": ItemType.SERVICE,
        "name": "Labor",
        "sku": "LAB",
        "description": "Technician labor",
        "sales_price": Decimal("95.00"),
        "cost": Decimal("40.00"),
        "taxable": True,
        "active": True,
    }
    values.update(fields)
    return Item(**values)


def _payload(item: Item, refs: dict[str, str]) -> dict:
    """What QuickBooks Online is sent for ``item``."""
    return online_items.record_payload(items.item_sent(item, refs))


def _comparable(obj: dict) -> dict:
    """The comparable form of an item QuickBooks Online holds or is sent."""
    return items.record_comparable(online_items.item_record(obj))


def _fields(obj: dict, accounts: ItemAccounts, current_type: str | None = None) -> dict:
    """The local fields of an item QuickBooks Online holds."""
    return items.record_fields(online_items.item_record(obj), accounts, current_type)


def _accounts() -> ItemAccounts:
    linked = ItemAccounts()
    linked.add(1, "11", AccountType.INCOME)
    linked.add(2, "12", AccountType.COST_OF_GOODS_SOLD)
    linked.add(3, "13", AccountType.INVENTORY_ASSET)
    linked.add(4, "14", AccountType.BANK)
    return linked


# Payloads.


@pytest.mark.parametrize(
    ("item_type", "remote_type"),
    [
        (ItemType.SERVICE, "Service"),
        (ItemType.NON_INVENTORY, "NonInventory"),
        (ItemType.INVENTORY, "Inventory"),
        (ItemType.EQUIPMENT, "Inventory"),
    ],
)
def test_each_type_goes_as_its_quickbooks_type(item_type, remote_type):
    assert _payload(_item(item_type=item_type), REFS)["Type"] == remote_type


def test_a_service_payload_has_no_stock_and_no_asset_account():
    payload = _payload(_item(), REFS)

    assert payload == {
        "Name": "Labor",
        "Type": "Service",
        "Sku": "LAB",
        "Description": "Technician labor",
        "Active": True,
        "Taxable": True,
        "UnitPrice": Decimal("95.00"),
        "PurchaseCost": Decimal("40.00"),
        "TrackQtyOnHand": False,
        "IncomeAccountRef": {"value": "11"},
        "ExpenseAccountRef": {"value": "12"},
    }


def test_stocked_items_track_quantity_from_their_count_date():
    payload = _payload(
        _item(item_type=ItemType.EQUIPMENT, quantity_on_hand=Decimal("2.5"), quantity_as_of=date(2024, 4, 1)), REFS
    )

    assert (payload["TrackQtyOnHand"], payload["QtyOnHand"], payload["InvStartDate"]) == (
        True,
        Decimal("2.5"),
        "2024-04-01",
    )
    assert payload["AssetAccountRef"] == {"value": "13"}


def test_an_item_never_counted_starts_the_day_it_was_created_here():
    created = timezone.make_aware(datetime(2023, 2, 3, 12, 0))
    item = _item(item_type=ItemType.INVENTORY, created_at=created)

    assert _payload(item, REFS)["InvStartDate"] == "2023-02-03"
    assert items.start_date(_item(item_type=ItemType.INVENTORY)) == timezone.localdate().isoformat()


def test_names_lose_colons_and_are_cut_to_100_characters_and_descriptions_to_4000():
    payload = _payload(_item(name="Filters: 16x25", description="x" * 5000), {})
    assert payload["Name"] == "Filters - 16x25"
    assert len(payload["Description"]) == 4000
    assert len(_payload(_item(name="y" * 120), {})["Name"]) == 100
    assert "IncomeAccountRef" not in payload


# Comparable forms.


def test_a_payload_and_the_item_quickbooks_holds_for_it_compare_equal():
    payload = _payload(
        _item(item_type=ItemType.INVENTORY, quantity_on_hand=Decimal("40"), quantity_as_of=date(2024, 3, 1)), REFS
    )
    remote = {
        **{key: value for key, value in payload.items() if not key.endswith("Ref")},
        "Id": "7",
        "SyncToken": "3",
        "UnitPrice": 95,
        "PurchaseCost": 40.0,
        "QtyOnHand": 40,
        "IncomeAccountRef": {"value": "11", "name": "Sales"},
        "ExpenseAccountRef": {"value": "12", "name": "Cost of Goods Sold"},
        "AssetAccountRef": {"value": "13", "name": "Inventory Asset"},
        "FullyQualifiedName": "Labor",
        "MetaData": {"CreateTime": "2024-03-01T10:00:00-08:00"},
    }

    assert content_hash(_comparable(payload)) == content_hash(_comparable(remote))


@pytest.mark.parametrize(
    "change",
    [
        {"UnitPrice": "96"},
        {"Taxable": False},
        {"Active": False},
        {"Sku": "LAB-2"},
        {"Description": "Other"},
        {"IncomeAccountRef": {"value": "99"}},
        {"Type": "NonInventory"},
    ],
)
def test_any_synced_field_changes_the_hash(change):
    payload = _payload(_item(), REFS)
    assert content_hash(_comparable(payload)) != content_hash(_comparable({**payload, **change}))


def test_non_stocked_items_compare_without_stock_fields():
    comparable = _comparable({"Name": "Labor", "Type": "Service", "QtyOnHand": 5, "AssetAccountRef": "1"})
    assert (comparable["QtyOnHand"], comparable["AssetAccountRef"], comparable["InvStartDate"]) == (None, "", "")
    assert comparable["Taxable"] is False  # QuickBooks leaves items non-taxable unless told.


# Local fields.


def _remote(**fields) -> dict:
    return {
        "Id": "7",
        "Name": "Air Filter",
        "Type": "Inventory",
        "Sku": "AF",
        "Description": "MERV 11",
        "Taxable": True,
        "UnitPrice": 24.5,
        "PurchaseCost": "9.125",
        "TrackQtyOnHand": True,
        "QtyOnHand": 40,
        "InvStartDate": "2024-03-01",
        "IncomeAccountRef": {"value": "11"},
        "ExpenseAccountRef": {"value": "12"},
        "AssetAccountRef": {"value": "13"},
        **fields,
    }


def test_an_inventory_item_arrives_with_stock_prices_and_its_accounts():
    fields = _fields(_remote(), _accounts())

    assert fields == {
        "item_type": ItemType.INVENTORY,
        "name": "Air Filter",
        "sku": "AF",
        "description": "MERV 11",
        "sales_price": Decimal("24.50"),
        "cost": Decimal("9.13"),
        "taxable": True,
        "active": True,
        "quantity_on_hand": Decimal("40.0000"),
        "quantity_as_of": date(2024, 3, 1),
        "income_account_id": 1,
        "expense_account_id": 2,
        "asset_account_id": 3,
    }


def test_an_inventory_item_linked_to_equipment_stays_equipment():
    assert _fields(_remote(), _accounts(), ItemType.EQUIPMENT)["item_type"] == ItemType.EQUIPMENT
    assert _fields(_remote(), _accounts(), ItemType.SERVICE)["item_type"] == ItemType.INVENTORY
    service = _fields(_remote(Type="Service"), _accounts(), ItemType.EQUIPMENT)
    assert service["item_type"] == ItemType.SERVICE


def test_non_stocked_items_have_no_stock_and_no_asset_account():
    fields = _fields(_remote(Type="NonInventory"), _accounts())

    assert fields["item_type"] == ItemType.NON_INVENTORY
    assert (fields["quantity_on_hand"], fields["quantity_as_of"], fields["asset_account_id"]) == (0, None, None)


def test_unlinked_accounts_and_accounts_of_the_wrong_type_are_left_to_the_defaults():
    fields = _fields(
        _remote(IncomeAccountRef={"value": "14"}, ExpenseAccountRef={"value": "404"}, AssetAccountRef=None),
        _accounts(),
    )
    assert (fields["income_account_id"], fields["expense_account_id"], fields["asset_account_id"]) == (
        None,
        None,
        None,
    )


def test_missing_and_odd_values_read_safely():
    fields = _fields(
        {"Name": "Odd", "Type": "Inventory", "UnitPrice": None, "InvStartDate": "2024-02-31"}, ItemAccounts()
    )
    assert (fields["sales_price"], fields["cost"], fields["taxable"], fields["active"]) == (0, 0, False, True)
    assert fields["quantity_as_of"] is None


def test_categories_and_bundles_are_not_items_to_sell():
    assert online_items.item_record({"Type": "Service"}).synced and online_items.item_record({}).synced
    category = online_items.item_record({"Type": "Category"})
    assert not category.synced and (category.item_type, category.kind) == ("", "Category")
    assert not online_items.item_record({"Type": "Group"}).synced
    assert online_items.item_record({"Name": "Filter", "ParentRef": {"value": "3"}}).sub_item
    assert not online_items.item_record({"Name": "F"}).sub_item


def test_a_deleted_item_says_only_that():
    record = online_items.item_record({"status": "Deleted", "Id": "7"})
    assert (record.remote_id, record.deleted, record.synced) == ("7", True, False)


def test_an_item_record_goes_back_as_the_json_it_was_read_from_but_its_quantity():
    remote = _remote(Id="7", SyncToken="3")
    payload = online_items.record_payload(online_items.item_record(remote))

    assert (payload["Id"], payload["SyncToken"], payload["Type"]) == ("7", "3", "Inventory")
    # Quantities change in QuickBooks by inventory adjustments only, never by an item's update.
    assert "QtyOnHand" not in payload and "InvStartDate" not in payload
    assert content_hash(_comparable({**payload, "QtyOnHand": 40, "InvStartDate": "2024-03-01"})) == content_hash(
        _comparable(remote)
    )


def test_a_new_inventory_item_is_sent_with_its_opening_quantity():
    remote = _remote()
    del remote["Id"]
    payload = online_items.record_payload(online_items.item_record(remote))

    assert (payload["QtyOnHand"], payload["InvStartDate"]) == (Decimal("40.0000"), "2024-03-01")


# Accounts.


@pytest.mark.parametrize(
    ("remote", "local"),
    [
        ({"AccountType": "Income"}, AccountType.INCOME),
        ({"AccountType": "Cost of Goods Sold"}, AccountType.COST_OF_GOODS_SOLD),
        ({"AccountType": "Other Current Asset", "AccountSubType": "Inventory"}, AccountType.INVENTORY_ASSET),
        ({"AccountType": "Other Current Asset", "AccountSubType": "PrepaidExpenses"}, AccountType.OTHER_CURRENT_ASSET),
        ({"AccountType": "Other Asset"}, AccountType.FIXED_ASSET),
        ({"AccountType": "Long Term Liability"}, AccountType.LONG_TERM_LIABILITY),
    ],
)
def test_account_types_map_to_local_types(remote, local):
    assert account_fields(accounts.account_record({"Name": "A", **remote}))["account_type"] == local


def test_account_fields_keep_a_local_number_when_quickbooks_has_none():
    fields = account_fields(
        accounts.account_record(
            {"Name": "Parts", "SubAccount": True, "FullyQualifiedName": "Sales:Parts", "Description": "d" * 300}
        )
    )

    assert fields == {
        "name": "Sales:Parts",
        "account_type": AccountType.OTHER_CURRENT_ASSET,
        "description": "d" * 200,
        "active": True,
    }
    numbered = account_fields(
        accounts.account_record({"Name": "Sales", "AcctNum": "4000", "AccountType": "Income", "Active": False})
    )
    assert (numbered["number"], numbered["active"]) == ("4000", False)
