"""
The chart of accounts, pulled one way from QuickBooks whenever inventory or invoices sync (items refer to accounts,
and items pushed from here must name accounts QuickBooks has).

The chart is read in full at every run ("listed", not "changed"): it is short (well under the 1,000 rows one query
returns), its query rides in the batch of queries a run sends anyway (the tax lists and terms, and on a full read the
count and first page of every changed entity), and a full list is always complete, so renames, deactivations and
accounts a change cursor would miss (inventory switched on long after the first sync) all arrive. Change data capture
would only spare a call in a division that syncs no tax lists, where the batch then holds the chart alone.

Accounts are matched by link, then by number (when QuickBooks has one), then by name. QuickBooks' values are applied
when they changed there (a hash of them is kept on the link), so an account edited here keeps the edit until
QuickBooks changes it; a linked account QuickBooks no longer lists is made inactive here, never deleted.

The only accounts written to QuickBooks are those an Owner asked to create there on the account mapping page
(``services.account_mapping``), when items are sent: they are created after the chart is read, and linked.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounting import services as accounting
from apps.accounting.models import Account
from apps.quickbooks.mapping import accounts as mapping
from apps.quickbooks.mapping.common import content_hash, name_key, remote_id, remote_sync_token
from apps.quickbooks.models import AccountMapping, SyncAction
from apps.quickbooks.sync.backend import CREATE, Write
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.messages import plain_reason

ACCOUNT = "account"


def accounts_wanted(ctx: RunContext) -> bool:
    return ctx.inventory_pull or ctx.inventory_push or ctx.invoices_push


def accounts_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    return ([], [mapping.ENTITY]) if accounts_wanted(ctx) else ([], [])


def accounts_sync(ctx: RunContext) -> None:
    if not accounts_wanted(ctx) or mapping.ENTITY not in ctx.snapshot.complete:
        return
    links = ctx.link_set(Account, mapping.ENTITY).load_all()
    remote = {remote_id(obj): obj for obj in ctx.snapshot.of(mapping.ENTITY)}
    local = {account.pk: account for account in Account.objects.filter(division=ctx.division)}
    ctx.journal.stage("Chart of accounts", total=len(remote))
    matcher = _Matcher([account for account in local.values() if not links.is_linked(account.pk)])
    with transaction.atomic():
        for obj in remote.values():
            _pull_one(ctx, links, local, matcher, obj)
            ctx.journal.advance()
        _deactivate_missing(ctx, links, remote, local)
    if ctx.inventory_push:
        _create_mapped(ctx, links)


def _create_mapped(ctx: RunContext, links: LinkSet) -> None:
    """
    The accounts an Owner asked to create in QuickBooks (account mapping), for the items sent after: created there and
    linked, their mapping done with. One QuickBooks has meanwhile (matched above) only loses its mapping.
    """
    mappings = list(
        AccountMapping.objects.filter(division=ctx.division, create_in_quickbooks=True).select_related("account")
    )
    done = [mapping_row.pk for mapping_row in mappings if links.is_linked(mapping_row.account_id)]
    wanted = [mapping_row for mapping_row in mappings if not links.is_linked(mapping_row.account_id)]
    writes = [Write(mapping.ENTITY, CREATE, mapping.account_payload(row.account), key=row) for row in wanted]
    for result in ctx.backend.write(writes) if writes else []:
        row, name = result.write.key, result.write.key.account.name
        if not result.ok:
            message = plain_reason(result.error, name)
            ctx.journal.log(ACCOUNT, SyncAction.FAILED, name, object_id=row.account_id, message=message)
            continue
        fingerprint = content_hash(mapping.account_fields(result.record))
        links.set(row.account_id, remote_id(result.record), remote_sync_token(result.record), fingerprint)
        done.append(row.pk)
        ctx.journal.log(
            ACCOUNT,
            SyncAction.CREATED,
            name,
            qbo_id=remote_id(result.record),
            object_id=row.account_id,
            message="Created in QuickBooks from FieldOffice's chart, as the account mapping asks.",
        )
    if done and not ctx.preview:
        AccountMapping.objects.filter(pk__in=done).delete()


class _Matcher:
    """Unlinked local accounts, found by number, then by name; each is matched once."""

    def __init__(self, accounts: list[Account]) -> None:
        self.by_number = {account.number: account for account in accounts if account.number}
        self.by_name = {name_key(account.name): account for account in accounts}

    def take(self, fields: dict[str, Any]) -> Account | None:
        account = self.by_number.get(fields.get("number", "")) or self.by_name.get(name_key(fields["name"]))
        if account is not None:
            self.by_number.pop(account.number, None)
            self.by_name.pop(name_key(account.name), None)
        return account


def _pull_one(ctx: RunContext, links: LinkSet, local: dict[int, Account], matcher: _Matcher, obj: dict) -> None:
    qbo_id = remote_id(obj)
    fields = mapping.account_fields(obj)
    fingerprint = content_hash(fields)
    link = links.remote(qbo_id)
    account = local.get(link.object_id) if link else None
    if account is not None and link.content_hash == fingerprint and not ctx.full:
        return
    action = SyncAction.UPDATED
    if account is None:
        account = matcher.take(fields)
        action = SyncAction.LINKED if account else SyncAction.CREATED
    changed = account is None or any(getattr(account, name) != value for name, value in fields.items())
    if changed and account is not None and account.active and not fields["active"] and action == SyncAction.UPDATED:
        action = SyncAction.DEACTIVATED
    if not ctx.preview:
        try:
            if account is None:
                account = accounting.account_create(division=ctx.division, by_master_system=True, **fields)
                local[account.pk] = account
            elif changed:
                account = accounting.account_update(account=account, by_master_system=True, **fields)
        except ValidationError as error:
            message = f"{fields['name']} could not be saved here: {'; '.join(error.messages)}"
            ctx.journal.log(ACCOUNT, SyncAction.FAILED, fields["name"], message=message, qbo_id=qbo_id)
            return
    if account is not None:  # A preview plans the link of an account found here, so that items may use it.
        links.set(account.pk, qbo_id, remote_sync_token(obj), fingerprint)
    if changed or action != SyncAction.UPDATED:
        ctx.journal.log(ACCOUNT, action, fields["name"], qbo_id=qbo_id, object_id=account.pk if account else None)


def _deactivate_missing(ctx: RunContext, links: LinkSet, remote: dict, local: dict[int, Account]) -> None:
    for qbo_id, link in list(links.by_remote.items()):
        account = local.get(link.object_id)
        if qbo_id in remote or account is None or not account.active:
            continue
        if not ctx.preview:
            accounting.account_update(account=account, active=False, by_master_system=True)
        ctx.journal.log(
            ACCOUNT,
            SyncAction.DEACTIVATED,
            account.name,
            qbo_id=qbo_id,
            object_id=account.pk,
            message="No longer in QuickBooks' chart of accounts: made inactive here.",
        )
