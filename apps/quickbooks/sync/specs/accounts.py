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
QuickBooks changes it (a full run applies them all); a linked account QuickBooks no longer lists is made inactive
here, never deleted.

The only accounts written to QuickBooks are those an Owner asked to create there on the account mapping page
(``services.account_mapping``), when items are sent: they are created after the chart is read, and linked, and their
mapping is done with, as is the mapping of one QuickBooks turned out to have.
"""

from typing import Any

from apps.accounting import services as accounting
from apps.accounting.models import Account
from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.models import AccountMapping, PrimarySystem
from apps.quickbooks.sync.context import RunContext, SyncRules
from apps.quickbooks.sync.records import ACCOUNT, AccountRecord
from apps.quickbooks.sync.spec import EntitySpec, MatchKey, PullApplies, Refs, SentAnyway

# What an account here holds at most (``Account``).
NAME_MAX = 100
NUMBER_MAX = 20
DESCRIPTION_MAX = 200
GONE = "No longer in QuickBooks' chart of accounts: made inactive here."
CREATED_AS_MAPPED = "Created in QuickBooks from FieldOffice's chart, as the account mapping asks."


def accounts_wanted(rules: SyncRules) -> bool:
    """QuickBooks' chart is kept here while items (either way) or invoices sync."""
    return rules.chart_of_accounts_read


def accounts_master(rules: SyncRules) -> str:
    return PrimarySystem.QUICKBOOKS if accounts_wanted(rules) else ""


def account_fields(record: AccountRecord) -> dict[str, Any]:
    """
    The local fields of a QuickBooks account. The number is left out when QuickBooks has none (account numbers are
    off in many companies), so that a number kept here is not erased.
    """
    fields: dict[str, Any] = {
        "name": _name(record),
        "account_type": record.account_type,
        "description": record.description[:DESCRIPTION_MAX],
        "active": record.active,
    }
    if number := _number(record):
        fields["number"] = number
    return fields


def account_comparable(account: Account) -> dict[str, Any]:
    """An account here in the form of ``account_fields``."""
    fields: dict[str, Any] = {
        "name": account.name,
        "account_type": account.account_type,
        "description": account.description,
        "active": account.active,
    }
    if account.number:
        fields["number"] = account.number
    return fields


def _name(record: AccountRecord) -> str:
    return record.name[:NAME_MAX].strip()


def _number(record: AccountRecord) -> str:
    return record.number[:NUMBER_MAX]


def account_record(account: Account, refs: Refs | None = None, action: str = "") -> AccountRecord:
    """The account created in QuickBooks for ``account`` (a top-level one, of its type)."""
    return AccountRecord(name=account.name, account_type=account.account_type, description=account.description)


def _account_deactivate(*, account: Account, by_master_system: bool) -> Account:
    return accounting.account_update(account=account, active=False, by_master_system=by_master_system)


def _asked(ctx: RunContext) -> set[int]:
    """The accounts an Owner asked to create in QuickBooks, while items are sent (they need them there)."""
    if not ctx.inventory_push:
        return set()
    mappings = AccountMapping.objects.filter(division=ctx.division, create_in_quickbooks=True)
    return set(mappings.values_list("account_id", flat=True))


def _mapping_done(ctx: RunContext, accounts: set[int]) -> None:
    """QuickBooks has these accounts now (created, or found in its chart): nothing left to map."""
    AccountMapping.objects.filter(division=ctx.division, account_id__in=accounts).delete()


ACCOUNTS = EntitySpec(
    name="accounts",
    label="account",
    stage="Chart of accounts",
    model=Account,
    entity=ACCOUNT,
    record_type=AccountRecord,
    create=accounting.account_create,
    update=accounting.account_update,
    deactivate=_account_deactivate,
    instance_argument="account",
    master=accounts_master,
    fields=account_fields,
    # The keys the links' hashes were first computed with: links made before keep agreeing.
    remote_comparable=account_fields,
    local_comparable=account_comparable,
    to_record=account_record,
    local_name=lambda account: account.name,
    reads=(ACCOUNT,),
    match_keys=(
        MatchKey(_number, lambda account: account.number),
        MatchKey(lambda record: name_key(_name(record)), lambda account: name_key(account.name)),
    ),
    pull_applies=PullApplies.WHEN_CHANGED_THERE,
    gone=GONE,
    sent_anyway=SentAnyway(wanted=_asked, note=CREATED_AS_MAPPED, done=_mapping_done),
)
