"""The chart of accounts, whichever QuickBooks keeps it: its types, and which accounts may stand for one it lacks."""

from apps.accounting.models import AccountType

# QuickBooks' account types, by the names it shows them under, as FieldOffice's: "Other Asset" (long-term) has no
# twin here and reads as fixed asset. Online writes them so; Desktop writes each as one word ("CostOfGoodsSold").
QUICKBOOKS_TYPES = {
    "Bank": AccountType.BANK,
    "Accounts Receivable": AccountType.ACCOUNTS_RECEIVABLE,
    "Other Current Asset": AccountType.OTHER_CURRENT_ASSET,
    "Fixed Asset": AccountType.FIXED_ASSET,
    "Other Asset": AccountType.FIXED_ASSET,
    "Accounts Payable": AccountType.ACCOUNTS_PAYABLE,
    "Credit Card": AccountType.CREDIT_CARD,
    "Other Current Liability": AccountType.OTHER_CURRENT_LIABILITY,
    "Long Term Liability": AccountType.LONG_TERM_LIABILITY,
    "Equity": AccountType.EQUITY,
    "Income": AccountType.INCOME,
    "Other Income": AccountType.OTHER_INCOME,
    "Cost of Goods Sold": AccountType.COST_OF_GOODS_SOLD,
    "Expense": AccountType.EXPENSE,
    "Other Expense": AccountType.OTHER_EXPENSE,
}

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
