from django import forms
from django.contrib import admin, messages

from apps.accounting.models import Account, DefaultAccounts, PaymentTerm, TaxRate
from apps.accounting.resources import AccountResource, DefaultAccountsResource, PaymentTermResource, TaxRateResource
from apps.core.admin_utils import FastChangeListMixin, IntegrationsAdminMixin
from apps.core.masters import master_elsewhere, masters_elsewhere
from apps.core.models import Division, division_default_id
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


@admin.register(TaxRate)
class TaxRateAdmin(ExportAdminMixin, IntegrationsAdminMixin, ReadOnlyWhileKeptElsewhereAdmin):
    resource_classes = [TaxRateResource]
    list_display = ["name", "percent", "agency", "active", "division"]
    list_filter = ["active", "division"]
    list_select_related = ["division"]
    search_fields = ["name", "agency"]


@admin.register(PaymentTerm)
class PaymentTermAdmin(ExportAdminMixin, IntegrationsAdminMixin, ReadOnlyWhileKeptElsewhereAdmin):
    resource_classes = [PaymentTermResource]
    list_display = ["name", "due_days", "active", "division"]
    list_filter = ["active", "division"]
    list_select_related = ["division"]
    search_fields = ["name"]
