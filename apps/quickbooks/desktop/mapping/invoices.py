"""
The engine's invoice records ↔ QuickBooks Desktop invoices.

- The marker of the FieldOffice invoice a record comes from ("FieldOffice invoice 123", the record's ``origin_id``)
  is Desktop's ``Memo``, which invoice queries return, so an interrupted push is found again; the invoice's own memo
  follows it (``marker: memo``). Desktop has no free
  text printed on the invoice (its customer message is a list), so the memo is kept where Desktop shows it: on the
  invoice screen and statements.
- A service location is a ship-to address of its customer (see ``customers``): its invoice goes to that customer with
  the ship-to as ``ShipAddress``. A customer that is a Desktop job is billed as that job.
- ``RefNumber`` is FieldOffice's number (at most 11 characters in Desktop), or none when QuickBooks numbers invoices;
  Desktop then gives the next number, which comes back as the record's.
- Lines are sent with quantity, rate and amount (so Desktop's amount is FieldOffice's) and the standard "Tax" / "Non"
  sales tax codes; Desktop works out the tax from the sales tax item. An ``InvoiceMod`` keeps Desktop's lines by
  position (``TxnLineID``), adds the extra ones ("-1") and drops those no longer there.
- Desktop's ``Subtotal`` + ``SalesTaxTotal`` is the record's total, ``BalanceRemaining`` its balance.
- A void is ``TxnVoid``, then the voided invoice is read back. Desktop zeroes a voided invoice and writes "VOID:"
  before its memo: the record is ``voided``.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from apps.quickbooks.desktop.mapping.adapter import Outcome, Planned, Query, Seen, TransactionAdapter, id_chunks
from apps.quickbooks.desktop.mapping.common import (
    desktop_date,
    desktop_time,
    record_answer,
    response_error,
    status_error,
)
from apps.quickbooks.desktop.mapping.customers import (
    NON_TAXABLE_CODE,
    TAXABLE_CODE,
    is_ship_to_id,
    ship_to_id,
    ship_to_owner,
)
from apps.quickbooks.desktop.mapping.payments import PaymentsAdapter
from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping import invoices as mapping
from apps.quickbooks.mapping.common import text
from apps.quickbooks.sync.backend import VOID
from apps.quickbooks.sync.records import InvoiceLine, InvoiceRecord

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
CENT = Decimal("0.01")
MEMO_SEPARATOR = ": "
WITH_LINES = {"IncludeLineItems": "true"}
_ADDRESS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country", "Note")


def _money(value: Any) -> Decimal:
    return Decimal(text(value) or "0").quantize(CENT)


def _memo_parts(memo: str) -> tuple[int | None, str, bool]:
    """Desktop's memo as (the FieldOffice invoice it marks, customer memo, voided)."""
    voided = memo.startswith(VOID_MEMO)
    if voided:
        memo = memo[len(VOID_MEMO) :].strip()
    head, separator, rest = memo.partition(MEMO_SEPARATOR)
    invoice_id = mapping.marked_invoice_id(head)
    if invoice_id is not None and head == mapping.marker(invoice_id):
        return invoice_id, rest if separator else "", voided
    # Not as FieldOffice writes it (edited in QuickBooks): a marker anywhere in it still tells where it came from.
    return mapping.marked_invoice_id(memo), memo, voided


def _memo(record: InvoiceRecord) -> str:
    note = mapping.marker(record.origin_id) if record.origin_id is not None else ""
    memo = record.memo
    return text(f"{note}{MEMO_SEPARATOR}{memo}" if note and memo else note or memo, MEMO_MAX)


def _taxable(line: dict[str, Any]) -> bool:
    code = text((line.get("SalesTaxCodeRef") or {}).get("FullName")).casefold()
    return bool(code) and code != NON_TAXABLE_CODE.casefold()


def _line_record(line: dict[str, Any]) -> InvoiceLine:
    return InvoiceLine(
        item_id=text((line.get("ItemRef") or {}).get("ListID")),
        description=text(line.get("Desc")),
        quantity=Decimal(text(line.get("Quantity")) or "0"),
        unit_price=Decimal(text(line.get("Rate")) or "0"),
        amount=_money(line.get("Amount")),
        taxable=_taxable(line),
        line_id=text(line.get("TxnLineID")),
    )


def invoice_record(ret: dict[str, Any]) -> InvoiceRecord:
    """An ``InvoiceRet`` as the engine's invoice record."""
    origin_id, memo, voided = _memo_parts(text(ret.get("Memo")))
    subtotal, tax = _money(ret.get("Subtotal")), _money(ret.get("SalesTaxTotal"))
    tax_item = ret.get("ItemSalesTaxRef") or {}
    return InvoiceRecord(
        remote_id=text(ret.get("TxnID")),
        version=text(ret.get("EditSequence")),
        number=text(ret.get("RefNumber")),
        customer_id=text((ret.get("CustomerRef") or {}).get("ListID")),
        invoice_date=desktop_date(ret.get("TxnDate")),
        due_date=desktop_date(ret.get("DueDate")),
        term_id=text((ret.get("TermsRef") or {}).get("ListID")),
        tax_code_id=text(tax_item.get("ListID")),
        tax_code_name=text(tax_item.get("FullName")),
        memo=memo,
        origin_id=origin_id,
        lines=tuple(_line_record(line) for line in ret.get("InvoiceLineRet") or []),
        tax=tax,
        total=subtotal + tax,
        balance=_money(ret.get("BalanceRemaining")),
        voided=voided,
        created_at=desktop_time(ret.get("TimeCreated")),
    )


def _ship_address(customer: dict[str, Any], ship_to: str) -> dict[str, str] | None:
    """The ship-to address ``ship_to`` (a location record id) of a ``CustomerRet``, as an invoice address."""
    customer_id = text(customer.get("ListID"))
    for address in customer.get("ShipToAddress") or []:
        name = text(address.get("Name"))
        if name and ship_to_id(customer_id, name) == ship_to:
            return {key: text(address[key]) for key in _ADDRESS if text(address.get(key))}
    return None


def _line_fields(line: InvoiceLine) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if line.item_id:
        fields["ItemRef"] = {"ListID": line.item_id}
    fields["Desc"] = text(line.description, DESC_MAX) or None
    if line.quantity is not None:
        fields["Quantity"] = line.quantity
    if line.unit_price is not None:
        fields["Rate"] = line.unit_price
    fields["Amount"] = line.amount.quantize(CENT)
    fields["SalesTaxCodeRef"] = {"FullName": TAXABLE_CODE if line.taxable else NON_TAXABLE_CODE}
    return fields


def invoice_fields(
    record: InvoiceRecord, *, ship_address: dict[str, str] | None = None, line_ids: Sequence[str] = ()
) -> dict[str, Any]:
    """
    The ``InvoiceAdd`` fields of an invoice record, or the ``InvoiceMod`` fields of an update (a record with its
    ``remote_id``): its lines then keep ``line_ids`` (Desktop's current lines) in order.
    """
    fields: dict[str, Any] = {"CustomerRef": {"ListID": ship_to_owner(record.customer_id)}}
    if record.invoice_date:
        fields["TxnDate"] = record.invoice_date.isoformat()
    if record.number:
        fields["RefNumber"] = record.number
    if ship_address:
        fields["ShipAddress"] = ship_address
    if record.term_id:
        fields["TermsRef"] = {"ListID": record.term_id}
    if record.due_date:
        fields["DueDate"] = record.due_date.isoformat()
    if record.tax_code_id:
        fields["ItemSalesTaxRef"] = {"ListID": record.tax_code_id}
    if memo := _memo(record):
        fields["Memo"] = memo
    lines = [_line_fields(line) for line in record.lines]
    if not record.remote_id:
        return {**fields, "InvoiceLineAdd": lines}
    kept = list(line_ids)
    mods = [{"TxnLineID": kept[index] if index < len(kept) else NEW_LINE, **line} for index, line in enumerate(lines)]
    return {"TxnID": record.remote_id, "EditSequence": record.version, **fields, "InvoiceLineMod": mods}


class InvoicesAdapter(TransactionAdapter):
    entity = ENTITY
    txn_type = DELETED_TYPE
    criteria = WITH_LINES

    def records(self, ret: dict[str, Any], record_type: str) -> list[InvoiceRecord]:
        # Customers are read only for their ship-to addresses (see ``needs``): they are no invoices.
        return [invoice_record(ret)] if record_type in ("InvoiceRet", "") else []

    def deleted_record(self, remote_id: str) -> InvoiceRecord:
        return InvoiceRecord(remote_id=remote_id, deleted=True)

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
            customer = write.payload.customer_id
            if is_ship_to_id(customer) and seen.get(ship_to_owner(customer)) is None:
                wanted.add(customer)
            if write.payload.remote_id and seen.get(write.payload.remote_id) is None:
                wanted.add(write.payload.remote_id)
        return sorted(wanted)

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            if write.action == VOID:
                planned.extend(_void_plans(index, write))
                continue
            record: InvoiceRecord = write.payload
            number = record.number
            if len(number) > REF_NUMBER_MAX:
                message = (
                    f"The invoice number {number} is longer than the {REF_NUMBER_MAX} characters QuickBooks Desktop "
                    "allows: give it a shorter number, or let QuickBooks number invoices."
                )
                refused[index] = (None, status_error(code=STRING_TOO_LONG, message=message))
                continue
            customer = record.customer_id
            ship_address = None
            if is_ship_to_id(customer):
                owner = seen.get(ship_to_owner(customer))
                ship_address = _ship_address(owner, customer) if owner else None
                if ship_address is None:
                    error = ApiError("The ship-to address of this service location is no longer in QuickBooks Desktop.")
                    refused[index] = (None, error)
                    continue
            current = seen.get(record.remote_id) if record.remote_id else None
            line_ids = [text(line.get("TxnLineID")) for line in (current or {}).get("InvoiceLineRet") or []]
            fields = invoice_fields(record, ship_address=ship_address, line_ids=line_ids)
            kind = MOD if record.remote_id else ADD
            planned.append(Planned(kind, fields, [(index, write)], _invoice_answer(index)))
        return planned, refused


def _invoice_answer(index: int) -> Callable[[Any], dict[int, Outcome]]:
    return record_answer(index, invoice_record, about="this invoice")


def _void_plans(index: int, write: Any) -> list[Planned]:
    """``TxnVoid`` answers with the id only: the voided invoice is read back after it, in the same document."""
    txn_id = write.payload.remote_id
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
