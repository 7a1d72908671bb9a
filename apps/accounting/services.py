"""
Writes to tax rates, payment terms, accounts and default accounts: validated, then saved, the same way for the
admin, the API, imports and the sync.

While another system is master of a division's tax rates, terms or chart of accounts (``apps.core.masters``:
QuickBooks, when it syncs them), every write here is refused with a ``ValidationError`` that says why, except the
master system's own writes: a sync passes ``by_master_system=True``. An account that records use (items, default
accounts) is never deleted, whoever asks; it can be set inactive.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from apps.accounting.models import (
    ASSET_ACCOUNT_TYPES,
    EXPENSE_ACCOUNT_TYPES,
    INCOME_ACCOUNT_TYPES,
    STOCKED_ITEM_TYPES,
    Account,
    AccountType,
    DefaultAccounts,
    PaymentTerm,
    TaxRate,
)
from apps.accounting.selectors import account_in_use_reason
from apps.core.masters import master_elsewhere
from apps.core.models import Division

DEFAULT_ACCOUNTS_PERMISSION = "accounting.change_defaultaccounts"


def _clean_save(instance: models.Model) -> None:
    instance.full_clean()
    instance.save()


def _refuse_if_kept_elsewhere(instance: models.Model, *division_ids: int | None, by_master_system: bool) -> None:
    """Refuse a write to ``instance`` when another system keeps the records of its division(s), unless it is that
    system's own write."""
    if by_master_system:
        return
    for division_id in dict.fromkeys(division_ids):
        if division_id is not None and (reason := master_elsewhere(type(instance), division_id)):
            raise ValidationError(reason, code="master_elsewhere")


def _update(instance: models.Model, fields: dict[str, Any], *, by_master_system: bool) -> None:
    division_before = instance.division_id
    for name, value in fields.items():
        setattr(instance, name, value)
    _refuse_if_kept_elsewhere(instance, division_before, instance.division_id, by_master_system=by_master_system)
    _clean_save(instance)


def _deactivate(instance: models.Model, *, by_master_system: bool) -> None:
    _refuse_if_kept_elsewhere(instance, instance.division_id, by_master_system=by_master_system)
    if instance.active:
        instance.active = False
        _clean_save(instance)


def tax_rate_create(*, by_master_system: bool = False, **fields: Any) -> TaxRate:
    """Create a tax rate. ``by_master_system``: the master system's own write (a sync), allowed while read-only
    here."""
    tax_rate = TaxRate(**fields)
    _refuse_if_kept_elsewhere(tax_rate, tax_rate.division_id, by_master_system=by_master_system)
    _clean_save(tax_rate)
    return tax_rate


def tax_rate_update(*, tax_rate: TaxRate, by_master_system: bool = False, **fields: Any) -> TaxRate:
    """Change a tax rate. ``by_master_system``: the master system's own write (a sync), allowed while read-only
    here."""
    _update(tax_rate, fields, by_master_system=by_master_system)
    return tax_rate


def tax_rate_deactivate(*, tax_rate: TaxRate, by_master_system: bool = False) -> TaxRate:
    """Set a tax rate inactive (a sync does it when the rate is deleted in QuickBooks); records that use it keep
    it. ``by_master_system``: the master system's own write, allowed while read-only here."""
    _deactivate(tax_rate, by_master_system=by_master_system)
    return tax_rate


def payment_term_create(*, by_master_system: bool = False, **fields: Any) -> PaymentTerm:
    """Create a payment term. ``by_master_system``: the master system's own write (a sync), allowed while read-only
    here."""
    payment_term = PaymentTerm(**fields)
    _refuse_if_kept_elsewhere(payment_term, payment_term.division_id, by_master_system=by_master_system)
    _clean_save(payment_term)
    return payment_term


def payment_term_update(*, payment_term: PaymentTerm, by_master_system: bool = False, **fields: Any) -> PaymentTerm:
    """Change a payment term. ``by_master_system``: the master system's own write (a sync), allowed while read-only
    here."""
    _update(payment_term, fields, by_master_system=by_master_system)
    return payment_term


def payment_term_deactivate(*, payment_term: PaymentTerm, by_master_system: bool = False) -> PaymentTerm:
    """Set a payment term inactive (a sync does it when the term is deleted in QuickBooks); customers and invoices
    that use it keep it. ``by_master_system``: the master system's own write, allowed while read-only here."""
    _deactivate(payment_term, by_master_system=by_master_system)
    return payment_term


# The chart of accounts and the default accounts per item type.

# Which accounts an item of a type uses, and of which types each may be. Stocked items (inventory, equipment) post
# their cost to cost of goods sold and keep their value in an asset account, as QuickBooks requires of inventory.
ACCOUNT_ROLES = ("income_account", "expense_account", "asset_account")
ROLE_TYPES: dict[str, tuple[str, ...]] = {
    "income_account": INCOME_ACCOUNT_TYPES,
    "expense_account": EXPENSE_ACCOUNT_TYPES,
    "asset_account": ASSET_ACCOUNT_TYPES,
}
ROLE_LABELS = {"income_account": "income", "expense_account": "expense", "asset_account": "asset"}


def account_roles_for(item_type: str) -> tuple[str, ...]:
    """The accounts an item of ``item_type`` has: income and expense, and an asset account when it is stocked."""
    return ACCOUNT_ROLES if item_type in STOCKED_ITEM_TYPES else ACCOUNT_ROLES[:2]


def account_types_for(item_type: str, role: str) -> tuple[str, ...]:
    """The account types ``role`` may have on an item of ``item_type``."""
    if role == "expense_account" and item_type in STOCKED_ITEM_TYPES:
        return (AccountType.COST_OF_GOODS_SOLD,)
    return ROLE_TYPES[role]


def account_unfit_reason(account: Account, item_type: str, role: str) -> str:
    """Why ``account`` cannot be the ``role`` account of ``item_type`` items, or ``""`` when it can."""
    allowed = account_types_for(item_type, role)
    if account.account_type in allowed:
        return ""
    kinds = " or ".join(str(AccountType(value).label).lower() for value in allowed)
    kind = account.get_account_type_display().lower()
    article = "an" if kind[:1] in "aeiou" else "a"
    return f"{account} is {article} {kind} account; the {ROLE_LABELS[role]} account must be {kinds}."


def account_create(*, by_master_system: bool = False, **fields: Any) -> Account:
    """Add an account to a division's chart. ``by_master_system``: the master system's own write (a sync), allowed
    while the chart is read-only here."""
    account = Account(**fields)
    _refuse_if_kept_elsewhere(account, account.division_id, by_master_system=by_master_system)
    _clean_save(account)
    return account


def account_update(*, account: Account, by_master_system: bool = False, **fields: Any) -> Account:
    """Change an account (set ``active=False`` to retire it). ``by_master_system``: the master system's own write (a
    sync), allowed while the chart is read-only here."""
    _update(account, fields, by_master_system=by_master_system)
    return account


@transaction.atomic
def account_delete(*, account: Account) -> None:
    """
    Delete an account nothing uses, while its division's chart is kept here.

    Refused with a ``ValidationError`` (code ``in_use``) naming what uses it, for everyone: items and default accounts
    would otherwise lose their accounts. No master system deletes accounts here: a sync makes them inactive.
    """
    _refuse_if_kept_elsewhere(account, account.division_id, by_master_system=False)
    # Locked first, so that an item taking the account meanwhile waits or is refused by the database (PROTECT).
    account = Account.objects.select_for_update().get(pk=account.pk)
    if reason := account_in_use_reason(account=account):
        raise ValidationError(reason, code="in_use")
    account.delete()


def _require_default_accounts_permission(user) -> None:
    # No user: the sync, a management command or the demo, run by whoever administers the server.
    if user is not None and not user.has_perm(DEFAULT_ACCOUNTS_PERMISSION):
        raise PermissionDenied("Only an Owner may change the default accounts.")


def default_accounts_check(*, item_type: str, accounts: dict[str, Account | None]) -> None:
    """
    Raise ``ValidationError`` (per role) unless ``accounts`` may be the default accounts of ``item_type`` items: each
    of a type its role takes on that item type (cost of goods sold for stocked items' expense), an asset account for
    stocked types only. ``default_accounts_set`` checks it again; forms call it to show the reasons on their fields.
    """
    unknown = set(accounts) - set(account_roles_for(item_type))
    if unknown:
        raise ValidationError({role: "Only inventory and equipment items have an asset account." for role in unknown})
    errors: dict[str, str] = {}
    for role, account in accounts.items():
        if account is not None and (reason := account_unfit_reason(account, item_type, role)):
            errors[role] = reason
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def default_accounts_set(
    *, division: Division, item_type: str, accounts: dict[str, Account | None], user=None
) -> DefaultAccounts:
    """
    Set the accounts items of ``item_type`` use when they have none of their own ("Change default accounts").

    ``accounts`` maps ``income_account``, ``expense_account`` and, for stocked types, ``asset_account`` to an account
    of the division (or ``None``); a wrong type or another division's account raises ``ValidationError``. ``user``,
    when given, must be allowed to change default accounts (an Owner), or ``PermissionDenied`` is raised.
    """
    _require_default_accounts_permission(user)
    default_accounts_check(item_type=item_type, accounts=accounts)
    defaults = DefaultAccounts.objects.select_for_update().filter(division=division, item_type=item_type).first()
    defaults = defaults or DefaultAccounts(division=division, item_type=item_type)
    for role, account in accounts.items():
        setattr(defaults, role, account)
    _clean_save(defaults)
    return defaults
