"""
Items (products and services), one way in the direction the settings choose (two-way is not offered for inventory).

QuickBooks → FieldOffice (``inventory_pull``): the spec's pull. QuickBooks' changes are read (listed in full while no
item is linked yet) and applied here through the catalog's services, ``ROUND`` to a transaction, matched by link,
then by name; an unlinked local item of the same name is skipped and logged (one-way sync never merges). An item is
applied when QuickBooks has a new version of it, so a local edit stays until QuickBooks changes the item, and local
edits are never sent. An item that cannot be saved here is read again at the next run. Categories, bundles and the
kinds of item not sold here are noted once, the first time a sync meets each. Items QuickBooks deleted (it normally
only makes them inactive) are made inactive here, never deleted.

FieldOffice → QuickBooks (``inventory_push``) is still its own step (``steps.items_push``). The chart of accounts is
synced just before (``specs.accounts``), so every account here that QuickBooks has is linked and items can name
accounts on either side.
"""

from typing import Any

from apps.accounting.models import Account
from apps.catalog import services as catalog
from apps.catalog.models import Item
from apps.quickbooks.mapping import items as mapping
from apps.quickbooks.mapping.items import ItemAccounts
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.sync.context import RunContext, SyncRules
from apps.quickbooks.sync.records import ACCOUNT, ITEM, ItemRecord
from apps.quickbooks.sync.spec import EntitySpec, Refs

# Records applied in one transaction, between two renewals of the run's lease (and progress updates).
ROUND = 300
NOT_SOLD = {
    "Category": "A QuickBooks category groups products and services and is not an item to sell: it is not synced "
    "(noted once).",
    "Group": "QuickBooks Group items (bundles of other items) are not synced (noted once).",
}
# Other kinds (QuickBooks Desktop's other charges, sales tax items, discounts...) have no twin here.
OTHER_KIND = "QuickBooks {kind} items are not products or services sold here: they are not synced (noted once)."


def items_master(rules: SyncRules) -> str:
    if rules.inventory_pull:
        return PrimarySystem.QUICKBOOKS
    return PrimarySystem.LOCAL if rules.inventory_push else ""


def linked_accounts(ctx: RunContext) -> ItemAccounts:
    """The division's accounts that QuickBooks has (linked by ``specs.accounts``), with their types."""
    accounts = ItemAccounts()
    pairs = ctx.linked_ids(Account, ACCOUNT)
    for pk, account_type in Account.objects.filter(pk__in=pairs).values_list("pk", "account_type"):
        accounts.add(pk, pairs[pk], account_type)
    return accounts


def item_fields(record: ItemRecord, item: Item | None, accounts: ItemAccounts) -> dict[str, Any]:
    """The local fields of a QuickBooks item; an Inventory item linked to equipment stays equipment."""
    return mapping.record_fields(record, accounts, item.item_type if item is not None else None)


def not_sold_note(record: ItemRecord) -> str:
    return NOT_SOLD.get(record.kind) or OTHER_KIND.format(kind=record.kind)


def namesake_refused(item: Item) -> str:
    return (
        f"FieldOffice already has an item named {item.name} that is not linked to this QuickBooks item. One-way sync "
        "never merges records: rename one of them."
    )


def _item_create(*, division: Any, by_master_system: bool, **fields: Any) -> Item:
    return catalog.item_create(division=division, **fields)


def _item_update(*, item: Item, by_master_system: bool, **fields: Any) -> Item:
    return catalog.item_update(item=item, **fields)


def _item_deactivate(*, item: Item, by_master_system: bool) -> Item:
    return catalog.item_update(item=item, active=False)


def _not_sent(item: Item, refs: Refs, action: str) -> ItemRecord:
    raise NotImplementedError("Items are sent by their own step (steps.items_push).")


ITEMS = EntitySpec(
    name="items",
    label="item",
    stage="Receiving items from QuickBooks",
    model=Item,
    entity=ITEM,
    record_type=ItemRecord,
    create=_item_create,
    update=_item_update,
    deactivate=_item_deactivate,
    instance_argument="item",
    master=items_master,
    fields=lambda record: mapping.record_fields(record, ItemAccounts()),
    remote_comparable=mapping.record_comparable,
    local_comparable=lambda item: {},
    to_record=_not_sent,
    local_name=lambda item: item.name,
    reads=(ITEM,),
    listed=lambda record: record.synced,
    depends_on=("accounts",),
    reads_changes=True,
    from_wire=mapping.item_record,
    deleted=lambda record: record.deleted,
    unlisted_note=not_sold_note,
    namesake_refused=namesake_refused,
    pulls_new_versions_only=True,
    retries_failed=True,
    round_size=ROUND,
    lookups=linked_accounts,
    local_fields=item_fields,
)
