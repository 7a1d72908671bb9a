"""
The columns of the account, default account, tax rate and payment term exports (see ``apps.core.resources``); tax
rates and payment terms are imported by the same resources (``apps.core.importing``).
"""

from apps.accounting import services
from apps.accounting.models import Account, DefaultAccounts, PaymentTerm, TaxRate
from apps.core.columns import ACTIVE, DIVISION, Column, ColumnType, exported_fields, name_column
from apps.core.importing import RecordResource
from apps.core.resources import ExportResource

TAX_RATE_COLUMNS = (
    name_column(example="Example tax rate (delete me)"),
    Column(
        "percent",
        "Percent",
        ColumnType.DECIMAL,
        required=True,
        places=4,
        help="From 0 to 100; 7.875 means 7.875 %.",
        example=7.875,
    ),
    Column("agency", "Tax agency", max_length=100, help="Who collects the tax.", example="Example Tax Agency"),
    ACTIVE,
    DIVISION,
)
PAYMENT_TERM_COLUMNS = (
    name_column(example="Example terms (delete me)"),
    Column(
        "due_days",
        "Due in days",
        ColumnType.INTEGER,
        required=True,
        maximum=32767,
        help="Days from the invoice date to the due date.",
        example=30,
        aliases=("Due days",),
    ),
    ACTIVE,
    DIVISION,
)


class AccountResource(ExportResource):
    column_headers = {"division__name": "Division"}
    export_select_related = ("division",)

    class Meta:
        model = Account
        fields = ("number", "name", "account_type", "description", "active", "division__name")


class DefaultAccountsResource(ExportResource):
    column_headers = {
        "income_account__name": "Income account",
        "expense_account__name": "Expense account",
        "asset_account__name": "Asset account",
        "division__name": "Division",
    }
    export_select_related = ("income_account", "expense_account", "asset_account", "division")

    class Meta:
        model = DefaultAccounts
        fields = (
            "item_type",
            "income_account__name",
            "expense_account__name",
            "asset_account__name",
            "division__name",
        )


class TaxRateResource(RecordResource):
    columns = TAX_RATE_COLUMNS
    export_select_related = ("division",)
    create = staticmethod(services.tax_rate_create)
    update = staticmethod(services.tax_rate_update)
    instance_argument = "tax_rate"

    class Meta:
        model = TaxRate
        fields = exported_fields(TAX_RATE_COLUMNS)


class PaymentTermResource(RecordResource):
    columns = PAYMENT_TERM_COLUMNS
    export_select_related = ("division",)
    create = staticmethod(services.payment_term_create)
    update = staticmethod(services.payment_term_update)
    instance_argument = "payment_term"

    class Meta:
        model = PaymentTerm
        fields = exported_fields(PAYMENT_TERM_COLUMNS)
