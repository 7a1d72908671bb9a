"""Writes to tax rates and payment terms: validated, then saved, the same way for the admin, the API and imports."""

from typing import Any

from django.db import models

from apps.accounting.models import PaymentTerm, TaxRate


def _clean_save(instance: models.Model) -> None:
    instance.full_clean()
    instance.save()


def tax_rate_create(**fields: Any) -> TaxRate:
    tax_rate = TaxRate(**fields)
    _clean_save(tax_rate)
    return tax_rate


def tax_rate_update(*, tax_rate: TaxRate, **fields: Any) -> TaxRate:
    for name, value in fields.items():
        setattr(tax_rate, name, value)
    _clean_save(tax_rate)
    return tax_rate


def payment_term_create(**fields: Any) -> PaymentTerm:
    payment_term = PaymentTerm(**fields)
    _clean_save(payment_term)
    return payment_term


def payment_term_update(*, payment_term: PaymentTerm, **fields: Any) -> PaymentTerm:
    for name, value in fields.items():
        setattr(payment_term, name, value)
    _clean_save(payment_term)
    return payment_term
