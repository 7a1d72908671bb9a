"""Generated customers, items and invoices in bulk, for volume tests (``--customers 5000`` and the like)."""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.qbo_sandbox import store
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity
from apps.qbo_sandbox.seeding.refs import USD, address, customer_data, ref
from apps.qbo_sandbox.timefmt import local_today

GIVEN_NAMES = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas", "Kira", "Liam"]
FAMILY_NAMES = ["Alvarez", "Brooks", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen"]
CITIES = [("San Jose", "CA", "95112"), ("Fresno", "CA", "93721"), ("Oakland", "CA", "94607"), ("Reno", "NV", "89501")]
SERVICES = ["Repair Call", "Duct Cleaning", "Drain Service", "Boiler Check", "Thermostat Install", "Leak Detection"]
CENT = Decimal("0.01")


def _money(value: Decimal) -> float:
    # QuickBooks returns amounts as JSON numbers; rounding happens in Decimal first.
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _customers(count: int, start: int, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for number in range(start, start + count):
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        city, state, postal_code = rng.choice(CITIES)
        rows.append(
            customer_data(
                f"{given} {family} {number:05d}",
                given_name=given,
                family_name=family,
                email=f"{given}.{family}.{number}@example.com".lower(),
                phone=f"(555) 555-{number % 10000:04d}",
                bill_addr=address(f"{100 + number} Main St", city, state, postal_code),
            )
        )
    return rows


def _items(count: int, start: int, rng: random.Random, income_ref: dict[str, str] | None) -> list[dict[str, Any]]:
    rows = []
    for number in range(start, start + count):
        name = f"{rng.choice(SERVICES)} {number:05d}"
        data = {
            "Name": name,
            "FullyQualifiedName": name,
            "Active": True,
            "Type": "Service",
            "Taxable": False,
            "UnitPrice": rng.randrange(40, 400),
            "PurchaseCost": 0,
            "TrackQtyOnHand": False,
        }
        if income_ref:
            data["IncomeAccountRef"] = income_ref
        rows.append(data)
    return rows


def _invoice(
    customer: SandboxEntity, items: list[SandboxEntity], doc_number: str, txn_date, rng: random.Random
) -> dict[str, Any]:
    lines, total = [], Decimal(0)
    for number, item in enumerate(rng.sample(items, k=min(len(items), rng.randint(1, 3))), start=1):
        qty = Decimal(rng.randint(1, 4))
        unit_price = Decimal(str(item.data.get("UnitPrice") or 0))
        amount = (qty * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
        total += amount
        lines.append(
            {
                "Id": str(number),
                "LineNum": number,
                "Amount": _money(amount),
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {
                    "ItemRef": ref(item),
                    "UnitPrice": _money(unit_price),
                    "Qty": float(qty),
                    "TaxCodeRef": {"value": "NON"},
                },
            }
        )
    lines.append({"Amount": _money(total), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}})
    return {
        "Line": lines,
        "TxnTaxDetail": {"TotalTax": 0},
        "CustomerRef": ref(customer),
        "DocNumber": doc_number,
        "TxnDate": txn_date.isoformat(),
        "DueDate": (txn_date + timedelta(days=30)).isoformat(),
        "TotalAmt": _money(total),
        "Balance": _money(total),
        "ApplyTaxAfterDiscount": False,
        "PrintStatus": "NeedToPrint",
        "EmailStatus": "NotSet",
        "CurrencyRef": dict(USD),
    }


def records_generate(company: SandboxCompany, *, customers: int = 0, items: int = 0, invoices: int = 0) -> None:
    """Add ``customers`` customers, ``items`` service items and ``invoices`` invoices over them."""
    if not (customers or items or invoices):
        return
    rng = random.Random(company.setting("random_seed") or company.realm_id)
    if customers:
        start = store.entity_list(company, "Customer").count() + 1
        store.entities_bulk_create(company, "Customer", _customers(customers, start, rng))
    if items:
        income = store.entity_list(company, "Account").filter(data__AccountType="Income").first()
        start = store.entity_list(company, "Item").count() + 1
        store.entities_bulk_create(company, "Item", _items(items, start, rng, ref(income) if income else None))
    if invoices:
        customer_rows = list(store.entity_list(company, "Customer", active=True))
        item_rows = [
            item for item in store.entity_list(company, "Item", active=True) if item.data.get("Type") != "Category"
        ]
        if not customer_rows or not item_rows:
            raise ValueError("Invoices need customers and items: seed demo, or add --customers and --items.")
        doc_numbers = store.allocate_doc_numbers(company, invoices)
        today = local_today(company.time_zone)
        store.entities_bulk_create(
            company,
            "Invoice",
            (
                _invoice(
                    customer_rows[index % len(customer_rows)],
                    item_rows,
                    doc_numbers[index],
                    today - timedelta(days=rng.randrange(0, 90)),
                    rng,
                )
                for index in range(invoices)
            ),
        )
