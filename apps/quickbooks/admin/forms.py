from django import forms

from apps.accounting.models import EXPENSE_ACCOUNT_TYPES, Account
from apps.quickbooks.models import SyncSettings
from apps.quickbooks.selectors import service_item_choices
from apps.quickbooks.services.sync_settings import EDITABLE_FIELDS

SERVICE_ITEM_FIELDS = ("default_service_item_qbo_id", "default_service_item_name")
LOOK_UP_BY_NAME = "Look for a QuickBooks service item named Services"
ADJUSTMENT_ACCOUNT_TYPES = EXPENSE_ACCOUNT_TYPES


class SyncSettingsForm(forms.ModelForm):
    """
    Configure Sync. The default service item is chosen among the QuickBooks service items the syncs have seen
    (``selectors.service_item_choices``): a choice not among them is refused, so only an active service item QuickBooks
    has can be saved. Left empty, the sync looks for a service item named "Services" and keeps the one it finds.
    """

    default_service_item = forms.ChoiceField(
        label="Default service item",
        required=False,
        help_text="The QuickBooks service item used on invoice lines whose item QuickBooks does not have. The list "
        "holds the service items the syncs have seen: items sent to QuickBooks or read from it, and the one found by "
        "name.",
        error_messages={
            "invalid_choice": "Choose one of the QuickBooks service items listed: %(value)s is not an active service "
            "item the syncs have seen (sync again to refresh the list).",
        },
    )

    class Meta:
        model = SyncSettings
        fields = [name for name in EDITABLE_FIELDS if name not in SERVICE_ITEM_FIELDS]
        help_texts = {
            "customers_direction": "QuickBooks to FieldOffice: QuickBooks is the master, changes made here are not "
            "sent. FieldOffice to QuickBooks: the other way round. Two ways: changes on either side are synced.",
            "integration_type": "QuickBooks Desktop syncs through Intuit's Web Connector, set up on the integration "
            "page once chosen.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service_items = {choice.qbo_id: choice for choice in service_item_choices(division=self.instance.division)}
        field = self.fields["default_service_item"]
        field.choices = [("", LOOK_UP_BY_NAME)] + [
            (choice.qbo_id, f"{choice.name} (QuickBooks ID {choice.qbo_id})") for choice in self.service_items.values()
        ]
        field.initial = self.instance.default_service_item_qbo_id
        field.widget.attrs["data-service-item-picker"] = ""
        # The division's own accounts, active, among those QuickBooks books adjustments to (cost of goods sold and
        # expenses, Inventory Shrinkage among them).
        accounts = self.fields["inventory_adjustment_account"]
        accounts.queryset = Account.objects.filter(
            division=self.instance.division, active=True, account_type__in=ADJUSTMENT_ACCOUNT_TYPES
        ).order_by("name")
        accounts.empty_label = "Inventory Shrinkage (found by name)"

    def clean(self) -> dict:
        """The chosen item as the two settings it is stored in (its QuickBooks id and name)."""
        cleaned = super().clean()
        chosen = self.service_items.get(cleaned.pop("default_service_item", "") or "")
        cleaned["default_service_item_qbo_id"] = chosen.qbo_id if chosen else ""
        cleaned["default_service_item_name"] = chosen.name if chosen else ""
        return cleaned
