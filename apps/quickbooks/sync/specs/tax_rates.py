"""
Tax rates: a FieldOffice tax rate is what a customer or an invoice is charged, one percentage. In QuickBooks that is
a tax code, which adds up one or more agency rates (state, county, city): the code's name and the sum of its rates
come here, and the first rate's agency names the agency. Codes that only mark taxable or not are no rate.

QuickBooks master: pulled like terms; a code whose rates change (a rate re-rated, a Desktop group whose item is)
changes the rate here although the code itself did not. FieldOffice master: a new rate becomes a code of one rate of
its agency (the division's name when it has none), the agency created first when QuickBooks has none of that name;
a local change to a rate sent before is sent where QuickBooks lets apps change codes (Desktop's sales tax items) and
reported once where it does not (Online).
"""

from dataclasses import replace
from decimal import Decimal
from typing import Any

from apps.accounting import services as accounting
from apps.accounting.models import TaxRate
from apps.quickbooks.sync.backend import CREATE
from apps.quickbooks.sync.records import TAX_AGENCY, TAX_CODE, TAX_RATE, TaxAgencyRecord, TaxCodeRecord
from apps.quickbooks.sync.spec import EntitySpec, Prerequisite, Refs
from apps.quickbooks.sync.specs.terms import lists_master

PERCENT = Decimal("0.0001")


def code_resolved(code: TaxCodeRecord, refs: Refs) -> TaxCodeRecord:
    """``code`` with what it charges in all (its rates summed) and the agency of its first rate that names one."""
    rates, agencies = refs.by_id(TAX_RATE), refs.by_id(TAX_AGENCY)
    percent = Decimal(0)
    agency_id = agency_name = ""
    for rate_id in code.rate_ids:
        rate = rates.get(rate_id)
        if rate is None:
            continue
        percent += rate.percent
        if not agency_name:
            agency = agencies.get(rate.agency_id)
            agency_id, agency_name = rate.agency_id, (agency.name if agency else "") or rate.agency_name
    return replace(code, percent=percent, agency_id=agency_id, agency_name=agency_name)


def code_fields(code: TaxCodeRecord) -> dict[str, Any]:
    return {
        "name": code.name[:100],
        "percent": (code.percent or Decimal(0)).quantize(PERCENT),
        "agency": code.agency_name[:100],
        "active": code.active,
    }


def rate_comparable(rate: TaxRate) -> dict[str, Any]:
    return {"name": rate.name, "percent": rate.percent.quantize(PERCENT), "active": rate.active}


def _agency_needed(rate: TaxRate, division_name: str) -> str:
    return rate.agency or division_name


def code_record(rate: TaxRate, refs: Refs, action: str) -> TaxCodeRecord:
    """
    The code of one rate written for ``rate``. A new code is of the rate's agency (created first if need be); a
    changed one names an agency only when the rate does and QuickBooks has it, else it keeps its own.
    """
    agency_name = _agency_needed(rate, refs.division_name) if action == CREATE else rate.agency
    agency = refs.named(TAX_AGENCY, agency_name) if agency_name else None
    return TaxCodeRecord(
        name=rate.name,
        active=rate.active,
        percent=rate.percent,
        agency_id=agency.remote_id if agency is not None else "",
        agency_name=agency_name,
    )


TAX_RATES = EntitySpec(
    name="tax rates",
    label="tax rate",
    stage="Tax rates",
    model=TaxRate,
    entity=TAX_CODE,
    record_type=TaxCodeRecord,
    create=accounting.tax_rate_create,
    update=accounting.tax_rate_update,
    deactivate=accounting.tax_rate_deactivate,
    instance_argument="tax_rate",
    master=lists_master,
    fields=code_fields,
    remote_comparable=code_fields,
    local_comparable=rate_comparable,
    to_record=code_record,
    local_name=lambda rate: rate.name,
    reads=(TAX_CODE, TAX_RATE, TAX_AGENCY),
    listed=lambda code: code.charges_tax,
    resolve=code_resolved,
    prerequisites=(Prerequisite(TAX_AGENCY, "tax agency", _agency_needed, lambda name: TaxAgencyRecord(name=name)),),
)
