"""QuickBooks Desktop's side of the shared scenarios: the company file emulator through the engine's backend."""

from collections import Counter
from datetime import datetime
from decimal import Decimal

from lxml import etree

from apps.qbd_sandbox.models import Record
from apps.quickbooks.desktop.backend import DesktopBackend
from apps.quickbooks.models import SyncRun, SyncSettings, SyncTrigger
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.sync.backend import Capabilities
from tests.quickbooks.desktop_sync.conftest import DesktopSync, EmulatorTransport, customer_add, qbxml
from tests.quickbooks.scenarios.common import (
    DESKTOP_ACCOUNTS,
    DESKTOP_CHART,
    DESKTOP_CHART_HERE,
    TERMS_DESKTOP_HAS,
    WRITTEN_AS,
)


class DesktopSide:
    """QuickBooks Desktop: a company file in the emulator, changed as QuickBooks' own screens change it."""

    capabilities: Capabilities = DesktopBackend.capabilities
    accounts = DESKTOP_ACCOUNTS
    chart_here = DESKTOP_CHART_HERE
    # Non-posting accounts (estimates, purchase orders) hold no money: not part of the chart here.
    chart_left_out = {"Estimates"}
    item_name_max = 31  # What QuickBooks keeps of an item's name (qbXML 13.0).
    service_items_have_sku = False  # A service item in QuickBooks Desktop has no part number.
    says_when_stock_was_counted = False  # Its inventory date is taken on adding an item, never read back.
    memo_carries_marker = True  # One memo field: the marker, then the invoice's memo.
    refuses_duplicate_numbers = False  # Its screens warn of a number another invoice has; qbXML takes it.
    first_invoice_number = "1"
    # A ship-to address has no inactive flag: a location made inactive here stays listed there (see the mapping).
    locations_go_inactive = False
    # A ship-to address is known by its name, matched ignoring case: a name that differs only in case is that address,
    # which keeps the name QuickBooks has (qbXML has no way to rename one).
    renames_locations = False
    # On QuickBooks Desktop's item list but not sold (a sales tax item): noted once at the first pull.
    not_for_sale = {"State Tax"}
    # What every new company file holds.
    terms_there_first = TERMS_DESKTOP_HAS
    rates_there_first = {"State Tax"}
    # A Desktop company's sales tax agency is a vendor of its vendor list.
    vendors_there_first = {"State Board of Equalization"}

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
        primary: str = "quickbooks",
        vendors: str = "off",
        import_inventory: bool = False,
        export_adjustments: bool = False,
        adjustment_account=None,
    ) -> None:
        """``numbers``: QuickBooks numbers the invoices; ``primary``: the system that wins a two-way first sync."""
        # Written directly: the settings service does not offer tax rates, terms, items and invoices with Desktop yet.
        SyncSettings.objects.update_or_create(
            division=self.division,
            defaults={
                "integration_type": "desktop",
                "customers_direction": direction,
                "customers_primary": primary if direction == "two_way" else "",
                "inventory_direction": inventory,
                "invoices_direction": invoices,
                "sync_tax_rates_and_terms": lists,
                "quickbooks_controls_invoice_numbers": numbers,
                "vendors_direction": vendors,
                "import_inventory": import_inventory,
                "export_inventory_adjustments": export_adjustments,
                "inventory_adjustment_account": adjustment_account,
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

    def customer_add(
        self, name: str, *, term: str = "", tax: str = "", phone: str = "", company_name: str = ""
    ) -> None:
        # In qbXML's order: the company name before the phone before the terms before the tax.
        refs = f"<CompanyName>{company_name}</CompanyName>" if company_name else ""
        refs += f"<Phone>{phone}</Phone>" if phone else ""
        refs += f"<TermsRef><FullName>{term}</FullName></TermsRef>" if term else ""
        refs += f"<ItemSalesTaxRef><FullName>{tax}</FullName></ItemSalesTaxRef>" if tax else ""
        customer_add(self.company, name, extra=refs)

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
        """Changed as QuickBooks' customer screen changes it: a new edit sequence; ``at``: when it says it was."""
        # In qbXML's order.
        fields = f"<IsActive>{str(active).lower()}</IsActive>" if active is not None else ""
        fields += f"<CompanyName>{company_name}</CompanyName>" if company_name else ""
        fields += f"<Phone>{phone}</Phone>" if phone else ""
        fields += f"<Notes>{notes}</Notes>" if notes else ""
        self._customer_mod(name, fields, at)

    def _customer_mod(self, name: str, fields: str, at: datetime | None) -> None:
        found = self._ret("CustomerQuery", FullName=name)
        list_id = found.findtext("ListID")
        qbxml(
            self.company,
            f"<CustomerModRq><CustomerMod><ListID>{list_id}</ListID>"
            f"<EditSequence>{found.findtext('EditSequence')}</EditSequence>{fields}</CustomerMod></CustomerModRq>",
        )
        if at is not None:
            Record.objects.filter(company=self.company, object_id=list_id).update(time_modified=at)

    def customer_lost(self, name: str) -> None:
        """Deleted in QuickBooks (its customer list's Delete), its ship-to addresses with it."""
        list_id = self._ret("CustomerQuery", FullName=name).findtext("ListID")
        qbxml(self.company, f"<ListDelRq><ListDelType>Customer</ListDelType><ListID>{list_id}</ListID></ListDelRq>")

    def customer_there(self, name: str) -> dict:
        found = self._ret("CustomerQuery", FullName=name)
        return {
            "phone": found.findtext("Phone") or "",
            "email": found.findtext("Email") or "",
            "notes": found.findtext("Notes") or "",
            "active": found.findtext("IsActive") != "false",
            "company": found.findtext("CompanyName") or "",
            "city": found.findtext("BillAddress/City") or "",
            "term": found.findtext("TermsRef/ListID") or "",
            "tax": found.findtext("ItemSalesTaxRef/ListID") or "",
            "version": found.findtext("EditSequence"),
        }

    def customer_names_there(self) -> list[str]:
        """The top-level customers' names, sorted."""
        root = qbxml(self.company, "<CustomerQueryRq><ActiveStatus>All</ActiveStatus></CustomerQueryRq>")
        return sorted(ret.findtext("Name") for ret in root.iter("CustomerRet") if ret.findtext("Sublevel") == "0")

    # Service locations: ship-to addresses of their customer.

    def location_add(self, customer: str, name: str, *, street: str = "", city: str = "") -> None:
        self.location_change(customer, name, street=street, city=city)

    def location_change(
        self,
        customer: str,
        name: str,
        *,
        street: str = "",
        city: str = "",
        active: bool | None = None,
    ) -> None:
        """The customer's ship-to address ``name`` added or changed (by name): a new edit sequence of the customer."""
        assert active is None, "QuickBooks Desktop keeps no inactive flag on a ship-to address"
        address = f"<Addr1>{street}</Addr1>" if street else ""
        address += f"<City>{city}</City>" if city else ""
        self._customer_mod(customer, f"<ShipToAddress><Name>{name}</Name>{address}</ShipToAddress>", None)

    def location_there(self, customer: str, name: str) -> dict:
        """A ship-to address: in use while its customer is (Desktop keeps no inactive flag on it)."""
        found = self._ret("CustomerQuery", FullName=customer)
        (address,) = [element for element in found.findall("ShipToAddress") if element.findtext("Name") == name]
        return {
            "street": address.findtext("Addr1") or "",
            "city": address.findtext("City") or "",
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

    def vendor_add(self, name: str, *, active: bool = True, **details: str) -> None:
        """A vendor as QuickBooks' vendor screen adds it; ``details`` as on Online's side."""
        self._add("Vendor", f"<Name>{name}</Name><IsActive>{str(active).lower()}</IsActive>{_vendor_body(details)}")

    def vendor_change(self, name: str, *, active: bool | None = None, **details: str) -> None:
        vendor = self._ret("VendorQuery", FullName=name)
        fields = f"<IsActive>{str(active).lower()}</IsActive>" if active is not None else ""
        body = (
            f"<ListID>{vendor.findtext('ListID')}</ListID><EditSequence>{vendor.findtext('EditSequence')}"
            f"</EditSequence>{fields}{_vendor_body(details)}"
        )
        qbxml(self.company, f"<VendorModRq><VendorMod>{body}</VendorMod></VendorModRq>")

    # Items and the chart of accounts.

    def chart_add(self) -> None:
        """What items need beyond the chart every company file has."""
        qbxml(self.company, DESKTOP_CHART)

    def chart_read_first(self) -> bool:
        """Whether the last sync read QuickBooks' chart of accounts in its first request, with the other reads."""
        return "<AccountQueryRq" in self.desktop_sync.transport.documents[0]

    def account_change(self, name: str, *, new_name: str = "", active: bool | None = None) -> None:
        """Changed as QuickBooks' chart of accounts screen changes it: a new edit sequence."""
        found = self._ret("AccountQuery", FullName=name)
        fields = f"<Name>{new_name}</Name>" if new_name else ""
        fields += f"<IsActive>{str(active).lower()}</IsActive>" if active is not None else ""
        qbxml(
            self.company,
            f"<AccountModRq><AccountMod><ListID>{found.findtext('ListID')}</ListID>"
            f"<EditSequence>{found.findtext('EditSequence')}</EditSequence>{fields}</AccountMod></AccountModRq>",
        )

    def income_account_add(self, name: str) -> None:
        """An income account added on QuickBooks' chart of accounts screen."""
        self._add("Account", f"<Name>{name}</Name><AccountType>Income</AccountType>")

    def account_there(self, name: str) -> dict | None:
        """QuickBooks' account: its id and its type; None if none."""
        found = self._ret("AccountQuery", FullName=name)
        return {"id": found.findtext("ListID"), "type": found.findtext("AccountType")} if found is not None else None

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

    def inventory_item_add(self, name: str, quantity: int) -> None:
        """An inventory part QuickBooks tracks ``quantity`` of."""
        account = {role: f"<FullName>{name}</FullName>" for role, name in self.accounts.items()}
        self._add(
            "ItemInventory",
            f"<Name>{name}</Name><IncomeAccountRef>{account['income']}</IncomeAccountRef>"
            f"<COGSAccountRef>{account['cogs']}</COGSAccountRef><AssetAccountRef>{account['asset']}</AssetAccountRef>"
            f"<QuantityOnHand>{quantity}</QuantityOnHand><InventoryDate>2015-03-01</InventoryDate>",
        )

    def adjustments_there(self) -> int:
        try:
            root = qbxml(self.company, "<InventoryAdjustmentQueryRq></InventoryAdjustmentQueryRq>")
        except AssertionError as none:
            if "did not find" in str(none):
                return 0
            raise
        return len(root.findall(".//InventoryAdjustmentRet"))

    def _item(self, name: str):
        root = qbxml(self.company, f"<ItemQueryRq><FullName>{name}</FullName></ItemQueryRq>")
        (ret,) = [element for element in root.find(".//ItemQueryRs") if element.tag.endswith("Ret")]
        return ret

    def item_lost(self, name: str) -> None:
        """Deleted in QuickBooks (its item list's Delete)."""
        found = self._item(name)
        kind, list_id = found.tag.removesuffix("Ret"), found.findtext("ListID")
        qbxml(self.company, f"<ListDelRq><ListDelType>{kind}</ListDelType><ListID>{list_id}</ListID></ListDelRq>")

    def item_change(self, name: str, *, new_name: str = "", price: str = "", notes: str = "", active=None) -> None:
        """Changed as QuickBooks' item screen changes it, whatever its kind: a new edit sequence."""
        found = self._item(name)
        kind = found.tag.removesuffix("Ret")
        fields = f"<Name>{new_name}</Name>" if new_name else ""
        fields += f"<IsActive>{str(active).lower()}</IsActive>" if active is not None else ""
        # Where the sales price and description are: in the one account's block, in the sold-and-bought block, or
        # (an inventory part) on the item itself.
        if found.find("SalesOrPurchase") is not None:
            sales = f"<Desc>{notes}</Desc>" if notes else ""
            sales += f"<Price>{price}</Price>" if price else ""
            fields += f"<SalesOrPurchaseMod>{sales}</SalesOrPurchaseMod>" if sales else ""
        else:
            sales = f"<SalesDesc>{notes}</SalesDesc>" if notes else ""
            sales += f"<SalesPrice>{price}</SalesPrice>" if price else ""
            in_block = found.find("SalesAndPurchase") is not None
            fields += f"<SalesAndPurchaseMod>{sales}</SalesAndPurchaseMod>" if in_block and sales else sales
        qbxml(
            self.company,
            f"<{kind}ModRq><{kind}Mod><ListID>{found.findtext('ListID')}</ListID>"
            f"<EditSequence>{found.findtext('EditSequence')}</EditSequence>{fields}</{kind}Mod></{kind}ModRq>",
        )

    def item_there(self, name: str) -> dict:
        found = self._item(name)
        price = found.findtext("SalesOrPurchase/Price") or found.findtext("SalesAndPurchase/SalesPrice")
        price = price or found.findtext("SalesPrice") or "0"
        description = found.findtext("SalesOrPurchase/Desc") or found.findtext("SalesAndPurchase/SalesDesc")
        cost = found.findtext("SalesAndPurchase/PurchaseCost") or found.findtext("PurchaseCost") or "0"
        quantity = found.findtext("QuantityOnHand")
        return {
            "price": Decimal(price),
            "cost": Decimal(cost),
            "taxable": found.findtext("SalesTaxCodeRef/FullName", "").lower() == "tax",
            "active": found.findtext("IsActive") != "false",
            "description": description or found.findtext("SalesDesc") or "",
            "type": found.tag.removeprefix("Item").removesuffix("Ret"),
            "sku": found.findtext("ManufacturerPartNumber") or "",
            # One account for a service sold or bought: an income one (the scenarios' services are sold).
            "income": found.findtext("SalesOrPurchase/AccountRef/FullName")
            or found.findtext("SalesAndPurchase/IncomeAccountRef/FullName")
            or found.findtext("IncomeAccountRef/FullName"),
            "expense": found.findtext("SalesAndPurchase/ExpenseAccountRef/FullName")
            or found.findtext("COGSAccountRef/FullName"),
            "asset": found.findtext("AssetAccountRef/FullName"),
            "quantity": Decimal(quantity) if quantity is not None else None,
            "version": found.findtext("EditSequence"),
        }

    def stock_counted_on(self, name: str) -> str:
        """
        The day QuickBooks was told the item's stock was counted: the inventory date the last sync added it with
        (QuickBooks Desktop takes it on adding an item and never reads it back).
        """
        for document in self.desktop_sync.transport.documents:
            for added in etree.fromstring(document.encode()).iter("ItemInventoryAdd"):
                if added.findtext("Name") == name:
                    return added.findtext("InventoryDate")
        raise AssertionError(f"The last sync added no inventory part named {name}")

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


def _vendor_body(details: dict[str, str]) -> str:
    """Vendor details in qbXML's elements, in their order."""
    body = "".join(
        f"<{element}>{details[key]}</{element}>"
        for key, element in (("company", "CompanyName"), ("first", "FirstName"), ("last", "LastName"))
        if key in details
    )
    address = "".join(
        f"<{element}>{details[key]}</{element}>"
        for key, element in (("street", "Addr1"), ("city", "City"), ("state", "State"), ("postal_code", "PostalCode"))
        if key in details
    )
    body += f"<VendorAddress>{address}</VendorAddress>" if address else ""
    contact = (("phone", "Phone"), ("email", "Email"))
    body += "".join(f"<{element}>{details[key]}</{element}>" for key, element in contact if key in details)
    return body
