"""
The account mapping: what each account of a division's chart that QuickBooks does not have stands for there.

QuickBooks' chart comes here at every sync that needs it (``sync.specs.accounts``), matched by link, number and name;
an account here left unmatched is one QuickBooks does not have, and items using it cannot be sent. An Owner maps it
to one of QuickBooks' accounts of a kind that books the same way (``mapping.accounts.compatible_types``), which the
items are then sent with, or has the next sync create it in QuickBooks.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.accounting.models import Account, AccountType
from apps.core.models import Division
from apps.quickbooks.mapping.accounts import compatible_types
from apps.quickbooks.models import AccountMapping
from apps.quickbooks.selectors import linked_account_ids

MAPPING_PERMISSION = "quickbooks.change_accountmapping"


def account_mapping_reason(*, account: Account, quickbooks_account: Account, linked: dict[int, str]) -> str:
    """Why ``quickbooks_account`` cannot stand for ``account`` in QuickBooks, or ``""`` when it can."""
    if quickbooks_account.division_id != account.division_id:
        return f"{quickbooks_account} belongs to another division."
    if quickbooks_account.pk not in linked:
        return f"{quickbooks_account} is not in QuickBooks either: choose one of QuickBooks' accounts."
    if not quickbooks_account.active:
        return f"{quickbooks_account} is inactive in QuickBooks: choose an active account."
    allowed = compatible_types(account.account_type)
    if quickbooks_account.account_type not in allowed:
        kinds = " or ".join(sorted(str(AccountType(value).label).lower() for value in allowed))
        other = quickbooks_account.get_account_type_display().lower()
        return (
            f"{quickbooks_account} ({other}) cannot stand for {account}: choose a QuickBooks account of the same "
            f"kind ({kinds})."
        )
    return ""


@transaction.atomic
def account_mapping_set(
    *,
    division: Division,
    account: Account,
    quickbooks_account: Account | None = None,
    create_in_quickbooks: bool = False,
    user=None,
) -> AccountMapping | None:
    """
    Map ``account`` to ``quickbooks_account`` (an account here that QuickBooks has), or have the next sync create it
    in QuickBooks (``create_in_quickbooks``); with neither, its mapping is removed and ``None`` returned.

    Raises ``ValidationError`` with a plain reason when the account is another division's or QuickBooks has it, or
    when the chosen account may not stand for it; ``PermissionDenied`` when ``user`` is given and is not an Owner.
    """
    if user is not None and not user.has_perm(MAPPING_PERMISSION):
        raise PermissionDenied("Only an Owner may map accounts to QuickBooks.")
    if account.division_id != division.pk:
        raise ValidationError(f"{account} belongs to another division.")
    if quickbooks_account is not None and create_in_quickbooks:
        raise ValidationError(f"{account}: choose a QuickBooks account or to create it there, not both.")
    linked = linked_account_ids(division=division)
    if account.pk in linked:
        raise ValidationError(f"QuickBooks has {account} already: it needs no mapping.")
    reason = (
        account_mapping_reason(account=account, quickbooks_account=quickbooks_account, linked=linked)
        if quickbooks_account is not None
        else ""
    )
    if reason:
        raise ValidationError(reason)
    if quickbooks_account is None and not create_in_quickbooks:
        AccountMapping.objects.filter(account=account).delete()
        return None
    mapping, _ = AccountMapping.objects.update_or_create(
        account=account,
        defaults={
            "division": division,
            "quickbooks_account": quickbooks_account,
            "create_in_quickbooks": create_in_quickbooks,
            "updated_by": user,
        },
    )
    return mapping
