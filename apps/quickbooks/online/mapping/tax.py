"""
QuickBooks Online's sales tax ↔ the engine's ``TaxCodeRecord``, ``TaxRateRecord`` and ``TaxAgencyRecord``.

A tax code sums one or more agency rates (state, county, city), each listed in ``SalesTaxRateList`` by id; its rates
and agencies are lists of their own. QuickBooks' pseudo codes ``TAX`` and ``NON`` (ids that are not numbers) only
mark lines taxable or not: they charge no rate.

QuickBooks lets apps create tax codes (``taxservice/taxcode``, with one rate of an agency) but not change them: the
backend declares so (``CODE_UNCHANGEABLE``), and a local change to a rate sent earlier is reported, not sent.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from apps.quickbooks.mapping.common import name_for_quickbooks, text
from apps.quickbooks.mapping.tax_forecast import QuickBooksTaxCode, tax_codes_charging
from apps.quickbooks.online.mapping.common import identity, ref_id
from apps.quickbooks.sync.records import (
    TaxAgencyRecord,
    TaxCodeRecord,
    TaxRateRecord,
)

NAME_MAX = 100
CODE_UNCHANGEABLE = (
    "{name} changed here, but QuickBooks does not let other apps change a tax rate: make the same change in QuickBooks."
)


def is_rate_code(code: dict[str, Any]) -> bool:
    """A real tax code (numeric id), not the ``TAX``/``NON`` markers of US companies."""
    return str(code.get("Id") or "").isdigit()


def _active(obj: dict[str, Any]) -> bool:
    return obj.get("Active", True) is not False


def _identity(obj: dict[str, Any], *, name_field: str = "Name") -> dict[str, Any]:
    """What every tax object's record starts with: its id and sync token, its name, and whether it is active."""
    return {**identity(obj), "name": text(obj.get(name_field)), "active": _active(obj)}


def _sales_rate_ids(code: dict[str, Any]) -> tuple[str, ...]:
    """The ids of the code's sales rates, in the order QuickBooks applies them (``TaxOrder``)."""
    details = ((code.get("SalesTaxRateList") or {}).get("TaxRateDetail")) or []
    details = sorted((detail for detail in details if isinstance(detail, dict)), key=lambda d: d.get("TaxOrder") or 0)
    return tuple(rate_id for rate_id in (ref_id(detail.get("TaxRateRef")) for detail in details) if rate_id)


def tax_code_record(code: dict[str, Any]) -> TaxCodeRecord:
    return TaxCodeRecord(
        **_identity(code),
        charges_tax=is_rate_code(code),
        taxable=code.get("Taxable", True) is not False,
        group=bool(code.get("TaxGroup")),
        rate_ids=_sales_rate_ids(code),
    )


def tax_rate_record(rate: dict[str, Any]) -> TaxRateRecord:
    try:
        percent = Decimal(str(rate.get("RateValue") or 0))
    except InvalidOperation:
        percent = Decimal(0)
    agency = rate.get("AgencyRef") or {}
    return TaxRateRecord(
        **_identity(rate),
        percent=percent,
        agency_id=ref_id(agency),
        agency_name=text(agency.get("name")) if isinstance(agency, dict) else "",
    )


def agency_record(agency: dict[str, Any]) -> TaxAgencyRecord:
    return TaxAgencyRecord(**_identity(agency, name_field="DisplayName"))


def tax_code_payload(record: TaxCodeRecord) -> dict[str, Any]:
    """The ``taxservice/taxcode`` request creating a code of one rate: ``record``'s percent, of its agency."""
    name = name_for_quickbooks(record.name, NAME_MAX)
    return {
        "TaxCode": name,
        "TaxRateDetails": [
            {
                "TaxRateName": name,
                "RateValue": record.percent,
                "TaxAgencyId": record.agency_id,
                "TaxApplicableOn": "Sales",
            }
        ],
    }


def tax_code_created_id(answer: dict[str, Any]) -> str:
    return text(answer.get("TaxCodeId"))


def agency_payload(record: TaxAgencyRecord) -> dict[str, Any]:
    return {"DisplayName": name_for_quickbooks(record.name, 100)}


def tax_codes(codes: list[dict[str, Any]], rates: list[dict[str, Any]]) -> dict[str, QuickBooksTaxCode]:
    """``tax_codes_charging`` of QuickBooks Online's ``TaxCode`` and ``TaxRate`` objects."""
    return tax_codes_charging(map(tax_code_record, codes), map(tax_rate_record, rates))
