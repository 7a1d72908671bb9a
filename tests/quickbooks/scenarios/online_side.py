"""QuickBooks Online's side of the shared scenarios: the local sandbox's company over real HTTP."""

from collections import Counter
from datetime import datetime
from decimal import Decimal
from unittest import mock

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import entity_delete, entity_void, taxcode_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.qbo_sandbox.timefmt import qbo_datetime
from apps.quickbooks.models import SyncRun, SyncTrigger
from apps.quickbooks.online.backend import OnlineBackend
from apps.quickbooks.online.client import QuickBooksClient
from apps.quickbooks.online.connection import client_for
from apps.quickbooks.online.mapping.invoices import VOIDED
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.sync.backend import Capabilities
from tests.quickbooks.scenarios.common import CENT, ONLINE_ACCOUNTS, ONLINE_CHART, ONLINE_CHART_HERE, WRITTEN_AS
from tests.quickbooks.sync.conftest import configure, remote_create, remote_update, sync


class OnlineSide:
    """QuickBooks Online: the local sandbox's company, changed as QuickBooks' own screens change it."""

    capabilities: Capabilities = OnlineBackend.capabilities
    accounts = ONLINE_ACCOUNTS
    chart_here = ONLINE_CHART_HERE
    chart_left_out: set[str] = set()  # Its API lists no non-posting account.
    item_name_max = 100  # What QuickBooks keeps of an item's name.
    service_items_have_sku = True
    says_when_stock_was_counted = True  # An inventory item's start date comes back.
    memo_carries_marker = False  # The marker rides in the private note, the memo in the customer memo.
    refuses_duplicate_numbers = True  # An invoice number another transaction has.
    first_invoice_number = "1001"  # What QuickBooks numbers a new company's first invoice.
    locations_go_inactive = True  # A sub-customer is active or not, as any customer.
    renames_locations = True  # A sub-customer is known by its id: its name changes as any customer's.
    not_for_sale: set[str] = set()
    terms_there_first: dict[str, int] = {}
    rates_there_first: set[str] = set()
    vendors_there_first: set[str] = set()

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
        primary: str = "local",
        vendors: str = "off",
        import_inventory: bool = False,
        export_adjustments: bool = False,
        adjustment_account=None,
    ) -> None:
        """``numbers``: QuickBooks numbers the invoices; ``primary``: the system that wins a two-way first sync."""
        primary = primary if direction == "two_way" else ""
        configure(
            self.division,
            customers_direction=direction,
            customers_primary=primary,
            sync_tax_rates_and_terms=lists,
            inventory_direction=inventory,
            invoices_direction=invoices,
            quickbooks_controls_invoice_numbers=numbers,
            vendors_direction=vendors,
            import_inventory=import_inventory,
            export_inventory_adjustments=export_adjustments,
            inventory_adjustment_account=adjustment_account,
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

    def customer_add(
        self, name: str, *, term: str = "", tax: str = "", phone: str = "", company_name: str = ""
    ) -> None:
        refs = {"SalesTermRef": {"value": self.term_id(term)}} if term else {}
        if company_name:
            refs["CompanyName"] = company_name
        if tax:
            refs["DefaultTaxCodeRef"] = {"value": self.tax_id(tax)}
        if phone:
            refs["PrimaryPhone"] = {"FreeFormNumber": phone}
        remote_create(self.company, "Customer", {"DisplayName": name, **refs})

    def _customer(self, name: str) -> SandboxEntity:
        return SandboxEntity.objects.get(company=self.company, entity_type="Customer", data__DisplayName=name)

    def customer_change(
        self,
        name: str,
        *,
        phone: str = "",
        notes: str = "",
        company_name: str = "",
        active: bool | None = None,
        at: datetime | None = None,
    ) -> None:
        """Changed as QuickBooks' customer screen changes it: a new SyncToken; ``at``: when QuickBooks says it was."""
        changes: dict = {"PrimaryPhone": {"FreeFormNumber": phone}} if phone else {}
        if notes:
            changes["Notes"] = notes
        if company_name:
            changes["CompanyName"] = company_name
        if active is not None:
            changes["Active"] = active
        self._edited_at(remote_update(self.company, "Customer", self._customer(name), changes), at)

    def _edited_at(self, record: SandboxEntity, at: datetime | None) -> None:
        """``record``'s ``MetaData.LastUpdatedTime`` set to ``at`` (change data capture still reports it)."""
        if at is None:
            return
        record.refresh_from_db()
        record.data["MetaData"]["LastUpdatedTime"] = qbo_datetime(at, self.company.time_zone)
        record.save(update_fields=["data"])

    def customer_lost(self, name: str) -> None:
        """
        Gone from QuickBooks with its sub-customers, as an older backup restored leaves it (QuickBooks Online never
        deletes a customer; it makes it inactive).
        """
        customer = self._customer(name)
        rows = SandboxEntity.objects.filter(company=self.company, entity_type="Customer")
        rows.filter(data__ParentRef__value=customer.entity_id).delete()
        customer.delete()

    def customer_there(self, name: str) -> dict:
        customer = self._customer(name)
        data = customer.data
        return {
            "phone": data.get("PrimaryPhone", {}).get("FreeFormNumber", ""),
            "email": data.get("PrimaryEmailAddr", {}).get("Address", ""),
            "notes": data.get("Notes", ""),
            "active": data.get("Active", True),
            "company": data.get("CompanyName", ""),
            "city": data.get("BillAddr", {}).get("City", ""),
            "term": data.get("SalesTermRef", {}).get("value", ""),
            "tax": data.get("DefaultTaxCodeRef", {}).get("value", ""),
            "version": str(customer.sync_token),
        }

    def customer_names_there(self) -> list[str]:
        """The top-level customers' names, sorted."""
        rows = SandboxEntity.objects.filter(company=self.company, entity_type="Customer", deleted_at=None)
        return sorted(row.data["DisplayName"] for row in rows if not row.data.get("ParentRef"))

    # Service locations: sub-customers.

    def location_add(self, customer: str, name: str, *, street: str = "", city: str = "") -> None:
        parent = {"value": self._customer(customer).entity_id}
        address = {"Line1": street, "City": city}
        job = {"DisplayName": name, "Job": True, "ParentRef": parent, "ShipAddr": address}
        remote_create(self.company, "Customer", job)

    def location_change(self, customer: str, name: str, *, street: str = "", active: bool | None = None) -> None:
        """Changed as QuickBooks' customer screen changes a sub-customer: a new SyncToken."""
        changes: dict = {"ShipAddr": {"Line1": street}} if street else {}
        if active is not None:
            changes["Active"] = active
        remote_update(self.company, "Customer", self._location(customer, name), changes)

    def _location(self, customer: str, name: str) -> SandboxEntity:
        parent = self._customer(customer).entity_id
        return SandboxEntity.objects.get(
            company=self.company,
            entity_type="Customer",
            data__DisplayName=name,
            data__Job=True,
            data__ParentRef__value=parent,
        )

    def location_there(self, customer: str, name: str) -> dict:
        data = self._location(customer, name).data
        address = data.get("ShipAddr", {})
        return {"street": address.get("Line1", ""), "city": address.get("City", ""), "active": data.get("Active", True)}

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

    def vendor_add(self, name: str, *, active: bool = True, **details: str) -> None:
        """A vendor as QuickBooks' vendor screen adds it; ``details``: company, first, last, phone, email, street,
        city, state, postal_code."""
        remote_create(self.company, "Vendor", {"DisplayName": name, "Active": active, **_vendor_details(details)})

    def vendor_change(self, name: str, *, active: bool | None = None, **details: str) -> None:
        changes = _vendor_details(details)
        if active is not None:
            changes["Active"] = active
        vendor = SandboxEntity.objects.get(company=self.company, entity_type="Vendor", data__DisplayName=name)
        remote_update(self.company, "Vendor", vendor, changes)

    # Items and the chart of accounts.

    def chart_add(self) -> None:
        """The accounts items need: QuickBooks Online's company starts empty here."""
        for name, fields in ONLINE_CHART.items():
            remote_create(self.company, "Account", {"Name": name, **fields})

    def chart_read_first(self) -> bool:
        """Whether the last sync read QuickBooks' chart of accounts in its first request, with the other reads."""
        method, path, body = self.asked[0]
        queries = [item.get("Query", "") for item in (body or {}).get("BatchItemRequest", [])]
        return (method, path) == ("POST", "batch") and any(" FROM Account " in query for query in queries)

    def account_change(self, name: str, *, new_name: str = "", active: bool | None = None) -> None:
        """Changed as QuickBooks' chart of accounts screen changes it: a new SyncToken."""
        changes: dict = {"Name": new_name} if new_name else {}
        if active is not None:
            changes["Active"] = active
        remote_update(self.company, "Account", self._entity("Account", data__Name=name), changes)

    def income_account_add(self, name: str) -> None:
        """An income account added on QuickBooks' chart of accounts screen."""
        remote_create(self.company, "Account", {"Name": name, "AccountType": "Income"})

    def account_there(self, name: str) -> dict | None:
        """
        QuickBooks' account, None if it has none: its id and its type, in one word as QuickBooks Desktop writes it
        ("Cost of Goods Sold" is "CostOfGoodsSold").
        """
        found = SandboxEntity.objects.filter(
            company=self.company, entity_type="Account", deleted_at=None, data__Name=name
        ).first()
        if found is None:
            return None
        words = found.data["AccountType"].split()
        return {"id": found.entity_id, "type": "".join(word[:1].upper() + word[1:] for word in words)}

    def _account_name(self, ref: dict | None) -> str | None:
        return self._entity("Account", entity_id=ref["value"]).data["Name"] if ref else None

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

    def inventory_item_add(self, name: str, quantity: int) -> None:
        """An inventory part QuickBooks tracks ``quantity`` of."""
        account = {
            role: {"value": self._entity("Account", data__Name=self.accounts[role]).entity_id}
            for role in ("income", "cogs", "asset")
        }
        fields = {"Name": name, "Type": "Inventory", "TrackQtyOnHand": True, "QtyOnHand": quantity}
        fields.update(InvStartDate="2015-03-01", IncomeAccountRef=account["income"], AssetAccountRef=account["asset"])
        remote_create(self.company, "Item", {**fields, "ExpenseAccountRef": account["cogs"]})

    def adjustments_there(self) -> int:
        return SandboxEntity.objects.filter(company=self.company, entity_type="InventoryAdjustment").count()

    def _item(self, name: str) -> SandboxEntity:
        return self._entity("Item", data__Name=name)

    def item_lost(self, name: str) -> None:
        """Gone from QuickBooks, as an older backup restored leaves it (QuickBooks Online never deletes an item)."""
        self._item(name).delete()

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
        """The item; its accounts by name (None where it names none), its stock None unless QuickBooks tracks it."""
        item = self._item(name)
        data = item.data
        return {
            "price": Decimal(str(data.get("UnitPrice", 0))),
            "cost": Decimal(str(data.get("PurchaseCost", 0))),
            "taxable": data.get("Taxable", False),
            "active": data.get("Active", True),
            "description": data.get("Description", ""),
            "type": data["Type"],
            "sku": data.get("Sku", ""),
            "income": self._account_name(data.get("IncomeAccountRef")),
            "expense": self._account_name(data.get("ExpenseAccountRef")),
            "asset": self._account_name(data.get("AssetAccountRef")),
            "quantity": Decimal(str(data["QtyOnHand"])) if data.get("TrackQtyOnHand") else None,
            "version": str(item.sync_token),
        }

    def stock_counted_on(self, name: str) -> str:
        """The day QuickBooks was told the item's stock was counted: its start date."""
        return self._item(name).data["InvStartDate"]

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


def _vendor_details(details: dict[str, str]) -> dict:
    """Vendor details in QuickBooks Online's keys."""
    data: dict = {}
    plain = {"company": "CompanyName", "first": "GivenName", "last": "FamilyName"}
    data.update({plain[key]: value for key, value in details.items() if key in plain})
    if "phone" in details:
        data["PrimaryPhone"] = {"FreeFormNumber": details["phone"]}
    if "email" in details:
        data["PrimaryEmailAddr"] = {"Address": details["email"]}
    address = {"street": "Line1", "city": "City", "state": "CountrySubDivisionCode", "postal_code": "PostalCode"}
    if billing := {address[key]: value for key, value in details.items() if key in address}:
        data["BillAddr"] = billing
    return data
