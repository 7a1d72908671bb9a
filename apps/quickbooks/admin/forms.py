from django import forms

from apps.quickbooks.models import IntegrationType, SyncSettings
from apps.quickbooks.services.sync_settings import EDITABLE_FIELDS


class _ComingLaterSelect(forms.Select):
    """A select whose QuickBooks Desktop option is shown but cannot be picked yet."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value == IntegrationType.DESKTOP:
            option["attrs"]["disabled"] = True
            option["label"] = f"{label} (coming later)"
        return option


class SyncSettingsForm(forms.ModelForm):
    class Meta:
        model = SyncSettings
        fields = EDITABLE_FIELDS
        widgets = {"integration_type": _ComingLaterSelect}
        help_texts = {
            "customers_direction": "QuickBooks to FieldOffice: QuickBooks is the master, changes made here are not "
            "sent. FieldOffice to QuickBooks: the other way round. Two ways: changes on either side are synced.",
            "default_service_item_name": "The QuickBooks service item used on invoice lines that have no item of "
            "their own, as named in QuickBooks (Products and services).",
            "default_service_item_qbo_id": "Its ID in QuickBooks; filled in by the sync when left empty.",
        }

    def clean_integration_type(self) -> str:
        value = self.cleaned_data["integration_type"]
        if value == IntegrationType.DESKTOP:
            raise forms.ValidationError("QuickBooks Desktop is coming later; choose QuickBooks Online.")
        return value
