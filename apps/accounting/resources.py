"""The columns of the account, default account, tax rate and payment term exports (see ``apps.core.resources``)."""

from apps.accounting.models import Account, DefaultAccounts, PaymentTerm, TaxRate
from apps.core.resources import ExportResource


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


class TaxRateResource(ExportResource):
    column_headers = {"percent": "Percent", "division__name": "Division"}
    export_select_related = ("division",)

    class Meta:
        model = TaxRate
        fields = ("name", "percent", "agency", "active", "division__name")


class PaymentTermResource(ExportResource):
    column_headers = {"due_days": "Due in days", "division__name": "Division"}
    export_select_related = ("division",)

    class Meta:
        model = PaymentTerm
        fields = ("name", "due_days", "active", "division__name")
