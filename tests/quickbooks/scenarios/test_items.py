"""
Items with QuickBooks, the scenarios both backends share, each run once per backend (``side``): pulled while
QuickBooks keeps them, pushed while FieldOffice does, and never merged with a namesake in a one-way sync.

Each QuickBooks keeps a kind of item in its own way (Desktop: a list per kind, a service's one account or two in blocks
of their own); ``side.item_there`` reads either. The chart of accounts items use has scenarios of its own
(``test_accounts``). What only one backend does (the request each kind is sent in, categories, sub-items, reading long
lists) has its own tests (``tests/quickbooks/sync/test_items.py``, ``tests/quickbooks/desktop_sync/test_items.py``).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounting.models import Account, AccountType, ItemType
from apps.accounting.services import default_accounts_set
from apps.catalog.models import Item
from apps.catalog.services import item_update
from apps.quickbooks.models import RecordLink, SyncAction, SyncRunStatus
from tests.factories import AccountFactory, ItemFactory
from tests.quickbooks.scenarios.faults import LostAnswers
from tests.quickbooks.scenarios.helpers import item_defaults_set

pytestmark = pytest.mark.usefixtures("live_server")


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def entries(run, **filters) -> list[tuple[str, str, str]]:
    return sorted(run.entries.filter(**filters).values_list("entity", "action", "record_label"))


def pushing(side, *, chart_added: bool = False) -> None:
    """QuickBooks' chart here and linked (a first sync of inventory), then default accounts for every item type."""
    if not chart_added:
        side.chart_add()
    side.configure("off", lists=False, inventory="to_quickbooks")
    assert_clean(side.sync())
    item_defaults_set(side)


def linked_items(division) -> set[str]:
    links = RecordLink.objects.filter(division=division, entity_type="Item").exclude(qbo_id="")
    return set(Item.objects.filter(pk__in=links.values("object_id")).values_list("name", flat=True))


# QuickBooks → FieldOffice.


def test_an_edit_in_quickbooks_comes_back_and_local_edits_are_never_pushed(side, division):
    side.chart_add()
    side.item_add("Labor", price="95")
    side.configure("off", lists=False, inventory="to_local")
    assert_clean(side.sync())
    local = Item.objects.get(division=division, name="Labor")
    there = side.item_there("Labor")

    item_update(item=local, sales_price=Decimal("120.00"), taxable=True)
    run = side.sync()

    assert_clean(run)
    assert run.entries.count() == 0 and side.calls(run) <= 2 and not side.written
    assert side.item_there("Labor") == there  # Price, tax and version as they were.
    assert (there["price"], there["taxable"]) == (Decimal("95"), False)
    local.refresh_from_db()
    assert local.sales_price == Decimal("120.00")  # Kept until QuickBooks changes the item.

    side.item_change("Labor", price="99", active=False)
    run = side.sync()

    local.refresh_from_db()
    assert (local.sales_price, local.active) == (Decimal("99.00"), False)
    assert entries(run, entity="item") == [("item", "deactivated", "Labor")]
    assert side.reads_changes_only(run)


def test_each_item_type_is_pulled_with_its_accounts_stock_and_state(side, division):
    side.chart_add()
    side.items_of_each_kind_add()
    side.configure("off", lists=False, inventory="to_local")

    run = side.sync()

    assert_clean(run)
    account = {role: Account.objects.get(division=division, name=name) for role, name in side.accounts.items()}
    filt = Item.objects.get(division=division, name="Air Filter 16x25")
    assert (filt.item_type, filt.sku, filt.description, filt.taxable) == (
        ItemType.INVENTORY,
        "AF-1625",
        "Pleated, MERV 11",
        True,
    )
    assert (filt.sales_price, filt.cost) == (Decimal("24.50"), Decimal("9.25"))
    counted = date(2024, 3, 1) if side.says_when_stock_was_counted else None
    assert (filt.quantity_on_hand, filt.quantity_as_of) == (Decimal("40"), counted)
    assert (filt.income_account, filt.expense_account, filt.asset_account) == (
        account["income"],
        account["cogs"],
        account["asset"],
    )
    fittings = Item.objects.get(division=division, name="Copper Fittings")
    assert (fittings.item_type, fittings.sku, fittings.sales_price, fittings.cost, fittings.taxable) == (
        ItemType.NON_INVENTORY,
        "CF-12",
        Decimal("12.50"),
        Decimal("4.10"),
        False,
    )
    assert (fittings.expense_account, fittings.asset_account) == (account["materials"], None)
    labor = Item.objects.get(division=division, name="Labor")
    assert (labor.item_type, labor.sales_price, labor.description) == (
        ItemType.SERVICE,
        Decimal("95.00"),
        "Hourly labor",
    )
    # QuickBooks Desktop keeps one account for a service's sales and purchases: an income one, so income here.
    assert (labor.income_account, labor.expense_account) == (account["service income"], None)
    assert Item.objects.get(division=division, name="Old Visit").active is False
    assert entries(run, entity="item", action=SyncAction.CREATED) == [
        ("item", "created", name) for name in ("Air Filter 16x25", "Copper Fittings", "Labor", "Old Visit")
    ]

    again = side.sync()

    assert_clean(again)
    assert again.counts == {} and not again.entries.exists()


def test_one_way_pull_skips_a_local_item_of_the_same_name(side, division):
    local = ItemFactory(division=division, name="Labor", sales_price=Decimal("80.00"))
    side.chart_add()
    side.item_add("Labor", price="95")
    side.configure("off", lists=False, inventory="to_local")

    run = side.sync()

    (entry,) = run.entries.filter(entity="item").exclude(record_label__in=side.not_for_sale)
    assert entry.action == "skipped" and "FieldOffice already has an item named Labor" in entry.message
    local.refresh_from_db()
    assert local.sales_price == Decimal("80.00")
    assert not RecordLink.objects.filter(division=division, entity_type="Item").exists()


# FieldOffice → QuickBooks.


def test_each_item_type_is_pushed_with_default_accounts_and_equipment_goes_as_inventory(side, division):
    pushing(side)
    account = {role: Account.objects.get(division=division, name=name) for role, name in side.accounts.items()}
    long_name = "A name longer than Desktop allows for items"
    ItemFactory(division=division, name="Labor", item_type=ItemType.SERVICE, sku="", description="Hourly labor")
    ItemFactory(
        division=division,
        name="Subcontracting",
        item_type=ItemType.SERVICE,
        sku="",
        income_account=account["service income"],
        expense_account=account["materials"],
    )
    ItemFactory(division=division, name="Fittings", item_type=ItemType.NON_INVENTORY, sku="CF-12", taxable=True)
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
    ItemFactory(division=division, name="Retired Part", item_type=ItemType.NON_INVENTORY, taxable=False, active=False)
    ItemFactory(division=division, name=long_name, item_type=ItemType.SERVICE, sku="")

    run = side.sync()

    assert_clean(run)
    names = ["Labor", "Subcontracting", "Fittings", "Filter", "Furnace 80k", "Retired Part", long_name]
    assert entries(run) == sorted(("item", "created", name) for name in names)
    assert side.items_there() == sorted([*names[:-1], long_name[: side.item_name_max]])
    assert side.created == {"item": len(names)}
    income, service_income = side.accounts["income"], side.accounts["service income"]
    cogs, materials, asset = side.accounts["cogs"], side.accounts["materials"], side.accounts["asset"]
    labor = side.item_there("Labor")
    # Sold only: its income account alone (QuickBooks Desktop: the one account of a service sold or bought).
    assert (labor["type"], labor["income"], labor["expense"]) == ("Service", service_income, None)
    assert (labor["description"], labor["price"], labor["quantity"]) == ("Hourly labor", Decimal("95"), None)
    subcontracting = side.item_there("Subcontracting")
    assert (subcontracting["type"], subcontracting["income"], subcontracting["expense"]) == (
        "Service",
        service_income,
        materials,
    )
    fittings = side.item_there("Fittings")
    assert (fittings["type"], fittings["sku"], fittings["taxable"], fittings["cost"]) == (
        "NonInventory",
        "CF-12",
        True,
        Decimal("40"),
    )
    assert (fittings["income"], fittings["expense"], fittings["asset"]) == (income, materials, None)
    retired = side.item_there("Retired Part")
    assert (retired["type"], retired["active"], retired["taxable"]) == ("NonInventory", False, False)
    filt = side.item_there("Filter")
    assert (filt["type"], filt["quantity"], filt["description"]) == ("Inventory", Decimal("12.5"), "MERV 11")
    assert (filt["income"], filt["expense"], filt["asset"]) == (income, cogs, asset)
    assert side.stock_counted_on("Filter") == "2024-05-01"
    unit = side.item_there("Furnace 80k")
    assert (unit["type"], unit["quantity"], unit["price"], unit["cost"]) == (
        "Inventory",
        Decimal("3"),
        Decimal("2400"),
        Decimal("1500"),
    )
    assert (unit["income"], unit["expense"], unit["asset"]) == (income, cogs, asset)
    # Never counted here: the day it was created here.
    assert side.stock_counted_on("Furnace 80k") == timezone.localdate(furnace.created_at).isoformat()
    assert side.item_there(long_name[: side.item_name_max])["type"] == "Service"

    again = side.sync()

    assert_clean(again)
    assert not again.entries.exists() and not side.written

    # The same company later syncs from QuickBooks: the furnace stays equipment here.
    side.configure("off", lists=False, inventory="to_local")
    side.item_change("Furnace 80k", price="2600")
    run = side.sync()

    assert_clean(run)
    furnace.refresh_from_db()
    assert (furnace.item_type, furnace.sales_price, furnace.quantity_on_hand) == (
        ItemType.EQUIPMENT,
        Decimal("2600.00"),
        Decimal("3"),
    )


def test_a_name_quickbooks_already_has_is_skipped_not_merged(side, division):
    side.vendor_add("Acme Supply")  # Another list's name: no item of that name.
    side.chart_add()
    side.item_add("Labor")
    pushing(side, chart_added=True)
    ItemFactory(division=division, name="Labor")
    ItemFactory(division=division, name="Filter")
    ItemFactory(division=division, name="Acme Supply")

    first = side.sync(full=True)

    (skipped,) = first.entries.filter(action=SyncAction.SKIPPED)
    assert skipped.record_label == "Labor" and "QuickBooks already has a product" in skipped.message
    assert entries(first, action="created") == [("item", "created", "Acme Supply"), ("item", "created", "Filter")]

    side.item_add("Pump")
    ItemFactory(division=division, name="pump")
    later = side.sync()

    (skipped,) = later.entries.filter(record_label="pump")
    assert skipped.action == SyncAction.SKIPPED and "One-way sync never merges" in skipped.message
    assert set(later.entries.filter(action=SyncAction.SKIPPED).values_list("record_label", flat=True)) <= {
        "Labor",
        "pump",
    }
    assert not later.entries.exclude(action=SyncAction.SKIPPED).exists()
    assert side.items_there() == ["Acme Supply", "Filter", "Labor", "Pump"]
    assert linked_items(division) == {"Filter", "Acme Supply"}


def test_idle_push_resends_nothing_and_edits_go_out(side, division):
    pushing(side)
    labor = ItemFactory(division=division, name="Labor", item_type=ItemType.SERVICE)
    ItemFactory(division=division, name="Filter", item_type=ItemType.INVENTORY, quantity_on_hand=Decimal("4"))
    assert_clean(side.sync())

    idle = side.sync()

    assert_clean(idle)
    assert idle.entries.count() == 0 and side.calls(idle) <= 2 and not side.written

    item_update(item=labor, sales_price=Decimal("110.00"), taxable=False, sku="LAB-1")
    run = side.sync()

    assert entries(run) == [("item", "updated", "Labor")]
    there = side.item_there("Labor")
    assert (there["price"], there["taxable"]) == (Decimal("110"), False)
    assert there["sku"] == ("LAB-1" if side.service_items_have_sku else "")

    # New default accounts for a type: the items that use them are sent again.
    default_accounts_set(
        division=division,
        item_type=ItemType.SERVICE,
        accounts={
            "income_account": Account.objects.get(division=division, name=side.accounts["income"]),
            "expense_account": Account.objects.get(division=division, name=side.accounts["materials"]),
        },
    )
    run = side.sync()

    assert entries(run) == [("item", "updated", "Labor")]
    assert side.item_there("Labor")["income"] == side.accounts["income"]


def test_an_item_changed_in_quickbooks_meanwhile_is_read_again_and_sent_once_more(side, division):
    pushing(side)
    labor = ItemFactory(division=division, name="Labor", sales_price=Decimal("95.00"))
    assert_clean(side.sync())
    # Edited in QuickBooks: not pulled, and the version FieldOffice holds is now out of date.
    side.item_change("Labor", new_name="Labour", notes="Edited in QuickBooks")

    item_update(item=labor, sales_price=Decimal("105.00"))
    run = side.sync()

    assert_clean(run)
    assert entries(run) == [("item", "updated", "Labor")]
    # What was read, the refused update, the item read again, the update sent again.
    assert side.calls(run) == 4
    assert side.items_there() == ["Labor"]  # Renamed back: FieldOffice is master.
    there = side.item_there("Labor")
    assert (there["price"], there["description"]) == (Decimal("105"), labor.description)
    labor.refresh_from_db()
    assert (labor.name, labor.sales_price) == ("Labor", Decimal("105.00"))


@pytest.mark.preview_unpredictable(
    "a preview does not send the item's change, so it does not learn that QuickBooks no longer has the item"
)
def test_an_item_quickbooks_lost_is_created_there_again_when_it_changes(side, division):
    pushing(side)
    labor = ItemFactory(division=division, name="Labor", sales_price=Decimal("95.00"))
    ItemFactory(division=division, name="Trip Charge", sales_price=Decimal("45.00"))
    assert_clean(side.sync())
    side.item_lost("Labor")

    item_update(item=labor, sales_price=Decimal("105.00"))
    run = side.sync()

    assert_clean(run)
    assert entries(run) == [("item", "created", "Labor")]
    assert run.entries.get().message == (
        "QuickBooks no longer has it (deleted there, or a restored backup): created there again."
    )
    assert side.item_there("Labor")["price"] == Decimal("105")
    assert sorted(side.items_there()) == ["Labor", "Trip Charge"]
    assert side.sync().entries.count() == 0


def test_an_interrupted_create_is_linked_not_created_twice(side, division):
    pushing(side)
    ItemFactory(division=division, name="Labor")

    lost = side.sync_through(lambda backend: LostAnswers(backend, "Item"))

    assert lost.status == SyncRunStatus.FAILED
    assert side.items_there() == ["Labor"] and not linked_items(division)

    run = side.sync()

    assert_clean(run)
    assert side.items_there() == ["Labor"]
    (linked,) = run.entries.filter(action=SyncAction.LINKED)
    assert linked.record_label == "Labor" and "not created twice" in linked.message
    assert RecordLink.objects.get(division=division, entity_type="Item").qbo_id == side.item_id("Labor")
    assert not side.sync().entries.exists()


def test_an_item_without_a_valid_account_fails_alone(side, division):
    side.chart_add()
    side.configure("off", lists=False, inventory="to_quickbooks")
    assert_clean(side.sync())  # The chart here; no default accounts yet.
    account = {role: Account.objects.get(division=division, name=name) for role, name in side.accounts.items()}
    local_only = AccountFactory(division=division, name="Local Sales", account_type=AccountType.INCOME)
    ItemFactory(division=division, name="No Accounts", item_type=ItemType.SERVICE)
    ItemFactory(division=division, name="Local Account", item_type=ItemType.SERVICE, income_account=local_only)
    ItemFactory(
        division=division,
        name="Wrong Expense",
        item_type=ItemType.INVENTORY,
        income_account=account["income"],
        expense_account=account["materials"],
        asset_account=account["asset"],
    )
    ItemFactory(division=division, name="Good", item_type=ItemType.SERVICE, income_account=account["service income"])

    run = side.sync()

    assert run.status == SyncRunStatus.PARTIAL
    messages = dict(run.entries.filter(action=SyncAction.FAILED).values_list("record_label", "message"))
    assert set(messages) == {"No Accounts", "Local Account", "Wrong Expense"}
    assert "has no income account" in messages["No Accounts"] and "Change default accounts" in messages["No Accounts"]
    assert "not in QuickBooks' chart of accounts" in messages["Local Account"]
    assert "must be cost of goods sold" in messages["Wrong Expense"]
    assert side.items_there() == ["Good"] and side.created == {"item": 1}
    assert side.item_there("Good")["type"] == "Service"

    item_defaults_set(side)
    item_update(item=Item.objects.get(division=division, name="Local Account"), income_account=None)
    run = side.sync()

    assert entries(run, action=SyncAction.CREATED) == [
        ("item", "created", "Local Account"),
        ("item", "created", "No Accounts"),
    ]
    assert entries(run, action=SyncAction.FAILED) == [("item", "failed", "Wrong Expense")]


def test_a_preview_writes_nothing_on_either_side(side, division):
    pushing(side)
    ItemFactory(division=division, name="Labor")

    run = side.preview()

    assert entries(run) == [("item", "created", "Labor")]
    assert side.items_there() == []
    assert not RecordLink.objects.filter(division=division, entity_type="Item").exists()


def test_quickbooks_edits_are_not_pulled_when_fieldoffice_is_master(side, division):
    pushing(side)
    labor = ItemFactory(division=division, name="Labor", sales_price=Decimal("95.00"))
    assert_clean(side.sync())
    side.item_change("Labor", new_name="Labour", price="150")

    run = side.sync()

    assert run.entries.count() == 0
    labor.refresh_from_db()
    assert (labor.name, labor.sales_price) == ("Labor", Decimal("95.00"))
