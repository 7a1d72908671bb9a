"""
Items (products and services), one way in the direction the settings choose (two-way is not offered for inventory).

QuickBooks → FieldOffice (``inventory_pull``): QuickBooks' changes are read (listed in full while no item is linked
yet) and applied here through the catalog's services, ``ROUND`` to a transaction, matched by link, then by name; an
unlinked local item of the same name is skipped and logged (one-way sync never merges). An item is applied when
QuickBooks has a new version of it, so a local edit stays until QuickBooks changes the item, and local edits are never
sent. An item that cannot be saved here is read again at the next run. Categories, bundles and the kinds of item not
sold here are noted once, the first time a sync meets each. Items QuickBooks deleted (it normally only makes them
inactive) are made inactive here, never deleted.

FieldOffice → QuickBooks (``inventory_push``): QuickBooks' edits are never read back. Local items changed since the
last run, never linked, whose last push failed, or whose type's default accounts changed or were mapped anew are sent
when their comparable hash differs from the one on their link (an unchanged item costs nothing), 30 to a batch. Each
item names its own accounts, else the division's defaults for its type; an account QuickBooks does not have is sent
as the one of QuickBooks' the account mapping names for it. An item without a valid account (none, one QuickBooks
does not have and that is not mapped, inactive, or of the wrong type) fails alone with a plain message before
anything is sent. An unlinked item whose name QuickBooks already uses is skipped and logged (one-way sync never
merges). Creates are marked pending before they go; a run interrupted after QuickBooks made them finds them by name
among QuickBooks' items changed since the mark, and links them instead of creating them twice.

The chart of accounts is synced just before (``specs.accounts``), so every account here that QuickBooks has is linked
and items can name accounts on either side.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from apps.accounting.models import STOCKED_ITEM_TYPES, Account, DefaultAccounts
from apps.accounting.services import ACCOUNT_ROLES, ROLE_LABELS, account_roles_for, account_unfit_reason
from apps.catalog import services as catalog
from apps.catalog.models import Item, StockMovementKind
from apps.catalog.stock import Document
from apps.core.models import Division
from apps.quickbooks.mapping import items as mapping
from apps.quickbooks.mapping.common import name_for_quickbooks, name_key
from apps.quickbooks.mapping.items import ItemAccounts
from apps.quickbooks.models import AccountMapping, PrimarySystem
from apps.quickbooks.sync.context import RunContext, SyncRules
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.records import ACCOUNT, ITEM, ItemRecord
from apps.quickbooks.sync.spec import EntitySpec, MatchKey, PullApplies, Refs

# A quantity QuickBooks' item brings is its count: recorded in the item's stock ledger as such.
FROM_QUICKBOOKS = Document("QuickBooks item sync")
QUICKBOOKS_COUNT = StockMovementKind.QUICKBOOKS_COUNT

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


@dataclass
class ItemLookups:
    """
    What items need from here: the accounts QuickBooks has; and when they are sent, every account of the division,
    the account of QuickBooks' each account it lacks is mapped to, and the default accounts per item type.
    """

    linked: ItemAccounts
    division: Division | None = None
    accounts: dict[int, Account] = field(default_factory=dict)
    mapped: dict[int, int] = field(default_factory=dict)
    defaults: dict[str, DefaultAccounts] = field(default_factory=dict)


def item_lookups(ctx: RunContext) -> ItemLookups:
    lookups = ItemLookups(linked_accounts(ctx), ctx.division)
    if items_master(ctx) == PrimarySystem.LOCAL:
        division = ctx.division
        lookups.accounts = Account.objects.filter(division=division).in_bulk()
        mappings = AccountMapping.objects.filter(division=division, quickbooks_account__isnull=False)
        lookups.mapped = dict(mappings.values_list("account_id", "quickbooks_account_id"))
        lookups.defaults = {row.item_type: row for row in DefaultAccounts.objects.filter(division=division)}
    return lookups


def items_to_send(ctx: RunContext, links: LinkSet) -> QuerySet[Item]:
    """
    The items a push considers: changed since the last run, never linked, whose last push failed, or using accounts
    whose mapping or whose type's default accounts changed since (every item on a full run, a resend, or the first).
    """
    ctx.local_changes_collected()
    query = Item.objects.filter(division=ctx.division)
    cursor = ctx.state.local_cursor
    if ctx.full or ctx.resend or cursor is None:
        return query
    # Accounts mapped anew since: the items using them (their own, or their type's default) go with the map.
    remapped = AccountMapping.objects.filter(division=ctx.division, updated_at__gt=cursor).values("account_id")
    using_remapped = reduce(or_, (Q(**{f"{role}__in": remapped}) for role in ACCOUNT_ROLES))
    defaults = DefaultAccounts.objects.filter(Q(updated_at__gt=cursor) | using_remapped, division=ctx.division)
    return query.filter(
        Q(updated_at__gt=cursor)
        | links.unlinked_filter()
        | links.stale_filter()
        | Q(item_type__in=defaults.values("item_type"))
        | using_remapped
    )


def item_accounts(item: Item, lookups: ItemLookups) -> tuple[dict[str, str], str]:
    """The QuickBooks ids of the accounts ``item`` uses, or why it has no valid one."""
    refs: dict[str, str] = {}
    defaults = lookups.defaults.get(item.item_type)
    kind = item.get_item_type_display().lower()
    for role in account_roles_for(item.item_type):
        label = ROLE_LABELS[role]
        own = getattr(item, f"{role}_id")
        account_id = own or (getattr(defaults, f"{role}_id") if defaults else None)
        if account_id is None:
            if role == "income_account" or item.item_type in STOCKED_ITEM_TYPES:
                return refs, (
                    f"{item.name} has no {label} account, and {lookups.division} has no default {label} account "
                    f"for {kind} items: choose one on the item, or with Change default accounts on the "
                    "QuickBooks page."
                )
            continue
        account = lookups.accounts.get(account_id)
        named = account or "of another division"
        which = f"its {label} account {named}" if own else f"the default {label} account for {kind} items, {named},"
        qbo_id = lookups.linked.ids.remote(account_id)
        if account is not None and not qbo_id and (mapped := lookups.mapped.get(account_id)):
            # QuickBooks lacks it: the account mapping names the one of QuickBooks' that stands for it.
            account = lookups.accounts.get(mapped)
            qbo_id = lookups.linked.ids.remote(mapped)
            which = f"{which} mapped to {account}" if qbo_id else which
        if account is None or not qbo_id:
            return refs, (
                f"{item.name}: {which} is not in QuickBooks' chart of accounts. Map it to one of QuickBooks' "
                "accounts, or to be created there, with Map accounts on the QuickBooks page; or choose an "
                "account that came from QuickBooks (the chart is read at every sync)."
            )
        if not account.active:
            return refs, f"{item.name}: {which} is inactive: choose an active account."
        if reason := account_unfit_reason(account, item.item_type, role):
            return refs, f"{item.name}: {reason}"
        refs[role] = qbo_id
    return refs, ""


def item_sent(item: Item, lookups: ItemLookups) -> ItemRecord:
    """The record sent for ``item``, with the QuickBooks accounts it uses."""
    refs, _ = item_accounts(item, lookups)
    return mapping.item_sent(item, refs)


def item_refused(item: Item, lookups: ItemLookups) -> str:
    return item_accounts(item, lookups)[1]


def name_taken(name: str) -> str:
    return (
        f"QuickBooks already has a product, service or category named {name} that is not linked to this item. "
        "One-way sync never merges records: rename one of them."
    )


def name_in_use(name: str) -> str:
    return f"Another product or service in QuickBooks already uses the name {name}: rename one of them."


def item_fields(record: ItemRecord, item: Item | None, lookups: ItemLookups) -> dict[str, Any]:
    """
    The local fields of a QuickBooks item; an Inventory item linked to equipment stays equipment. Its quantity comes
    with it only when the item is created here (its opening quantity): afterwards quantities cross only by Import
    Inventory and the adjustments exported (docs/ARCHITECTURE.md, "Stock"), so that no change is counted twice.
    """
    fields = mapping.record_fields(record, lookups.linked, item.item_type if item is not None else None)
    if item is not None:
        fields.pop("quantity_on_hand", None)
        fields.pop("quantity_as_of", None)
    return fields


def not_sold_note(record: ItemRecord) -> str:
    return NOT_SOLD.get(record.kind) or OTHER_KIND.format(kind=record.kind)


def namesake_refused(item: Item) -> str:
    return (
        f"FieldOffice already has an item named {item.name} that is not linked to this QuickBooks item. One-way sync "
        "never merges records: rename one of them."
    )


def _item_create(*, division: Any, by_master_system: bool, **fields: Any) -> Item:
    return catalog.item_create(division=division, stock_source=FROM_QUICKBOOKS, **fields)


def _item_update(*, item: Item, by_master_system: bool, **fields: Any) -> Item:
    return catalog.item_update(item=item, stock_source=FROM_QUICKBOOKS, stock_kind=QUICKBOOKS_COUNT, **fields)


def _item_deactivate(*, item: Item, by_master_system: bool) -> Item:
    return catalog.item_update(item=item, active=False)


def _not_sent(item: Item, refs: Refs, action: str) -> ItemRecord:
    raise NotImplementedError("An item is sent with the accounts it uses: ``item_sent``.")


ITEMS = EntitySpec(
    name="items",
    label="item",
    stage="Receiving items from QuickBooks",
    push_stage="Sending items to QuickBooks",
    model=Item,
    entity=ITEM,
    record_type=ItemRecord,
    create=_item_create,
    update=_item_update,
    deactivate=_item_deactivate,
    instance_argument="item",
    master=items_master,
    # An item's fields and the record sent for it depend on the accounts looked up (``local_fields``,
    # ``sent_record``): these are what they are without any.
    fields=lambda record: mapping.record_fields(record, ItemAccounts()),
    remote_comparable=mapping.record_comparable,
    local_comparable=lambda item: mapping.record_comparable(mapping.item_sent(item, {})),
    to_record=_not_sent,
    local_name=lambda item: item.name,
    reads=(ITEM,),
    listed=lambda record: record.synced,
    depends_on=("accounts",),
    # Matched by name; sent, by the name QuickBooks would hold (colons replaced, cut to its length).
    match_keys=(
        MatchKey(
            lambda record: name_key(record.name),
            lambda item: name_key(name_for_quickbooks(item.name, mapping.NAME_MAX)),
        ),
    ),
    reads_changes=True,
    deleted=lambda record: record.deleted,
    unlisted_note=not_sold_note,
    namesake_refused=namesake_refused,
    name_taken=name_taken,
    matched_there=lambda record: not record.sub_item,
    pull_applies=PullApplies.AT_NEW_VERSION,
    retries_failed=True,
    round_size=ROUND,
    save_many=lambda rows: catalog.items_bulk_upsert(
        rows=rows, stock_source=FROM_QUICKBOOKS, stock_kind=QUICKBOOKS_COUNT
    ),
    lookups=item_lookups,
    local_fields=item_fields,
    push_candidates=items_to_send,
    sent_record=item_sent,
    refused=item_refused,
    creates_inactive=True,
    pending_creates=True,
    created_at=lambda record: record.created_at,
    name_in_use=name_in_use,
)
