"""Sidebar filters of the invoice list."""

from django.contrib import admin

from apps.invoicing.models import InvoiceQuerySet


class PaymentStateFilter(admin.SimpleListFilter):
    """All / Unpaid / Overdue / Paid: the invoice states people ask about, whatever the workflow status."""

    title = "payment"
    parameter_name = "payment"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return [("unpaid", "Unpaid"), ("overdue", "Overdue"), ("paid", "Paid")]

    def queryset(self, request, queryset: InvoiceQuerySet) -> InvoiceQuerySet:
        match self.value():
            case "unpaid":
                return queryset.open()
            case "overdue":
                return queryset.overdue()
            case "paid":
                return queryset.paid()
        return queryset


class TotalChangedFilter(admin.SimpleListFilter):
    """Invoices whose tax and total the accounting system changed (it charged another tax than FieldOffice)."""

    title = "QuickBooks tax"
    parameter_name = "total_changed"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return [("yes", "Total changed by QuickBooks"), ("no", "As FieldOffice computed")]

    def queryset(self, request, queryset: InvoiceQuerySet) -> InvoiceQuerySet:
        match self.value():
            case "yes":
                return queryset.filter(computed_total__isnull=False)
            case "no":
                return queryset.filter(computed_total__isnull=True)
        return queryset
