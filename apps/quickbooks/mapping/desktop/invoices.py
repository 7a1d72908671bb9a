"""
FieldOffice invoices → QuickBooks Desktop invoices, and what Desktop did to them back in the engine's shape.

- The engine's ``PrivateNote`` marker ("FieldOffice invoice 123") is Desktop's ``Memo``, which invoice queries return,
  so an interrupted push is found again; the invoice's own memo follows it (``marker: memo``). Desktop has no free
  text printed on the invoice (its customer message is a list), so the memo is kept where Desktop shows it: on the
  invoice screen and statements.
- A service location is a ship-to address of its customer (see ``customers``): its invoice goes to that customer with
  the ship-to as ``ShipAddress``. A customer that is a Desktop job is billed as that job.
- ``RefNumber`` is FieldOffice's number (at most 11 characters in Desktop), or none when QuickBooks numbers invoices;
  Desktop then gives the next number, which comes back as ``DocNumber``.
- Lines are sent with quantity, rate and amount (so Desktop's amount is FieldOffice's) and the standard "Tax" / "Non"
  sales tax codes; Desktop works out the tax from the sales tax item. An ``InvoiceMod`` keeps Desktop's lines by
  position (``TxnLineID``), adds the extra ones ("-1") and drops those no longer there.
- Desktop's ``Subtotal`` + ``SalesTaxTotal`` is the engine's ``TotalAmt``, ``BalanceRemaining`` its ``Balance``.
- A void is ``TxnVoid``, then the voided invoice is read back. Desktop zeroes a voided invoice and writes "VOID:"
  before its memo; it comes back with a ``PrivateNote`` starting "Voided", as QuickBooks Online marks one.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping import invoices as mapping
from apps.quickbooks.mapping.common import ref_id, text
from apps.quickbooks.mapping.desktop.adapter import Outcome, Planned, Query, Seen, TransactionAdapter, id_chunks
from apps.quickbooks.mapping.desktop.common import list_ref, meta, record_answer, response_error, status_error
from apps.quickbooks.mapping.desktop.customers import (
    NON_TAXABLE_CODE,
    TAXABLE_CODE,
    is_ship_to_id,
    ship_to_id,
    ship_to_owner,
)
from apps.quickbooks.mapping.desktop.payments import PaymentsAdapter
from apps.quickbooks.sync.backend import VOID

ENTITY = mapping.ENTITY
QUERY = "InvoiceQuery"
ADD = "InvoiceAdd"
MOD = "InvoiceMod"
VOID_REQUEST = "TxnVoid"
CUSTOMER_QUERY = "CustomerQuery"
DELETED_TYPE = "Invoice"
NEW_LINE = "-1"
# Desktop's limits (qbXML 13.0).
REF_NUMBER_MAX = 11
MEMO_MAX = 4095
DESC_MAX = 4095
STRING_TOO_LONG = 3070
# What Desktop puts before the memo of a voided transaction, and how the engine recognises one.
VOID_MEMO = "VOID:"
VOIDED_NOTE = f"{mapping.VOIDED}: "
MEMO_SEPARATOR = ": "
WITH_LINES = {"IncludeLineItems": "true"}
_ADDRESS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country", "Note")


def _money(value: Any) -> Decimal:
    return Decimal(text(value) or "0")


def _memo_parts(memo: str) -> tuple[str, str, bool]:
    """Desktop's memo as (private note, customer memo, voided)."""
    voided = memo.startswith(VOID_MEMO)
    if voided:
        memo = memo[len(VOID_MEMO) :].strip()
    head, separator, rest = memo.partition(MEMO_SEPARATOR)
    invoice_id = mapping.marked_invoice_id({"PrivateNote": head}) if separator else None
    if invoice_id is not None and head == mapping.MARKER.format(pk=invoice_id):
        return head, rest, voided
    return memo, "", voided


def _memo(payload: dict[str, Any]) -> str:
    note = text(payload.get("PrivateNote"))
    memo = text((payload.get("CustomerMemo") or {}).get("value"))
    return text(f"{note}{MEMO_SEPARATOR}{memo}" if note and memo else note or memo, MEMO_MAX)


def _tax_code(line: dict[str, Any]) -> str:
    code = text((line.get("SalesTaxCodeRef") or {}).get("FullName")).casefold()
    return mapping.TAXABLE if code and code != NON_TAXABLE_CODE.casefold() else mapping.NON_TAXABLE


def _line_record(line: dict[str, Any]) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "Qty": text(line.get("Quantity")) or "0",
        "UnitPrice": text(line.get("Rate")) or "0",
        "TaxCodeRef": {"value": _tax_code(line)},
    }
    if item := list_ref(line.get("ItemRef")):
        detail["ItemRef"] = item
    return {
        "Id": text(line.get("TxnLineID")),
        "DetailType": "SalesItemLineDetail",
        "Amount": text(line.get("Amount")) or "0",
        "Description": text(line.get("Desc")),
        "SalesItemLineDetail": detail,
    }


def invoice_record(ret: dict[str, Any]) -> dict[str, Any]:
    """An ``InvoiceRet`` as the engine's invoice record (QuickBooks Online's shape)."""
    note, memo, voided = _memo_parts(text(ret.get("Memo")))
    subtotal, tax = _money(ret.get("Subtotal")), _money(ret.get("SalesTaxTotal"))
    record: dict[str, Any] = {
        "Id": text(ret.get("TxnID")),
        "SyncToken": text(ret.get("EditSequence")),
        "TxnDate": text(ret.get("TxnDate")),
        "DueDate": text(ret.get("DueDate")),
        "DocNumber": text(ret.get("RefNumber")),
        "PrivateNote": f"{VOIDED_NOTE}{note}" if voided else note,
        "TotalAmt": format(subtotal + tax, "f"),
        "Balance": text(ret.get("BalanceRemaining")) or "0",
        "TxnTaxDetail": {"TotalTax": format(tax, "f")},
        "Line": [_line_record(line) for line in ret.get("InvoiceLineRet") or []],
        "MetaData": meta(ret),
    }
    if customer := list_ref(ret.get("CustomerRef")):
        record["CustomerRef"] = customer
    if memo:
        record["CustomerMemo"] = {"value": memo}
    if terms := list_ref(ret.get("TermsRef")):
        record["SalesTermRef"] = terms
    if tax_item := list_ref(ret.get("ItemSalesTaxRef")):
        record["TxnTaxDetail"]["TxnTaxCodeRef"] = tax_item
    return record


def _ship_address(customer: dict[str, Any], ship_to: str) -> dict[str, str] | None:
    """The ship-to address ``ship_to`` (a location record id) of a ``CustomerRet``, as an invoice address."""
    customer_id = text(customer.get("ListID"))
    for address in customer.get("ShipToAddress") or []:
        name = text(address.get("Name"))
        if name and ship_to_id(customer_id, name) == ship_to:
            return {key: text(address[key]) for key in _ADDRESS if text(address.get(key))}
    return None


def _line_fields(line: dict[str, Any]) -> dict[str, Any]:
    detail = line.get("SalesItemLineDetail") or {}
    fields: dict[str, Any] = {}
    if item := ref_id(detail.get("ItemRef")):
        fields["ItemRef"] = {"ListID": item}
    fields["Desc"] = text(line.get("Description"), DESC_MAX) or None
    if detail.get("Qty") is not None:
        fields["Quantity"] = Decimal(str(detail["Qty"]))
    if detail.get("UnitPrice") is not None:
        fields["Rate"] = Decimal(str(detail["UnitPrice"]))
    fields["Amount"] = Decimal(str(line.get("Amount") or 0)).quantize(Decimal("0.01"))
    taxable = ref_id(detail.get("TaxCodeRef")) == mapping.TAXABLE
    fields["SalesTaxCodeRef"] = {"FullName": TAXABLE_CODE if taxable else NON_TAXABLE_CODE}
    return fields


def invoice_fields(
    payload: dict[str, Any], *, ship_address: dict[str, str] | None = None, line_ids: Sequence[str] = ()
) -> dict[str, Any]:
    """
    The ``InvoiceAdd`` fields of an engine invoice payload, or the ``InvoiceMod`` fields of an update (``Id``): its
    lines then keep ``line_ids`` (Desktop's current lines) in order.
    """
    customer = ship_to_owner(ref_id(payload.get("CustomerRef")))
    fields: dict[str, Any] = {"CustomerRef": {"ListID": customer}, "TxnDate": text(payload.get("TxnDate"))}
    if number := text(payload.get("DocNumber")):
        fields["RefNumber"] = number
    if ship_address:
        fields["ShipAddress"] = ship_address
    if terms := ref_id(payload.get("SalesTermRef")):
        fields["TermsRef"] = {"ListID": terms}
    if due := text(payload.get("DueDate")):
        fields["DueDate"] = due
    if tax_item := ref_id((payload.get("TxnTaxDetail") or {}).get("TxnTaxCodeRef")):
        fields["ItemSalesTaxRef"] = {"ListID": tax_item}
    if memo := _memo(payload):
        fields["Memo"] = memo
    lines = [_line_fields(line) for line in payload.get("Line") or []]
    if not payload.get("Id"):
        return {**fields, "InvoiceLineAdd": lines}
    kept = list(line_ids)
    mods = [{"TxnLineID": kept[index] if index < len(kept) else NEW_LINE, **line} for index, line in enumerate(lines)]
    return {
        "TxnID": str(payload["Id"]),
        "EditSequence": text(payload.get("SyncToken")),
        **fields,
        "InvoiceLineMod": mods,
    }


class InvoicesAdapter(TransactionAdapter):
    entity = ENTITY
    txn_type = DELETED_TYPE
    criteria = WITH_LINES

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        # Customers are read only for their ship-to addresses (see ``needs``): they are no invoices.
        return [invoice_record(ret)] if record_type in ("InvoiceRet", "") else []

    def by_ids(self, ids: list[str]) -> list[Query]:
        """Invoices by TxnID; a ship-to id reads its customer, whose address an invoice for the location needs."""
        customers = id_chunks(ship_to_owner(value) for value in ids if is_ship_to_id(value))
        invoices = super().by_ids(value for value in ids if not is_ship_to_id(value))
        return [*invoices, *(Query(CUSTOMER_QUERY, {"ListID": chunk}) for chunk in customers)]

    def needs(self, writes: list[tuple[int, Any]], seen: Seen) -> list[str]:
        """Updated invoices' current lines, and the customers of location invoices for their ship-to addresses."""
        wanted = set()
        for _, write in writes:
            if write.action == VOID:
                continue
            customer = ref_id(write.payload.get("CustomerRef"))
            if is_ship_to_id(customer) and seen.get(ship_to_owner(customer)) is None:
                wanted.add(customer)
            if write.payload.get("Id") and seen.get(str(write.payload["Id"])) is None:
                wanted.add(str(write.payload["Id"]))
        return sorted(wanted)

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            if write.action == VOID:
                planned.extend(_void_plans(index, write))
                continue
            number = text(write.payload.get("DocNumber"))
            if len(number) > REF_NUMBER_MAX:
                message = (
                    f"The invoice number {number} is longer than the {REF_NUMBER_MAX} characters QuickBooks Desktop "
                    "allows: give it a shorter number, or let QuickBooks number invoices."
                )
                refused[index] = (None, status_error(code=STRING_TOO_LONG, message=message))
                continue
            customer = ref_id(write.payload.get("CustomerRef"))
            ship_address = None
            if is_ship_to_id(customer):
                owner = seen.get(ship_to_owner(customer))
                ship_address = _ship_address(owner, customer) if owner else None
                if ship_address is None:
                    error = ApiError("The ship-to address of this service location is no longer in QuickBooks Desktop.")
                    refused[index] = (None, error)
                    continue
            current = seen.get(str(write.payload.get("Id") or "")) if write.payload.get("Id") else None
            line_ids = [text(line.get("TxnLineID")) for line in (current or {}).get("InvoiceLineRet") or []]
            fields = invoice_fields(write.payload, ship_address=ship_address, line_ids=line_ids)
            kind = MOD if write.payload.get("Id") else ADD
            planned.append(Planned(kind, fields, [(index, write)], _invoice_answer(index)))
        return planned, refused


def _invoice_answer(index: int) -> Callable[[Any], dict[int, Outcome]]:
    return record_answer(index, invoice_record, about="this invoice")


def _void_plans(index: int, write: Any) -> list[Planned]:
    """``TxnVoid`` answers with the id only: the voided invoice is read back after it, in the same document."""
    txn_id = str(write.payload.get("Id") or "")
    refused: dict[int, Outcome] = {}

    def voided(response: Any) -> dict[int, Outcome]:
        if error := response_error(response, about="this invoice", record_expected=False):
            refused[index] = (None, error)
        return dict(refused)

    def read(response: Any) -> dict[int, Outcome]:
        return {} if refused else _invoice_answer(index)(response)

    return [
        Planned(VOID_REQUEST, {"TxnVoidType": DELETED_TYPE, "TxnID": txn_id}, [(index, write)], voided),
        Planned(QUERY, {"TxnID": [txn_id], **WITH_LINES}, [(index, write)], read),
    ]


ADAPTERS = [InvoicesAdapter(), PaymentsAdapter()]
