"""Small readers the shared scenarios use: what is linked, and the lists as they stand here."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.accounting.models import Account, ItemType, PaymentTerm, TaxRate
from apps.accounting.services import default_accounts_set
from apps.quickbooks.models import RecordLink, SyncState


def link_of(record) -> RecordLink:
    return RecordLink.objects.get(object_id=record.pk, content_type__model=record._meta.model_name)


def terms_here(division) -> dict[str, tuple[int, bool]]:
    return {term.name: (term.due_days, term.active) for term in PaymentTerm.objects.filter(division=division)}


def rates_here(division) -> dict[str, tuple[Decimal, str, bool]]:
    return {rate.name: (rate.percent, rate.agency, rate.active) for rate in TaxRate.objects.filter(division=division)}


def item_defaults_set(side) -> None:
    """Default accounts for every item type, from QuickBooks' chart (pulled first)."""
    account = {role: Account.objects.get(division=side.division, name=name) for role, name in side.accounts.items()}
    stocked = {"income_account": account["income"], "expense_account": account["cogs"]}
    stocked["asset_account"] = account["asset"]
    for item_type in (ItemType.INVENTORY, ItemType.EQUIPMENT):
        default_accounts_set(division=side.division, item_type=item_type, accounts=stocked)
    default_accounts_set(
        division=side.division,
        item_type=ItemType.NON_INVENTORY,
        accounts={"income_account": account["income"], "expense_account": account["materials"]},
    )
    default_accounts_set(
        division=side.division, item_type=ItemType.SERVICE, accounts={"income_account": account["service income"]}
    )


def last_run_was(division, ago: timedelta) -> None:
    """
    As if the last sync had run ``ago`` before now, on both sides: edits made since, here and in QuickBooks, are then
    datable in between (and QuickBooks Desktop, which reads what changed since its cursor, still finds them).
    """
    SyncState.objects.filter(division=division).update(
        local_cursor=timezone.now() - ago, remote_cursor=timezone.now() - ago
    )


def local_edited_at(record, at: datetime) -> None:
    type(record).objects.filter(pk=record.pk).update(updated_at=at)
