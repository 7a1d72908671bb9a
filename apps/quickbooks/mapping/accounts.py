"""The chart of accounts, whichever QuickBooks keeps it: which accounts may stand for one QuickBooks lacks."""

from apps.accounting.models import AccountType

# Which of QuickBooks' accounts may stand for one of FieldOffice's that QuickBooks does not have: one that books the
# same way. Income and other income stand for each other, as do expense and other expense; cost of goods sold and
# inventory assets only for their own kind, since QuickBooks requires them of inventory items.
_COMPATIBLE_GROUPS = (
    frozenset({AccountType.INCOME, AccountType.OTHER_INCOME}),
    frozenset({AccountType.EXPENSE, AccountType.OTHER_EXPENSE}),
)


def compatible_types(account_type: str) -> frozenset[str]:
    """The local account types whose QuickBooks accounts may stand for an account of ``account_type``."""
    for group in _COMPATIBLE_GROUPS:
        if account_type in group:
            return group
    return frozenset({account_type})
