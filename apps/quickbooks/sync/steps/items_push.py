"""
Items from FieldOffice to QuickBooks (``inventory_push``); QuickBooks' own edits are never read back.

Local items changed since the last run, never linked, whose last push failed, or whose type's default accounts changed
or were mapped anew are sent when their comparable hash differs from the one on their link (an unchanged item costs
nothing), 30 to a batch. Each item names its own accounts, else the division's defaults for its type; an account
QuickBooks does not have is sent as the one of QuickBooks' the account mapping names for it. An item without a valid
account (none, one QuickBooks does not have and that is not mapped, inactive, or of the wrong type) fails alone with
a plain message before anything is sent. An unlinked item whose name QuickBooks already uses is skipped and logged
(one-way sync never merges). Creates are marked pending before they go; a run interrupted after QuickBooks made them
finds them by name among QuickBooks' items changed since the mark, and links them instead of creating them twice.
"""

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from apps.accounting.models import STOCKED_ITEM_TYPES, Account, DefaultAccounts
from apps.accounting.services import ACCOUNT_ROLES, ROLE_LABELS, account_roles_for, account_unfit_reason
from apps.catalog.models import Item
from apps.quickbooks.mapping import items as mapping
from apps.quickbooks.mapping.common import (
    content_hash,
    is_deleted,
    name_key,
    remote_created_at,
    remote_id,
    with_identity,
)
from apps.quickbooks.mapping.common import remote_sync_token as token_of
from apps.quickbooks.mapping.items import ItemAccounts
from apps.quickbooks.models import AccountMapping, RecordLink, SyncAction
from apps.quickbooks.sync.apply import spec_sync
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.messages import plain_reason
from apps.quickbooks.sync.specs.items import ITEMS, linked_accounts
from apps.quickbooks.sync.writes import CLOCK_TOLERANCE, DUPLICATE_NAME, Pending, Recovery, Writer, link_release

ITEM = "item"


def items_sync(ctx: RunContext) -> None:
    """Items pulled by the engine from their spec (``specs.items``), or sent by ``ItemsPush``."""
    if ctx.inventory_pull:
        spec_sync(ctx, ITEMS)
    elif ctx.inventory_push:
        ItemsPush(ctx, linked_accounts(ctx)).run()


def _taken_message(name: str) -> str:
    return (
        f"QuickBooks already has a product, service or category named {name} that is not linked to this item. "
        "One-way sync never merges records: rename one of them."
    )


class ItemsPush:
    def __init__(self, ctx: RunContext, accounts: ItemAccounts) -> None:
        self.ctx = ctx
        self.journal = ctx.journal
        self.division = ctx.division
        self.accounts = accounts
        self.links = ctx.link_set(Item, mapping.ENTITY)
        self.complete = mapping.ENTITY in ctx.snapshot.complete
        if self.complete or ctx.resend:
            self.links.load_all()
        objects = ctx.snapshot.of(mapping.ENTITY)
        self.remote = {remote_id(obj): obj for obj in objects if not is_deleted(obj)}
        self.items: dict[int, Item] = {}
        self.all_accounts: dict[int, Account] = {}
        self.defaults: dict[str, DefaultAccounts] = {}

    # Choosing what to send.

    def _candidates(self):
        ctx = self.ctx
        ctx.local_changes_collected()
        query = Item.objects.filter(division=self.division)
        cursor = ctx.state.local_cursor
        if ctx.full or ctx.resend or cursor is None:
            return query
        # Accounts mapped anew since: the items using them (their own, or their type's default) go with the map.
        remapped = AccountMapping.objects.filter(division=self.division, updated_at__gt=cursor).values("account_id")
        using_remapped = reduce(or_, (Q(**{f"{role}__in": remapped}) for role in ACCOUNT_ROLES))
        defaults = DefaultAccounts.objects.filter(Q(updated_at__gt=cursor) | using_remapped, division=self.division)
        return query.filter(
            Q(updated_at__gt=cursor)
            | self.links.unlinked_filter()
            | self.links.stale_filter()
            | Q(item_type__in=defaults.values("item_type"))
            | using_remapped
        )

    def run(self) -> None:
        items = list(self._candidates())
        if not items:
            return
        self.journal.stage("Sending items to QuickBooks", total=len(items))
        self.links.load_local(item.pk for item in items)
        self.items = {item.pk: item for item in items}
        self.all_accounts = Account.objects.filter(division=self.division).in_bulk()
        # Accounts QuickBooks does not have, and the account here (linked to one of QuickBooks') each stands for.
        self.account_map = dict(
            AccountMapping.objects.filter(division=self.division, quickbooks_account__isnull=False).values_list(
                "account_id", "quickbooks_account_id"
            )
        )
        self.defaults = {row.item_type: row for row in DefaultAccounts.objects.filter(division=self.division)}
        taken = self._remote_unlinked_names() if self.complete else {}
        creates, updates, pending = [], [], []
        for item in items:
            refs, problem = self._accounts_for(item)
            if problem:
                self._refused_here(item, problem)
                continue
            payload = mapping.item_payload(item, refs)
            wanted = content_hash(mapping.item_comparable(payload))
            link = self.links.local(item.pk)
            if link is not None and link.qbo_id:
                write = self._update_for(item, link, payload, wanted)
                if write is not None:
                    (creates if write.action == CREATE else updates).append(write)
            elif link is not None and link.pending_since:
                pending.append(Write(mapping.ENTITY, CREATE, payload, key=(item.pk, wanted)))
            elif (existing := taken.get(name_key(mapping.item_name(payload)))) is not None:
                message = _taken_message(mapping.item_name(existing))
                self.journal.log(
                    ITEM, SyncAction.SKIPPED, item.name, qbo_id=remote_id(existing), object_id=item.pk, message=message
                )
            else:
                creates.append(Write(mapping.ENTITY, CREATE, payload, key=(item.pk, wanted)))
        writer = self._writer()
        creates.extend(writer.recover(pending))
        writer.send(creates + updates)

    def _remote_unlinked_names(self) -> dict[str, dict[str, Any]]:
        return {
            name_key(mapping.item_name(obj)): obj
            for qbo_id, obj in self.remote.items()
            if self.links.remote(qbo_id) is None and not mapping.is_sub_item(obj)
        }

    def _accounts_for(self, item: Item) -> tuple[dict[str, str], str]:
        """The QuickBooks ids of the accounts ``item`` uses, or why it has no valid one."""
        refs: dict[str, str] = {}
        defaults = self.defaults.get(item.item_type)
        kind = item.get_item_type_display().lower()
        for role in account_roles_for(item.item_type):
            label = ROLE_LABELS[role]
            own = getattr(item, f"{role}_id")
            account_id = own or (getattr(defaults, f"{role}_id") if defaults else None)
            if account_id is None:
                if role == "income_account" or item.item_type in STOCKED_ITEM_TYPES:
                    return refs, (
                        f"{item.name} has no {label} account, and {self.division} has no default {label} account "
                        f"for {kind} items: choose one on the item, or with Change default accounts on the "
                        "QuickBooks page."
                    )
                continue
            account = self.all_accounts.get(account_id)
            named = account or "of another division"
            which = f"its {label} account {named}" if own else f"the default {label} account for {kind} items, {named},"
            qbo_id = self.accounts.ids.remote(account_id)
            if account is not None and not qbo_id and (mapped := self.account_map.get(account_id)):
                # QuickBooks lacks it: the account mapping names the one of QuickBooks' that stands for it.
                account = self.all_accounts.get(mapped)
                qbo_id = self.accounts.ids.remote(mapped)
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

    def _refused_here(self, item: Item, message: str) -> None:
        link = self.links.local(item.pk)
        if link is not None and link.qbo_id:
            self.links.touch(link, content_hash="")  # Sent again once it has valid accounts.
        self.journal.log(
            ITEM, SyncAction.FAILED, item.name, qbo_id=link.qbo_id if link else "", object_id=item.pk, message=message
        )

    def _update_for(self, item: Item, link: RecordLink, payload: dict, wanted: str) -> Write | None:
        """The update a linked item needs (or, in a resend, the create of one QuickBooks lost); ``None`` if none."""
        token = link.sync_token
        if self.ctx.resend:
            current = self.remote.get(link.qbo_id)
            if current is None:
                self.links.forget(item.pk)
                return Write(mapping.ENTITY, CREATE, payload, key=(item.pk, wanted))
            if content_hash(mapping.item_comparable(current)) == wanted:
                return None
            token = token_of(current)
        elif wanted == link.content_hash:
            return None
        body = with_identity(payload, link.qbo_id, token)
        return Write(mapping.ENTITY, UPDATE, body, key=(item.pk, wanted))

    # Sending.

    def _writer(self) -> Writer:
        """How items are written: the engine's ``Writer``, with what is theirs."""
        return Writer(
            self.ctx,
            self.links,
            entity=mapping.ENTITY,
            log_as=ITEM,
            label=lambda write: self.items[write.key[0]].name,
            local_id=lambda write: write.key[0],
            sent_name=lambda write: mapping.item_name(write.payload),
            applied=self._apply,
            recovery=Recovery(
                find=self._pending_found,
                keys=_pending_keys,
                created_at=remote_created_at,
                holds=_pending_held,
            ),
        )

    def _pending_found(self, pending: list[Pending]) -> dict[str, dict[str, Any]]:
        """
        The unlinked items QuickBooks holds, by name: those read (in full), or those changed since the oldest
        interrupted create was recorded.
        """
        remote = self.remote
        if not self.complete:
            oldest = min(link.pending_since for _, link in pending)
            snapshot = self.ctx.backend.pull(changed=[mapping.ENTITY], listed=[], since=oldest - CLOCK_TOLERANCE)
            remote = {remote_id(obj): obj for obj in snapshot.of(mapping.ENTITY) if not is_deleted(obj)}
        return {
            name_key(mapping.item_name(obj)): obj for qbo_id, obj in remote.items() if self.links.remote(qbo_id) is None
        }

    def _apply(self, result: WriteResult) -> None:
        item_id, wanted = result.write.key
        item = self.items[item_id]
        if result.ok:
            self.links.set(item_id, remote_id(result.record), token_of(result.record), wanted)
            action = SyncAction.CREATED if result.write.action == CREATE else SyncAction.UPDATED
            self.journal.log(ITEM, action, item.name, qbo_id=remote_id(result.record), object_id=item_id)
            return
        if result.error.code == DUPLICATE_NAME and result.write.action == CREATE:
            self.links.forget(item_id)
            message = _taken_message(mapping.item_name(result.write.payload))
            self.journal.log(ITEM, SyncAction.SKIPPED, item.name, object_id=item_id, message=message)
            return
        link = link_release(self.links, item_id, result.error)
        self.journal.log(
            ITEM,
            SyncAction.FAILED,
            item.name,
            qbo_id=link.qbo_id if link else "",
            object_id=item_id,
            message=self._reason(result, item),
        )

    @staticmethod
    def _reason(result: WriteResult, item: Item) -> str:
        if result.error.code == DUPLICATE_NAME:
            name = mapping.item_name(result.write.payload)
            return f"Another product or service in QuickBooks already uses the name {name}: rename one of them."
        return plain_reason(result.error, item.name)


def _pending_keys(pending: Pending) -> list[str]:
    """An interrupted create is matched by the name it was sent with, then by the item's name now."""
    return [name_key(pending.link.pending_name), name_key(mapping.item_name(pending.write.payload))]


def _pending_held(pending: Pending, obj: dict[str, Any]) -> str:
    """QuickBooks' item holds already what is sent: linked at that content, and nothing sent."""
    _, wanted = pending.write.key
    return wanted if content_hash(mapping.item_comparable(obj)) == wanted else ""
