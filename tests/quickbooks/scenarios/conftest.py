"""
The scenarios both backends share (payment terms, tax rates, customers and their locations), run once per backend:
``side`` is QuickBooks Online (the local sandbox over real HTTP) or QuickBooks Desktop (the company file emulator
through the engine's Desktop backend), behind one small interface that does to QuickBooks what its own screens do
and reads back what it holds.

Every scenario also runs with a preview before each sync, which must count what the sync then does.
"""

from collections import Counter
from decimal import Decimal
from unittest import mock

import pytest
from lxml import etree

from apps.accounting.models import Account, ItemType, PaymentTerm, TaxRate
from apps.accounting.services import default_accounts_set
from apps.qbd_sandbox import services as emulator
from apps.qbd_sandbox.models import Record
from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import entity_delete, entity_void, taxcode_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.client import QuickBooksClient
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.mapping.invoices import VOIDED
from apps.quickbooks.models import RecordLink, SyncRun, SyncSettings, SyncTrigger
from apps.quickbooks.services.connection import client_for
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.sync.backend import CREATE, UPDATE, Capabilities, Write, WriteResult
from apps.quickbooks.sync.desktop import DesktopBackend
from apps.quickbooks.sync.online import OnlineBackend
from tests.quickbooks.desktop_sync.conftest import DesktopSync, EmulatorTransport, customer_add, qbxml
from tests.quickbooks.sync.conftest import configure, remote_create, remote_update, sync

CENT = Decimal("0.01")
# What a sync wrote there, counted as records of the engine's lists: ``Side.written``.
WRITTEN_AS = {
    "Term": "term",
    "TaxCode": "tax code",
    "TaxAgency": "tax agency",
    "StandardTermsAdd": "term",
    "DateDrivenTermsAdd": "term",
    "ItemSalesTaxAdd": "tax code",
    "ItemSalesTaxMod": "tax code",
    "VendorAdd": "tax agency",
    "Customer": "customer",
    "CustomerAdd": "customer",
    "CustomerMod": "customer",
    "Item": "item",
    "ItemServiceAdd": "item",
    "ItemServiceMod": "item",
    "ItemNonInventoryAdd": "item",
    "ItemNonInventoryMod": "item",
    "ItemInventoryAdd": "item",
    "ItemInventoryMod": "item",
    "Invoice": "invoice",
    "InvoiceAdd": "invoice",
    "InvoiceMod": "invoice",
}
TERMS_DESKTOP_HAS = {
    "Due on receipt": 0,
    "Net 15": 15,
    "Net 30": 30,
    "1% 10 Net 30": 30,
    "2% 10 Net 30": 30,
    "15th of Month": 30,
}
# The accounts items use, by role, as each QuickBooks names them.
ONLINE_ACCOUNTS = {
    "service income": "Services",
    "income": "Sales of Product Income",
    "cogs": "Cost of Goods Sold",
    "materials": "Job Materials",
    "asset": "Inventory Asset",
}
ONLINE_CHART = {
    "Services": {"AccountType": "Income", "AccountSubType": "ServiceFeeIncome"},
    "Sales of Product Income": {"AccountType": "Income", "AccountSubType": "SalesOfProductIncome", "AcctNum": "4100"},
    "Cost of Goods Sold": {"AccountType": "Cost of Goods Sold", "AcctNum": "5000"},
    "Job Materials": {"AccountType": "Expense", "AccountSubType": "SuppliesMaterials"},
    "Inventory Asset": {"AccountType": "Other Current Asset", "AccountSubType": "Inventory", "AcctNum": "1300"},
    "Checking": {"AccountType": "Bank"},
}
DESKTOP_ACCOUNTS = {**ONLINE_ACCOUNTS, "service income": "Service Income", "income": "Materials Income"}
# What ``company_file_create`` lacks of the chart above.
DESKTOP_CHART = (
    "<AccountAddRq><AccountAdd><Name>Service Income</Name><AccountType>Income</AccountType>"
    "<AccountNumber>4300</AccountNumber></AccountAdd></AccountAddRq>"
    "<AccountAddRq><AccountAdd><Name>Checking</Name><AccountType>Bank</AccountType></AccountAdd></AccountAddRq>"
)


class LostAnswers:
    """
    A backend whose connection drops right after QuickBooks ran the creates of ``entity`` it was sent, before their
    answer came back: QuickBooks has the records, FieldOffice never learned their ids.
    """

    def __init__(self, inner, entity: str) -> None:
        self.inner = inner
        self.entity = entity

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def write(self, writes: list[Write]) -> list[WriteResult]:
        results = self.inner.write(writes)
        if any(write.entity == self.entity and write.action == CREATE for write in writes):
            raise QuickBooksError("The connection to QuickBooks dropped.")
        return results


class EditedMeanwhile:
    """
    A backend before whose first ``action`` (an update, a create) of ``entity`` a QuickBooks user changes QuickBooks
    (``edit``): what FieldOffice read is out of date when its write arrives. Counts those writes sent (``sent``).
    """

    def __init__(self, inner, entity: str, edit, action: str = UPDATE) -> None:
        self.inner = inner
        self.entity = entity
        self.edit = edit
        self.action = action
        self.sent = 0

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def write(self, writes: list[Write]) -> list[WriteResult]:
        updates = sum(1 for write in writes if write.entity == self.entity and write.action == self.action)
        if updates and not self.sent:
            self.edit()
        self.sent += updates
        return self.inner.write(writes)


@pytest.fixture(autouse=True)
def _previewed(preview_first):
    """Every scenario here also runs with a preview before each sync (see ``tests.quickbooks.previews``)."""


class OnlineSide:
    """QuickBooks Online: the local sandbox's company, changed as QuickBooks' own screens change it."""

    capabilities: Capabilities = OnlineBackend.capabilities
    accounts = ONLINE_ACCOUNTS
    service_items_have_sku = True
    says_when_stock_was_counted = True  # An inventory item's start date comes back.
    memo_carries_marker = False  # The marker rides in the private note, the memo in the customer memo.
    refuses_duplicate_numbers = True  # An invoice number another transaction has.
    first_invoice_number = "1001"  # What QuickBooks numbers a new company's first invoice.
    not_for_sale: set[str] = set()
    terms_there_first: dict[str, int] = {}
    rates_there_first: set[str] = set()

    def __init__(self, division, company, connection=None) -> None:
        self.division = division
        self.company = company
        self.connection = connection
        self.asked: list[tuple] = []  # What the last sync asked of QuickBooks' API: (method, path, body).
        # Records of the lists the last sync added or changed there, counted per list ("term", "tax code"...).
        self.written: dict[str, int] = {}
        self.created: dict[str, int] = {}  # Of those, the records it added.
        self.services_item = ""

    def configure(
        self,
        direction: str,
        *,
        lists: bool = True,
        inventory: str = "off",
        invoices: str = "off",
        numbers: bool = False,
    ) -> None:
        """``numbers``: QuickBooks numbers the invoices."""
        primary = "local" if direction == "two_way" else ""
        configure(
            self.division,
            customers_direction=direction,
            customers_primary=primary,
            sync_tax_rates_and_terms=lists,
            inventory_direction=inventory,
            invoices_direction=invoices,
            quickbooks_controls_invoice_numbers=numbers,
        )

    def calls(self, run: SyncRun) -> int:
        """What the run cost QuickBooks: its API calls."""
        return run.api_calls

    def _state(self) -> dict:
        rows = SandboxEntity.objects.filter(company=self.company, entity_type__in=WRITTEN_AS)
        return {(row.entity_type, row.entity_id): (row.sync_token, row.deleted_at) for row in rows}

    def sync(self, **options) -> SyncRun:
        before = self._state()
        asked = self.asked = []
        request = QuickBooksClient.request

        def recorded(client, method, path, *args, **kwargs):
            asked.append((method, path, kwargs.get("body")))
            return request(client, method, path, *args, **kwargs)

        with mock.patch.object(QuickBooksClient, "request", recorded):
            run = sync(self.division, **options)
        after = self._state()
        self.written = Counter(WRITTEN_AS[key[0]] for key, value in after.items() if before.get(key) != value)
        self.created = Counter(WRITTEN_AS[key[0]] for key in after if key not in before)
        return run

    def _entity(self, entity_type: str, **filters) -> SandboxEntity:
        return SandboxEntity.objects.get(company=self.company, entity_type=entity_type, deleted_at=None, **filters)

    # Terms.

    def term_add(self, name: str, due_days: int) -> str:
        return remote_create(self.company, "Term", {"Name": name, "DueDays": due_days}).entity_id

    def date_driven_term_add(self, name: str, day_of_month: int) -> str:
        return remote_create(self.company, "Term", {"Name": name, "DayOfMonthDue": day_of_month}).entity_id

    def term_gone(self, remote_id: str, how: str) -> None:
        term = self._entity("Term", entity_id=remote_id)
        if how == "deleted":
            store.entity_tombstone(term)
        else:
            remote_update(self.company, "Term", term, {"Active": False})

    def term_there(self, name: str) -> tuple[int, bool] | None:
        found = SandboxEntity.objects.filter(
            company=self.company, entity_type="Term", deleted_at=None, data__Name=name
        ).first()
        return (found.data["DueDays"], found.data.get("Active", True)) if found else None

    def term_id(self, name: str) -> str:
        return self._entity("Term", data__Name=name).entity_id

    # Sales tax.

    def agency_add(self, name: str) -> str:
        return remote_create(self.company, "TaxAgency", {"DisplayName": name}).entity_id

    def tax_add(self, name: str, percent: str, agency: str = "MN Revenue") -> str:
        """A sales tax code with one rate, made the way QuickBooks' tax service makes it."""
        found = SandboxEntity.objects.filter(company=self.company, entity_type="TaxAgency", data__DisplayName=agency)
        agency_id = found.first().entity_id if found.exists() else self.agency_add(agency)
        details = [{"TaxRateName": f"{name} rate", "RateValue": percent, "TaxAgencyId": agency_id}]
        return taxcode_create(self.company, {"TaxCode": name, "TaxRateDetails": details})["TaxCodeId"]

    def _rate_of(self, code: SandboxEntity) -> SandboxEntity:
        (detail,) = code.data["SalesTaxRateList"]["TaxRateDetail"]
        return self._entity("TaxRate", entity_id=detail["TaxRateRef"]["value"])

    def tax_change(self, remote_id: str, *, name: str = "", percent: str = "") -> None:
        """Changed as QuickBooks' own screens do (the API lets no app change a tax code or rate)."""
        code = self._entity("TaxCode", entity_id=remote_id)
        if name:
            store.entity_update(code, {**code.data, "Name": name})
        if percent:
            rate = self._rate_of(code)
            store.entity_update(rate, {**rate.data, "RateValue": float(percent)})

    def tax_delete(self, remote_id: str) -> None:
        store.entity_tombstone(self._entity("TaxCode", entity_id=remote_id))

    def tax_there(self, name: str) -> tuple[Decimal, str, bool]:
        code = self._entity("TaxCode", data__Name=name)
        rate = self._rate_of(code)
        agency = self._entity("TaxAgency", entity_id=rate.data["AgencyRef"]["value"])
        return Decimal(str(rate.data["RateValue"])), agency.data["DisplayName"], code.data.get("Active", True)

    def tax_id(self, name: str) -> str:
        return self._entity("TaxCode", data__Name=name).entity_id

    def version(self, remote_id: str) -> str:
        return str(self._entity("TaxCode", entity_id=remote_id).sync_token)

    def agencies_named(self, name: str) -> int:
        return SandboxEntity.objects.filter(
            company=self.company, entity_type="TaxAgency", data__DisplayName=name
        ).count()

    # Customers.

    def customer_add(self, name: str, *, term: str = "", tax: str = "", phone: str = "") -> None:
        refs = {"SalesTermRef": {"value": self.term_id(term)}} if term else {}
        if tax:
            refs["DefaultTaxCodeRef"] = {"value": self.tax_id(tax)}
        if phone:
            refs["PrimaryPhone"] = {"FreeFormNumber": phone}
        remote_create(self.company, "Customer", {"DisplayName": name, **refs})

    def _customer(self, name: str) -> SandboxEntity:
        return SandboxEntity.objects.get(company=self.company, entity_type="Customer", data__DisplayName=name)

    def customer_change(self, name: str, *, phone: str = "", notes: str = "", active: bool | None = None) -> None:
        """Changed as QuickBooks' customer screen changes it: a new SyncToken."""
        changes: dict = {"PrimaryPhone": {"FreeFormNumber": phone}} if phone else {}
        if notes:
            changes["Notes"] = notes
        if active is not None:
            changes["Active"] = active
        remote_update(self.company, "Customer", self._customer(name), changes)

    def customer_there(self, name: str) -> dict:
        data = self._customer(name).data
        return {
            "phone": data.get("PrimaryPhone", {}).get("FreeFormNumber", ""),
            "email": data.get("PrimaryEmailAddr", {}).get("Address", ""),
            "notes": data.get("Notes", ""),
            "active": data.get("Active", True),
        }

    def customers_there(self) -> int:
        """Top-level customers: the records customers here become."""
        rows = SandboxEntity.objects.filter(company=self.company, entity_type="Customer", deleted_at=None)
        return sum(1 for row in rows if not row.data.get("ParentRef"))

    def locations_there(self, name: str) -> dict[str, str]:
        """The customer's service locations as QuickBooks Online keeps them: its sub-customers, by name → street."""
        parent = self._customer(name).entity_id
        rows = SandboxEntity.objects.filter(company=self.company, entity_type="Customer", deleted_at=None)
        return {
            row.data["DisplayName"]: row.data.get("ShipAddr", {}).get("Line1", "")
            for row in rows
            if row.data.get("ParentRef", {}).get("value") == parent
        }

    def vendor_add(self, name: str) -> None:
        remote_create(self.company, "Vendor", {"DisplayName": name})

    # Items and the chart of accounts.

    def chart_add(self) -> None:
        """The accounts items need: QuickBooks Online's company starts empty here."""
        for name, fields in ONLINE_CHART.items():
            remote_create(self.company, "Account", {"Name": name, **fields})

    def item_add(self, name: str, *, price: str = "0", active: bool = True) -> None:
        """A service item, sold into the service income account."""
        income = self._entity("Account", data__Name=self.accounts["service income"]).entity_id
        fields = {"Name": name, "Type": "Service", "UnitPrice": Decimal(price), "Active": active}
        remote_create(self.company, "Item", {**fields, "IncomeAccountRef": {"value": income}})

    def items_of_each_kind_add(self) -> None:
        """One item of each kind QuickBooks sells (stocked, not stocked, a service) and an inactive one."""
        account = {
            role: {"value": self._entity("Account", data__Name=name).entity_id} for role, name in self.accounts.items()
        }
        remote_create(
            self.company,
            "Item",
            {
                "Name": "Air Filter 16x25",
                "Type": "Inventory",
                "Sku": "AF-1625",
                "Description": "Pleated, MERV 11",
                "Taxable": True,
                "UnitPrice": "24.50",
                "PurchaseCost": "9.25",
                "TrackQtyOnHand": True,
                "QtyOnHand": 40,
                "InvStartDate": "2024-03-01",
                "IncomeAccountRef": account["income"],
                "ExpenseAccountRef": account["cogs"],
                "AssetAccountRef": account["asset"],
            },
        )
        remote_create(
            self.company,
            "Item",
            {
                "Name": "Copper Fittings",
                "Type": "NonInventory",
                "Sku": "CF-12",
                "Description": "Fittings",
                "UnitPrice": 12.5,
                "PurchaseCost": "4.10",
                "IncomeAccountRef": account["income"],
                "ExpenseAccountRef": account["materials"],
            },
        )
        service = {"Type": "Service", "IncomeAccountRef": account["service income"]}
        remote_create(
            self.company, "Item", {"Name": "Labor", "Description": "Hourly labor", "UnitPrice": 95, **service}
        )
        remote_create(self.company, "Item", {"Name": "Old Visit", "Active": False, **service})

    def _item(self, name: str) -> SandboxEntity:
        return self._entity("Item", data__Name=name)

    def item_change(self, name: str, *, new_name: str = "", price: str = "", notes: str = "", active=None) -> None:
        """Changed as QuickBooks' product screen changes it: a new SyncToken."""
        changes: dict = {"Name": new_name} if new_name else {}
        if price:
            changes["UnitPrice"] = Decimal(price)
        if notes:
            changes["Description"] = notes
        if active is not None:
            changes["Active"] = active
        remote_update(self.company, "Item", self._item(name), changes)

    def item_there(self, name: str) -> dict:
        item = self._item(name)
        data = item.data
        return {
            "price": Decimal(str(data.get("UnitPrice", 0))),
            "taxable": data.get("Taxable", False),
            "active": data.get("Active", True),
            "description": data.get("Description", ""),
            "type": data["Type"],
            "sku": data.get("Sku", ""),
            "income": self._entity("Account", entity_id=data["IncomeAccountRef"]["value"]).data["Name"],
            "version": str(item.sync_token),
        }

    def item_id(self, name: str) -> str:
        return self._item(name).entity_id

    def preview(self) -> SyncRun:
        """What the next sync would do, as the integration page's preview asks."""
        return run_division_sync(self.division.pk, SyncTrigger.PREVIEW)

    def sync_through(self, wrapper) -> SyncRun:
        """A sync whose backend is ``wrapper(backend)``: a fault between FieldOffice and QuickBooks."""
        backend = wrapper(OnlineBackend(client_for(self.connection)))
        return run_division_sync(self.division.pk, SyncTrigger.MANUAL, backend=backend)

    # Invoices and payments.

    def invoices_ready(self, *, numbers: bool = False) -> None:
        """
        What a company has before FieldOffice sends invoices: an income account and a Services item, and custom
        transaction numbers on unless QuickBooks numbers the invoices (``numbers``), as the setting says.
        """
        preferences = self._entity("Preferences")
        preferences.data.setdefault("SalesFormsPrefs", {})["CustomTxnNumbers"] = not numbers
        preferences.save()
        income = remote_create(self.company, "Account", {"Name": "Services Income", "AccountType": "Income"})
        item = {"Name": "Services", "Type": "Service", "IncomeAccountRef": {"value": income.entity_id}}
        self.services_item = remote_create(self.company, "Item", item).entity_id

    def customer_id(self, name: str) -> str:
        return self._customer(name).entity_id

    def _invoice(self, remote_id: str) -> SandboxEntity:
        return self._entity("Invoice", entity_id=remote_id)

    def invoice_there(self, remote_id: str) -> dict:
        invoice = self._invoice(remote_id)
        data = invoice.data
        lines = [line for line in data["Line"] if line.get("DetailType") == "SalesItemLineDetail"]
        return {
            "customer": data["CustomerRef"]["value"],
            "number": data.get("DocNumber", ""),
            "note": data.get("PrivateNote", ""),
            "memo": data.get("CustomerMemo", {}).get("value", ""),
            "lines": [
                (
                    line["SalesItemLineDetail"]["ItemRef"]["value"],
                    line.get("Description", ""),
                    Decimal(str(line["SalesItemLineDetail"].get("Qty", 0))),
                    Decimal(str(line["SalesItemLineDetail"].get("UnitPrice", 0))),
                    Decimal(str(line["Amount"])).quantize(CENT),
                    line["SalesItemLineDetail"]["TaxCodeRef"]["value"],
                )
                for line in lines
            ],
            "line_ids": [line.get("Id") for line in lines],
            "total": Decimal(str(data["TotalAmt"])).quantize(CENT),
            "balance": Decimal(str(data["Balance"])).quantize(CENT),
            "kept": data.get("TrackingNum", ""),
            "version": str(invoice.sync_token),
        }

    def voided_note(self, invoice) -> str:
        return f"{VOIDED} FieldOffice invoice {invoice.pk}"

    def invoice_change(self, remote_id: str) -> None:
        """Saved again in QuickBooks, with a field FieldOffice does not send: a new SyncToken."""
        remote_update(self.company, "Invoice", self._invoice(remote_id), {"TrackingNum": "PO-9"})

    def invoices_there(self) -> int:
        return SandboxEntity.objects.filter(company=self.company, entity_type="Invoice", deleted_at=None).count()

    def pay(self, remote_id: str, amount: str, *, method: str = "Check", reference: str = "CHK 42") -> str:
        """A payment received in QuickBooks, applied to the invoice."""
        invoice = self._invoice(remote_id)
        payment = {
            "CustomerRef": invoice.data["CustomerRef"],
            "TxnDate": "2015-11-20",
            "PaymentRefNum": reference,
            "PaymentMethodRef": {"value": "1", "name": method},
            "TotalAmt": Decimal(amount),
            "Line": [{"Amount": Decimal(amount), "LinkedTxn": [{"TxnId": remote_id, "TxnType": "Invoice"}]}],
        }
        return remote_create(self.company, "Payment", payment).entity_id

    def numbers_sent(self) -> list[str]:
        """The invoice numbers the last sync sent QuickBooks."""
        bodies = [body for method, _, body in self.asked if method == "POST" and body]
        operations = [item for body in bodies for item in body.get("BatchItemRequest", [body])]
        invoices = [item.get("Invoice", item) for item in operations if "Invoice" in item or "Line" in item]
        return [invoice["DocNumber"] for invoice in invoices if "DocNumber" in invoice]

    def invoice_add(self, customer: str, number: str) -> None:
        """An invoice made in QuickBooks, for one of its own customers."""
        customer_id = remote_create(self.company, "Customer", {"DisplayName": customer}).entity_id
        line = {"DetailType": "SalesItemLineDetail", "Amount": 10}
        line["SalesItemLineDetail"] = {"ItemRef": {"value": self.services_item}}
        remote_create(
            self.company, "Invoice", {"CustomerRef": {"value": customer_id}, "DocNumber": number, "Line": [line]}
        )

    def invoice_gone(self, remote_id: str, how: str) -> None:
        """Deleted or voided in QuickBooks."""
        invoice = self._invoice(remote_id)
        remove = entity_delete if how == "deleted" else entity_void
        remove(self.company, "Invoice", {"Id": remote_id, "SyncToken": str(invoice.sync_token)})

    def payment_delete(self, remote_id: str) -> None:
        payment = self._entity("Payment", entity_id=remote_id)
        entity_delete(self.company, "Payment", {"Id": remote_id, "SyncToken": str(payment.sync_token)})

    def items_there(self) -> list[str]:
        rows = SandboxEntity.objects.filter(company=self.company, entity_type="Item", deleted_at=None)
        return sorted(row.data["Name"] for row in rows)

    def reads_changes_only(self, run: SyncRun) -> bool:
        """Whether the last sync asked QuickBooks only for what changed since the one before: change data capture."""
        reads = [path for method, path, _ in self.asked if method == "GET" and path != "preferences"]
        return bool(reads) and all(path == "cdc" for path in reads)


class DesktopSide:
    """QuickBooks Desktop: a company file in the emulator, changed as QuickBooks' own screens change it."""

    capabilities: Capabilities = DesktopBackend.capabilities
    accounts = DESKTOP_ACCOUNTS
    service_items_have_sku = False  # A service item in QuickBooks Desktop has no part number.
    says_when_stock_was_counted = False  # Its inventory date is taken on adding an item, never read back.
    memo_carries_marker = True  # One memo field: the marker, then the invoice's memo.
    refuses_duplicate_numbers = False  # Its screens warn of a number another invoice has; qbXML takes it.
    first_invoice_number = "1"
    # On QuickBooks Desktop's item list but not sold (a sales tax item): noted once at the first pull.
    not_for_sale = {"State Tax"}
    # What every new company file holds.
    terms_there_first = TERMS_DESKTOP_HAS
    rates_there_first = {"State Tax"}

    def __init__(self, division, company) -> None:
        self.division = division
        self.company = company
        self.desktop_sync = DesktopSync(division, company)
        self.written: dict[str, int] = {}
        self.created: dict[str, int] = {}
        self.services_item = ""

    def configure(
        self,
        direction: str,
        *,
        lists: bool = True,
        inventory: str = "off",
        invoices: str = "off",
        numbers: bool = False,
    ) -> None:
        """``numbers``: QuickBooks numbers the invoices."""
        # Written directly: the settings service does not offer tax rates, terms, items and invoices with Desktop yet.
        SyncSettings.objects.update_or_create(
            division=self.division,
            defaults={
                "integration_type": "desktop",
                "customers_direction": direction,
                "customers_primary": "quickbooks" if direction == "two_way" else "",
                "inventory_direction": inventory,
                "invoices_direction": invoices,
                "sync_tax_rates_and_terms": lists,
                "quickbooks_controls_invoice_numbers": numbers,
                "default_service_item_qbo_id": self.services_item,
            },
        )

    def calls(self, run: SyncRun) -> int:
        """What the run cost QuickBooks: its round trips through the Web Connector."""
        return len(self.desktop_sync.transport.documents)

    def sync(self, **options) -> SyncRun:
        run = self.desktop_sync(**options)
        documents = self.desktop_sync.transport.documents
        written, created = Counter(), Counter()
        for kind, written_as in WRITTEN_AS.items():
            sent = sum(document.count(f"<{kind}Rq") for document in documents)
            written[written_as] += sent
            created[written_as] += sent if kind.endswith("Add") else 0
        self.written, self.created = +written, +created
        return run

    def _ret(self, query: str, **criteria):
        """The ``...Ret`` ``query`` finds by ``criteria`` (one list record), or None when QuickBooks has none."""
        body = "".join(f"<{key}>{value}</{key}>" for key, value in criteria.items())
        try:
            root = qbxml(self.company, f"<{query}Rq>{body}</{query}Rq>")
        except AssertionError as refused:
            if "could not be found" in str(refused):
                return None
            raise
        return next((element for element in root.iter() if element.tag.endswith("Ret")), None)

    def _add(self, kind: str, body: str) -> str:
        root = qbxml(self.company, f"<{kind}AddRq><{kind}Add>{body}</{kind}Add></{kind}AddRq>")
        return root.find(f".//{kind}Ret").findtext("ListID")

    # Terms.

    def term_add(self, name: str, due_days: int) -> str:
        return self._add("StandardTerms", f"<Name>{name}</Name><StdDueDays>{due_days}</StdDueDays>")

    def date_driven_term_add(self, name: str, day_of_month: int) -> str:
        return self._add("DateDrivenTerms", f"<Name>{name}</Name><DayOfMonthDue>{day_of_month}</DayOfMonthDue>")

    def term_gone(self, remote_id: str, how: str) -> None:
        kind = self._ret("TermsQuery", ListID=remote_id).tag.removesuffix("Ret")
        if how == "deleted":
            qbxml(self.company, f"<ListDelRq><ListDelType>{kind}</ListDelType><ListID>{remote_id}</ListID></ListDelRq>")
            return
        # What QuickBooks' Terms List screen does (qbXML has no Mod for terms): inactive, a new edit sequence.
        record = Record.objects.get(company=self.company, object_id=remote_id)
        record.is_active = False
        record.edit_sequence = str(int(record.edit_sequence) + 1)
        record.save()

    def term_there(self, name: str) -> tuple[int, bool] | None:
        found = self._ret("TermsQuery", FullName=name)
        if found is None:
            return None
        return int(found.findtext("StdDueDays") or 0), found.findtext("IsActive") != "false"

    def term_id(self, name: str) -> str:
        return self._ret("TermsQuery", FullName=name).findtext("ListID")

    # Sales tax.

    def agency_add(self, name: str) -> str:
        return self._add("Vendor", f"<Name>{name}</Name>")

    def tax_add(self, name: str, percent: str, agency: str = "MN Revenue") -> str:
        if self._ret("VendorQuery", FullName=agency) is None:
            self.agency_add(agency)
        vendor = f"<TaxVendorRef><FullName>{agency}</FullName></TaxVendorRef>"
        return self._add("ItemSalesTax", f"<Name>{name}</Name><TaxRate>{percent}</TaxRate>{vendor}")

    def tax_change(self, remote_id: str, *, name: str = "", percent: str = "") -> None:
        edit_sequence = self.version(remote_id)
        fields = (f"<Name>{name}</Name>" if name else "") + (f"<TaxRate>{percent}</TaxRate>" if percent else "")
        qbxml(
            self.company,
            f"<ItemSalesTaxModRq><ItemSalesTaxMod><ListID>{remote_id}</ListID><EditSequence>{edit_sequence}"
            f"</EditSequence>{fields}</ItemSalesTaxMod></ItemSalesTaxModRq>",
        )

    def tax_delete(self, remote_id: str) -> None:
        qbxml(
            self.company, f"<ListDelRq><ListDelType>ItemSalesTax</ListDelType><ListID>{remote_id}</ListID></ListDelRq>"
        )

    def tax_there(self, name: str) -> tuple[Decimal, str, bool]:
        item = self._ret("ItemSalesTaxQuery", FullName=name)
        agency = item.find("TaxVendorRef").findtext("FullName")
        return Decimal(item.findtext("TaxRate")), agency, item.findtext("IsActive") != "false"

    def tax_id(self, name: str) -> str:
        return self._ret("ItemSalesTaxQuery", FullName=name).findtext("ListID")

    def version(self, remote_id: str) -> str:
        return self._ret("ItemSalesTaxQuery", ListID=remote_id).findtext("EditSequence")

    def agencies_named(self, name: str) -> int:
        root = qbxml(self.company, "<VendorQueryRq/>")
        return sum(1 for element in root.iter("VendorRet") if element.findtext("Name") == name)

    # Customers.

    def customer_add(self, name: str, *, term: str = "", tax: str = "", phone: str = "") -> None:
        # In qbXML's order: the phone before the terms before the tax.
        refs = f"<Phone>{phone}</Phone>" if phone else ""
        refs += f"<TermsRef><FullName>{term}</FullName></TermsRef>" if term else ""
        refs += f"<ItemSalesTaxRef><FullName>{tax}</FullName></ItemSalesTaxRef>" if tax else ""
        customer_add(self.company, name, extra=refs)

    def customer_change(self, name: str, *, phone: str = "", notes: str = "", active: bool | None = None) -> None:
        """Changed as QuickBooks' customer screen changes it: a new edit sequence."""
        found = self._ret("CustomerQuery", FullName=name)
        fields = f"<IsActive>{str(active).lower()}</IsActive>" if active is not None else ""
        fields += f"<Phone>{phone}</Phone>" if phone else ""
        fields += f"<Notes>{notes}</Notes>" if notes else ""
        qbxml(
            self.company,
            f"<CustomerModRq><CustomerMod><ListID>{found.findtext('ListID')}</ListID>"
            f"<EditSequence>{found.findtext('EditSequence')}</EditSequence>{fields}</CustomerMod></CustomerModRq>",
        )

    def customer_there(self, name: str) -> dict:
        found = self._ret("CustomerQuery", FullName=name)
        return {
            "phone": found.findtext("Phone") or "",
            "email": found.findtext("Email") or "",
            "notes": found.findtext("Notes") or "",
            "active": found.findtext("IsActive") != "false",
        }

    def customers_there(self) -> int:
        """Top-level customers: the records customers here become (a job arrives as a customer of its own)."""
        root = qbxml(self.company, "<CustomerQueryRq><ActiveStatus>All</ActiveStatus></CustomerQueryRq>")
        return sum(1 for ret in root.iter("CustomerRet") if ret.findtext("Sublevel") == "0")

    def locations_there(self, name: str) -> dict[str, str]:
        """The customer's service locations as QuickBooks Desktop keeps them: its ship-to addresses."""
        found = self._ret("CustomerQuery", FullName=name)
        return {address.findtext("Name"): address.findtext("Addr1") or "" for address in found.findall("ShipToAddress")}

    def vendor_add(self, name: str) -> None:
        self.agency_add(name)

    # Items and the chart of accounts.

    def chart_add(self) -> None:
        """What items need beyond the chart every company file has."""
        qbxml(self.company, DESKTOP_CHART)

    def item_add(self, name: str, *, price: str = "0", active: bool = True) -> None:
        """A service item, sold into the service income account."""
        account = f"<AccountRef><FullName>{self.accounts['service income']}</FullName></AccountRef>"
        body = f"<Name>{name}</Name><IsActive>{str(active).lower()}</IsActive>"
        body += "<SalesTaxCodeRef><FullName>Non</FullName></SalesTaxCodeRef>"
        body += f"<SalesOrPurchase><Price>{price}</Price>{account}</SalesOrPurchase>"
        self._add("ItemService", body)

    def items_of_each_kind_add(self) -> None:
        """One item of each kind QuickBooks sells (stocked, not stocked, a service) and an inactive one."""
        account = {role: f"<FullName>{name}</FullName>" for role, name in self.accounts.items()}
        tax, non = (f"<SalesTaxCodeRef><FullName>{code}</FullName></SalesTaxCodeRef>" for code in ("Tax", "Non"))
        self._add(
            "ItemInventory",
            "<Name>Air Filter 16x25</Name><ManufacturerPartNumber>AF-1625</ManufacturerPartNumber>"
            f"{tax}<SalesDesc>Pleated, MERV 11</SalesDesc><SalesPrice>24.50</SalesPrice>"
            f"<IncomeAccountRef>{account['income']}</IncomeAccountRef><PurchaseCost>9.25</PurchaseCost>"
            f"<COGSAccountRef>{account['cogs']}</COGSAccountRef><AssetAccountRef>{account['asset']}</AssetAccountRef>"
            "<QuantityOnHand>40</QuantityOnHand><InventoryDate>2024-03-01</InventoryDate>",
        )
        self._add(
            "ItemNonInventory",
            f"<Name>Copper Fittings</Name><ManufacturerPartNumber>CF-12</ManufacturerPartNumber>{non}"
            "<SalesAndPurchase><SalesDesc>Fittings</SalesDesc><SalesPrice>12.5</SalesPrice>"
            f"<IncomeAccountRef>{account['income']}</IncomeAccountRef><PurchaseCost>4.10</PurchaseCost>"
            f"<ExpenseAccountRef>{account['materials']}</ExpenseAccountRef></SalesAndPurchase>",
        )
        service = (
            f"{non}<SalesOrPurchase><Desc>Hourly labor</Desc><Price>95</Price>"
            f"<AccountRef>{account['service income']}</AccountRef></SalesOrPurchase>"
        )
        self._add("ItemService", f"<Name>Labor</Name>{service}")
        self._add("ItemService", f"<Name>Old Visit</Name><IsActive>false</IsActive>{service}")

    def _item(self, name: str):
        root = qbxml(self.company, f"<ItemQueryRq><FullName>{name}</FullName></ItemQueryRq>")
        (ret,) = [element for element in root.find(".//ItemQueryRs") if element.tag.endswith("Ret")]
        return ret

    def item_change(self, name: str, *, new_name: str = "", price: str = "", notes: str = "", active=None) -> None:
        """Changed as QuickBooks' item screen changes it: a new edit sequence (service items here)."""
        found = self._item(name)
        fields = f"<Name>{new_name}</Name>" if new_name else ""
        fields += f"<IsActive>{str(active).lower()}</IsActive>" if active is not None else ""
        price = f"<Price>{price}</Price>" if price else ""
        notes = f"<Desc>{notes}</Desc>" if notes else ""
        fields += f"<SalesOrPurchaseMod>{notes}{price}</SalesOrPurchaseMod>" if price or notes else ""
        qbxml(
            self.company,
            f"<ItemServiceModRq><ItemServiceMod><ListID>{found.findtext('ListID')}</ListID>"
            f"<EditSequence>{found.findtext('EditSequence')}</EditSequence>{fields}</ItemServiceMod>"
            "</ItemServiceModRq>",
        )

    def item_there(self, name: str) -> dict:
        found = self._item(name)
        price = found.findtext("SalesOrPurchase/Price") or found.findtext("SalesAndPurchase/SalesPrice")
        price = price or found.findtext("SalesPrice") or "0"
        description = found.findtext("SalesOrPurchase/Desc") or found.findtext("SalesAndPurchase/SalesDesc")
        return {
            "price": Decimal(price),
            "taxable": found.findtext("SalesTaxCodeRef/FullName", "").lower() == "tax",
            "active": found.findtext("IsActive") != "false",
            "description": description or found.findtext("SalesDesc") or "",
            "type": found.tag.removeprefix("Item").removesuffix("Ret"),
            "sku": found.findtext("ManufacturerPartNumber") or "",
            "income": found.findtext("SalesOrPurchase/AccountRef/FullName")
            or found.findtext("SalesAndPurchase/IncomeAccountRef/FullName")
            or found.findtext("IncomeAccountRef/FullName"),
            "version": found.findtext("EditSequence"),
        }

    def item_id(self, name: str) -> str:
        return self._item(name).findtext("ListID")

    def preview(self) -> SyncRun:
        """What the next update would do, as the integration page's preview asks of the next Web Connector update."""
        return self.desktop_sync._update(SyncTrigger.PREVIEW)

    def sync_through(self, wrapper) -> SyncRun:
        """A sync whose backend is ``wrapper(backend)``: a fault between FieldOffice and QuickBooks."""
        inner = DesktopBackend(EmulatorTransport(self.company), utc_offset=self.desktop_sync.offset)
        run = run_division_sync(self.division.pk, SyncTrigger.WEB_CONNECTOR, backend=wrapper(inner))
        self.desktop_sync.offset = inner.utc_offset
        return run

    # Invoices and payments.

    def invoices_ready(self, *, numbers: bool = False) -> None:
        """FieldOffice's default service item: the company file's "Services" item (Desktop keeps or makes numbers)."""
        account = "<AccountRef><FullName>Construction Income</FullName></AccountRef>"
        body = f"<Name>Services</Name><SalesOrPurchase><Price>90.00</Price>{account}</SalesOrPurchase>"
        self.services_item = self._add("ItemService", body)

    def customer_id(self, name: str) -> str:
        return self._ret("CustomerQuery", FullName=name).findtext("ListID")

    def _invoice(self, remote_id: str):
        root = qbxml(
            self.company,
            f"<InvoiceQueryRq><TxnID>{remote_id}</TxnID><IncludeLineItems>true</IncludeLineItems></InvoiceQueryRq>",
        )
        return root.find(".//InvoiceRet")

    def invoice_there(self, remote_id: str) -> dict:
        ret = self._invoice(remote_id)
        lines = ret.findall("InvoiceLineRet")
        total = Decimal(ret.findtext("Subtotal")) + Decimal(ret.findtext("SalesTaxTotal") or "0")
        return {
            "customer": ret.findtext("CustomerRef/ListID"),
            "number": ret.findtext("RefNumber") or "",
            "note": ret.findtext("Memo") or "",
            "memo": ret.findtext("Memo") or "",
            "lines": [
                (
                    line.findtext("ItemRef/ListID"),
                    line.findtext("Desc") or "",
                    Decimal(line.findtext("Quantity")),
                    Decimal(line.findtext("Rate")),
                    Decimal(line.findtext("Amount")),
                    line.findtext("SalesTaxCodeRef/FullName"),
                )
                for line in lines
            ],
            "line_ids": [line.findtext("TxnLineID") for line in lines],
            "total": total,
            "balance": Decimal(ret.findtext("BalanceRemaining")),
            "kept": ret.findtext("PONumber") or "",
            "version": ret.findtext("EditSequence"),
        }

    def voided_note(self, invoice) -> str:
        return f"VOID: FieldOffice invoice {invoice.pk}"

    def invoice_change(self, remote_id: str) -> None:
        """Saved again in QuickBooks, with a field FieldOffice does not send: a new edit sequence."""
        ret = self._invoice(remote_id)
        qbxml(
            self.company,
            f"<InvoiceModRq><InvoiceMod><TxnID>{remote_id}</TxnID><EditSequence>{ret.findtext('EditSequence')}"
            "</EditSequence><PONumber>PO-9</PONumber></InvoiceMod></InvoiceModRq>",
        )

    def invoices_there(self) -> int:
        try:
            root = qbxml(
                self.company,
                "<InvoiceQueryRq><TxnDateRangeFilter><DateMacro>All</DateMacro></TxnDateRangeFilter></InvoiceQueryRq>",
            )
        except AssertionError as none:
            if "did not find" in str(none):
                return 0
            raise
        return len(root.findall(".//InvoiceRet"))

    def pay(self, remote_id: str, amount: str, *, method: str = "Check", reference: str = "CHK 42") -> str:
        """A payment received in QuickBooks, applied to the invoice."""
        ret = self._invoice(remote_id)
        root = qbxml(
            self.company,
            "<ReceivePaymentAddRq><ReceivePaymentAdd>"
            f"<CustomerRef><ListID>{ret.findtext('CustomerRef/ListID')}</ListID></CustomerRef>"
            f"<TxnDate>2015-11-20</TxnDate><RefNumber>{reference}</RefNumber><TotalAmount>{amount}</TotalAmount>"
            f"<PaymentMethodRef><FullName>{method}</FullName></PaymentMethodRef>"
            f"<AppliedToTxnAdd><TxnID>{remote_id}</TxnID><PaymentAmount>{amount}</PaymentAmount>"
            "</AppliedToTxnAdd></ReceivePaymentAdd></ReceivePaymentAddRq>",
        )
        return root.findtext(".//ReceivePaymentRet/TxnID")

    def numbers_sent(self) -> list[str]:
        """The invoice numbers the last sync sent QuickBooks."""
        numbers = []
        for document in self.desktop_sync.transport.documents:
            for element in etree.fromstring(document.encode()).iter("InvoiceAdd", "InvoiceMod"):
                numbers += [number.text for number in element.iter("RefNumber")]
        return numbers

    def invoice_add(self, customer: str, number: str) -> None:
        """An invoice made in QuickBooks, for one of its own customers."""
        self.customer_add(customer)
        item = f"<ItemRef><ListID>{self.services_item}</ListID></ItemRef>"
        line = f"<InvoiceLineAdd>{item}<Amount>10.00</Amount></InvoiceLineAdd>"
        qbxml(
            self.company,
            f"<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>{customer}</FullName></CustomerRef>"
            f"<RefNumber>{number}</RefNumber>{line}</InvoiceAdd></InvoiceAddRq>",
        )

    def invoice_gone(self, remote_id: str, how: str) -> None:
        """Deleted or voided in QuickBooks."""
        request = "TxnDel" if how == "deleted" else "TxnVoid"
        qbxml(
            self.company,
            f"<{request}Rq><{request}Type>Invoice</{request}Type><TxnID>{remote_id}</TxnID></{request}Rq>",
        )

    def payment_delete(self, remote_id: str) -> None:
        qbxml(self.company, f"<TxnDelRq><TxnDelType>ReceivePayment</TxnDelType><TxnID>{remote_id}</TxnID></TxnDelRq>")

    def items_there(self) -> list[str]:
        """Items to sell: QuickBooks Desktop's sales tax items are a list of their own here."""
        root = qbxml(self.company, "<ItemQueryRq><ActiveStatus>All</ActiveStatus></ItemQueryRq>")
        rets = [element for element in root.find(".//ItemQueryRs") if element.tag.endswith("Ret")]
        return sorted(ret.findtext("Name") for ret in rets if ret.tag != "ItemSalesTaxRet")

    def reads_changes_only(self, run: SyncRun) -> bool:
        """Whether the last sync asked QuickBooks only for what changed since the one before: a modified-since query."""
        return "<FromModifiedDate>" in self.desktop_sync.transport.documents[0]


@pytest.fixture(params=["online", "desktop"])
def side(request, division):
    """QuickBooks, Online or Desktop, with the division linked to it."""
    if request.param == "online":
        company = request.getfixturevalue("sandbox_company")
        return OnlineSide(division, company, request.getfixturevalue("connection"))
    return DesktopSide(division, emulator.company_file_create(name="Carefree Heating"))


def link_of(record) -> RecordLink:
    return RecordLink.objects.get(object_id=record.pk, content_type__model=record._meta.model_name)


def terms_here(division) -> dict[str, tuple[int, bool]]:
    return {term.name: (term.due_days, term.active) for term in PaymentTerm.objects.filter(division=division)}


def rates_here(division) -> dict[str, tuple[Decimal, str, bool]]:
    return {rate.name: (rate.percent, rate.agency, rate.active) for rate in TaxRate.objects.filter(division=division)}


def item_defaults_set(side) -> None:
    """Default accounts for every item type, from QuickBooks' chart (pulled first)."""
    account = {role: Account.objects.get(division=side.division, name=name) for role, name in side.accounts.items()}
    stocked = {"income_account": account["income"], "expense_account": account["cogs"]}
    stocked["asset_account"] = account["asset"]
    for item_type in (ItemType.INVENTORY, ItemType.EQUIPMENT):
        default_accounts_set(division=side.division, item_type=item_type, accounts=stocked)
    default_accounts_set(
        division=side.division,
        item_type=ItemType.NON_INVENTORY,
        accounts={"income_account": account["income"], "expense_account": account["materials"]},
    )
    default_accounts_set(
        division=side.division, item_type=ItemType.SERVICE, accounts={"income_account": account["service income"]}
    )
