from django import forms

from apps.quickbooks.models import SyncSettings
from apps.quickbooks.services.sync_settings import EDITABLE_FIELDS


class SyncSettingsForm(forms.ModelForm):
    class Meta:
        model = SyncSettings
        fields = EDITABLE_FIELDS
        help_texts = {
            "customers_direction": "QuickBooks to FieldOffice: QuickBooks is the master, changes made here are not "
            "sent. FieldOffice to QuickBooks: the other way round. Two ways: changes on either side are synced.",
            "default_service_item_name": "The QuickBooks service item used on invoice lines that have no item of "
            "their own, as named in QuickBooks (Products and services).",
            "default_service_item_qbo_id": "Its ID in QuickBooks; filled in by the sync when left empty.",
            "integration_type": "QuickBooks Desktop syncs through Intuit's Web Connector, set up on the integration "
            "page once chosen.",
        }
