"""
The accounting admin: the chart of accounts, default accounts, tax rates and payment terms.

Who may change what is the roles' business (``apps.core.roles``): an Owner keeps the chart of accounts and the
default accounts, Office reads them. On top of that, records another system keeps are read-only for everyone
(``ReadOnlyWhileKeptElsewhereAdmin``), and an account in use is never deleted (``accounting.services.account_delete``).
Default accounts are saved through ``accounting.services.default_accounts_set``, as everywhere else.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from apps.accounting.models import Account, DefaultAccounts, PaymentTerm, TaxRate
from apps.accounting.resources import AccountResource, DefaultAccountsResource, PaymentTermResource, TaxRateResource
from apps.accounting.selectors import account_in_use_reason
from apps.accounting.services import (
    ACCOUNT_ROLES,
    account_delete,
    account_roles_for,
    default_accounts_check,
    default_accounts_set,
)
from apps.core.admin_utils import (
    DecimalInput,
    DivisionLabelsAdminMixin,
    FastChangeListMixin,
    IntegrationsAdminMixin,
    ReadOnlyDisplayMixin,
)
from apps.core.display import format_percent
from apps.core.masters import master_elsewhere, masters_elsewhere
from apps.core.models import Division, division_default_id
from apps.core.resources import ExportAdminMixin

# A bulk delete of many accounts in use names the first few, then how many more.
IN_USE_MESSAGES_SHOWN = 5


def _chosen_accounts(cleaned_data: dict, item_type: str) -> dict[str, Account | None]:
    """The accounts a form chose for ``item_type``: its roles, and an asset account chosen where none belongs."""
    roles = account_roles_for(item_type)
    return {
        role: cleaned_data.get(role)
        for role in ACCOUNT_ROLES
        if role in roles or cleaned_data.get(role) is not None
    }


class DefaultAccountsForm(forms.ModelForm):
    """Checked as ``accounting.services.default_accounts_set`` will check it, its reasons on the fields."""

    def clean(self):
        cleaned_data = super().clean()
        item_type = cleaned_data.get("item_type") or self.instance.item_type
        if not item_type:
            return cleaned_data
        try:
            default_accounts_check(item_type=item_type, accounts=_chosen_accounts(cleaned_data, item_type))
        except ValidationError as error:
            for role, problems in error.message_dict.items():
                self.add_error(role if role in self.fields else None, problems)
        return cleaned_data


@admin.register(DefaultAccounts)
class DefaultAccountsAdmin(ExportAdminMixin, DivisionLabelsAdminMixin, admin.ModelAdmin):
    """
    Default accounts are written only by ``accounting.services.default_accounts_set`` (as by "Change default
    accounts" on the QuickBooks page), which checks the accounts and the user's permission. A row keeps its division
    and item type, and is cleared rather than deleted: clearing is a change the sync notices and follows.
    """

    form = DefaultAccountsForm
    fields = ["division", "item_type", "income_account", "expense_account", "asset_account"]
    resource_classes = [DefaultAccountsResource]
    list_display = ["item_type", "division", "income_account", "expense_account", "asset_account"]
    list_filter = ["division"]
    list_select_related = ["division", "income_account", "expense_account", "asset_account"]
    autocomplete_fields = ["income_account", "expense_account", "asset_account"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "division", "item_type"] if obj is not None else readonly

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        saved = default_accounts_set(
            division=obj.division,
            item_type=obj.item_type,
            accounts=_chosen_accounts(form.cleaned_data, obj.item_type),
            user=request.user,
        )
        # The admin goes on with ``obj`` (its history entry, the redirect): it is now the row the service saved.
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at
        obj._state.adding = False


class KeptElsewhereForm(forms.ModelForm):
    """Refuses a record in a division whose records of this kind another system keeps."""

    def clean(self):
        cleaned_data = super().clean()
        division = cleaned_data.get("division")
        if division is not None and (reason := master_elsewhere(self._meta.model, division.pk)):
            self.add_error("division", reason)
        return cleaned_data


class ReadOnlyWhileKeptElsewhereAdmin(admin.ModelAdmin):
    """
    Records another system keeps (``apps.core.masters``: QuickBooks, when it syncs them) are shown, not changed.

    A record of such a division cannot be changed or deleted; new records go only to divisions still kept here (none
    can be added when every division is kept elsewhere). A banner on the list and the form says why.
    """

    # Named, not found by convention: the export mixin puts its own list template first and extends this one.
    change_list_template = "admin/accounting/read_only/change_list.html"
    change_form_template = "admin/accounting/read_only/change_form.html"
    form = KeptElsewhereForm

    def kept_elsewhere(self, request) -> tuple[list[int], dict[int, str]]:
        """Every division's id, and the reason of each division kept elsewhere; asked once per request."""
        answers = request.__dict__.setdefault("_kept_elsewhere", {})
        if self.model not in answers:
            division_ids = list(Division.objects.values_list("pk", flat=True))
            answers[self.model] = (division_ids, masters_elsewhere(self.model, division_ids))
        return answers[self.model]

    def _read_only(self, request, obj=None) -> bool:
        division_ids, reasons = self.kept_elsewhere(request)
        if obj is not None:
            return obj.division_id in reasons
        return bool(division_ids) and len(reasons) == len(division_ids)

    def has_add_permission(self, request) -> bool:
        return not self._read_only(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._read_only(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._read_only(request, obj) and super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        division_ids, reasons = self.kept_elsewhere(request)
        if reasons and "division" not in initial and division_default_id() in reasons:
            initial["division"] = next((pk for pk in division_ids if pk not in reasons), None)
        return initial

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete_selected, name, description = actions["delete_selected"]
            actions[name] = (self._refusing_kept_elsewhere(delete_selected), name, description)
        return actions

    def _refusing_kept_elsewhere(self, action):
        def refusing(modeladmin, request, queryset):
            _, reasons = self.kept_elsewhere(request)
            selected = queryset.order_by().values_list("division_id", flat=True).distinct()
            refusals = sorted({reasons[pk] for pk in selected if pk in reasons})
            if refusals:
                for reason in refusals:
                    modeladmin.message_user(request, f"Nothing was deleted. {reason}", messages.ERROR)
                return None
            return action(modeladmin, request, queryset)

        return refusing

    def changelist_view(self, request, extra_context=None):
        _, reasons = self.kept_elsewhere(request)
        extra_context = {**(extra_context or {}), "kept_elsewhere": sorted(set(reasons.values()))}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        _, reasons = self.kept_elsewhere(request)
        if obj is not None and obj.pk is not None:
            banner = [reasons[obj.division_id]] if obj.division_id in reasons else []
        else:
            banner = sorted(set(reasons.values()))
        context["kept_elsewhere"] = banner
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Account)
class AccountAdmin(
    ExportAdminMixin,
    DivisionLabelsAdminMixin,
    IntegrationsAdminMixin,
    FastChangeListMixin,
    ReadOnlyWhileKeptElsewhereAdmin,
):
    """
    The chart of accounts: read-only while QuickBooks keeps it; an account in use cannot be deleted, here or in bulk,
    and the refusal says what uses it.
    """

    resource_classes = [AccountResource]
    list_display = ["number", "name", "account_type", "active", "division"]
    list_display_links = ["number", "name"]
    list_filter = ["account_type", "active", "division"]
    list_select_related = ["division"]
    search_fields = ["name", "number"]
    ordering = ["number", "name"]

    def delete_view(self, request, object_id, extra_context=None):
        account = self.get_object(request, unquote(object_id))
        may_delete = account is not None and self.has_delete_permission(request, account)
        if may_delete and (reason := account_in_use_reason(account=account)):
            # Instead of Django's list of "protected related objects": what to do, in one sentence.
            self.message_user(request, reason, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:accounting_account_change", args=[account.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj: Account) -> None:
        account_delete(account=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        for account in queryset:
            account_delete(account=account)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete_selected, name, description = actions["delete_selected"]
            actions[name] = (self._refusing_accounts_in_use(delete_selected), name, description)
        return actions

    def _refusing_accounts_in_use(self, action):
        def refusing(modeladmin, request, queryset):
            reasons = [reason for account in queryset if (reason := account_in_use_reason(account=account))]
            if not reasons:
                return action(modeladmin, request, queryset)
            for reason in reasons[:IN_USE_MESSAGES_SHOWN]:
                modeladmin.message_user(request, f"Nothing was deleted. {reason}", messages.ERROR)
            if len(reasons) > IN_USE_MESSAGES_SHOWN:
                more = len(reasons) - IN_USE_MESSAGES_SHOWN
                modeladmin.message_user(request, f"{more} more of the selected accounts are in use.", messages.ERROR)
            return None

        return refusing


@admin.register(TaxRate)
class TaxRateAdmin(
    ExportAdminMixin,
    ReadOnlyDisplayMixin,
    DivisionLabelsAdminMixin,
    IntegrationsAdminMixin,
    ReadOnlyWhileKeptElsewhereAdmin,
):
    resource_classes = [TaxRateResource]
    import_kind = "tax_rates"
    read_only_display = {"percent": "percent_display"}
    list_display = ["name", "percent_display", "agency", "active", "division"]
    list_filter = ["active", "division"]
    list_select_related = ["division"]
    search_fields = ["name", "agency"]

    @admin.display(description="percent", ordering="percent")
    def percent_display(self, tax_rate: TaxRate) -> str:
        return format_percent(tax_rate.percent)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # "8.025", not "8.0250".
        if db_field.name == "percent":
            kwargs["widget"] = DecimalInput()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(PaymentTerm)
class PaymentTermAdmin(
    ExportAdminMixin, DivisionLabelsAdminMixin, IntegrationsAdminMixin, ReadOnlyWhileKeptElsewhereAdmin
):
    resource_classes = [PaymentTermResource]
    import_kind = "payment_terms"
    list_display = ["name", "due_days", "active", "division"]
    list_filter = ["active", "division"]
    list_select_related = ["division"]
    search_fields = ["name"]
