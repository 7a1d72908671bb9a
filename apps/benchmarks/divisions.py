"""What the benchmark commands share: a division of their own, removed with everything in it afterwards."""

from apps.accounting.models import Account, DefaultAccounts, PaymentTerm, TaxRate
from apps.catalog.models import Item
from apps.core.models import Division
from apps.customers.models import Customer, CustomerNote, ServiceLocation
from apps.inventory.models import InventoryAdjustment, PickingOrder
from apps.invoicing.models import Invoice, InvoiceLine, Payment
from apps.purchasing.models import ReceivingOrder, Vendor

BENCHMARK_SLUG = "benchmark"


def benchmark_division_remove(division: Division) -> None:
    """
    Delete ``division`` and every record of it, children before the records that protect them.

    Only for the divisions benchmarks create: nothing here asks whether the records are wanted.
    """
    # Stock documents first: their lines hold on to items, customers and vendors.
    for model in (InventoryAdjustment, PickingOrder, ReceivingOrder, Vendor):
        model.objects.filter(division=division).delete()
    invoices = Invoice.objects.filter(division=division)
    Payment.objects.filter(invoice__in=invoices).delete()
    InvoiceLine.objects.filter(invoice__in=invoices).delete()
    invoices.delete()
    CustomerNote.objects.filter(customer__division=division).delete()
    ServiceLocation.objects.filter(customer__division=division).delete()
    Customer.objects.filter(division=division).delete()
    Item.objects.filter(division=division).delete()
    DefaultAccounts.objects.filter(division=division).delete()
    Account.objects.filter(division=division).delete()
    TaxRate.objects.filter(division=division).delete()
    PaymentTerm.objects.filter(division=division).delete()
    division.delete()


def benchmark_division_prepare(*, rows: int) -> tuple[Division, bool]:
    """
    The benchmark division, and whether it must be filled: one kept from an earlier run (``--keep``) with at least
    ``rows`` customers is reused as it is; otherwise a new, empty one replaces it.
    """
    division = Division.objects.filter(slug=BENCHMARK_SLUG).first()
    if division is not None:
        if Customer.objects.filter(division=division).count() >= rows:
            return division, False
        benchmark_division_remove(division)
    return Division.objects.create(slug=BENCHMARK_SLUG, name="Benchmark"), True
