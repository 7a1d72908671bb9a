"""
What QuickBooks will charge as tax on an invoice FieldOffice sends, and, once it has, why it charged another tax.

FieldOffice never sends an amount of tax: it sends the lines (each ``TAX`` or ``NON``) and the invoice's tax code,
and QuickBooks computes the tax itself. QuickBooks Online's rule, which the local sandbox follows
(``apps.qbo_sandbox.entities.sales``):

- no tax when the company does not charge sales tax, or when the customer billed is not taxable;
- the lines marked taxable are summed and taxed under one tax code, per rate: each of the code's rates is applied to
  that sum and rounded half up to the cent on its own, and the tax is their sum;
- the code: with automated sales tax (every US company created since November 2017) the one QuickBooks assigns from
  the customer's address, whatever the invoice names (the sandbox stands for the address by the customer's default
  code, else its parent's, else the company's default code); without it, the code the invoice names.

QuickBooks Desktop taxes by the invoice's sales tax item, else the customer's, else the company's, at the item's
rate (a group's: its items' sum), rounded once.

FieldOffice computes once, on the same taxable sum, at the invoice's rate. The two agree when QuickBooks' code is the
invoice's rate at the same percentage, the customer is taxable on both sides, and (Online) the code has one rate.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.quickbooks.sync.records import CompanyPreferences, InvoiceRecord, TaxCodeRecord, TaxRateRecord

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_DIGITS = re.compile(r"(\d+)")


def _money(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def _percent_text(value: Decimal) -> str:
    return f"{value.normalize():f} %"


def _natural_key(value: str) -> list[tuple[int, int | str]]:
    return [(0, int(part)) if part.isdecimal() else (1, part) for part in _DIGITS.split(value) if part]


@dataclass(frozen=True)
class QuickBooksTaxCode:
    """A QuickBooks tax code that charges tax: its sales rates' percentages, in their order."""

    id: str
    name: str
    percents: tuple[Decimal, ...]

    @property
    def percent(self) -> Decimal:
        return sum(self.percents, Decimal(0))

    @property
    def label(self) -> str:
        return f"{self.name} ({_percent_text(self.percent)})"

    def tax_on(self, base: Decimal, *, per_rate: bool = True) -> Decimal:
        """The tax on ``base``: each rate rounded to the cent on its own (Online), or their sum once (Desktop)."""
        if not per_rate:
            return _money(base * self.percent / 100)
        return sum((_money(base * percent / 100) for percent in self.percents), ZERO)


def tax_codes_charging(codes: Iterable[TaxCodeRecord], rates: Iterable[TaxRateRecord]) -> dict[str, QuickBooksTaxCode]:
    """QuickBooks' active tax codes that charge a rate, by id, from the engine's tax code and tax rate records."""
    percents = {rate.remote_id: rate.percent for rate in rates}
    return {
        code.remote_id: QuickBooksTaxCode(
            id=code.remote_id,
            name=code.name,
            percents=tuple(percents.get(rate_id, Decimal(0)) for rate_id in code.rate_ids),
        )
        for code in codes
        # TAX and NON mark lines; they charge nothing themselves.
        if code.rate_ids and code.active
    }


class CodeChoice:
    """How the company picks the code an invoice is taxed under."""

    AUTOMATED = "automated"  # Online with automated sales tax: the customer's (address's), never the invoice's.
    NAMED = "named"  # Online without it: the invoice's code, none meaning no tax.
    NAMED_ELSE_CUSTOMER = "named_else_customer"  # Desktop: the invoice's, else the customer's, else the company's.


@dataclass(frozen=True)
class CompanyTax:
    """How a QuickBooks company charges tax."""

    sales_tax: bool
    choice: str
    default_code: QuickBooksTaxCode | None = None

    @property
    def per_rate(self) -> bool:
        return self.choice != CodeChoice.NAMED_ELSE_CUSTOMER


def company_tax(preferences: CompanyPreferences, codes: dict[str, QuickBooksTaxCode]) -> CompanyTax:
    """The company's way with tax, from its preferences and its codes (the oldest one is its default)."""
    oldest = min(codes, key=_natural_key, default=None)
    return CompanyTax(
        sales_tax=preferences.sales_tax,
        choice=preferences.tax_code_choice or CodeChoice.NAMED,
        default_code=codes[oldest] if oldest is not None else None,
    )


@dataclass(frozen=True)
class InvoiceTax:
    """FieldOffice's side of one invoice's tax, and the QuickBooks codes its rate and its customer's rate stand for."""

    number: str
    taxable_base: Decimal
    tax: Decimal
    total: Decimal
    rate_name: str = ""
    rate_percent: Decimal | None = None
    # Whether QuickBooks' customer billed is taxable, as FieldOffice sends it (a location's sub-customer: as its
    # customer).
    billed_taxable: bool = True
    customer_taxable: bool = True
    by_location: bool = False
    # The invoice's rate as a QuickBooks code (sent as the invoice's code), and the customer's (its default code).
    invoice_code: QuickBooksTaxCode | None = None
    customer_code: QuickBooksTaxCode | None = None

    @property
    def rate_label(self) -> str:
        if not self.rate_name:
            return ""
        percent = f" ({_percent_text(self.rate_percent)})" if self.rate_percent is not None else ""
        return f"{self.rate_name}{percent}"


@dataclass(frozen=True)
class TaxForecast:
    """What QuickBooks will charge (or charged) against what FieldOffice computed, and why they differ."""

    number: str
    fieldoffice_tax: Decimal
    quickbooks_tax: Decimal
    fieldoffice_total: Decimal
    reason: str = ""

    @property
    def differs(self) -> bool:
        return self.fieldoffice_tax != self.quickbooks_tax

    @property
    def quickbooks_total(self) -> Decimal:
        return self.fieldoffice_total - self.fieldoffice_tax + self.quickbooks_tax

    @property
    def sentence(self) -> str:
        """ "QuickBooks will charge 13.70 tax where FieldOffice computed 15.17: ..." for a preview's log."""
        because = f": {self.reason}" if self.reason else "."
        return (
            f"QuickBooks will charge {self.quickbooks_tax} tax where FieldOffice computed {self.fieldoffice_tax} "
            f"(total {self.quickbooks_total}, not {self.fieldoffice_total}){because}"
        )


def _chosen_code(invoice: InvoiceTax, company: CompanyTax) -> QuickBooksTaxCode | None:
    if company.choice == CodeChoice.AUTOMATED:
        return invoice.customer_code or company.default_code
    if company.choice == CodeChoice.NAMED_ELSE_CUSTOMER:
        return invoice.invoice_code or invoice.customer_code or company.default_code
    return invoice.invoice_code


def tax_forecast(invoice: InvoiceTax, company: CompanyTax) -> TaxForecast:
    """What QuickBooks will charge on ``invoice``, by its rule (see the module's docstring), and why it differs."""
    code = None
    if company.sales_tax and invoice.billed_taxable:
        code = _chosen_code(invoice, company)
    charged = code.tax_on(invoice.taxable_base, per_rate=company.per_rate) if code is not None else ZERO
    reason = ""
    if charged != invoice.tax:
        reason = difference_reason(invoice, company, code=code, base=invoice.taxable_base)
    return TaxForecast(
        number=invoice.number,
        fieldoffice_tax=invoice.tax,
        quickbooks_tax=charged,
        fieldoffice_total=invoice.total,
        reason=reason,
    )


def difference_reason(
    invoice: InvoiceTax, company: CompanyTax, *, code: QuickBooksTaxCode | None, base: Decimal
) -> str:
    """Why QuickBooks, taxing ``base`` under ``code``, does not charge what FieldOffice computed: one sentence."""
    rate = invoice.rate_label
    if not company.sales_tax:
        return "sales tax is off in QuickBooks, so it charges none."
    if not invoice.billed_taxable and code is None:
        return "the customer is not taxable in QuickBooks."
    # QuickBooks charges tax (by the code it used) where FieldOffice computed none: its customer billed is taxable
    # there, whatever FieldOffice sent (changed in QuickBooks since, or sent before locations carried the setting).
    if not invoice.customer_taxable and invoice.by_location:
        return (
            "the customer is tax-exempt here, but QuickBooks bills the service location's sub-customer, which it "
            "taxes. Mark that sub-customer non-taxable in QuickBooks."
        )
    if not invoice.customer_taxable:
        return "the customer is tax-exempt here but taxable in QuickBooks."
    if code is None:
        if invoice.invoice_code is None and rate:
            return f"the tax rate {rate} is not a tax code in QuickBooks, so QuickBooks charges no tax."
        return "QuickBooks has no tax code to charge for this customer."
    if invoice.invoice_code is None or invoice.invoice_code.id != code.id:
        if company.choice == CodeChoice.AUTOMATED and invoice.invoice_code is not None:
            return (
                f"QuickBooks' automated sales tax charges by the customer's address ({code.label}), not by the "
                f"invoice's tax rate {rate}. Give the customer that rate here, or the invoice the customer's."
            )
        if rate and invoice.invoice_code is None:
            return (
                f"the tax rate {rate} is not a tax code in QuickBooks, so QuickBooks applies its own, {code.label}. "
                "Give the customer a rate QuickBooks has."
            )
        if not rate:
            return f"the invoice has no tax rate here; QuickBooks applies {code.label}."
        return f"QuickBooks applies {code.label} instead of {rate}."
    if base != invoice.taxable_base:
        return (
            f"QuickBooks taxed {_money(base)} of the lines where FieldOffice taxed {invoice.taxable_base}: the lines' "
            "taxable settings differ."
        )
    if invoice.rate_percent is not None and code.percent != invoice.rate_percent:
        return (
            f"QuickBooks' tax code {code.name} charges {_percent_text(code.percent)} where the tax rate here says "
            f"{_percent_text(invoice.rate_percent)}."
        )
    if company.per_rate and len(code.percents) > 1:
        return (
            f"QuickBooks rounds each of the {len(code.percents)} rates of {code.name} to the cent, where FieldOffice "
            f"rounds {_percent_text(code.percent)} once."
        )
    return "QuickBooks computed the tax its own way."


def charged_reason(
    invoice: InvoiceTax, company: CompanyTax, record: InvoiceRecord, codes: dict[str, QuickBooksTaxCode]
) -> str:
    """
    Why QuickBooks charged the tax of ``record`` (the invoice it made) when FieldOffice computed another: read from
    the code and the taxable amount it reports, else from the forecast.
    """
    code_id = record.tax_code_id
    code = codes.get(code_id)
    if code is None and code_id:
        name = record.tax_code_name or f"Id {code_id}"
        code = QuickBooksTaxCode(id=code_id, name=name, percents=tuple(rate.percent for rate in record.charged))
    if code is None:
        return tax_forecast(invoice, company).reason or "QuickBooks computed the tax its own way."
    bases = [rate.taxable_base for rate in record.charged if rate.taxable_base is not None]
    base = _money(bases[0]) if bases else invoice.taxable_base
    return difference_reason(invoice, company, code=code, base=base)
