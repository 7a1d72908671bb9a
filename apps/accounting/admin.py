from django.contrib import admin

from apps.accounting.models import Account, DefaultAccounts, PaymentTerm, TaxRate
from apps.accounting.resources import AccountResource, DefaultAccountsResource, PaymentTermResource, TaxRateResource
from apps.core.admin_utils import FastChangeListMixin, IntegrationsAdminMixin
from apps.core.resources import ExportAdminMixin


@admin.register(Account)
class AccountAdmin(ExportAdminMixin, IntegrationsAdminMixin, FastChangeListMixin, admin.ModelAdmin):
    resource_classes = [AccountResource]
    list_display = ["number", "name", "account_type", "active", "division"]
    list_display_links = ["number", "name"]
    list_filter = ["account_type", "active", "division"]
    list_select_related = ["division"]
    search_fields = ["name", "number"]
    ordering = ["number", "name"]


@admin.register(DefaultAccounts)
class DefaultAccountsAdmin(ExportAdminMixin, admin.ModelAdmin):
    resource_classes = [DefaultAccountsResource]
    list_display = ["item_type", "division", "income_account", "expense_account", "asset_account"]
    list_filter = ["division"]
    list_select_related = ["division", "income_account", "expense_account", "asset_account"]
    autocomplete_fields = ["income_account", "expense_account", "asset_account"]


@admin.register(TaxRate)
class TaxRateAdmin(ExportAdminMixin, IntegrationsAdminMixin, admin.ModelAdmin):
    resource_classes = [TaxRateResource]
    list_display = ["name", "percent", "agency", "active", "division"]
    list_filter = ["active", "division"]
    list_select_related = ["division"]
    search_fields = ["name", "agency"]


@admin.register(PaymentTerm)
class PaymentTermAdmin(ExportAdminMixin, IntegrationsAdminMixin, admin.ModelAdmin):
    resource_classes = [PaymentTermResource]
    list_display = ["name", "due_days", "active", "division"]
    list_filter = ["active", "division"]
    list_select_related = ["division"]
    search_fields = ["name"]
