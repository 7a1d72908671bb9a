"""
Tax rates ↔ QuickBooks sales tax codes.

A FieldOffice tax rate is what a customer or invoice is charged: one percentage. In QuickBooks that is a tax code,
which sums one or more agency rates (state, county, city). The code's name and the sum of its sales rates come
here; the first rate's agency names the agency. QuickBooks' pseudo codes ``TAX`` and ``NON`` are not rates.

QuickBooks lets apps create tax codes (``taxservice/taxcode``) but not change them: a local change to a rate pushed
earlier is reported, not sent.
"""

from decimal import Decimal
from typing import Any

from apps.accounting.models import TaxRate
from apps.quickbooks.mapping.common import name_for_quickbooks, ref_id, text

ENTITY = "TaxCode"
RATE_ENTITY = "TaxRate"
AGENCY_ENTITY = "TaxAgency"
NAME_MAX = 100


def is_rate_code(code: dict[str, Any]) -> bool:
    """A real tax code (numeric id), not the ``TAX``/``NON`` markers of US companies."""
    return str(code.get("Id") or "").isdigit()


def _sales_rate_ids(code: dict[str, Any]) -> list[str]:
    rate_list = code.get("SalesTaxRateList") or {}
    details = rate_list.get("TaxRateDetail") or []
    return [ref_id(detail.get("TaxRateRef")) for detail in details if isinstance(detail, dict)]


def tax_code_fields(
    code: dict[str, Any], rates: dict[str, dict[str, Any]], agencies: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Local fields of a tax code; ``rates`` and ``agencies`` are QuickBooks' TaxRate and TaxAgency lists by id."""
    percent = Decimal("0")
    agency = ""
    for rate_id in _sales_rate_ids(code):
        rate = rates.get(rate_id) or {}
        percent += Decimal(str(rate.get("RateValue") or 0))
        if not agency:
            agency_id = ref_id(rate.get("AgencyRef"))
            agency = text(
                (agencies.get(agency_id) or {}).get("DisplayName") or (rate.get("AgencyRef") or {}).get("name")
            )
    return {
        "name": text(code.get("Name"), 100),
        "percent": percent.quantize(Decimal("0.0001")),
        "agency": agency[:100],
        "active": code.get("Active", True) is not False,
    }


def tax_code_payload(tax_rate: TaxRate, agency_id: str) -> dict[str, Any]:
    """The ``taxservice/taxcode`` request creating a code with one rate of ``agency_id``."""
    name = name_for_quickbooks(tax_rate.name, NAME_MAX)
    return {
        "TaxCode": name,
        "TaxRateDetails": [
            {"TaxRateName": name, "RateValue": tax_rate.percent, "TaxAgencyId": agency_id, "TaxApplicableOn": "Sales"}
        ],
    }


def tax_code_update(tax_rate: TaxRate, agency_id: str) -> dict[str, Any]:
    """A change to a tax code already sent (QuickBooks Desktop takes one; Online's API does not): with its state."""
    return {**tax_code_payload(tax_rate, agency_id), "Active": tax_rate.active}


def tax_code_created_id(answer: dict[str, Any]) -> str:
    return text(answer.get("TaxCodeId"))


def agency_payload(name: str) -> dict[str, Any]:
    return {"DisplayName": name_for_quickbooks(name, 100)}


def agency_name(agency: dict[str, Any]) -> str:
    return text(agency.get("DisplayName"))


def tax_comparable_local(tax_rate: TaxRate) -> dict[str, Any]:
    return {"name": tax_rate.name, "percent": tax_rate.percent.quantize(Decimal("0.0001")), "active": tax_rate.active}
