"""
QuickBooks Desktop's payment terms and sales tax ↔ the engine's ``Term``, ``TaxCode``, ``TaxRate`` and ``TaxAgency``
records (the shapes of ``mapping.terms`` and ``mapping.tax``).

- Terms are StandardTerms (due ``StdDueDays`` after the invoice date) and DateDrivenTerms (due on ``DayOfMonthDue``),
  both read by one TermsQuery. qbXML has no Mod for either: FieldOffice can add a term, never change one, so the
  lists step reports a local change of a term already in QuickBooks instead of sending it (``TERM_UNCHANGEABLE``).
- A FieldOffice tax rate is one sales tax item (ItemSalesTax: Name, TaxRate percent, TaxVendorRef the agency, which
  is a vendor). It arrives as a tax code whose one rate is the item itself, both under the item's ListID, so that a
  customer's ``ItemSalesTaxRef`` (``DefaultTaxCodeRef`` for the engine) names the same record. ItemSalesTaxMod lets
  FieldOffice change an item it keeps.
- A sales tax group (ItemSalesTaxGroup) charges the sum of its items' rates: it arrives as a tax code whose rates are
  its items, so it becomes one local rate of that sum. FieldOffice never changes a group (``GROUP_UNCHANGEABLE``).
- Sales tax codes (``Tax``, ``Non``...) only say whether a customer or line is taxable: they arrive as tax codes too,
  marked as no rate (``RATE_CODE`` false), as Online's ``TAX``/``NON`` pseudo codes are.
- Tax agencies are vendors; only their names matter here, so vendors are read without the rest of their record.
"""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping import tax, terms
from apps.quickbooks.mapping.common import name_for_quickbooks, payload_id, text
from apps.quickbooks.mapping.desktop.adapter import ListAdapter, Outcome, Planned, Seen
from apps.quickbooks.mapping.desktop.common import desktop_bool, list_ref, meta, status_error

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
# What a tax code record says of itself: a rate (a sales tax item) or a taxable / non-taxable marker.
RATE_CODE = "DesktopRateCode"
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
    return {
        "Id": text(ret.get("ListID")),
        "SyncToken": text(ret.get("EditSequence")),
        "Active": desktop_bool(ret.get("IsActive")),
        "MetaData": meta(ret),
    }


# Payment terms.


def term_record(ret: dict[str, Any], record_type: str = "") -> dict[str, Any]:
    """
    A ``StandardTermsRet`` or ``DateDrivenTermsRet`` as the engine's term record. A date-driven term has no
    ``DueDays``: the term mapping gives it a month.
    """
    record = {**_identity(ret), "Name": text(ret.get("Name"))}
    date_driven = record_type.startswith(DATE_DRIVEN_TERMS) or (not record_type and "DayOfMonthDue" in ret)
    if date_driven:
        record.update(
            {
                "Type": "DATE_DRIVEN",
                "DayOfMonthDue": _int(ret.get("DayOfMonthDue")),
                "DueNextMonthDays": _int(ret.get("DueNextMonthDays")),
                "DiscountDayOfMonth": _int(ret.get("DiscountDayOfMonth")),
            }
        )
    else:
        # A standard term without StdDueDays is due on receipt, as QuickBooks treats it.
        record.update(
            {
                "Type": "STANDARD",
                "DueDays": _int(ret.get("StdDueDays")),
                "DiscountDays": _int(ret.get("StdDiscountDays")),
            }
        )
    record["DiscountPercent"] = _percent(ret.get("DiscountPct"))
    return record


def standard_terms_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """The ``StandardTermsAdd`` of an engine term payload (``mapping.terms.term_payload``)."""
    return {
        "Name": name_for_quickbooks(text(payload.get("Name")), TERM_NAME_MAX),
        "IsActive": _bool_out(payload.get("Active", True)),
        "StdDueDays": str(max(_int(payload.get("DueDays")), 0)),
    }


class TermsAdapter(ListAdapter):
    entity = terms.ENTITY
    deleted_types = (STANDARD_TERMS, DATE_DRIVEN_TERMS)
    query_kinds = (TERMS_QUERY,)

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        return [term_record(ret, record_type)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            if payload_id(write.payload):
                name = text(write.payload.get("Name"))
                refused[index] = (None, ApiError(TERM_UNCHANGEABLE.format(name=name)))
                continue
            fields = standard_terms_fields(write.payload)
            planned.append(Planned(f"{STANDARD_TERMS}Add", fields, [(index, write)], _answer(index, term_record)))
        return planned, refused


# Sales tax items, codes and agencies.


def tax_code_record(ret: dict[str, Any]) -> dict[str, Any]:
    """An ``ItemSalesTaxRet`` as the engine's tax code: one sales rate, the item itself (same id)."""
    list_id = text(ret.get("ListID"))
    name = text(ret.get("Name"))
    return {
        **_identity(ret),
        "Name": name,
        "Description": text(ret.get("ItemDesc")),
        "Taxable": True,
        "TaxGroup": False,
        "SalesTaxRateList": {"TaxRateDetail": [{"TaxRateRef": {"value": list_id, "name": name}}]},
        RATE_CODE: True,
    }


def tax_group_record(ret: dict[str, Any]) -> dict[str, Any]:
    """
    An ``ItemSalesTaxGroupRet`` as the engine's tax code whose rates are the group's sales tax items: the lists step
    sums them into one local rate, as it does for an Online tax code of several agency rates.
    """
    members = ret.get("ItemSalesTaxRef") or []
    members = members if isinstance(members, list) else [members]
    return {
        **_identity(ret),
        "Name": text(ret.get("Name")),
        "Description": text(ret.get("ItemDesc")),
        "Taxable": True,
        "TaxGroup": True,
        "SalesTaxRateList": {"TaxRateDetail": [{"TaxRateRef": ref} for ref in map(list_ref, members) if ref]},
        RATE_CODE: True,
    }


def sales_tax_code_record(ret: dict[str, Any]) -> dict[str, Any]:
    """A ``SalesTaxCodeRet`` (``Tax``, ``Non``...) as a tax code that marks taxable or not and is no rate."""
    return {
        **_identity(ret),
        "Name": text(ret.get("Name")),
        "Description": text(ret.get("Desc")),
        "Taxable": desktop_bool(ret.get("IsTaxable"), default=False),
        RATE_CODE: False,
    }


def tax_rate_record(ret: dict[str, Any]) -> dict[str, Any]:
    """An ``ItemSalesTaxRet`` as the engine's tax rate: its percentage and agency (``TaxVendorRef``)."""
    record = {**_identity(ret), "Name": text(ret.get("Name")), "RateValue": _percent(ret.get("TaxRate"))}
    if agency := list_ref(ret.get("TaxVendorRef")):
        record["AgencyRef"] = agency
    return record


def agency_record(ret: dict[str, Any]) -> dict[str, Any]:
    """A ``VendorRet`` as the engine's tax agency."""
    return {**_identity(ret), "DisplayName": text(ret.get("Name"))}


def _is_tax_group(ret: dict[str, Any], record_type: str) -> bool:
    # Without the element's name: a group lists its items, and is no sales tax code (those say whether taxable).
    return record_type.startswith(TAX_GROUP) if record_type else "ItemSalesTaxRef" in ret and "IsTaxable" not in ret


def _is_tax_item(ret: dict[str, Any], record_type: str) -> bool:
    if record_type:
        return record_type.startswith(TAX_ITEM) and not record_type.startswith(TAX_GROUP)
    return "IsTaxable" not in ret and "ItemSalesTaxRef" not in ret


def tax_item_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """
    The ``ItemSalesTaxAdd`` / ``ItemSalesTaxMod`` fields of an engine tax code payload (``mapping.tax``'s, plus
    ``Id`` / ``SyncToken`` and ``Active`` for a change). The full name goes in the description, which invoices print,
    since an item's name is cut at 31 characters.
    """
    name = text(payload.get("TaxCode") or payload.get("Name"))
    details = payload.get("TaxRateDetails") or [{}]
    fields: dict[str, Any] = {}
    if payload_id(payload):
        fields["ListID"] = payload_id(payload)
        fields["EditSequence"] = text(payload.get("SyncToken"))
    fields.update(
        {
            "Name": name_for_quickbooks(name, TAX_ITEM_NAME_MAX),
            "IsActive": _bool_out(payload.get("Active", True)),
            "ItemDesc": text(name, TAX_ITEM_DESC_MAX),
            "TaxRate": _percent_out(details[0].get("RateValue")),
        }
    )
    # Without an agency a new item is added without one, and a changed one keeps its own.
    if agency := text(details[0].get("TaxAgencyId")):
        fields["TaxVendorRef"] = {"ListID": agency}
    return fields


class TaxCodesAdapter(ListAdapter):
    entity = tax.ENTITY
    deleted_types = (TAX_ITEM, TAX_GROUP, SALES_TAX_CODE)
    query_kinds = (f"{TAX_ITEM}Query", f"{TAX_GROUP}Query", f"{SALES_TAX_CODE}Query")

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        if _is_tax_group(ret, record_type):
            return [tax_group_record(ret)]
        return [tax_code_record(ret) if _is_tax_item(ret, record_type) else sales_tax_code_record(ret)]

    def needs(self, writes: list[tuple[int, Any]], seen: Seen) -> list[str]:
        """The items to change that no read of this run brought (their edit sequence, and whether they are groups)."""
        # Read even with an edit sequence: a group must be told from an item before anything is sent.
        return sorted(
            payload_id(write.payload)
            for _, write in writes
            if payload_id(write.payload) and seen.get(payload_id(write.payload)) is None
        )

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            payload = write.payload
            known = (seen.get(payload_id(payload)) if payload_id(payload) else None) or {}
            if _is_tax_group(known, ""):
                name = text(write.payload.get("Name")) or text(known.get("Name"))
                refused[index] = (None, ApiError(GROUP_UNCHANGEABLE.format(name=name)))
                continue
            if payload_id(payload) and not payload.get("SyncToken"):
                payload = {**payload, "SyncToken": text(known.get("EditSequence"))}
            kind = f"{TAX_ITEM}Mod" if payload_id(payload) else f"{TAX_ITEM}Add"
            planned.append(Planned(kind, tax_item_fields(payload), [(index, write)], _answer(index, tax_code_record)))
        return planned, refused


class TaxRatesAdapter(ListAdapter):
    """The percentages and agencies of the sales tax items; FieldOffice writes them through their tax codes."""

    entity = tax.RATE_ENTITY
    deleted_types = (TAX_ITEM,)
    query_kinds = (f"{TAX_ITEM}Query",)

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        return [tax_rate_record(ret)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        error = ApiError("FieldOffice changes a QuickBooks Desktop tax rate through its sales tax item.")
        return [], {index: (None, error) for index, _ in writes}


class TaxAgenciesAdapter(ListAdapter):
    entity = tax.AGENCY_ENTITY
    deleted_types = (VENDOR,)
    query_kinds = (f"{VENDOR}Query",)
    criteria = {"IncludeRetElement": VENDOR_ELEMENTS}

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        return [agency_record(ret)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            if payload_id(write.payload):
                refused[index] = (None, ApiError(AGENCY_UNCHANGEABLE))
                continue
            fields = {"Name": name_for_quickbooks(text(write.payload.get("DisplayName")), VENDOR_NAME_MAX)}
            planned.append(Planned(f"{VENDOR}Add", fields, [(index, write)], _answer(index, agency_record)))
        return planned, refused


def _answer(index: int, record: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Any], dict[int, Outcome]]:
    def answer(response: Any) -> dict[int, Outcome]:
        if response is None:
            return {index: (None, ApiError("QuickBooks Desktop did not answer for this record."))}
        if response.status_code != 0 or not response.records:
            error = status_error(code=response.status_code, message=response.message, severity=response.severity)
            return {index: (None, error)}
        return {index: (record(response.records[0]), None)}

    return answer


ADAPTERS = [TermsAdapter(), TaxCodesAdapter(), TaxRatesAdapter(), TaxAgenciesAdapter()]
