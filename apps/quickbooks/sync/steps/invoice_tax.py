"""
The tax of the invoices a sync sends: what QuickBooks will charge (a preview says so before anything is sent) and,
once it has, why it charged another tax than FieldOffice computed (the invoice, the run's log and its summary say so).

The rule QuickBooks follows is in ``mapping.tax_forecast``; this module gathers what it needs for one run: QuickBooks'
tax codes (read with the run's pull), the company's tax preferences, and which code each local tax rate stands for.
"""

from decimal import Decimal

from apps.accounting.models import TaxRate
from apps.invoicing import services as invoicing
from apps.invoicing.calculations import money
from apps.invoicing.models import Invoice, InvoiceStatus
from apps.quickbooks.mapping import tax_forecast
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.records import TAX_CODE, TAX_RATE, CompanyPreferences, InvoiceRecord

# How many invoices a summary names before "and N more".
NAMED_IN_SUMMARY = 10


def tax_reads(ctx: RunContext) -> list[str]:
    """QuickBooks' tax codes and rates (two short lists, read in full) when this run sends invoices."""
    if not ctx.invoices_push:
        return []
    ready = Invoice.objects.filter(division=ctx.division, is_history=False, status=InvoiceStatus.READY_FOR_SYNC)
    return [TAX_CODE, TAX_RATE] if ctx.resend or ready.exists() else []


class InvoiceTaxWatch:
    """Forecasts and explanations for one run's invoices; ``tax_codes`` maps local tax rates to QuickBooks codes."""

    def __init__(self, ctx: RunContext, *, tax_codes: dict[int, str], preferences: CompanyPreferences) -> None:
        self.ctx = ctx
        self.tax_codes = tax_codes
        self.rates = {rate.pk: rate for rate in TaxRate.objects.filter(division=ctx.division)}
        self.codes = tax_forecast.tax_codes_charging(ctx.snapshot.of(TAX_CODE), ctx.snapshot.of(TAX_RATE))
        self.company = tax_forecast.company_tax(preferences, self.codes)
        # Invoices QuickBooks will total (preview) or totalled (sync) differently, in the order they were sent.
        self.different: list[tax_forecast.TaxForecast] = []

    def _code_for(self, rate_id: int | None) -> tax_forecast.QuickBooksTaxCode | None:
        """
        The QuickBooks code a local tax rate stands for, by its link as this run leaves it (a preview's links
        included: a code this run would create is the rate itself).
        """
        rate = self.rates.get(rate_id) if rate_id else None
        qbo_id = self.tax_codes.get(rate.pk) if rate is not None else None
        if not qbo_id:
            return None
        return self.codes.get(qbo_id) or tax_forecast.QuickBooksTaxCode(qbo_id, rate.name, (rate.percent,))

    def invoice_tax(self, invoice: Invoice) -> tax_forecast.InvoiceTax:
        """FieldOffice's side of ``invoice`` (its lines prefetched, its customer selected)."""
        computed_tax, computed_total = invoicing.invoice_computed_totals(invoice=invoice)
        base = sum((line.amount for line in invoice.lines.all() if line.taxable), Decimal(0))
        rate = self.rates.get(invoice.tax_rate_id) if invoice.tax_rate_id else None
        customer = invoice.customer
        by_location = bool(invoice.service_location_id)
        return tax_forecast.InvoiceTax(
            number=invoice.number,
            taxable_base=money(base),
            tax=computed_tax,
            total=computed_total,
            rate_name=rate.name if rate else "",
            rate_percent=rate.percent if rate else None,
            # A location's sub-customer is sent with its customer's tax setting (``mapping.customers``).
            billed_taxable=customer.taxable,
            customer_taxable=customer.taxable,
            by_location=by_location,
            invoice_code=self._code_for(invoice.tax_rate_id),
            customer_code=self._code_for(customer.tax_rate_id),
        )

    def forecast(self, invoice: Invoice) -> tax_forecast.TaxForecast:
        """What QuickBooks will charge on ``invoice`` (a preview); kept when it differs."""
        result = tax_forecast.tax_forecast(self.invoice_tax(invoice), self.company)
        if result.differs:
            self.different.append(result)
        return result

    def charged(self, invoice: Invoice, record: InvoiceRecord) -> tax_forecast.TaxForecast | None:
        """
        The tax QuickBooks charged on ``invoice`` (``record`` is its invoice there) against what FieldOffice
        computed, with the reason when they differ (kept); ``None`` when they agree. Call it before the invoice takes
        QuickBooks' figures.
        """
        facts = self.invoice_tax(invoice)
        if record.tax == facts.tax:
            return None
        result = tax_forecast.TaxForecast(
            number=facts.number,
            fieldoffice_tax=facts.tax,
            quickbooks_tax=money(record.tax),
            fieldoffice_total=facts.total,
            reason=tax_forecast.charged_reason(facts, self.company, record, self.codes),
        )
        self.different.append(result)
        return result

    def summary_note(self) -> str:
        """The run's summary sentence: "2 invoice totals changed by QuickBooks: 1017 (tax 13.70, not 15.17), ..."."""
        if not self.different:
            return ""
        count = len(self.different)
        named = ", ".join(
            f"{item.number} (tax {item.quickbooks_tax}, not {item.fieldoffice_tax})"
            for item in self.different[:NAMED_IN_SUMMARY]
        )
        more = f" and {count - NAMED_IN_SUMMARY} more" if count > NAMED_IN_SUMMARY else ""
        if self.ctx.preview:
            invoices = "1 invoice" if count == 1 else f"{count} invoices"
            return (
                f"{invoices} will be totalled differently by QuickBooks, which applies its own tax: {named}{more}. "
                "Give their customers the tax rates QuickBooks charges them before syncing, or expect QuickBooks' "
                "totals."
            )
        totals = "1 invoice total" if count == 1 else f"{count} invoice totals"
        return (
            f"{totals} changed by QuickBooks, which applied its own tax: {named}{more}. Each invoice shows QuickBooks' "
            "figures and says why."
        )
