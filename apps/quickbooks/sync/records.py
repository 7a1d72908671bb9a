"""
The engine's records: what a QuickBooks record says, in plain Python, whichever QuickBooks it comes from.

Each backend translates its wire format into these once, as it reads (QuickBooks Online's JSON in
``apps.quickbooks.online.mapping``, Desktop's qbXML in ``apps.quickbooks.desktop.mapping``), and translates them
back when it writes. The engine and the entity specs see nothing else: no ``Id``, ``SyncToken``, ListID or
EditSequence, only ``remote_id`` and ``version``.

The entity names below are the engine's names for what it links to (``RecordLink.entity_type``) and what it asks a
backend to read and write.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

TERM = "Term"
TAX_CODE = "TaxCode"
TAX_RATE = "TaxRate"
TAX_AGENCY = "TaxAgency"
ACCOUNT = "Account"
ITEM = "Item"
CUSTOMER = "Customer"
INVOICE = "Invoice"
PAYMENT = "Payment"
VENDOR = "Vendor"
INVENTORY_ADJUSTMENT = "InventoryAdjustment"


@dataclass(frozen=True, kw_only=True)
class Record:
    """
    A QuickBooks record: its id there (``""`` for one not created yet) and its version, which a change must name
    (QuickBooks refuses a change made to an older version than it holds).
    """

    remote_id: str = ""
    version: str = ""


@dataclass(frozen=True, kw_only=True)
class TermRecord(Record):
    """
    A payment term. A standard term is due ``due_days`` after the invoice date; a date-driven one (``due_days``
    ``None``) is due on ``day_of_month_due``, or the month after when the invoice is dated within
    ``due_next_month_days`` of it.
    """

    name: str
    active: bool = True
    due_days: int | None = None
    day_of_month_due: int | None = None
    due_next_month_days: int | None = None
    discount_percent: Decimal = Decimal(0)
    discount_days: int | None = None
    discount_day_of_month: int | None = None

    @property
    def date_driven(self) -> bool:
        return self.due_days is None


@dataclass(frozen=True, kw_only=True)
class TaxRateRecord(Record):
    """One agency's rate (a state's, a county's...), which tax codes add up; the agency by id and by name."""

    name: str
    active: bool = True
    percent: Decimal = Decimal(0)
    agency_id: str = ""
    agency_name: str = ""


@dataclass(frozen=True, kw_only=True)
class TaxCodeRecord(Record):
    """
    What a customer or an invoice is charged: a code that adds up one or more agency rates (``rate_ids``, in the order
    QuickBooks applies them), or a marker that only says whether ``taxable`` and charges nothing (``charges_tax``
    false: Online's ``TAX`` and ``NON``, Desktop's sales tax codes). ``group``: several rates QuickBooks keeps as one.

    ``percent`` and the agency are what it charges in all and whose rate comes first: ``None`` and blank as read, set
    once its rates are looked up, or what a write asks for (a code of one rate of that agency).
    """

    name: str
    active: bool = True
    charges_tax: bool = True
    taxable: bool = True
    group: bool = False
    rate_ids: tuple[str, ...] = ()
    percent: Decimal | None = None
    agency_id: str = ""
    agency_name: str = ""


@dataclass(frozen=True, kw_only=True)
class TaxAgencyRecord(Record):
    """Whom a tax rate is paid to (a vendor, in QuickBooks Desktop)."""

    name: str
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class AccountRecord(Record):
    """
    An account of QuickBooks' chart. ``name`` is as QuickBooks shows it: a sub-account's is its full "Parent:Child"
    name, since its own is only unique under its parent. ``account_type`` is one of FieldOffice's account types
    (``AccountType``): each backend translates its QuickBooks' types (and the detail that makes an inventory asset
    account) into them and back. ``number`` is "" where QuickBooks has none (account numbers are off in many
    companies).
    """

    name: str
    active: bool = True
    number: str = ""
    account_type: str
    description: str = ""
    # The account a sub-account is under.
    parent_id: str = ""


@dataclass(frozen=True, kw_only=True)
class ItemRecord(Record):
    """
    A product or service of QuickBooks. ``item_type`` is one of FieldOffice's item types (``ItemType``: inventory,
    non-inventory or service; equipment goes as inventory), or "" for a kind FieldOffice does not sell, which
    ``kind`` then names as QuickBooks does ("Category", "Group", "Other Charge"...) for the run's log. Accounts are
    QuickBooks' ids ("" where the item names none); stock (``quantity_on_hand``, counted on ``quantity_as_of``) only
    means something for inventory. ``deleted``: QuickBooks reported the record deleted, and says nothing else of it.
    """

    name: str = ""
    item_type: str = ""
    kind: str = ""
    sku: str = ""
    description: str = ""
    active: bool = True
    taxable: bool = False
    price: Decimal = Decimal("0.00")
    cost: Decimal = Decimal("0.00")
    tracks_quantity: bool = False
    quantity_on_hand: Decimal = Decimal("0.0000")
    quantity_as_of: date | None = None
    income_account_id: str = ""
    expense_account_id: str = ""
    asset_account_id: str = ""
    # An item placed in a category (or under a parent item): its name is only unique there.
    sub_item: bool = False
    created_at: datetime | None = None
    deleted: bool = False

    @property
    def synced(self) -> bool:
        """Whether it is a kind of item FieldOffice sells (not a category, a bundle or another kind)."""
        return bool(self.item_type) and not self.deleted


@dataclass(frozen=True, kw_only=True)
class Address:
    """A postal address as QuickBooks keeps one (a customer's billing address, a job's shipping address)."""

    street: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""

    def parts(self) -> tuple[str, str, str, str, str, str]:
        return (self.street, self.street2, self.city, self.state, self.postal_code, self.country)


@dataclass(frozen=True, kw_only=True)
class CustomerRecord(Record):
    """
    A QuickBooks customer, or a job of one that FieldOffice keeps as a service location (``job``: QuickBooks Online's
    sub-customer billed with its parent, QuickBooks Desktop's ship-to address), under ``parent_id`` at depth
    ``level``. ``name`` is the name QuickBooks shows (unique across its customers, vendors and employees); the tax
    setting is whether QuickBooks taxes it and the tax code it charges by default (``tax_code_id``); ``term_id`` its
    payment term. ``keep_place``: an update that leaves the job where it sits in QuickBooks (under a job of a job,
    say) rather than moving it under ``parent_id``.

    ``own_name`` and ``parent_name``: a QuickBooks Desktop job that arrives as a customer of its own (named after its
    parent, "Carefree - Main Office") keeps its own short name and its parent's full name, so that writing it back
    leaves it where it is. ``deleted``: QuickBooks reported the record deleted, and says nothing else of it.
    """

    name: str = ""
    company_name: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    billing: Address = Address()
    shipping: Address = Address()
    active: bool = True
    taxable: bool = True
    tax_code_id: str = ""
    term_id: str = ""
    job: bool = False
    parent_id: str = ""
    level: int = 0
    keep_place: bool = False
    own_name: str = ""
    parent_name: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True, kw_only=True)
class VendorRecord(Record):
    """
    A QuickBooks vendor: the name QuickBooks shows (unique across its customers, vendors and employees), the company,
    a contact, the billing address. ``deleted``: QuickBooks reported the record deleted, and says nothing else of it.
    """

    name: str = ""
    company_name: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    billing: Address = Address()
    active: bool = True
    deleted: bool = False


@dataclass(frozen=True, kw_only=True)
class AdjustmentLine:
    """A line of an inventory adjustment: QuickBooks' item id and the change of its quantity on hand."""

    item_id: str
    quantity_change: Decimal


@dataclass(frozen=True, kw_only=True)
class InventoryAdjustmentRecord(Record):
    """
    An inventory adjustment: its date, number and memo, the account the value goes to (``account_id``) and its lines.
    ``origin_id``: the FieldOffice adjustment it was created from, read from the marker in its note (an interrupted
    create is found by it).
    """

    txn_date: date | None = None
    number: str = ""
    memo: str = ""
    account_id: str = ""
    lines: tuple[AdjustmentLine, ...] = ()
    origin_id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class InvoiceLine:
    """
    A line of an invoice: its item (QuickBooks' id), what it says, how many at what price for what amount, and
    whether it is taxed. ``line_id`` is QuickBooks' id of a line it holds (a change keeps its lines by it), "" for a
    line sent.
    """

    item_id: str = ""
    description: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal = Decimal("0.00")
    taxable: bool = False
    line_id: str = ""


@dataclass(frozen=True, kw_only=True)
class TaxCharged:
    """One rate QuickBooks charged on an invoice, and the amount it charged it on (``None`` when it does not say)."""

    percent: Decimal
    taxable_base: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class InvoiceRecord(Record):
    """
    A QuickBooks invoice: billed to ``customer_id`` (a customer, or a job FieldOffice keeps as a service location),
    with its payment term and tax code, and its lines. ``number`` "" sent: QuickBooks numbers it. ``origin_id`` is
    the FieldOffice invoice it was created from, which QuickBooks keeps with it where it never prints it, so that an
    interrupted run finds the invoice it created instead of creating it twice.

    What QuickBooks made of it comes back with it: the ``tax`` it charged (per rate: ``charged``, with the code's name
    ``tax_code_name``), its ``total`` and the ``balance`` still owed. ``voided`` and ``deleted``: QuickBooks voided
    it (a voided invoice totals nothing), or reported it deleted and says nothing else of it.
    """

    number: str = ""
    customer_id: str = ""
    invoice_date: date | None = None
    due_date: date | None = None
    term_id: str = ""
    tax_code_id: str = ""
    tax_code_name: str = ""
    memo: str = ""
    origin_id: int | None = None
    lines: tuple[InvoiceLine, ...] = ()
    tax: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    balance: Decimal = Decimal("0.00")
    charged: tuple[TaxCharged, ...] = ()
    voided: bool = False
    created_at: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True, kw_only=True)
class PaymentRecord(Record):
    """
    A payment QuickBooks recorded: when, how (``method``: the payment method's name there, "" when none), its
    reference (a check number), and what it pays: ``applied``, the invoices it pays by QuickBooks' id, with the amount
    of money received for each. ``deleted``: QuickBooks reported it deleted and says nothing else of it.
    """

    paid_on: date | None = None
    method: str = ""
    reference: str = ""
    applied: tuple[tuple[str, Decimal], ...] = ()
    deleted: bool = False


@dataclass(frozen=True, kw_only=True)
class CompanyPreferences:
    """
    What the engine reads of a QuickBooks company's preferences. ``custom_numbers``: whether it takes invoice numbers
    from whoever creates the invoice (and does not number them), ``None`` when it has no such switch and takes either.
    ``sales_tax``: whether it charges sales tax; ``tax_code_choice``: how it picks the tax code of an invoice
    (``mapping.tax_forecast.CodeChoice``).
    """

    custom_numbers: bool | None = None
    sales_tax: bool = True
    tax_code_choice: str = ""
