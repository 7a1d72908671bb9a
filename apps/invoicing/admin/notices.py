"""
What the invoice screens say when the accounting system charged another tax than FieldOffice computed: the change
page's banner and the list's flag. The figures and the reason are the invoice's (``services.external``).
"""

from decimal import Decimal

from django.utils.html import format_html

from apps.invoicing.models import Invoice

ACCOUNTING_SYSTEM = "The accounting system"


def format_money(value: Decimal | None) -> str:
    """``Decimal("1234.5")`` → ``"$1,234.50"``, as the invoice screens write amounts."""
    value = value or Decimal(0)
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def total_changed_notice(invoice: Invoice | None) -> str:
    """
    "QuickBooks charged $13.70 tax where FieldOffice computed $15.17: why. The invoice shows QuickBooks' figures...",
    or "" when the invoice shows FieldOffice's own figures.
    """
    if invoice is None or not invoice.total_changed_externally:
        return ""
    system = invoice.totals_changed_by or ACCOUNTING_SYSTEM
    reason = invoice.tax_difference_reason.strip()
    why = f": {reason}" if reason else "."
    if not why.endswith("."):
        why += "."
    return (
        f"{system} charged {format_money(invoice.tax)} tax where FieldOffice computed "
        f"{format_money(invoice.computed_tax)}{why} The invoice shows {_possessive(system)} figures, as billed: total "
        f"{format_money(invoice.total)} (FieldOffice computed {format_money(invoice.computed_total)})."
    )


def total_changed_flag(invoice: Invoice) -> str:
    """The list's flag: "By QuickBooks", with the figures on hover; nothing when FieldOffice's figures stand."""
    if not invoice.total_changed_externally:
        return ""
    system = invoice.totals_changed_by or "another system"
    title = (
        f"{system} charged {format_money(invoice.tax)} tax; FieldOffice computed {format_money(invoice.computed_tax)} "
        f"(total {format_money(invoice.computed_total)})."
    )
    return format_html('<span class="invoice-total-changed" title="{}">By {}</span>', title, system)
