"""Small readers the shared scenarios use: what is linked, and the lists as they stand here."""

from decimal import Decimal

from apps.accounting.models import Account, ItemType, PaymentTerm, TaxRate
from apps.accounting.services import default_accounts_set
from apps.quickbooks.models import RecordLink


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
