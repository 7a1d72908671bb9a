"""
Invoices (FieldOffice → QuickBooks only, spec ``INVOICES``) and what comes back: payments, voids and deletions made
in QuickBooks. The engine's ``Apply`` writes them; what is an invoice's own is here.

Push: invoices marked Ready for Sync (never historical ones) go to QuickBooks 30 to a batch, billed to the service
location's sub-customer when they have one. QuickBooks' tax, total, balance (and number, when it numbers invoices)
are taken over; the invoice becomes Unpaid, or Paid when nothing is owed. An invoice sent before is updated (its
SyncToken), never sent twice; one voided here is voided there. An invoice whose customer or items QuickBooks does
not have waits, with the reason in the log.

Pull: payments recorded in QuickBooks against linked invoices become their payments here (balance and status follow);
an invoice voided or deleted in QuickBooks is flagged with a note here, never changed silently.
"""

from collections import defaultdict
from dataclasses import replace
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q

from apps.accounting.models import ItemType, PaymentTerm, TaxRate
from apps.catalog.models import Item
from apps.customers.models import Customer, ServiceLocation
from apps.invoicing import services as invoicing
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus, Payment
from apps.quickbooks.mapping import invoices as mapping
from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.mapping.tax_forecast import TaxForecast
from apps.quickbooks.models import RecordLink, SyncAction
from apps.quickbooks.sync.apply import Apply
from apps.quickbooks.sync.backend import CREATE, VOID, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.messages import plain_reason
from apps.quickbooks.sync.records import (
    CUSTOMER,
    TAX_CODE,
    TERM,
    CompanyPreferences,
    InvoiceRecord,
    ItemRecord,
    PaymentRecord,
)
from apps.quickbooks.sync.specs import INVOICES
from apps.quickbooks.sync.specs.invoices import invoice_plan
from apps.quickbooks.sync.steps.invoice_tax import InvoiceTaxWatch, tax_reads
from apps.quickbooks.sync.writes import (
    CLOCK_TOLERANCE,
    WRITES_PER_ROUND,
    Pending,
    Recovery,
    Writer,
    rounds_send,
    sent_write,
)

PAYMENT = "payment"
SOURCE = "QuickBooks sync"
# An invoice's interrupted create is found by the marker in its note: what is logged when it is linked.
INTERRUPTED_CREATE = "Created in QuickBooks by an earlier sync that was interrupted; linked, not sent twice."
VOIDED_HASH = "void"
RESENT = "Sent again as it is here (Resend All Data)."
WAITS_FOR_CUSTOMER = "It is sent once the customer is (customer sync from FieldOffice to QuickBooks, or two-way)."


def invoices_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    """
    Changes to invoices and payments matter only for invoices sent before: none on a first run. QuickBooks' tax codes
    tell what it will charge on the invoices sent (see ``invoice_tax``).
    """
    listed = tax_reads(ctx)
    if not ctx.invoices_push or (ctx.state.remote_cursor is None and not ctx.full):
        return [], listed
    if ctx.full and not _invoice_links(ctx).exists():
        return [], listed
    return [mapping.ENTITY, mapping.PAYMENT_ENTITY], listed


def _invoice_links(ctx: RunContext):
    content_type = ContentType.objects.get_for_model(Invoice)
    return RecordLink.objects.filter(division=ctx.division, content_type=content_type).exclude(qbo_id="")


def invoices_sync(ctx: RunContext) -> None:
    if not ctx.invoices_push:
        return
    invoices = InvoicesApply(ctx)
    invoices.pull()
    invoices.push()


def default_item_missing(name: str, found: ItemRecord | None) -> str:
    """Why the default service item looked up by ``name`` cannot be used, in the words of the run's log."""
    if found is None:
        return f"QuickBooks has no item named '{name}'"
    return f"QuickBooks' item '{found.name}' is not an active service item"


def is_service_item(record: ItemRecord) -> bool:
    return record.item_type == ItemType.SERVICE and record.active and not record.deleted


class InvoicesApply(Apply):
    """Carries out the invoices' spec: what QuickBooks did to the invoices sent, then the invoices to send."""

    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx, INVOICES, ctx.link_set(Invoice, INVOICES.entity))
        self.payment_links = ctx.link_set(Payment, mapping.PAYMENT_ENTITY)

    # Pull: what QuickBooks did to invoices sent from here.

    def pull(self) -> None:
        invoices = self.ctx.snapshot.of(mapping.ENTITY)
        payments = self.ctx.snapshot.of(mapping.PAYMENT_ENTITY)
        if not invoices and not payments:
            return
        self.journal.stage(self.spec.stage, total=len(invoices) + len(payments))
        self.links.load_remote(record.remote_id for record in invoices)
        applied = [part for record in payments if not record.deleted for part in mapping.applied_payments(record)]
        self.links.load_remote(part.invoice_id for part in applied)
        linked = {link.object_id for link in self.links.by_remote.values()}
        local = Invoice.objects.filter(division=self.ctx.division, pk__in=linked).in_bulk()
        with transaction.atomic():
            for record in invoices:
                self._invoice_changed(record, local)
            self._payments_apply(payments, applied, local)
        self.journal.advance(len(invoices) + len(payments))

    def _invoice_changed(self, record: InvoiceRecord, local: dict[int, Invoice]) -> None:
        link = self.links.remote(record.remote_id)
        invoice = local.get(link.object_id) if link else None
        if invoice is None:
            return
        if record.deleted:
            message = (
                f"Invoice {invoice.number} was deleted in QuickBooks. It is unchanged here: void it here, or mark it "
                "for sync to send it again."
            )
            if not self.ctx.preview:
                self.links.forget(invoice.pk)
            self._left_unchanged(invoice, record, message)
            return
        if record.voided and link.content_hash != VOIDED_HASH and invoice.status != InvoiceStatus.VOID:
            message = (
                f"Invoice {invoice.number} was voided in QuickBooks. It is unchanged here: void it here too if that "
                "was intended."
            )
            if not self.ctx.preview:
                self.links.touch(link, sync_token=record.version, content_hash=VOIDED_HASH)
            self._left_unchanged(invoice, record, message)
            return
        if not self.ctx.preview:
            self.links.touch(link, sync_token=record.version)

    def _left_unchanged(self, invoice: Invoice, record: InvoiceRecord, message: str) -> None:
        """What QuickBooks did to ``invoice`` is not copied here: noted on the invoice and in the run's log."""
        if not self.ctx.preview:
            invoicing.invoice_note_add(invoice=invoice, text=message, source=SOURCE)
        self.log(SyncAction.SKIPPED, invoice.number, qbo_id=record.remote_id, object_id=invoice.pk, message=message)

    def _payments_apply(self, payments: list[PaymentRecord], applied: list, local: dict[int, Invoice]) -> None:
        existing = self._payment_links(payments)
        local_payments = Payment.objects.filter(pk__in=[link.object_id for link in existing.values()]).in_bulk()
        self._payments_removed(payments, applied, existing, local_payments)
        for part in applied:
            invoice_link = self.links.remote(part.invoice_id)
            invoice = local.get(invoice_link.object_id) if invoice_link else None
            if invoice is None:
                continue
            link = existing.get(part.key)
            self._payment_part_apply(part, invoice, local_payments.get(link.object_id) if link else None)

    def _payment_links(self, payments: list[PaymentRecord]) -> dict[str, RecordLink]:
        """Local payments of these QuickBooks payments (links "payment id:invoice id"), to change or remove."""
        prefixes = [Q(qbo_id__startswith=f"{record.remote_id}:") for record in payments if record.remote_id]
        if not prefixes:
            return {}
        return {
            link.qbo_id: link
            for link in RecordLink.objects.filter(
                reduce(or_, prefixes), division=self.ctx.division, content_type=self.payment_links.content_type
            )
        }

    def _payments_removed(
        self,
        payments: list[PaymentRecord],
        applied: list,
        existing: dict[str, RecordLink],
        local_payments: dict[int, Payment],
    ) -> None:
        """Local payments no longer applied in QuickBooks (the payment deleted, or applied elsewhere) are removed."""
        keys_by_payment: dict[str, set[str]] = defaultdict(set)
        for part in applied:
            keys_by_payment[part.payment_id].add(part.key)
        for record in payments:
            payment_id = record.remote_id
            wanted = set() if record.deleted else keys_by_payment.get(payment_id, set())
            for key, link in existing.items():
                if key.split(":")[0] == payment_id and key not in wanted:
                    self._payment_remove(link, local_payments.get(link.object_id))

    def _payment_part_apply(self, part: mapping.AppliedPayment, invoice: Invoice, payment: Payment | None) -> None:
        """What a QuickBooks payment applies to ``invoice`` becomes (or changes) its payment here."""
        if payment is not None and (payment.amount, payment.paid_on) == (part.amount, part.paid_on):
            return
        action = SyncAction.UPDATED if payment else SyncAction.CREATED
        label = f"{part.amount} on invoice {invoice.number}"
        if not self.ctx.preview:
            try:
                payment = invoicing.payment_external_save(
                    invoice=invoice,
                    amount=part.amount,
                    paid_on=part.paid_on,
                    method=part.method,
                    reference=part.reference,
                    payment=payment,
                )
            except ValidationError as error:
                self.journal.log(
                    PAYMENT,
                    SyncAction.FAILED,
                    label,
                    qbo_id=part.payment_id,
                    message=f"The payment could not be recorded here: {'; '.join(error.messages)}",
                )
                return
            self.payment_links.set(payment.pk, part.key, "", "")
        self.journal.log(
            PAYMENT,
            action,
            label,
            qbo_id=part.payment_id,
            object_id=invoice.pk,
            message=f"Invoice {invoice.number} now owes {invoice.balance}.",
        )

    def _payment_remove(self, link: RecordLink, payment: Payment | None) -> None:
        if payment is None:
            return
        invoice = payment.invoice
        label = f"{payment.amount} on invoice {invoice.number}"
        if not self.ctx.preview:
            invoicing.payment_external_delete(payment=payment)
            link.delete()
        self.journal.log(
            PAYMENT,
            SyncAction.DEACTIVATED,
            label,
            qbo_id=link.qbo_id.split(":")[0],
            object_id=invoice.pk,
            message="Removed or changed in QuickBooks: removed here.",
        )

    # Push.

    def push(self) -> None:
        """Ready invoices a round at a time (read, sent, applied, let go), so memory does not grow with their number."""
        ctx = self.ctx
        wanted = Q(status=InvoiceStatus.READY_FOR_SYNC)
        if ctx.resend:
            # Resend All Data: every invoice QuickBooks had, compared with what it holds now.
            sent = Q(
                status__in=[InvoiceStatus.UNPAID, InvoiceStatus.PAID], pk__in=_invoice_links(ctx).values("object_id")
            )
            wanted |= sent
        self.remote_invoices: dict[str, InvoiceRecord] = {
            record.remote_id: record for record in ctx.snapshot.of(mapping.ENTITY) if not record.deleted
        }
        ready_ids = list(
            Invoice.objects.filter(wanted, division=ctx.division, is_history=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        voids = self._voids_due()
        if not ready_ids and not voids:
            return
        self.journal.stage(self.spec.push_stage, total=len(ready_ids) + len(voids))
        # As this sync leaves them: a customer it sends before its invoices is in QuickBooks by now (a preview too).
        self.customers = ctx.linked_ids(Customer, CUSTOMER)
        self.locations = ctx.linked_ids(ServiceLocation, CUSTOMER)
        self.terms = ctx.linked_ids(PaymentTerm, TERM)
        self.tax_codes = ctx.linked_ids(TaxRate, TAX_CODE)
        self.items = ctx.linked_ids(Item, mapping.ITEM_ENTITY)
        self.default_item = ctx.settings.default_service_item_qbo_id
        self.default_item_looked_up = bool(self.default_item)
        self.default_item_missing = ""
        # Whether FieldOffice's numbers are sent (else QuickBooks numbers the invoices).
        self.send_number = self._numbering() if ready_ids else True
        self.tax_watch = (
            InvoiceTaxWatch(ctx, tax_codes=self.tax_codes, preferences=self._preferences()) if ready_ids else None
        )
        # Read a round at a time, so memory does not grow with their number; one is in flight while the one before
        # is applied here.
        rounds = (
            self._round_writes(ready_ids[start : start + WRITES_PER_ROUND])
            for start in range(0, len(ready_ids), WRITES_PER_ROUND)
        )
        rounds_send(ctx, ((self._writer(links), writes) for writes, links in rounds))
        if voids:
            links = ctx.link_set(Invoice, mapping.ENTITY)
            links.load_local(write.key.pk for write in voids)
            rounds_send(ctx, [(self._writer(links), voids)])
        if self.tax_watch is not None and (note := self.tax_watch.summary_note()):
            ctx.notes.append(note)

    def _round_writes(self, ids: list[int]) -> tuple[list[Write], LinkSet]:
        """
        The writes of a round of ready invoices (read now), interrupted creates first, and the round's own links.
        """
        self.links = self.ctx.link_set(Invoice, mapping.ENTITY)
        ready = list(
            Invoice.objects.filter(pk__in=ids)
            .exclude(status=InvoiceStatus.VOID)
            .select_related("customer", "service_location")
            .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.select_related("item")))
            .order_by("pk")
        )
        self.links.load_local(invoice.pk for invoice in ready)
        self._items_match(ready)
        writes, pending = [], []
        for invoice in ready:
            write = self._write_for(invoice, self.send_number)
            if write is None:
                continue
            link = self.links.local(invoice.pk)
            if write.action == CREATE and link is not None and link.pending_since:
                pending.append(write)
            else:
                writes.append(write)
        return self._writer(self.links).recover(pending) + writes, self.links

    def _writer(self, links: LinkSet) -> Writer:
        """
        How a round of invoices is written: the engine's ``Writer``, with what is theirs (the invoice is the write's
        key); its outcomes are applied with the round's links.
        """
        return self.writer(
            links=links,
            label=lambda write: write.key.number,
            local_id=lambda write: write.key.pk,
            sent_name=lambda write: write.key.number,
            applied=lambda result: self._apply(result, links),
            recovery=Recovery(
                find=self._pending_found,
                keys=lambda pending: [pending.write.key.pk],
                adopt=self._pending_adopt,
                message=INTERRUPTED_CREATE,
            ),
        )

    def _voids_due(self) -> list[Write]:
        """Invoices voided here that QuickBooks still has open."""
        content_type = self.links.content_type
        links = RecordLink.objects.filter(division=self.ctx.division, content_type=content_type).exclude(qbo_id="")
        links = links.exclude(content_hash=VOIDED_HASH)
        voided = Invoice.objects.filter(
            division=self.ctx.division, status=InvoiceStatus.VOID, pk__in=links.values("object_id")
        )
        voided = list(voided)
        self.links.load_local(invoice.pk for invoice in voided)
        writes = []
        for invoice in voided:
            link = self.links.local(invoice.pk)
            body = InvoiceRecord(remote_id=link.qbo_id, version=link.sync_token)
            writes.append(Write(mapping.ENTITY, VOID, body, key=invoice))
        return writes

    def _preferences(self) -> CompanyPreferences:
        """QuickBooks' preferences (how it numbers invoices and charges tax), read once per run of the step."""
        if getattr(self, "preferences", None) is None:
            self.preferences = self.ctx.backend.preferences()
        return self.preferences

    def _numbering(self) -> bool:
        """Whether FieldOffice's numbers are sent; says so when the setting and QuickBooks' preference disagree."""
        custom = self._preferences().custom_numbers
        quickbooks_numbers = self.ctx.settings.quickbooks_controls_invoice_numbers
        if custom is None:
            return not quickbooks_numbers
        if quickbooks_numbers and custom:
            self.ctx.notes.append(
                '"QuickBooks numbers invoices" is on, but QuickBooks is set to take invoice numbers from whoever '
                "creates them (custom transaction numbers), so it would leave them without a number: FieldOffice's "
                "numbers are sent. Turn custom transaction numbers off in QuickBooks, or the setting off here."
            )
            return True
        if not quickbooks_numbers and not custom:
            self.ctx.notes.append(
                "QuickBooks numbers its own invoices (custom transaction numbers off), but FieldOffice is set to "
                "number them: FieldOffice's numbers are sent and QuickBooks keeps them."
            )
        return not quickbooks_numbers

    def _items_match(self, invoices: list[Invoice]) -> None:
        """Items QuickBooks has under the same name stand for unlinked ones; the default service item for the rest."""
        unlinked = {
            line.item.name: line.item
            for invoice in invoices
            for line in invoice.lines.all()
            if line.item_id and line.item_id not in self.items
        }
        default_name = self.ctx.settings.default_service_item_name or "Services"
        names = list(unlinked)
        if not self.default_item_looked_up:
            names.append(default_name)
        if not names:
            return
        found: dict[str, ItemRecord] = {
            name_key(record.name): record for record in self.ctx.backend.find_by_names(mapping.ITEM_ENTITY, names)
        }
        if not self.default_item_looked_up:
            self.default_item_looked_up = True
            default = found.get(name_key(default_name))
            if default is not None and is_service_item(default):
                self.default_item = default.remote_id
                self._default_item_remember(default)
            else:
                self.default_item_missing = default_item_missing(default_name, default)
        item_links = self.ctx.link_set(Item, mapping.ITEM_ENTITY)
        item_links.load_local(item.pk for item in unlinked.values())
        item_links.load_remote(record.remote_id for record in found.values())
        for name, item in unlinked.items():
            record = found.get(name_key(name))
            if record is None or item_links.is_linked(item.pk) or item_links.remote(record.remote_id) is not None:
                continue
            self.items[item.pk] = record.remote_id
            item_links.set(item.pk, record.remote_id, record.version, "")

    def _default_item_remember(self, record: ItemRecord) -> None:
        """The default service item found by name becomes the setting, shown (and changeable) in Configure Sync."""
        if self.ctx.preview:
            return
        settings = self.ctx.settings
        settings.default_service_item_qbo_id = record.remote_id
        settings.default_service_item_name = record.name[:100]
        if settings.pk:
            type(settings).objects.filter(pk=settings.pk, default_service_item_qbo_id="").update(
                default_service_item_qbo_id=settings.default_service_item_qbo_id,
                default_service_item_name=settings.default_service_item_name,
            )

    def _write_for(self, invoice: Invoice, send_number: bool) -> Write | None:
        customer_id = self._customer_ref(invoice)
        lines = list(invoice.lines.all())
        items = [self._item_ref(line) for line in lines]
        reason = self._wait_reason(invoice, customer_id, lines, items)
        if reason:
            self.log(SyncAction.SKIPPED, invoice.number, object_id=invoice.pk, message=reason)
            return None
        refs = mapping.InvoiceRefs(
            customer=customer_id,
            term=self.terms.get(invoice.payment_term_id, ""),
            tax_code=self.tax_codes.get(invoice.tax_rate_id, ""),
            items=tuple(items),
        )
        link = self.links.local(invoice.pk)
        number = send_number or (link is not None and bool(link.qbo_id))
        record = mapping.invoice_sent(invoice, lines, refs, send_number=number, default_item=self.default_item)
        return self._write_of(invoice, link, record)

    def _customer_ref(self, invoice: Invoice) -> str | None:
        """The QuickBooks customer billed: the service location's sub-customer when the invoice has one."""
        if invoice.service_location_id:
            return self.locations.get(invoice.service_location_id)
        return self.customers.get(invoice.customer_id)

    def _item_ref(self, line: InvoiceLine) -> str:
        """The QuickBooks item of ``line``: its item's, else the default service item ("" when neither is known)."""
        item_id = self.items.get(line.item_id, "") if line.item_id else ""
        return item_id or self.default_item

    def _wait_reason(
        self, invoice: Invoice, customer_id: str | None, lines: list[InvoiceLine], items: list[str]
    ) -> str:
        """Why ``invoice`` cannot be sent yet, in the words of the run's log; "" when it can."""
        if not customer_id:
            return self._customer_wait(invoice)
        if tax_rate_wait := self._tax_rate_wait(invoice):
            return tax_rate_wait
        if lines and not all(items):
            return self._item_wait(invoice, lines, items)
        if not lines:
            return f"Invoice {invoice.number} has no lines; QuickBooks needs at least one."
        return ""

    def _customer_wait(self, invoice: Invoice) -> str:
        whose = f"service location {invoice.service_location.name} of " if invoice.service_location_id else ""
        # A run scoped to invoices never sends a customer: it says which list to run first.
        then = self.ctx.customers_push and self.ctx.run_first("customers")
        return f"Invoice {invoice.number} waits: the {whose}customer {invoice.customer} is not in QuickBooks yet. " + (
            then or WAITS_FOR_CUSTOMER
        )

    def _tax_rate_wait(self, invoice: Invoice) -> str:
        tax_rate_then = invoice.tax_rate_id and self.ctx.lists_master and self.ctx.run_first("tax rates")
        if not tax_rate_then or self.tax_codes.get(invoice.tax_rate_id):
            return ""
        # Sent without its tax code, QuickBooks would tax it its own way, for good: the scoped run says which list to
        # run first instead (a run of every list sends the rate first).
        return (
            f"Invoice {invoice.number} waits: its tax rate {invoice.tax_rate} is not in QuickBooks yet, so "
            f"QuickBooks would charge its own tax. {tax_rate_then}"
        )

    def _item_wait(self, invoice: Invoice, lines: list[InvoiceLine], items: list[str]) -> str:
        line = next(line for line, item_id in zip(lines, items, strict=True) if not item_id)
        which = (
            f"no QuickBooks item is named {line.item.name} or linked to it" if line.item_id else "a line has no item"
        )
        return (
            f"Invoice {invoice.number} waits: {which}, and there is no default service item "
            f"({self.default_item_missing}). Choose the default service item in Configure Sync, or send items "
            "to QuickBooks (inventory sync)."
        )

    def _write_of(self, invoice: Invoice, link: RecordLink | None, record: InvoiceRecord) -> Write | None:
        """
        The write sending ``record``: an update of the invoice sent before, else a create. Resend All Data sends an
        invoice again only if QuickBooks' copy differs, and creates it anew if QuickBooks lost it.
        """
        resend = self.ctx.resend
        held = self.remote_invoices.get(link.qbo_id) if resend and link is not None and link.qbo_id else None
        ready = invoice.status == InvoiceStatus.READY_FOR_SYNC
        decision = invoice_plan(record, link, ready=ready, resend=resend, held=held)
        return sent_write(
            mapping.ENTITY, decision, record, links=self.links, local_id=invoice.pk, key=invoice, held=held
        )

    def _pending_found(self, pending: list[Pending]) -> dict[int, InvoiceRecord]:
        """The invoices QuickBooks created since the oldest interrupted create was recorded, by their marker."""
        since = min(link.pending_since for _, link in pending) - CLOCK_TOLERANCE
        return {
            record.origin_id: record
            for record in self.ctx.backend.find_created_since(mapping.ENTITY, since)
            if record.origin_id is not None
        }

    def _pending_adopt(self, pending: Pending, found: InvoiceRecord) -> Write:
        """The invoice found takes the number QuickBooks gave it, so that no later update sends ours instead."""
        write = pending.write
        if self.send_number or not found.number or self.ctx.preview:
            return write
        invoicing.invoice_number_adopt(invoice=write.key, number=found.number, source=SOURCE)
        return Write(write.entity, write.action, replace(write.payload, number=write.key.number), write.key)

    def _apply(self, result: WriteResult, links: LinkSet) -> None:
        """A write's outcome, with the links of its round."""
        self.links = links
        invoice: Invoice = result.write.key
        if not result.ok:
            self._apply_failed(result)
        elif result.write.action == VOID:
            self._apply_voided(result)
        elif invoice.status != InvoiceStatus.READY_FOR_SYNC:
            # Resend All Data: QuickBooks gets the invoice back as it is here; nothing changes here.
            self.written(result, invoice.pk, "", label=invoice.number, message=RESENT)
        elif self.ctx.preview:
            self._apply_preview(result)
        else:
            self._apply_sent(result, self.send_number)

    def _apply_failed(self, result: WriteResult) -> None:
        """A refusal is logged; a create refused for good is forgotten, so that the next sync creates it afresh."""
        invoice: Invoice = result.write.key
        link = self.links.local(invoice.pk)
        if link is not None and not link.qbo_id and result.error is not None and not result.error.transient:
            self.links.forget(invoice.pk)
        reason = plain_reason(result.error, f"Invoice {invoice.number}")
        qbo_id = link.qbo_id if link else ""
        self.log(SyncAction.FAILED, invoice.number, object_id=invoice.pk, message=reason, qbo_id=qbo_id)

    def _apply_voided(self, result: WriteResult) -> None:
        invoice: Invoice = result.write.key
        self.links.touch(self.links.local(invoice.pk), sync_token=result.record.version, content_hash=VOIDED_HASH)
        self.log(
            SyncAction.DEACTIVATED,
            invoice.number,
            qbo_id=result.record.remote_id,
            object_id=invoice.pk,
            message="Voided here: voided in QuickBooks too.",
        )

    def _apply_preview(self, result: WriteResult) -> None:
        """QuickBooks' figures come with its answer, which a preview does not get: the log forecasts its tax."""
        invoice: Invoice = result.write.key
        verb = "created" if result.write.action == CREATE else "updated"
        message = f"Would be {verb} in QuickBooks for {invoice.customer}, total {invoice.total} here."
        forecast = self.tax_watch.forecast(invoice) if self.tax_watch is not None else None
        details = {}
        if forecast is not None and forecast.differs:
            message += f" {forecast.sentence}"
            details = {"tax_forecast": _tax_details(forecast)}
        self.written(result, invoice.pk, "", label=invoice.number, message=message, details=details)

    def _apply_sent(self, result: WriteResult, send_number: bool) -> None:
        """The invoice takes QuickBooks' tax, total, balance (and number); a tax QuickBooks changed is said."""
        invoice: Invoice = result.write.key
        sent: InvoiceRecord = result.record
        qbo_id = sent.remote_id
        # Against FieldOffice's own figures, before the invoice takes QuickBooks'.
        changed = self.tax_watch.charged(invoice, sent) if self.tax_watch else None
        invoice = invoicing.invoice_sent_apply(
            invoice=invoice,
            tax=sent.tax,
            total=sent.total,
            balance=sent.balance,
            number="" if send_number else sent.number,
            source=SOURCE,
            charged_by="QuickBooks",
            tax_reason=changed.reason if changed else "",
        )
        message = f"QuickBooks invoice {sent.number or qbo_id}: total {sent.total}, owing {sent.balance}."
        if changed is not None:
            message += (
                f" QuickBooks charged {changed.quickbooks_tax} tax where FieldOffice computed "
                f"{changed.fieldoffice_tax} (total {changed.fieldoffice_total}): {changed.reason}"
            )
        details = {"total_changed_by_quickbooks": _tax_details(changed)} if changed else None
        self.written(result, invoice.pk, "", label=invoice.number, message=message, details=details)


def _tax_details(forecast: TaxForecast) -> dict[str, str]:
    return {
        "quickbooks_tax": str(forecast.quickbooks_tax),
        "fieldoffice_tax": str(forecast.fieldoffice_tax),
        "quickbooks_total": str(forecast.quickbooks_total),
        "fieldoffice_total": str(forecast.fieldoffice_total),
        "reason": forecast.reason,
    }
