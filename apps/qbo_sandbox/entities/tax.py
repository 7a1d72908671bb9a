"""
Sales tax: agencies, rates and codes, the ``/taxservice/taxcode`` endpoint's write, and a transaction's tax.

TaxCode and TaxRate are read and queried only; both are created through ``taxcode_create``, which makes the rates
of ``TaxRateDetails`` (or reuses existing ones by ``TaxRateId``) and the code that groups them. Agencies are created
and read, never updated or deleted.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import faults, hierarchy, refs
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.numbers import ZERO, json_number, money, to_decimal
from apps.qbo_sandbox.entities.schema import BOOL, DECIMAL, Schema, array, clean, enum, obj, read_only, text
from apps.qbo_sandbox.entities.shapes import entity_schema
from apps.qbo_sandbox.entities.storage import company_lock
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity


class TaxAgencyRules(EntityRules):
    entity_type = "TaxAgency"
    updatable = False
    schema = entity_schema(
        {
            "DisplayName": text(100),
            "TaxRegistrationNumber": text(100),
            "TaxTrackedOnSales": BOOL,
            "TaxTrackedOnPurchases": BOOL,
            "TaxAgencyConfig": read_only(text()),
            "LastFileDate": read_only(text()),
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        if not data.get("DisplayName"):
            raise faults.required_missing("DisplayName")
        data["DisplayName"] = data["DisplayName"].strip()
        if store.name_conflict_find(ctx.company, ["TaxAgency"], data["DisplayName"], exclude=existing) is not None:
            raise faults.duplicate_name("Another tax agency is already using this name. Please use a different name.")
        data.setdefault("TaxTrackedOnSales", True)
        data.setdefault("TaxTrackedOnPurchases", False)
        return data


class ReadOnlyRules(EntityRules):
    """TaxCode and TaxRate: served by reads and queries, written only through the tax service."""

    updatable = False

    def __init__(self, entity_type: str) -> None:
        self.entity_type = entity_type


TAX_SERVICE_SCHEMA: Schema = {
    "TaxCode": text(100),
    "TaxCodeId": text(),
    "Id": text(),
    "TaxRateDetails": array(
        obj(
            {
                "TaxRateName": text(100),
                "TaxRateId": text(),
                "RateValue": DECIMAL,
                "TaxAgencyId": text(),
                "TaxApplicableOn": enum("Sales", "Purchase"),
            }
        )
    ),
}


@transaction.atomic
def taxcode_create(company: SandboxCompany, payload: dict[str, Any]) -> dict[str, Any]:
    """
    Create a TaxCode and the TaxRates of its ``TaxRateDetails`` in one transaction; answers the tax service's body.

    Each detail either names an existing rate (``TaxRateId``) or describes a new one (``TaxRateName``,
    ``RateValue``, ``TaxAgencyId``); ``TaxApplicableOn`` defaults to Sales.
    """
    company_lock(company)
    data = clean(TAX_SERVICE_SCHEMA, payload)
    name = (data.get("TaxCode") or "").strip()
    if not name:
        raise faults.required_missing("TaxCode")
    if store.name_conflict_find(company, ["TaxCode"], name) is not None:
        raise faults.duplicate_name("Another tax code is already using this name. Please use a different name.")
    details = data.get("TaxRateDetails") or []
    if not details:
        raise faults.required_missing("TaxRateDetails")
    answered, sales, purchase = [], [], []
    for detail in details:
        rate = _rate_for(company, detail)
        applicable = detail.get("TaxApplicableOn", "Sales")
        target = sales if applicable == "Sales" else purchase
        target.append({"TaxRateRef": refs.ref_to(rate), "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": len(target)})
        answered.append(
            {
                "TaxRateName": rate.data["Name"],
                "TaxRateId": rate.entity_id,
                "RateValue": rate.data.get("RateValue", 0),
                "TaxAgencyId": refs.ref_value(rate.data.get("AgencyRef")),
                "TaxApplicableOn": applicable,
            }
        )
    code = store.entity_create(
        company,
        "TaxCode",
        {
            "Name": name,
            "Description": name,
            "Active": True,
            "Hidden": False,
            "Taxable": True,
            "TaxGroup": len(details) > 1,
            "SalesTaxRateList": {"TaxRateDetail": sales},
            "PurchaseTaxRateList": {"TaxRateDetail": purchase},
        },
    )
    return {"TaxCode": name, "TaxCodeId": code.entity_id, "TaxRateDetails": answered}


def _rate_for(company: SandboxCompany, detail: dict[str, Any]) -> SandboxEntity:
    if detail.get("TaxRateId"):
        return refs.resolve(company, "TaxRate", {"value": detail["TaxRateId"]})
    for name in ("TaxRateName", "RateValue", "TaxAgencyId"):
        if detail.get(name) is None:
            raise faults.required_missing(name)
    rate_value: Decimal = detail["RateValue"]
    if not ZERO <= rate_value <= 100:
        raise faults.business_validation("The tax rate must be between 0 and 100.", element="RateValue")
    agency = refs.resolve(company, "TaxAgency", {"value": detail["TaxAgencyId"]})
    if store.name_conflict_find(company, ["TaxRate"], detail["TaxRateName"]) is not None:
        raise faults.duplicate_name("Another tax rate is already using this name. Please use a different name.")
    return store.entity_create(
        company,
        "TaxRate",
        {
            "Name": detail["TaxRateName"],
            "Description": detail["TaxRateName"],
            "Active": True,
            "RateValue": json_number(rate_value),
            "AgencyRef": refs.ref_to(agency),
            "SpecialTaxType": "NONE",
            "DisplayType": "ReadOnly",
            "EffectiveTaxRate": [{"RateValue": json_number(rate_value), "EffectiveDate": "1970-01-01"}],
        },
    )


@dataclass(frozen=True)
class TaxRatePart:
    rate: SandboxEntity

    @property
    def percent(self) -> Decimal:
        return to_decimal(self.rate.data.get("RateValue")) or ZERO


def code_rates(company: SandboxCompany, code: SandboxEntity) -> list[TaxRatePart]:
    """The sales rates a tax code applies, in their tax order."""
    details = (code.data.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
    parts = []
    for detail in sorted(details, key=lambda item: item.get("TaxOrder") or 0):
        rate = store.entity_get(company, "TaxRate", refs.ref_value(detail.get("TaxRateRef")))
        if rate is not None:
            parts.append(TaxRatePart(rate))
    return parts


def default_sales_code(company: SandboxCompany) -> SandboxEntity | None:
    """The company's default code here: the oldest active code with sales rates."""
    for code in store.entity_list(company, "TaxCode", active=True):
        if (code.data.get("SalesTaxRateList") or {}).get("TaxRateDetail"):
            return code
    return None


def automated_sales_code(company: SandboxCompany, customer: SandboxEntity) -> SandboxEntity | None:
    """
    The code automated sales tax applies to a sale to ``customer``.

    Intuit's engine picks it from the shipping address; with no geocoding here, the address is stood for by the
    customer's ``DefaultTaxCodeRef``, else that of its nearest parent that has one (a job is at its parent's place
    unless told otherwise), else the company's default code.
    """
    for holder in [customer, *hierarchy.ancestors(company, customer)]:
        code_id = refs.ref_value(holder.data.get("DefaultTaxCodeRef"))
        code = store.entity_get(company, "TaxCode", code_id) if code_id else None
        if code is not None and code.active:
            return code
    return default_sales_code(company)


def tax_detail(
    company: SandboxCompany,
    bases: list[tuple[SandboxEntity, Decimal]],
    *,
    txn_code: SandboxEntity | None,
    total_tax: Decimal | None,
) -> Data:
    """
    ``TxnTaxDetail`` of a transaction whose taxable amounts are ``bases``: (tax code, amount taxed under it).

    QuickBooks' rule: each sales rate of each code gives one ``TaxLine`` of ``amount * rate / 100``, rounded half up
    to the cent on its own, and ``TotalTax`` is the sum of the lines. So tax is per rate on the taxable subtotal,
    never per line item, and a code of several rates can be a cent away from its summed percentage applied once.
    An explicit ``total_tax`` is kept as sent and spread over the lines in proportion (the last line takes the
    rounding).
    """
    lines: list[tuple[TaxRatePart, Decimal]] = [
        (part, base) for code, base in bases for part in code_rates(company, code) if base
    ]
    amounts = [money(base * part.percent / 100) for part, base in lines]
    total = sum(amounts, ZERO)
    if total_tax is not None:
        target = money(total_tax)
        if lines:
            amounts = [money(target * amount / total) for amount in amounts] if total else [ZERO for _ in amounts]
            amounts[-1] += target - sum(amounts, ZERO)
        total = target
    detail: Data = {}
    if txn_code is not None:
        detail["TxnTaxCodeRef"] = {"value": txn_code.entity_id}
    detail["TotalTax"] = total
    if lines:
        detail["TaxLine"] = [
            {
                "Amount": amount,
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    "TaxRateRef": {"value": part.rate.entity_id},
                    "PercentBased": True,
                    "TaxPercent": part.percent,
                    "NetAmountTaxable": money(base),
                },
            }
            for (part, base), amount in zip(lines, amounts, strict=True)
        ]
    return detail
