"""
Items, one way in the direction the settings choose (two-way is not offered for inventory).

QuickBooks → FieldOffice (``inventory_pull``): QuickBooks' products and services are applied here through the
catalog's services, matched by link, then by name; an unlinked local item of the same name is skipped and logged
(one-way sync never merges). An item is applied when QuickBooks changed it (new SyncToken), so a local edit stays
until QuickBooks changes the item, and local edits are never sent. Categories are not items to sell: each is logged
once, the first time a sync meets it.

FieldOffice → QuickBooks (``inventory_push``, in ``items_push``): local items go out; QuickBooks' edits are never read
back. The chart of accounts is synced just before (``specs.accounts``), so every account here that QuickBooks has is
linked and items can name accounts on either side.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from apps.catalog import services as catalog
from apps.catalog.models import Item
from apps.quickbooks.mapping import items as mapping
from apps.quickbooks.mapping.common import content_hash, is_deleted, name_key, remote_id, remote_sync_token
from apps.quickbooks.mapping.items import ItemAccounts
from apps.quickbooks.models import RecordLink, SyncAction, SyncRunEntry, SyncTrigger
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.steps.items_push import ITEM, ItemsPush, linked_accounts

# Records applied in one transaction, between two renewals of the run's lease (and progress updates).
PULL_ROUND = 300
NOT_SELLABLE = {
    mapping.CATEGORY: "A QuickBooks category groups products and services and is not an item to sell: it is not "
    "synced (noted once).",
    "Group": "QuickBooks Group items (bundles of other items) are not synced (noted once).",
}
# Other types (QuickBooks Desktop's other charges, sales tax items, discounts...) have no twin here.
OTHER_TYPE = "QuickBooks {kind} items are not products or services sold here: they are not synced (noted once)."


def _item_links_exist(ctx: RunContext) -> bool:
    content_type = ContentType.objects.get_for_model(Item)
    return RecordLink.objects.filter(division=ctx.division, content_type=content_type).exclude(qbo_id="").exists()


def items_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    """
    Pulling reads QuickBooks' changes. A division whose cursor was set by other syncs before inventory was switched
    on has no item linked yet: its items are listed in full once, since changes since that cursor would miss most.
    Pushing alone reads QuickBooks' items only on a full run (names already there, resend).
    """
    if ctx.inventory_pull:
        if not ctx.full and ctx.state.remote_cursor is not None and not _item_links_exist(ctx):
            return [], [mapping.ENTITY]
        return [mapping.ENTITY], []
    if ctx.inventory_push and (ctx.full or ctx.state.remote_cursor is None):
        return [mapping.ENTITY], []
    return [], []


def items_sync(ctx: RunContext) -> None:
    if not (ctx.inventory_pull or ctx.inventory_push):
        return
    if ctx.inventory_pull:
        ItemsPull(ctx, linked_accounts(ctx)).run()
    else:
        ItemsPush(ctx, linked_accounts(ctx)).run()


class ItemsPull:
    def __init__(self, ctx: RunContext, accounts: ItemAccounts) -> None:
        self.ctx = ctx
        self.journal = ctx.journal
        self.accounts = accounts
        self.links = LinkSet(ctx.division, Item, mapping.ENTITY)
        self.complete = mapping.ENTITY in ctx.snapshot.complete
        if self.complete:
            self.links.load_all()
        self.items: dict[int, Item] = {}

    def run(self) -> None:
        remote = self._remote()
        gone = [qbo_id for qbo_id, obj in remote.items() if is_deleted(obj)]
        objects = [obj for obj in remote.values() if not is_deleted(obj)]
        sellable = [obj for obj in objects if mapping.is_sellable(obj)]
        self._not_sellable_note([obj for obj in objects if not mapping.is_sellable(obj)])
        self.journal.stage("Receiving items from QuickBooks", total=len(sellable))
        self.links.load_remote([remote_id(obj) for obj in sellable] + gone)
        linked = [link.object_id for link in self.links.by_remote.values()]
        self.items.update(Item.objects.filter(division=self.ctx.division).in_bulk(linked))
        self.unlinked_by_name = self._unlinked_by_name([name_key(mapping.item_name(obj)) for obj in sellable])
        self._pull_rounds(sellable)
        if self.complete:
            gone.extend(qbo_id for qbo_id in self.links.by_remote if qbo_id not in remote)
        self._deactivate(gone)

    def _remote(self) -> dict[str, dict[str, Any]]:
        """QuickBooks' items read by this run, with those an earlier run could not save read again, by id."""
        remote = {remote_id(obj): obj for obj in self.ctx.snapshot.of(mapping.ENTITY)}
        retry_ids = set(self.ctx.state.retry_remote.get(mapping.ENTITY, [])) - remote.keys()
        if retry_ids:
            for obj in self.ctx.backend.read_by_ids(mapping.ENTITY, sorted(retry_ids)):
                remote.setdefault(remote_id(obj), obj)
        return remote

    def _pull_rounds(self, sellable: list[dict[str, Any]]) -> None:
        """``sellable`` saved here ``PULL_ROUND`` to a transaction, the run's progress told after each."""
        for start in range(0, len(sellable), PULL_ROUND):
            chunk = sellable[start : start + PULL_ROUND]
            with transaction.atomic():
                for obj in chunk:
                    self._pull_one(obj)
            self.journal.advance(len(chunk))
            self.ctx.heartbeat()

    def _unlinked_by_name(self, keys: list[str]) -> dict[str, Item]:
        items = Item.objects.filter(division=self.ctx.division)
        if not self.complete:
            if not keys:
                return {}
            items = items.annotate(lower_name=Lower("name")).filter(lower_name__in=set(keys))
        found = {item.pk: item for item in items if not self.links.is_linked(item.pk)}
        if not self.complete:
            self.links.load_local(found)
        return {name_key(item.name): item for item in found.values() if not self.links.is_linked(item.pk)}

    def _not_sellable_note(self, objects: list[dict[str, Any]]) -> None:
        """Categories (and bundles) are noted once: the first sync that meets one says why it is left out."""
        if not objects:
            return
        ids = [remote_id(obj) for obj in objects]
        noted = set(
            SyncRunEntry.objects.filter(
                run__division=self.ctx.division, entity=ITEM, action=SyncAction.SKIPPED, qbo_id__in=ids
            )
            .exclude(run__trigger=SyncTrigger.PREVIEW)
            .values_list("qbo_id", flat=True)
        )
        for obj in objects:
            if remote_id(obj) in noted:
                continue
            kind = mapping.remote_type(obj)
            message = NOT_SELLABLE.get(kind) or OTHER_TYPE.format(kind=kind)
            self.journal.log(ITEM, SyncAction.SKIPPED, mapping.item_name(obj), qbo_id=remote_id(obj), message=message)

    def _pull_one(self, obj: dict[str, Any]) -> None:
        qbo_id, token = remote_id(obj), remote_sync_token(obj)
        link = self.links.remote(qbo_id)
        if link is not None and link.sync_token == token and not self.ctx.full:
            return
        item = self._linked_item(link)
        fields = mapping.item_fields(obj, self.accounts, item.item_type if item else None)
        label = fields["name"]
        if item is None and self._namesake_skipped(label, qbo_id):
            return
        changed = item is None or any(getattr(item, name) != value for name, value in fields.items())
        action = _pull_action(item, fields, changed)
        if self.ctx.preview:
            if changed:
                self.journal.log(ITEM, action, label, qbo_id=qbo_id, object_id=item.pk if item else None)
            return
        item = self._item_save(item, fields, changed, qbo_id=qbo_id)
        if item is None:
            return
        self.items[item.pk] = item
        self.links.set(item.pk, qbo_id, token, content_hash(mapping.item_comparable(obj)))
        if changed:
            self.journal.log(ITEM, action, label, qbo_id=qbo_id, object_id=item.pk)

    def _linked_item(self, link: RecordLink | None) -> Item | None:
        """The item ``link`` links; a link to an item deleted here since is forgotten (not in a preview)."""
        item = self.items.get(link.object_id) if link else None
        if link is not None and item is None and not self.ctx.preview:
            # Deleted here since: QuickBooks still has it, so it comes back rather than being lost.
            self.links.forget(link.object_id)
        return item

    def _namesake_skipped(self, label: str, qbo_id: str) -> bool:
        """Whether an unlinked item here has the name of this new QuickBooks item: it is then skipped, and said why."""
        namesake = self.unlinked_by_name.pop(name_key(label), None)
        if namesake is None:
            return False
        self.journal.log(
            ITEM,
            SyncAction.SKIPPED,
            label,
            qbo_id=qbo_id,
            object_id=namesake.pk,
            message=f"FieldOffice already has an item named {namesake.name} that is not linked to this "
            "QuickBooks item. One-way sync never merges records: rename one of them.",
        )
        return True

    def _item_save(self, item: Item | None, fields: dict[str, Any], changed: bool, *, qbo_id: str) -> Item | None:
        """
        ``item`` created or changed to ``fields``; None when it cannot be saved here (said in the log, and read again
        at the next run).
        """
        try:
            if item is None:
                return catalog.item_create(division=self.ctx.division, **fields)
            if changed:
                return catalog.item_update(item=item, **fields)
        except ValidationError as error:
            self.ctx.retry_later(mapping.ENTITY, qbo_id)
            reason = "; ".join(error.messages)
            label = fields["name"]
            message = f"{label} could not be saved here: {reason}"
            self.journal.log(ITEM, SyncAction.FAILED, label, qbo_id=qbo_id, message=message)
            return None
        return item

    def _deactivate(self, remote_ids: list[str]) -> None:
        """Items QuickBooks deleted (it normally only makes them inactive) are made inactive here, never deleted."""
        for qbo_id in remote_ids:
            link = self.links.remote(qbo_id)
            item = self.items.get(link.object_id) if link else None
            if item is None or not item.active:
                continue
            if not self.ctx.preview:
                catalog.item_update(item=item, active=False)
            self.journal.log(
                ITEM,
                SyncAction.DEACTIVATED,
                item.name,
                qbo_id=qbo_id,
                object_id=item.pk,
                message="Deleted in QuickBooks: made inactive here.",
            )


def _pull_action(item: Item | None, fields: dict[str, Any], changed: bool) -> SyncAction:
    """What pulling ``fields`` into ``item`` does, as the log says it: a new item, or an item made inactive."""
    if item is None:
        return SyncAction.CREATED
    if changed and item.active and not fields["active"]:
        return SyncAction.DEACTIVATED
    return SyncAction.UPDATED
