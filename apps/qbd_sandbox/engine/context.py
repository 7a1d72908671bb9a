"""The state of one request document: the company file, its counters, the session, and lookups it may repeat."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from apps.qbd_sandbox.models import CompanyFile, QbSession, Record
from apps.qbd_sandbox.timefmt import now, qb_datetime

# Friendly names QuickBooks uses in "invalid reference" messages.
REF_LABELS = {
    "Customer": "Customer",
    "Vendor": "Vendor",
    "Account": "Account",
    "SalesTaxCode": "Sales Tax Code",
    "PaymentMethod": "Payment Method",
    "StandardTerms": "Terms",
    "DateDrivenTerms": "Terms",
    "ItemSalesTax": "Item",
    "ItemSalesTaxGroup": "Item",
    "ItemService": "Item",
    "ItemNonInventory": "Item",
    "ItemInventory": "Item",
}


@dataclass
class Ctx:
    """
    One ``qbxml_process`` call.

    Counters are taken from the company file, which is locked for the whole document, and written back once at
    its end. Lookups of list records are cached for the document and forgotten whenever a list record changes.
    """

    company: CompanyFile
    session: QbSession | None = None
    moment: datetime = field(default_factory=now)
    _by_id: dict[str, Record | None] = field(default_factory=dict)
    _by_name: dict[tuple[tuple[str, ...], str], Record | None] = field(default_factory=dict)
    # Other values worth looking up once per document (the A/R account, the default tax item).
    memo: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.company.time_zone)
        self.stamp = int(self.moment.timestamp())

    # Identifiers, the way QuickBooks makes them: a sequence number in hex, a dash, the creation time.
    def new_list_id(self) -> str:
        number = self.company.next_list_seq
        self.company.next_list_seq += 1
        return f"{number:08X}-{self.stamp}"

    def new_txn_id(self) -> str:
        number = self.company.next_txn_seq
        self.company.next_txn_seq += 1
        return f"{number:X}-{self.stamp}"

    def new_txn_number(self) -> int:
        number = self.company.next_txn_number
        self.company.next_txn_number += 1
        return number

    def edit_sequence(self, previous: str = "") -> str:
        """A new EditSequence: the time, and never one the record has had before."""
        last = int(previous) if previous.isdigit() else 0
        return str(max(self.stamp, last + 1))

    def save_counters(self) -> None:
        CompanyFile.objects.filter(pk=self.company.pk).update(
            next_list_seq=self.company.next_list_seq,
            next_txn_seq=self.company.next_txn_seq,
            next_txn_number=self.company.next_txn_number,
            next_invoice_number=self.company.next_invoice_number,
        )

    # Times.
    def local(self, moment: datetime) -> str:
        return qb_datetime(moment, self.zone)

    def today(self) -> date:
        return self.moment.astimezone(self.zone).date()

    # Lookups.
    def record(self, list_id: str, kinds: tuple[str, ...] = ()) -> Record | None:
        if list_id not in self._by_id:
            self._by_id[list_id] = Record.objects.filter(company=self.company, object_id=list_id).first()
        found = self._by_id[list_id]
        return found if found is not None and (not kinds or found.kind in kinds) else None

    def record_named(self, full_name: str, kinds: tuple[str, ...]) -> Record | None:
        key = (kinds, full_name.lower())
        if key not in self._by_name:
            self._by_name[key] = Record.objects.filter(
                company=self.company, kind__in=kinds, name_key=full_name.lower()
            ).first()
        return self._by_name[key]

    def full_name_of(self, list_id: str) -> str:
        found = self.record(list_id)
        return found.full_name if found else ""

    def prefetch(self, list_ids: set[str]) -> None:
        """Load the records behind many references at once (rendering hundreds of records)."""
        missing = [list_id for list_id in list_ids if list_id not in self._by_id]
        if not missing:
            return
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found = {row.object_id: row for row in Record.objects.filter(company=self.company, object_id__in=chunk)}
            for list_id in chunk:
                self._by_id[list_id] = found.get(list_id)

    def forget(self) -> None:
        self._by_id.clear()
        self._by_name.clear()
        self.memo.clear()
