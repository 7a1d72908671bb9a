"""
QuickBooks Desktop's payment terms and sales tax ↔ the engine's records (``TermRecord``, ``TaxCodeRecord``,
``TaxRateRecord``, ``TaxAgencyRecord``).

- Terms are StandardTerms (due ``StdDueDays`` after the invoice date) and DateDrivenTerms (due on ``DayOfMonthDue``),
  both read by one TermsQuery. qbXML has no Mod for either: FieldOffice can add a term, never change one, so the
  backend declares terms unchangeable (``TERM_UNCHANGEABLE``) and a local change of a term already in QuickBooks is
  reported instead of sent.
- A FieldOffice tax rate is one sales tax item (ItemSalesTax: Name, TaxRate percent, TaxVendorRef the agency, which
  is a vendor). It arrives as a tax code whose one rate is the item itself, both under the item's ListID, so that a
  customer's ``ItemSalesTaxRef`` names the same record. ItemSalesTaxMod lets FieldOffice change an item it keeps.
- A sales tax group (ItemSalesTaxGroup) charges the sum of its items' rates: it arrives as a tax code whose rates are
  its items, so it becomes one local rate of that sum. FieldOffice never changes a group (``GROUP_UNCHANGEABLE``).
- Sales tax codes (``Tax``, ``Non``...) only say whether a customer or line is taxable: they arrive as tax codes that
  charge no rate, as Online's ``TAX``/``NON`` pseudo codes do.
- Tax agencies are vendors; only their names matter here, so vendors are read without the rest of their record.
"""

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.quickbooks.desktop.mapping.adapter import ListAdapter, Outcome, Planned, Seen
from apps.quickbooks.desktop.mapping.common import adds_only, desktop_bool, record_answer
from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.common import name_for_quickbooks, text
from apps.quickbooks.sync.records import (
    TAX_AGENCY,
    TAX_CODE,
    TAX_RATE,
    TERM,
    TaxAgencyRecord,
    TaxCodeRecord,
    TaxRateRecord,
    TermRecord,
)

TERMS_QUERY = "TermsQuery"
STANDARD_TERMS = "StandardTerms"
DATE_DRIVEN_TERMS = "DateDrivenTerms"
TAX_ITEM = "ItemSalesTax"
TAX_GROUP = "ItemSalesTaxGroup"
SALES_TAX_CODE = "SalesTaxCode"
VENDOR = "Vendor"
# Desktop's limits (qbXML 13.0).
TERM_NAME_MAX = 31
TAX_ITEM_NAME_MAX = 31
TAX_ITEM_DESC_MAX = 4095
VENDOR_NAME_MAX = 41
# Only these of a vendor are read: the agency's name, and what the backend needs of every record.
VENDOR_ELEMENTS = ["ListID", "EditSequence", "Name", "IsActive", "TimeCreated", "TimeModified"]

TERM_UNCHANGEABLE = (
    "{name} changed here, but QuickBooks Desktop does not let other apps change a payment term: make the same "
    "change in QuickBooks."
)
GROUP_UNCHANGEABLE = (
    "{name} is a sales tax group in QuickBooks Desktop: its rate is the sum of its sales tax items. Change those "
    "items, or the group, in QuickBooks."
)
AGENCY_UNCHANGEABLE = "FieldOffice never changes a vendor in QuickBooks Desktop."


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _percent(value: Any) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        return Decimal("0")


def _percent_out(value: Any) -> str:
    """A percentage as Desktop reads it: plain digits, no exponent, no trailing zeros."""
    return format(_percent(value).quantize(Decimal("0.0001")).normalize(), "f")


def _bool_out(value: Any) -> str:
    return "false" if value is False else "true"


def _identity(ret: dict[str, Any]) -> dict[str, Any]:
    """What every list record of the engine takes from a ``...Ret``: its id, version, name and state."""
    return {
        "remote_id": text(ret.get("ListID")),
        "version": text(ret.get("EditSequence")),
        "name": text(ret.get("Name")),
        "active": desktop_bool(ret.get("IsActive")),
    }


def _ref_id(value: Any) -> str:
    return text(value.get("ListID")) if isinstance(value, dict) else ""


# Payment terms.


def term_record(ret: dict[str, Any], record_type: str = "") -> TermRecord:
    """
    A ``StandardTermsRet`` or ``DateDrivenTermsRet`` as the engine's term record. A standard term without
    ``StdDueDays`` is due on receipt, as QuickBooks treats it; a date-driven term has no day count.
    """
    date_driven = record_type.startswith(DATE_DRIVEN_TERMS) or (not record_type and "DayOfMonthDue" in ret)
    if date_driven:
        return TermRecord(
            **_identity(ret),
            day_of_month_due=_int(ret.get("DayOfMonthDue")),
            due_next_month_days=_int(ret.get("DueNextMonthDays")),
            discount_day_of_month=_int(ret.get("DiscountDayOfMonth")),
            discount_percent=_percent(ret.get("DiscountPct")),
        )
    return TermRecord(
        **_identity(ret),
        due_days=_int(ret.get("StdDueDays")),
        discount_days=_int(ret.get("StdDiscountDays")),
        discount_percent=_percent(ret.get("DiscountPct")),
    )


def standard_terms_fields(record: TermRecord) -> dict[str, Any]:
    """The ``StandardTermsAdd`` of an engine term."""
    return {
        "Name": name_for_quickbooks(record.name, TERM_NAME_MAX),
        "IsActive": _bool_out(record.active),
        "StdDueDays": str(max(record.due_days or 0, 0)),
    }


class TermsAdapter(ListAdapter):
    entity = TERM
    deleted_types = (STANDARD_TERMS, DATE_DRIVEN_TERMS)
    query_kinds = (TERMS_QUERY,)

    def records(self, ret: dict[str, Any], record_type: str) -> list[TermRecord]:
        return [term_record(ret, record_type)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        return adds_only(
            writes,
            kind=f"{STANDARD_TERMS}Add",
            fields=standard_terms_fields,
            record=term_record,
            refusal=TERM_UNCHANGEABLE,
        )


# Sales tax items, codes and agencies.


def tax_code_record(ret: dict[str, Any]) -> TaxCodeRecord:
    """An ``ItemSalesTaxRet`` as the engine's tax code: one sales rate, the item itself (same id)."""
    return TaxCodeRecord(**_identity(ret), rate_ids=(text(ret.get("ListID")),))


def tax_group_record(ret: dict[str, Any]) -> TaxCodeRecord:
    """
    An ``ItemSalesTaxGroupRet`` as the engine's tax code whose rates are the group's sales tax items: summed into one
    local rate, as an Online tax code of several agency rates is.
    """
    members = ret.get("ItemSalesTaxRef") or []
    members = members if isinstance(members, list) else [members]
    rate_ids = tuple(rate_id for rate_id in map(_ref_id, members) if rate_id)
    return TaxCodeRecord(**_identity(ret), group=True, rate_ids=rate_ids)


def sales_tax_code_record(ret: dict[str, Any]) -> TaxCodeRecord:
    """A ``SalesTaxCodeRet`` (``Tax``, ``Non``...): a code that marks taxable or not and charges no rate."""
    return TaxCodeRecord(**_identity(ret), charges_tax=False, taxable=desktop_bool(ret.get("IsTaxable"), default=False))


def tax_rate_record(ret: dict[str, Any]) -> TaxRateRecord:
    """An ``ItemSalesTaxRet`` as the engine's tax rate: its percentage and agency (``TaxVendorRef``)."""
    agency = ret.get("TaxVendorRef") if isinstance(ret.get("TaxVendorRef"), dict) else {}
    return TaxRateRecord(
        **_identity(ret),
        percent=_percent(ret.get("TaxRate")),
        agency_id=_ref_id(agency),
        agency_name=text(agency.get("FullName")) if _ref_id(agency) else "",
    )


def agency_record(ret: dict[str, Any]) -> TaxAgencyRecord:
    """A ``VendorRet`` as the engine's tax agency."""
    return TaxAgencyRecord(**_identity(ret))


def _is_tax_group(ret: dict[str, Any], record_type: str) -> bool:
    # Without the element's name: a group lists its items, and is no sales tax code (those say whether taxable).
    return record_type.startswith(TAX_GROUP) if record_type else "ItemSalesTaxRef" in ret and "IsTaxable" not in ret


def _is_tax_item(ret: dict[str, Any], record_type: str) -> bool:
    if record_type:
        return record_type.startswith(TAX_ITEM) and not record_type.startswith(TAX_GROUP)
    return "IsTaxable" not in ret and "ItemSalesTaxRef" not in ret


def tax_item_fields(record: TaxCodeRecord) -> dict[str, Any]:
    """
    The ``ItemSalesTaxAdd`` / ``ItemSalesTaxMod`` fields of an engine tax code of one rate (a Mod when it has an
    id). The full name goes in the description, which invoices print, since an item's name is cut at 31 characters.
    """
    fields: dict[str, Any] = {}
    if record.remote_id:
        fields["ListID"] = record.remote_id
        fields["EditSequence"] = record.version
    fields.update(
        {
            "Name": name_for_quickbooks(record.name, TAX_ITEM_NAME_MAX),
            "IsActive": _bool_out(record.active),
            "ItemDesc": text(record.name, TAX_ITEM_DESC_MAX),
            "TaxRate": _percent_out(record.percent),
        }
    )
    # Without an agency a new item is added without one, and a changed one keeps its own.
    if record.agency_id:
        fields["TaxVendorRef"] = {"ListID": record.agency_id}
    return fields


class TaxCodesAdapter(ListAdapter):
    entity = TAX_CODE
    deleted_types = (TAX_ITEM, TAX_GROUP, SALES_TAX_CODE)
    query_kinds = (f"{TAX_ITEM}Query", f"{TAX_GROUP}Query", f"{SALES_TAX_CODE}Query")

    def records(self, ret: dict[str, Any], record_type: str) -> list[TaxCodeRecord]:
        if _is_tax_group(ret, record_type):
            return [tax_group_record(ret)]
        return [tax_code_record(ret) if _is_tax_item(ret, record_type) else sales_tax_code_record(ret)]

    def needs(self, writes: list[tuple[int, Any]], seen: Seen) -> list[str]:
        """The items to change that no read of this run brought (their edit sequence, and whether they are groups)."""
        # Read even with an edit sequence: a group must be told from an item before anything is sent.
        return sorted(
            write.payload.remote_id
            for _, write in writes
            if write.payload.remote_id and seen.get(write.payload.remote_id) is None
        )

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            record: TaxCodeRecord = write.payload
            known = (seen.get(record.remote_id) if record.remote_id else None) or {}
            if _is_tax_group(known, ""):
                name = record.name or text(known.get("Name"))
                refused[index] = (None, ApiError(GROUP_UNCHANGEABLE.format(name=name)))
                continue
            if record.remote_id and not record.version:
                record = replace(record, version=text(known.get("EditSequence")))
            kind = f"{TAX_ITEM}Mod" if record.remote_id else f"{TAX_ITEM}Add"
            answer = record_answer(index, tax_code_record)
            planned.append(Planned(kind, tax_item_fields(record), [(index, write)], answer))
        return planned, refused


class TaxRatesAdapter(ListAdapter):
    """The percentages and agencies of the sales tax items; FieldOffice writes them through their tax codes."""

    entity = TAX_RATE
    deleted_types = (TAX_ITEM,)
    query_kinds = (f"{TAX_ITEM}Query",)

    def records(self, ret: dict[str, Any], record_type: str) -> list[TaxRateRecord]:
        return [tax_rate_record(ret)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        error = ApiError("FieldOffice changes a QuickBooks Desktop tax rate through its sales tax item.")
        return [], {index: (None, error) for index, _ in writes}


def _vendor_fields(record: TaxAgencyRecord) -> dict[str, Any]:
    """The ``VendorAdd`` of a tax agency: its name alone."""
    return {"Name": name_for_quickbooks(record.name, VENDOR_NAME_MAX)}


class TaxAgenciesAdapter(ListAdapter):
    entity = TAX_AGENCY
    deleted_types = (VENDOR,)
    query_kinds = (f"{VENDOR}Query",)
    criteria = {"IncludeRetElement": VENDOR_ELEMENTS}

    def records(self, ret: dict[str, Any], record_type: str) -> list[TaxAgencyRecord]:
        return [agency_record(ret)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        return adds_only(
            writes, kind=f"{VENDOR}Add", fields=_vendor_fields, record=agency_record, refusal=AGENCY_UNCHANGEABLE
        )


ADAPTERS = [TermsAdapter(), TaxCodesAdapter(), TaxRatesAdapter(), TaxAgenciesAdapter()]
