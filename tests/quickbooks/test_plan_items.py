"""
The engine's plan for items pulled from QuickBooks, as a table of (QuickBooks' item, the local item, their link, the
run's settings) → decision, and how items are paired: pure functions, no database, no QuickBooks.
"""

from datetime import date
from decimal import Decimal

import pytest

from apps.accounting.models import Account, AccountType, ItemType
from apps.catalog.models import Item
from apps.quickbooks.mapping.items import ItemAccounts
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.online.backend import OnlineBackend
from apps.quickbooks.sync.plan import GONE, Decision, Kind, PlanSettings, pairs, plan
from apps.quickbooks.sync.records import ItemRecord
from apps.quickbooks.sync.specs import ITEMS
from apps.quickbooks.sync.specs.items import ItemLookups, name_taken, namesake_refused, not_sold_note
from tests.quickbooks.test_plan_lists import DIVISION, link


def _accounts() -> ItemLookups:
    linked = ItemAccounts()
    linked.add(21, "81", AccountType.INCOME)
    linked.add(22, "82", AccountType.COST_OF_GOODS_SOLD)
    accounts = {
        21: Account(pk=21, division_id=DIVISION, name="Services", account_type=AccountType.INCOME, active=True),
        # Here only: items using it fail before anything is sent.
        23: Account(pk=23, division_id=DIVISION, name="Labor Income", account_type=AccountType.INCOME, active=True),
    }
    return ItemLookups(linked, accounts=accounts)


PULL = PlanSettings(PrimarySystem.QUICKBOOKS, lookups=_accounts())
PULL_FULL = PlanSettings(PrimarySystem.QUICKBOOKS, full=True, lookups=_accounts())
PUSH = PlanSettings(PrimarySystem.LOCAL, OnlineBackend.capabilities, lookups=_accounts())
RESEND = PlanSettings(PrimarySystem.LOCAL, OnlineBackend.capabilities, lookups=_accounts(), resend=True)


def item(
    name="Labor hour", item_type=ItemType.SERVICE, price="95.00", active=True, pk=1, income_account_id=21, **fields
) -> Item:
    return Item(
        pk=pk,
        division_id=DIVISION,
        name=name,
        item_type=item_type,
        sku="",
        description="",
        sales_price=Decimal(price),
        cost=Decimal("0.00"),
        taxable=False,
        active=active,
        quantity_on_hand=Decimal("0.0000"),
        quantity_as_of=None,
        income_account_id=income_account_id,
        expense_account_id=None,
        asset_account_id=None,
        **fields,
    )


def remote_item(name="Labor hour", item_type=ItemType.SERVICE, price="95.00", version="0", remote_id="7", **fields):
    return ItemRecord(
        remote_id=remote_id,
        version=version,
        name=name,
        item_type=item_type,
        kind="Service",
        price=Decimal(price),
        income_account_id="81",
        **fields,
    )


def pulled_link(record=None, **options):
    return link(agreed=ITEMS.remote_comparable(record or remote_item()), **options)


def pushed_link(local=None, **options):
    """Linked at the content last sent from here."""
    return link(agreed=ITEMS.comparable_here(local or item(), _accounts()), **options)


ITEM_DECISIONS = [
    ("new there", remote_item(), None, None, PULL, Decision(Kind.CREATE_HERE)),
    # One-way sync never merges: an unlinked namesake here is skipped, said why.
    (
        "a namesake here, not linked",
        remote_item(),
        item("labor hour"),
        None,
        PULL,
        Decision(Kind.KEPT_APART, namesake_refused(item("labor hour"))),
    ),
    ("both agree", remote_item(), item(), pulled_link(), PULL, Decision(Kind.NOTHING)),
    # Applied only when QuickBooks has a new version: an edit here stands until then.
    ("edited here, same version there", remote_item(), item(price="99.00"), pulled_link(), PULL, Kind.NOTHING),
    (
        "edited here, same version there, in a full run",
        remote_item(),
        item(price="99.00"),
        pulled_link(),
        PULL_FULL,
        Kind.UPDATE_HERE,
    ),
    ("repriced there", remote_item(price="99.00", version="1"), item(), pulled_link(), PULL, Kind.UPDATE_HERE),
    ("a new version there, same content", remote_item(version="1"), item(), pulled_link(), PULL, Kind.RELINK),
    (
        "made inactive there",
        remote_item(active=False, version="1"),
        item(),
        pulled_link(),
        PULL,
        Kind.DEACTIVATE_HERE,
    ),
    ("deleted there", None, item(), pulled_link(), PULL, Decision(Kind.DEACTIVATE_HERE, GONE)),
    ("deleted there, inactive here already", None, item(active=False), pulled_link(), PULL, Kind.NOTHING),
    # Sent from here; QuickBooks' copy is mostly not read: compared with what was last sent.
    ("never sent", None, item(), None, PUSH, Decision(Kind.CREATE_THERE)),
    ("never sent, inactive here", None, item(active=False), None, PUSH, Kind.CREATE_THERE),
    (
        "never sent, its name held there",
        remote_item("LABOR HOUR"),
        item(),
        None,
        PUSH,
        Decision(Kind.KEPT_APART, name_taken("LABOR HOUR")),
    ),
    ("unchanged since sent, not read", None, item(), pushed_link(), PUSH, Kind.NOTHING),
    ("unchanged since sent, changed there", remote_item(price="80.00"), item(), pushed_link(), PUSH, Kind.NOTHING),
    ("repriced here", None, item(price="99.00"), pushed_link(), PUSH, Decision(Kind.UPDATE_THERE)),
    ("repriced there, in a resend", remote_item(price="80.00"), item(), pushed_link(), RESEND, Kind.UPDATE_THERE),
    ("lost there, in a resend", None, item(), pushed_link(), RESEND, Kind.CREATE_THERE),
    (
        "an account QuickBooks lacks",
        None,
        item(income_account_id=23),
        pushed_link(),
        PUSH,
        Kind.REFUSED,
    ),
]


@pytest.mark.parametrize(
    ("case", "remote", "local", "link_", "settings", "decision"),
    ITEM_DECISIONS,
    ids=[row[0] for row in ITEM_DECISIONS],
)
def test_items_plan(case, remote, local, link_, settings, decision):
    found = plan(ITEMS, remote, local, link_, settings)
    assert (found.kind if isinstance(decision, Kind) else found) == decision


def test_an_inventory_item_linked_to_equipment_stays_equipment():
    equipment = item("Compressor", ItemType.EQUIPMENT)
    there = remote_item("Compressor", ItemType.INVENTORY, version="1", tracks_quantity=True)

    fields = ITEMS.fields_of(there, equipment, _accounts())

    assert fields["item_type"] == ItemType.EQUIPMENT
    assert ITEMS.fields_of(there, None, _accounts())["item_type"] == ItemType.INVENTORY


def test_accounts_arrive_as_the_local_accounts_linked_to_them():
    there = remote_item(expense_account_id="82", asset_account_id="82", quantity_as_of=date(2015, 1, 2))

    fields = ITEMS.fields_of(there, None, _accounts())

    # A service has no stock: no asset account, no count date.
    assert (fields["income_account_id"], fields["asset_account_id"], fields["quantity_as_of"]) == (21, None, None)


def test_kinds_not_sold_here_are_not_listed_and_say_why():
    category = ItemRecord(remote_id="9", name="Parts", kind="Category")
    other = ItemRecord(remote_id="10", name="Freight", kind="Other Charge")

    assert not ITEMS.listed(category) and not ITEMS.listed(other) and ITEMS.listed(remote_item())
    assert "category" in not_sold_note(category)
    assert not_sold_note(other).startswith("QuickBooks Other Charge items are not products or services sold here")


def _pairs(found):
    return [(pair.remote and pair.remote.remote_id, pair.local and pair.local.pk, pair.link) for pair in found]


def test_a_changes_read_pairs_the_deleted_with_their_linked_items_and_nothing_it_did_not_read():
    linked, deleted_there, untouched = item(pk=1), item("Filter", pk=2), item("Belt", pk=3)
    links = {pk: link(remote_id=str(pk + 6), object_id=pk) for pk in (1, 2, 3)}
    by_remote = {each.qbo_id: each for each in links.values()}

    found = pairs(
        ITEMS,
        PrimarySystem.QUICKBOOKS,
        [remote_item()],
        [linked, deleted_there, untouched],
        links,
        by_remote,
        complete=False,
        deleted=["8", "99"],
    )

    assert _pairs(found) == [("7", 1, links[1]), (None, 2, links[2])]


def test_an_item_whose_account_quickbooks_lacks_is_refused_with_a_plain_reason():
    found = plan(ITEMS, None, item(income_account_id=23), None, PUSH)

    assert found.kind == Kind.REFUSED
    assert found.reason.startswith("Labor hour: its income account Labor Income is not in QuickBooks' chart")


def test_a_sent_item_is_matched_by_name_only_with_items_outside_a_category_in_a_complete_read():
    new, in_category = item(pk=1), item("Filter", pk=2)
    there = [remote_item(remote_id="7"), remote_item("Filter", remote_id="8", sub_item=True)]

    found = pairs(ITEMS, PrimarySystem.LOCAL, there, [new, in_category], {}, {})
    partial = pairs(ITEMS, PrimarySystem.LOCAL, there, [new, in_category], {}, {}, complete=False)

    assert _pairs(found) == [("7", 1, None), (None, 2, None)]
    assert _pairs(partial) == [(None, 1, None), (None, 2, None)]
