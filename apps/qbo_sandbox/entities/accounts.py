"""
The chart of accounts.

- ``Name`` (at most 100 characters, no colon or double quote) must be unique among the accounts under the same
  parent (6240, Intuit's account wording); ``AcctNum`` unique among active accounts (6000).
- ``AccountType`` or ``AccountSubType`` is required (6010); the missing one is derived, and ``Classification``
  follows the type. A sub-account has its parent's type (6000) and nests at most five levels deep.
"""

from typing import ClassVar

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import faults, hierarchy
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.people import checked_name
from apps.qbo_sandbox.entities.schema import BOOL, DECIMAL, REF, enum, read_only, text
from apps.qbo_sandbox.entities.shapes import entity_schema
from apps.qbo_sandbox.models import SandboxEntity

CLASSIFICATIONS = {
    "Bank": "Asset",
    "Other Current Asset": "Asset",
    "Fixed Asset": "Asset",
    "Other Asset": "Asset",
    "Accounts Receivable": "Asset",
    "Equity": "Equity",
    "Expense": "Expense",
    "Other Expense": "Expense",
    "Cost of Goods Sold": "Expense",
    "Accounts Payable": "Liability",
    "Credit Card": "Liability",
    "Long Term Liability": "Liability",
    "Other Current Liability": "Liability",
    "Income": "Revenue",
    "Other Income": "Revenue",
}
# The detail type QuickBooks picks for a type given alone, and the type of the common detail types.
DEFAULT_SUB_TYPES = {
    "Bank": "Checking",
    "Other Current Asset": "OtherCurrentAssets",
    "Fixed Asset": "OtherFixedAssets",
    "Other Asset": "OtherLongTermAssets",
    "Accounts Receivable": "AccountsReceivable",
    "Equity": "OwnersEquity",
    "Expense": "OtherMiscellaneousServiceCost",
    "Other Expense": "OtherMiscellaneousExpense",
    "Cost of Goods Sold": "SuppliesMaterialsCogs",
    "Accounts Payable": "AccountsPayable",
    "Credit Card": "CreditCard",
    "Long Term Liability": "OtherLongTermLiabilities",
    "Other Current Liability": "OtherCurrentLiabilities",
    "Income": "SalesOfProductIncome",
    "Other Income": "OtherMiscellaneousIncome",
}
SUB_TYPE_TYPES = {
    **{sub_type: account_type for account_type, sub_type in DEFAULT_SUB_TYPES.items()},
    **dict.fromkeys(("Savings", "MoneyMarket", "CashOnHand", "TrustAccounts"), "Bank"),
    **dict.fromkeys(("UndepositedFunds", "Inventory", "PrepaidExpenses", "LoansToOthers"), "Other Current Asset"),
    **dict.fromkeys(
        ("MachineryAndEquipment", "Vehicles", "Buildings", "FurnitureAndFixtures", "AccumulatedDepreciation"),
        "Fixed Asset",
    ),
    **dict.fromkeys(("SecurityDeposits", "Goodwill", "AccumulatedAmortizationOfOtherAssets"), "Other Asset"),
    **dict.fromkeys(("OpeningBalanceEquity", "RetainedEarnings", "PartnersEquity", "OwnersEquity"), "Equity"),
    **dict.fromkeys(
        (
            "AdvertisingPromotional",
            "Auto",
            "BankCharges",
            "Insurance",
            "OfficeGeneralAdministrativeExpenses",
            "RentOrLeaseOfBuildings",
            "SuppliesMaterials",
            "Travel",
            "Utilities",
            "LegalProfessionalFees",
            "EntertainmentMeals",
            "RepairMaintenance",
            "PayrollExpenses",
            "TaxesPaid",
        ),
        "Expense",
    ),
    **dict.fromkeys(("Depreciation", "Amortization", "ExchangeGainOrLoss"), "Other Expense"),
    **dict.fromkeys(
        ("CostOfLaborCos", "EquipmentRentalCos", "OtherCostsOfServiceCos", "ShippingFreightDeliveryCos"),
        "Cost of Goods Sold",
    ),
    **dict.fromkeys(
        ("GlobalTaxPayable", "SalesTaxPayable", "PayrollTaxPayable", "LineOfCredit"), "Other Current Liability"
    ),
    **dict.fromkeys(("NotesPayable", "ShareholderNotesPayable"), "Long Term Liability"),
    **dict.fromkeys(
        (
            "ServiceFeeIncome",
            "DiscountsRefundsGiven",
            "NonProfitIncome",
            "OtherPrimaryIncome",
            "UnappliedCashPaymentIncome",
        ),
        "Income",
    ),
    **dict.fromkeys(("InterestEarned", "DividendIncome", "OtherInvestmentIncome"), "Other Income"),
}
DUPLICATE_DETAIL = (
    "An account already has the same display name. Display Name must be unique. "
    "Please provide a different display name."
)


class AccountRules(EntityRules):
    entity_type = "Account"
    sticky: ClassVar[tuple[str, ...]] = ("CurrencyRef",)
    schema = entity_schema(
        {
            "Name": text(100),
            "AcctNum": text(20),
            "Description": text(100),
            "Active": BOOL,
            "SubAccount": BOOL,
            "ParentRef": REF,
            "AccountType": enum(*CLASSIFICATIONS),
            "AccountSubType": text(),
            "AccountAlias": text(),
            "TxnLocationType": text(),
            "TaxCodeRef": REF,
            "CurrencyRef": REF,
            "Classification": read_only(text()),
            "FullyQualifiedName": read_only(text()),
            "CurrentBalance": read_only(DECIMAL),
            "CurrentBalanceWithSubAccounts": read_only(DECIMAL),
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        if not data.get("Name"):
            raise faults.required_missing("Name")
        name = checked_name(data["Name"], "Name")
        if '"' in name:
            raise faults.invalid_name("Name")
        data["Name"] = name
        self._types(data)
        parent = hierarchy.place(ctx.company, "Account", data, existing, name=name)
        if parent is not None and parent.data.get("AccountType") != data["AccountType"]:
            raise faults.business_validation("For subaccounts, you must select the same account type as their parent.")
        data["SubAccount"] = parent is not None
        self._unique(ctx, data, existing)
        data.setdefault("Active", True)
        data["CurrencyRef"] = ctx.home_currency
        for name_ in ("CurrentBalance", "CurrentBalanceWithSubAccounts"):
            data[name_] = existing.data.get(name_, 0) if existing else 0
        return data

    def _types(self, data: Data) -> None:
        account_type, sub_type = data.get("AccountType"), data.get("AccountSubType")
        if not account_type and not sub_type:
            raise faults.QboFault(
                "6010",
                "Invalid Account.AccountType && Account.SubType",
                "Either an Account.AccountType or an Account.AccountSubType must be specified",
            )
        if not account_type:
            if sub_type not in SUB_TYPE_TYPES:
                raise faults.invalid_enumeration("AccountSubType", sub_type)
            account_type = SUB_TYPE_TYPES[sub_type]
        elif not sub_type:
            sub_type = DEFAULT_SUB_TYPES[account_type]
        elif SUB_TYPE_TYPES.get(sub_type, account_type) != account_type:
            raise faults.invalid_enumeration("AccountSubType", sub_type)
        data["AccountType"], data["AccountSubType"] = account_type, sub_type
        data["Classification"] = CLASSIFICATIONS[account_type]

    def _unique(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> None:
        same_name = store.entity_list(ctx.company, "Account").filter(name_key=data["Name"].lower())
        if existing is not None:
            same_name = same_name.exclude(pk=existing.pk)
        if any(
            other.data.get("FullyQualifiedName", "").lower() == data["FullyQualifiedName"].lower()
            for other in same_name
        ):
            raise faults.duplicate_name(DUPLICATE_DETAIL)
        if data.get("AcctNum"):
            numbered = store.entity_list(ctx.company, "Account", active=True).filter(data__AcctNum=data["AcctNum"])
            if existing is not None:
                numbered = numbered.exclude(pk=existing.pk)
            if numbered.exists():
                raise faults.business_validation(
                    "Another account is already using this number.  Please use a different number."
                )

    def after_write(self, ctx: WriteContext, entity: SandboxEntity, previous: Data | None) -> None:
        if previous is not None and previous.get("FullyQualifiedName") != entity.data.get("FullyQualifiedName"):
            hierarchy.relabel_descendants(entity, name_field="Name", with_level=False)
