"""
What a company file starts with, and generated customers, jobs, items and invoices in bulk.

``defaults_ensure`` goes through the same rules as requests do; ``records_generate`` writes with ``bulk_create``
(benchmarks seed tens of thousands of records) but stores exactly what the requests would have stored.
"""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.invoices import due_date
from apps.qbd_sandbox.engine.lists import list_add
from apps.qbd_sandbox.engine.names import ADDRESS_NAMES  # noqa: F401 - also registers the list hooks
from apps.qbd_sandbox.engine.refs import referenced_ids
from apps.qbd_sandbox.models import CompanyFile, Record
from apps.qbd_sandbox.qbxml.common import TERMS_KINDS
from apps.qbd_sandbox.qbxml.fields import CENT

# Name, type, number, and the SpecialAccountType QuickBooks gives the accounts it makes itself (its receivables,
# undeposited funds, inventory asset, sales tax and cost of goods sold accounts). Special types are read-only in
# qbXML, so no request can make one: the company file is made with them.
ACCOUNTS = [
    ("Accounts Receivable", "AccountsReceivable", "1200", "AccountsReceivable"),
    ("Undeposited Funds", "OtherCurrentAsset", "1499", "UndepositedFunds"),
    ("Inventory Asset", "OtherCurrentAsset", "1120", "InventoryAssets"),
    ("Sales Tax Payable", "OtherCurrentLiability", "2200", "SalesTaxPayable"),
    ("Construction Income", "Income", "4100", ""),
    ("Materials Income", "Income", "4200", ""),
    ("Cost of Goods Sold", "CostOfGoodsSold", "5000", "CostOfGoodsSold"),
    ("Job Materials", "Expense", "6100", ""),
]
SPECIAL_ACCOUNTS = {name: special for name, _, _, special in ACCOUNTS if special}
DEFAULTS: list[tuple[str, dict[str, Any]]] = [
    *[("Account", {"Name": name, "AccountType": kind, "AccountNumber": number}) for name, kind, number, _ in ACCOUNTS],
    ("SalesTaxCode", {"Name": "TAX", "IsTaxable": True, "Desc": "Taxable Sales"}),
    ("SalesTaxCode", {"Name": "NON", "IsTaxable": False, "Desc": "Non-Taxable Sales"}),
    ("StandardTerms", {"Name": "Due on receipt", "StdDueDays": 0}),
    ("StandardTerms", {"Name": "Net 15", "StdDueDays": 15}),
    ("StandardTerms", {"Name": "Net 30", "StdDueDays": 30}),
    ("StandardTerms", {"Name": "1% 10 Net 30", "StdDueDays": 30, "StdDiscountDays": 10, "DiscountPct": Decimal("1")}),
    ("StandardTerms", {"Name": "2% 10 Net 30", "StdDueDays": 30, "StdDiscountDays": 10, "DiscountPct": Decimal("2")}),
    ("DateDrivenTerms", {"Name": "15th of Month", "DayOfMonthDue": 15, "DueNextMonthDays": 10}),
    ("PaymentMethod", {"Name": "Cash", "PaymentMethodType": "Cash"}),
    ("PaymentMethod", {"Name": "Check", "PaymentMethodType": "Check"}),
    ("PaymentMethod", {"Name": "Visa", "PaymentMethodType": "Visa"}),
    ("PaymentMethod", {"Name": "MasterCard", "PaymentMethodType": "MasterCard"}),
    ("PaymentMethod", {"Name": "American Express", "PaymentMethodType": "AmericanExpress"}),
    ("Vendor", {"Name": "State Board of Equalization", "IsTaxAgency": True}),
    (
        "ItemSalesTax",
        {
            "Name": "State Tax",
            "ItemDesc": "State sales tax",
            "TaxRate": Decimal("7.25"),
            "TaxVendorRef": {"FullName": "State Board of Equalization"},
        },
    ),
]

GIVEN_NAMES = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas", "Kira", "Liam"]
FAMILY_NAMES = ["Alvarez", "Brooks", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen"]
TRADES = ["Plumbing", "Heating", "Electric", "Roofing", "Landscaping", "Builders", "Properties", "Dental"]
CITIES = [("Boston", "MA", "02110"), ("Albany", "NY", "12207"), ("Hartford", "CT", "06103"), ("Newark", "NJ", "07102")]
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Pine Rd", "Lake Blvd", "Hill Ct"]
SITES = ["Warehouse", "Office", "Clinic", "Store", "Annex", "Plant", "Depot", "Lab"]
SERVICES = ["Repair Call", "Duct Cleaning", "Drain Service", "Boiler Check", "Thermostat", "Leak Detection"]
MATERIALS = ["Copper Pipe", "PVC Fitting", "Air Filter", "Wire Spool", "Valve Kit", "Sealant"]
# Of every five generated customers, one gets the jobs and ship-to addresses asked for.
JOB_CUSTOMER_EVERY = 5


def defaults_ensure(company: CompanyFile) -> None:
    """
    Accounts, sales tax codes and item, terms and payment methods a company file has (those missing are added).

    An account added here that QuickBooks makes itself carries its ``SpecialAccountType``; one already in the file is
    left as it is.
    """
    ctx = Ctx(company)
    existing = set(Record.objects.filter(company=company).values_list("kind", "name_key"))
    for kind, data in DEFAULTS:
        if (kind, data["Name"].lower()) not in existing:
            record = list_add(ctx, kind, dict(data))
            if kind == "Account" and data["Name"] in SPECIAL_ACCOUNTS:
                record.data = {**record.data, "SpecialAccountType": SPECIAL_ACCOUNTS[data["Name"]]}
                record.save(update_fields=["data"])
    if company.default_item_sales_tax_id is None:
        company.default_item_sales_tax = ctx.record_named("State Tax", ("ItemSalesTax",))
        company.save(update_fields=["default_item_sales_tax"])
    ctx.save_counters()


def _address(rng: random.Random, number: int) -> dict[str, str]:
    city, state, postal_code = rng.choice(CITIES)
    return {
        "Addr1": f"{100 + number % 9000} {rng.choice(STREETS)}",
        "City": city,
        "State": state,
        "PostalCode": postal_code,
        "Country": "US",
    }


class _Generator:
    """Builds unsaved records with ids from the company's counters, as requests would have stored them."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        named = Record.objects.filter(company=ctx.company)
        self.refs = {(kind, key): list_id for kind, key, list_id in named.values_list("kind", "name_key", "object_id")}
        self.terms = {terms.object_id: terms for terms in named.filter(kind__in=TERMS_KINDS)}

    def ref(self, kind: str, name: str) -> dict[str, str]:
        return {"ListID": self.refs[(kind, name.lower())]}

    def list_record(
        self, kind: str, namespace: str, name: str, data: dict[str, Any], parent: Record | None = None
    ) -> Record:
        full_name = f"{parent.full_name}:{name}" if parent else name
        if parent:
            data["ParentRef"] = {"ListID": parent.object_id}
        return Record(
            company=self.ctx.company,
            kind=kind,
            namespace=namespace,
            object_id=self.ctx.new_list_id(),
            edit_sequence=self.ctx.edit_sequence(),
            name=name,
            full_name=full_name,
            name_key=full_name.lower(),
            parent=parent,
            sublevel=parent.sublevel + 1 if parent else 0,
            data=data,
            ref_ids=" ".join(sorted(referenced_ids(data))),
            time_created=self.ctx.moment,
            time_modified=self.ctx.moment,
        )

    def customer(self, number: int) -> Record:
        given, family = self.rng.choice(GIVEN_NAMES), self.rng.choice(FAMILY_NAMES)
        data = {
            "CompanyName": f"{family} {self.rng.choice(TRADES)}",
            "FirstName": given,
            "LastName": family,
            "BillAddress": _address(self.rng, number),
            "Phone": f"(555) 555-{number % 10000:04d}",
            "Email": f"{given}.{family}.{number}@example.com".lower(),
            "TermsRef": self.ref("StandardTerms", self.rng.choice(["Net 30", "Net 15", "Due on receipt"])),
            "SalesTaxCodeRef": self.ref("SalesTaxCode", "TAX" if self.rng.random() < 0.8 else "NON"),
        }
        return self.list_record("Customer", "name", f"{data['CompanyName']} {number:05d}", data)

    def ship_tos(self, customer: Record, count: int) -> None:
        ship_tos = [
            {
                "Name": f"{SITES[index % len(SITES)]} {index + 1}",
                **_address(self.rng, index),
                "DefaultShipTo": index == 0,
            }
            for index in range(count)
        ]
        customer.data["ShipToAddress"] = ship_tos
        customer.data["ShipAddress"] = {
            key: value for key, value in ship_tos[0].items() if key not in ("Name", "DefaultShipTo")
        }

    def job(self, parent: Record, index: int) -> Record:
        data = {
            "CompanyName": parent.data["CompanyName"],
            "JobStatus": "InProgress",
            "ShipAddress": _address(self.rng, index),
            "TermsRef": parent.data["TermsRef"],
            "SalesTaxCodeRef": parent.data["SalesTaxCodeRef"],
        }
        return self.list_record("Customer", "name", f"Job {index + 1:02d} {self.rng.choice(SITES)}", data, parent)

    def item(self, number: int) -> Record:
        price = Decimal(self.rng.randrange(40, 400))
        tax = self.ref("SalesTaxCode", "NON")
        if number % 10 < 6:
            data = {
                "SalesTaxCodeRef": tax,
                "SalesOrPurchase": {
                    "Desc": "Service call",
                    "Price": f"{price:.2f}",
                    "AccountRef": self.ref("Account", "Construction Income"),
                },
            }
            return self.list_record("ItemService", "item", f"{self.rng.choice(SERVICES)} {number:05d}", data)
        data = {
            "SalesTaxCodeRef": self.ref("SalesTaxCode", "TAX"),
            "SalesAndPurchase": {
                "SalesDesc": "Materials",
                "SalesPrice": f"{price:.2f}",
                "IncomeAccountRef": self.ref("Account", "Materials Income"),
                "PurchaseCost": f"{(price / 2).quantize(CENT):.2f}",
                "ExpenseAccountRef": self.ref("Account", "Job Materials"),
            },
        }
        return self.list_record("ItemNonInventory", "item", f"{self.rng.choice(MATERIALS)} {number:05d}", data)

    def invoice(self, customer: Record, items: list[Record], tax_rate: Decimal, taxable_codes: set[str]) -> Record:
        ctx = self.ctx
        lines, subtotal, taxable = [], Decimal(0), Decimal(0)
        for item in self.rng.sample(items, k=min(len(items), self.rng.randint(1, 3))):
            sales = item.data.get("SalesOrPurchase") or item.data["SalesAndPurchase"]
            rate = Decimal(sales.get("Price") or sales.get("SalesPrice"))
            quantity = Decimal(self.rng.randint(1, 4))
            amount = (rate * quantity).quantize(CENT, ROUND_HALF_UP)
            subtotal += amount
            if item.data["SalesTaxCodeRef"]["ListID"] in taxable_codes:
                taxable += amount
            lines.append(
                {
                    "TxnLineID": ctx.new_txn_id(),
                    "ItemRef": {"ListID": item.object_id},
                    "Desc": sales.get("Desc") or sales.get("SalesDesc"),
                    "Quantity": str(quantity),
                    "Rate": f"{rate:.2f}",
                    "Amount": f"{amount:.2f}",
                    "SalesTaxCodeRef": item.data["SalesTaxCodeRef"],
                }
            )
        if customer.data.get("SalesTaxCodeRef", {}).get("ListID") not in taxable_codes:
            taxable = Decimal(0)
        tax = (taxable * tax_rate / 100).quantize(CENT, ROUND_HALF_UP)
        txn_date = ctx.today() - timedelta(days=self.rng.randrange(0, 120))
        number = ctx.company.next_invoice_number
        ctx.company.next_invoice_number += 1
        data = {
            "CustomerRef": {"ListID": customer.object_id},
            "ARAccountRef": self.ref("Account", "Accounts Receivable"),
            "TxnDate": txn_date.isoformat(),
            "RefNumber": str(number),
            "BillAddress": customer.data.get("BillAddress", {}),
            "ShipAddress": customer.data.get("ShipAddress", {}),
            "IsPending": False,
            "IsFinanceCharge": False,
            "TermsRef": customer.data["TermsRef"],
            "DueDate": due_date(self.terms[customer.data["TermsRef"]["ListID"]], txn_date).isoformat(),
            "ItemSalesTaxRef": self.ref("ItemSalesTax", "State Tax"),
            "IsToBePrinted": False,
            "IsToBeEmailed": False,
            "CustomerSalesTaxCodeRef": customer.data["SalesTaxCodeRef"],
            "InvoiceLineRet": lines,
            "Subtotal": f"{subtotal:.2f}",
            "SalesTaxPercentage": format(tax_rate, "f"),
            "SalesTaxTotal": f"{tax:.2f}",
            "AppliedAmount": "0.00",
            "BalanceRemaining": f"{subtotal + tax:.2f}",
            "IsPaid": subtotal + tax <= 0,
        }
        return Record(
            company=ctx.company,
            kind="Invoice",
            object_id=ctx.new_txn_id(),
            edit_sequence=ctx.edit_sequence(),
            txn_number=ctx.new_txn_number(),
            entity=customer,
            txn_date=txn_date,
            ref_number=str(number),
            open_balance=subtotal + tax,
            data=data,
            ref_ids=" ".join(sorted(referenced_ids(data))),
            time_created=ctx.moment,
            time_modified=ctx.moment,
        )


def records_generate(
    company: CompanyFile,
    *,
    customers: int,
    jobs_per_customer: int,
    ship_tos: int,
    items: int,
    invoices: int,
    random_seed: int,
) -> None:
    ctx = Ctx(company)
    generator = _Generator(ctx, random.Random(random_seed))
    start = Record.objects.filter(company=company, kind="Customer", parent__isnull=True).count() + 1
    created = [generator.customer(start + index) for index in range(customers)]
    with_jobs = created[::JOB_CUSTOMER_EVERY]
    for customer in with_jobs:
        if ship_tos:
            generator.ship_tos(customer, min(ship_tos, 50))
    Record.objects.bulk_create(created, batch_size=500)
    if jobs_per_customer:
        saved = dict(
            Record.objects.filter(company=company, object_id__in=[c.object_id for c in with_jobs]).values_list(
                "object_id", "pk"
            )
        )
        jobs = []
        for customer in with_jobs:
            customer.pk = saved[customer.object_id]
            jobs.extend(generator.job(customer, index) for index in range(jobs_per_customer))
        Record.objects.bulk_create(jobs, batch_size=500)
    item_start = Record.objects.filter(company=company, namespace="item").count() + 1
    Record.objects.bulk_create([generator.item(item_start + index) for index in range(items)], batch_size=500)
    if invoices:
        customer_rows = list(Record.objects.filter(company=company, kind="Customer", is_active=True).order_by("pk"))
        item_rows = list(
            Record.objects.filter(company=company, kind__in=("ItemService", "ItemNonInventory"), is_active=True)
        )
        if not customer_rows or not item_rows:
            raise ValueError("Invoices need customers and items: seed some of both.")
        tax_item = ctx.record_named("State Tax", ("ItemSalesTax",))
        taxable_codes = set(
            Record.objects.filter(company=company, kind="SalesTaxCode", data__IsTaxable=True).values_list(
                "object_id", flat=True
            )
        )
        tax_rate = Decimal(tax_item.data["TaxRate"])
        generated = (
            generator.invoice(generator.rng.choice(customer_rows), item_rows, tax_rate, taxable_codes)
            for _ in range(invoices)
        )
        batch: list[Record] = []
        for invoice in generated:
            batch.append(invoice)
            if len(batch) == 1000:
                Record.objects.bulk_create(batch)
                batch = []
        Record.objects.bulk_create(batch)
    ctx.save_counters()
