"""
Invoices: sent from FieldOffice to QuickBooks only, never written here by QuickBooks; what QuickBooks does to them
afterwards (payments, voids, deletions) comes back. The step (``steps.invoices``) carries the spec out with what is an
invoice's own: the records it refers to found through their links, when it waits, who numbers it, the tax and totals
QuickBooks charged taken over, and payments.
"""

from apps.invoicing.models import Invoice
from apps.quickbooks.mapping import invoices as mapping
from apps.quickbooks.mapping.common import content_hash
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.sync.context import SyncRules
from apps.quickbooks.sync.plan import BothWays, Decision, LinkLike, plan_sent
from apps.quickbooks.sync.records import INVOICE, PAYMENT, InvoiceRecord
from apps.quickbooks.sync.spec import EntitySpec

# Invoices go one way, and have no namesakes there.
SENT = BothWays()


def invoices_master(rules: SyncRules) -> str:
    """FieldOffice keeps invoices whenever the settings send them."""
    return PrimarySystem.LOCAL if rules.invoices_push else ""


def invoice_plan(
    sent: InvoiceRecord, link: LinkLike | None, *, ready: bool, resend: bool, held: InvoiceRecord | None
) -> Decision:
    """
    What a run does with an invoice it considers (``sent``: the record sent for it; ``ready``: marked Ready for Sync):
    created there when it was never sent (or its create was interrupted, which the writer recovers), updated when it
    was. Resend All Data compares it with QuickBooks' copy (``held``; ``None`` when QuickBooks lost it, which makes it
    again) and sends it only when the two differ, or when it is ready: an invoice marked ready is sent whatever it
    holds.
    """
    return plan_sent(
        content_hash(mapping.invoice_comparable(sent)) if resend else "",
        link,
        SENT,
        resend=resend,
        held_hash=content_hash(mapping.invoice_comparable(held)) if held is not None else None,
        forced=ready,
    )


INVOICES = EntitySpec(
    name="invoices",
    label="invoice",
    stage="Receiving payments from QuickBooks",
    push_stage="Sending invoices to QuickBooks",
    model=Invoice,
    entity=INVOICE,
    record_type=InvoiceRecord,
    master=invoices_master,
    # What Resend All Data compares of the invoice sent and QuickBooks' copy.
    remote_comparable=mapping.invoice_comparable,
    local_name=lambda invoice: invoice.number,
    record_label=lambda invoice: invoice.number,
    reads=(INVOICE, PAYMENT),
    depends_on=("customers", "items", "payment terms", "tax rates"),
    # Creates are marked pending and found again by the marker in their note (``mapping.invoices.marker``).
    pending_creates=True,
)
