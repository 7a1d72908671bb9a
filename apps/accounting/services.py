"""
Writes to tax rates and payment terms: validated, then saved, the same way for the admin, the API and imports.

While another system is master of a division's tax rates or terms (``apps.core.masters``: QuickBooks, when it syncs
them), every write here is refused with a ``ValidationError`` that says why, except the master system's own writes:
a sync passes ``by_master_system=True``.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from apps.accounting.models import PaymentTerm, TaxRate
from apps.core.masters import master_elsewhere


def _clean_save(instance: models.Model) -> None:
    instance.full_clean()
    instance.save()


def _refuse_if_kept_elsewhere(instance: models.Model, *division_ids: int | None, by_master_system: bool) -> None:
    """Refuse a write to ``instance`` when another system keeps the records of its division(s), unless it is that
    system's own write."""
    if by_master_system:
        return
    for division_id in dict.fromkeys(division_ids):
        if division_id is not None and (reason := master_elsewhere(type(instance), division_id)):
            raise ValidationError(reason, code="master_elsewhere")


def _update(instance: models.Model, fields: dict[str, Any], *, by_master_system: bool) -> None:
    division_before = instance.division_id
    for name, value in fields.items():
        setattr(instance, name, value)
    _refuse_if_kept_elsewhere(instance, division_before, instance.division_id, by_master_system=by_master_system)
    _clean_save(instance)


def _deactivate(instance: models.Model, *, by_master_system: bool) -> None:
    _refuse_if_kept_elsewhere(instance, instance.division_id, by_master_system=by_master_system)
    if instance.active:
        instance.active = False
        _clean_save(instance)


def tax_rate_create(*, by_master_system: bool = False, **fields: Any) -> TaxRate:
    """Create a tax rate. ``by_master_system``: the master system's own write (a sync), allowed while read-only
    here."""
    tax_rate = TaxRate(**fields)
    _refuse_if_kept_elsewhere(tax_rate, tax_rate.division_id, by_master_system=by_master_system)
    _clean_save(tax_rate)
    return tax_rate


def tax_rate_update(*, tax_rate: TaxRate, by_master_system: bool = False, **fields: Any) -> TaxRate:
    """Change a tax rate. ``by_master_system``: the master system's own write (a sync), allowed while read-only
    here."""
    _update(tax_rate, fields, by_master_system=by_master_system)
    return tax_rate


def tax_rate_deactivate(*, tax_rate: TaxRate, by_master_system: bool = False) -> TaxRate:
    """Set a tax rate inactive (a sync does it when the rate is deleted in QuickBooks); records that use it keep
    it. ``by_master_system``: the master system's own write, allowed while read-only here."""
    _deactivate(tax_rate, by_master_system=by_master_system)
    return tax_rate


def payment_term_create(*, by_master_system: bool = False, **fields: Any) -> PaymentTerm:
    """Create a payment term. ``by_master_system``: the master system's own write (a sync), allowed while read-only
    here."""
    payment_term = PaymentTerm(**fields)
    _refuse_if_kept_elsewhere(payment_term, payment_term.division_id, by_master_system=by_master_system)
    _clean_save(payment_term)
    return payment_term


def payment_term_update(*, payment_term: PaymentTerm, by_master_system: bool = False, **fields: Any) -> PaymentTerm:
    """Change a payment term. ``by_master_system``: the master system's own write (a sync), allowed while read-only
    here."""
    _update(payment_term, fields, by_master_system=by_master_system)
    return payment_term


def payment_term_deactivate(*, payment_term: PaymentTerm, by_master_system: bool = False) -> PaymentTerm:
    """Set a payment term inactive (a sync does it when the term is deleted in QuickBooks); customers and invoices
    that use it keep it. ``by_master_system``: the master system's own write, allowed while read-only here."""
    _deactivate(payment_term, by_master_system=by_master_system)
    return payment_term
