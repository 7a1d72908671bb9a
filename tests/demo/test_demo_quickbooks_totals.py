"""
The demo company connected to the sandbox company Connect creates: a first sync keeps every demo invoice's total,
because the sandbox charges tax as QuickBooks does and holds the tax codes the demo's rates stand for. Over real HTTP.
"""

import pytest

from apps.core.selectors import division_get_default
from apps.demo.services import DEMO_PASSWORD, demo_seed
from apps.invoicing.models import Invoice, InvoiceStatus
from apps.invoicing.services import invoice_approve, invoice_mark_for_sync
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import RecordLink, SyncSettings, SyncTrigger
from apps.quickbooks.sync import run_division_sync
from tests.quickbooks.conftest import connect, qbo  # noqa: F401  (``qbo`` is a fixture)
from tests.quickbooks.sync.conftest import configure

pytestmark = pytest.mark.usefixtures("qbo")


def _figures(division) -> dict[str, tuple]:
    return {
        number: (tax, total)
        for number, tax, total in Invoice.objects.filter(division=division).values_list("number", "tax", "total")
    }


def test_every_demo_invoice_keeps_its_total_through_a_first_sync(db):
    demo_seed(admin_email="admin@example.com", admin_password=DEMO_PASSWORD)
    main = division_get_default()
    # Every draft and approved invoice goes too, not only the four the demo has ready.
    for invoice in Invoice.objects.filter(division=main, status__in=[InvoiceStatus.DRAFT, InvoiceStatus.APPROVED]):
        if invoice.status == InvoiceStatus.DRAFT:
            invoice = invoice_approve(invoice=invoice)
        invoice_mark_for_sync(invoice=invoice)
    ready = set(Invoice.objects.filter(division=main, status=InvoiceStatus.READY_FOR_SYNC).values_list("pk", flat=True))
    company = company_create()  # what Connect creates when the sandbox has no company: the demo seed
    connect(main, company)
    configure(main, customers_direction="two_way", customers_primary="quickbooks", invoices_direction="to_quickbooks")
    # The lines go as the sandbox's service item (the items themselves are another sync's matter).
    labor = SandboxEntity.objects.get(company=company, entity_type="Item", data__Name="Labor")
    SyncSettings.objects.filter(division=main).update(
        default_service_item_qbo_id=labor.entity_id, default_service_item_name="Labor"
    )
    before = _figures(main)

    preview = run_division_sync(main.pk, SyncTrigger.PREVIEW)
    run = run_division_sync(main.pk, SyncTrigger.MANUAL)

    sent = set(RecordLink.objects.filter(division=main, entity_type="Invoice").values_list("object_id", flat=True))
    assert len(ready) == 10 and sent == ready, run.summary
    assert _figures(main) == before
    assert not Invoice.objects.filter(division=main, computed_total__isnull=False).exists()
    assert "totalled differently" not in preview.summary and "changed by QuickBooks" not in run.summary
    # The demo's taxed customers are taxed at their own rate there: Minneapolis, Inver Grove Heights, Mesa, AZ.
    taxed = SandboxEntity.objects.filter(company=company, entity_type="Invoice", data__TxnTaxDetail__TotalTax__gt=0)
    codes = {
        entity.entity_id: entity.data["Name"]
        for entity in SandboxEntity.objects.filter(company=company, entity_type="TaxCode")
    }
    names = {codes[entity.data["TxnTaxDetail"]["TxnTaxCodeRef"]["value"]] for entity in taxed}
    assert names == {"Minneapolis", "Inver Grove Heights", "Mesa, AZ"}
