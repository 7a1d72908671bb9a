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

from datetime import timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Q

from apps.accounting.models import STOCKED_ITEM_TYPES, Account, DefaultAccounts
from apps.accounting.services import ACCOUNT_ROLES, ROLE_LABELS, account_roles_for, account_unfit_reason
from apps.catalog.models import Item
from apps.quickbooks.errors import FaultError
from apps.quickbooks.mapping import accounts as account_mapping
from apps.quickbooks.mapping import items as mapping
from apps.quickbooks.mapping.common import (
    content_hash,
    is_deleted,
    name_key,
    payload_id,
    remote_created_at,
    remote_id,
    with_identity,
    with_sync_token,
)
from apps.quickbooks.mapping.common import remote_sync_token as token_of
from apps.quickbooks.mapping.items import ItemAccounts
from apps.quickbooks.models import AccountMapping, RecordLink, SyncAction
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.messages import plain_reason

ITEM = "item"
# Writes sent between two renewals of the run's lease: ten batches of 30 (the backend batches them, as for customers);
# pending marks are written just before the creates of their round.
PUSH_ROUND = 300
CLOCK_TOLERANCE = timedelta(minutes=5)
DUPLICATE_NAME = "6240"
STALE = "5010"
INTERRUPTED_CREATE = "Created in QuickBooks by an earlier sync that was interrupted; linked, not created twice."


def linked_accounts(ctx: RunContext) -> ItemAccounts:
    """The division's accounts that QuickBooks has (linked by ``specs.accounts``), with their types."""
    accounts = ItemAccounts()
    pairs = ctx.linked_ids(Account, account_mapping.ENTITY)
    for pk, account_type in Account.objects.filter(pk__in=pairs).values_list("pk", "account_type"):
        accounts.add(pk, pairs[pk], account_type)
    return accounts


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
                pending.append((item, payload, wanted))
            elif (existing := taken.get(name_key(mapping.item_name(payload)))) is not None:
                message = _taken_message(mapping.item_name(existing))
                self.journal.log(
                    ITEM, SyncAction.SKIPPED, item.name, qbo_id=remote_id(existing), object_id=item.pk, message=message
                )
            else:
                creates.append(Write(mapping.ENTITY, CREATE, payload, key=(item.pk, wanted)))
        creates.extend(self._resolve_pending(pending))
        self._send(creates + updates)

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

    def _resolve_pending(self, pending: list[tuple[Item, dict, str]]) -> list[Write]:
        """Creates an interrupted run sent: linked to the item QuickBooks made for them, else sent again."""
        if not pending:
            return []
        remote = self.remote
        if not self.complete:
            oldest = min(self.links.local(item.pk).pending_since for item, _, _ in pending)
            snapshot = self.ctx.backend.pull(changed=[mapping.ENTITY], listed=[], since=oldest - CLOCK_TOLERANCE)
            remote = {remote_id(obj): obj for obj in snapshot.of(mapping.ENTITY) if not is_deleted(obj)}
        by_name = {
            name_key(mapping.item_name(obj)): obj for qbo_id, obj in remote.items() if self.links.remote(qbo_id) is None
        }
        writes = []
        for item, payload, wanted in pending:
            link = self.links.local(item.pk)
            obj = by_name.get(name_key(link.pending_name)) or by_name.get(name_key(mapping.item_name(payload)))
            created = remote_created_at(obj) if obj else None
            if obj is None or (created is not None and created < link.pending_since - CLOCK_TOLERANCE):
                writes.append(Write(mapping.ENTITY, CREATE, payload, key=(item.pk, wanted)))
                continue
            by_name.pop(name_key(mapping.item_name(obj)), None)
            self.journal.log(
                ITEM, SyncAction.LINKED, item.name, qbo_id=remote_id(obj), object_id=item.pk, message=INTERRUPTED_CREATE
            )
            if content_hash(mapping.item_comparable(obj)) == wanted:
                self.links.set(item.pk, remote_id(obj), token_of(obj), wanted)
                continue
            self.links.set(item.pk, remote_id(obj), token_of(obj), "")
            body = with_identity(payload, remote_id(obj), token_of(obj))
            writes.append(Write(mapping.ENTITY, UPDATE, body, key=(item.pk, wanted)))
        return writes

    # Sending.

    def _send(self, writes: list[Write]) -> None:
        stale: list[WriteResult] = []
        for start in range(0, len(writes), PUSH_ROUND):
            chunk = writes[start : start + PUSH_ROUND]
            self.links.mark_pending(
                (write.key[0], mapping.item_name(write.payload)) for write in chunk if write.action == CREATE
            )
            results = self.ctx.backend.write(chunk)
            with transaction.atomic():
                for result in results:
                    if result.error is not None and result.error.code == STALE:
                        stale.append(result)
                    else:
                        self._apply(result)
            self.journal.advance(len(chunk))
            self.ctx.heartbeat()
        self._resend_stale(stale)

    def _apply(self, result: WriteResult) -> None:
        item_id, wanted = result.write.key
        item = self.items[item_id]
        if result.ok:
            self.links.set(item_id, remote_id(result.record), token_of(result.record), wanted)
            action = SyncAction.CREATED if result.write.action == CREATE else SyncAction.UPDATED
            self.journal.log(ITEM, action, item.name, qbo_id=remote_id(result.record), object_id=item_id)
            return
        link = self.links.local(item_id)
        if result.error.code == DUPLICATE_NAME and result.write.action == CREATE:
            self.links.forget(item_id)
            message = _taken_message(mapping.item_name(result.write.payload))
            self.journal.log(ITEM, SyncAction.SKIPPED, item.name, object_id=item_id, message=message)
            return
        if link is not None and not link.qbo_id and isinstance(result.error, FaultError):
            self.links.forget(item_id)  # Refused for good: nothing was created, so nothing is pending.
        elif link is not None and link.qbo_id:
            self.links.touch(link, content_hash="")
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

    def _resend_stale(self, stale: list[WriteResult]) -> None:
        """Changed in QuickBooks while this run sent it: read again and sent once more with the new SyncToken."""
        if not stale:
            return
        ids = [payload_id(result.write.payload) for result in stale]
        current = {remote_id(obj): obj for obj in self.ctx.backend.read_by_ids(mapping.ENTITY, ids)}
        retries = []
        for result in stale:
            obj = current.get(payload_id(result.write.payload))
            if obj is None:
                self._apply(result)
                continue
            body = with_sync_token(result.write.payload, token_of(obj))
            retries.append(Write(mapping.ENTITY, UPDATE, body, key=result.write.key))
        results = self.ctx.backend.write(retries) if retries else []
        with transaction.atomic():
            for result in results:
                self._apply(result)
