"""
The demo company's purchasing and stock: vendors, receiving orders (one partly received), picking orders (one picked)
and inventory adjustments (one ready to export), made through the services so that every quantity has its movement.
"""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from apps.catalog.models import Item
from apps.core.models import Division
from apps.customers.models import Customer
from apps.inventory import services as inventory
from apps.inventory.models import InventoryAdjustment, PickingOrder
from apps.purchasing import services as purchasing
from apps.purchasing.models import ReceivingOrder, Vendor

# fmt: off
# display name: (company, first name, last name, email, phone, street, city, state, postal code)
VENDORS = {
    "Johnstone Supply": ("Johnstone Supply", "Mara", "Lindgren", "orders@johnstone.example.com", "612-555-0190",
                         "1400 Industrial Blvd NE", "Minneapolis", "MN", "55413"),
    "Lennox PartsPlus": ("Lennox PartsPlus", "Greg", "Dahl", "parts@lennox-partsplus.example.com", "952-555-0123",
                         "7600 Wayzata Blvd", "Golden Valley", "MN", "55426"),
    "Ferguson Plumbing Supply": ("Ferguson Plumbing Supply", "", "", "counter@ferguson.example.com", "651-555-0177",
                                 "2300 Kennedy St NE", "Minneapolis", "MN", "55413"),
}

# number: (vendor, days ago, expected in days, [(item, ordered, received)])
RECEIVING_ORDERS = {
    "1001": ("Johnstone Supply", 6, 0, [("Furnace filter 16x25x1", 24, 24), ("Run capacitor 45/5 MFD", 10, 0)]),
    "1002": ("Lennox PartsPlus", 2, 7, [("Furnace - Lennox ML180 80k BTU", 1, 0), ("Hot surface igniter", 4, 0)]),
}

# number: (customer, days ago, [(item, quantity, picked)], invoiced)
PICKING_ORDERS = {
    "1001": ("Carefree Property Management", 3, [("Furnace filter 16x25x1", 6, 6), ("Hot surface igniter", 1, 1)],
             False),
    "1002": ("Twin Cities Brewing Co.", 1, [("Thermostat - Honeywell T6 Pro", 1, 0), ("Labor hour", 2, 0)], False),
}

# number: (reason, days ago, memo, [(item, change)], ready)
ADJUSTMENTS = {
    "1001": ("damaged", 4, "Capacitor dropped off the van shelf.", [("Run capacitor 45/5 MFD", -1)], True),
    "1002": ("count", 0, "Shelf count after the Johnstone delivery.", [("Furnace filter 16x25x1", 2)], False),
}
# fmt: on


def demo_stock_seed(*, division: Division, today: date, created: Counter) -> None:
    """Create the demo's vendors and stock documents once; a later run finds them by name and number."""
    items = {item.name: item for item in Item.objects.filter(division=division)}
    vendors = {name: _vendor(division, name, spec, created) for name, spec in VENDORS.items()}
    for number, (vendor, days_ago, expected_in, lines) in RECEIVING_ORDERS.items():
        if ReceivingOrder.objects.filter(division=division, number=number).exists():
            continue
        order = purchasing.receiving_order_create(
            division=division,
            vendor=vendors[vendor],
            number=number,
            order_date=today - timedelta(days=days_ago),
            expected_date=today + timedelta(days=expected_in),
            lines=[{"item": items[name], "quantity_ordered": Decimal(ordered)} for name, ordered, _ in lines],
        )
        _received(order, [received for _, _, received in lines])
        created["receiving orders"] += 1
    for number, (customer, days_ago, lines, _) in PICKING_ORDERS.items():
        if PickingOrder.objects.filter(division=division, number=number).exists():
            continue
        customer = Customer.objects.get(division=division, display_name=customer)
        order = inventory.picking_order_create(
            customer=customer,
            service_location=customer.service_locations.first(),
            number=number,
            order_date=today - timedelta(days=days_ago),
            lines=[{"item": items[name], "quantity": Decimal(quantity)} for name, quantity, _ in lines],
        )
        picked = {line.pk: Decimal(p) for line, (_, _, p) in zip(order.lines.all(), lines, strict=True) if p}
        if picked:
            inventory.picking_order_pick(order=order, quantities=picked)
        created["picking orders"] += 1
    for number, (reason, days_ago, memo, lines, ready) in ADJUSTMENTS.items():
        if InventoryAdjustment.objects.filter(division=division, number=number).exists():
            continue
        adjustment = inventory.adjustment_create(
            division=division,
            number=number,
            reason=reason,
            memo=memo,
            adjustment_date=today - timedelta(days=days_ago),
            lines=[{"item": items[name], "quantity_change": Decimal(change)} for name, change in lines],
        )
        if ready:
            inventory.adjustment_mark_ready(adjustment=adjustment, user=None)
        created["inventory adjustments"] += 1


def _vendor(division: Division, name: str, spec: tuple, created: Counter) -> Vendor:
    existing = Vendor.objects.filter(division=division, display_name__iexact=name).first()
    if existing is not None:
        return existing
    company, first, last, email, phone, street, city, state, postal_code = spec
    created["vendors"] += 1
    return purchasing.vendor_create(
        division=division, display_name=name, company_name=company, first_name=first, last_name=last, email=email,
        phone=phone, billing_street=street, billing_city=city, billing_state=state, billing_postal_code=postal_code,
        billing_country="US",
    )


def _received(order: ReceivingOrder, received: list[int]) -> None:
    quantities = {line.pk: Decimal(count) for line, count in zip(order.lines.all(), received, strict=True) if count}
    if quantities:
        purchasing.receiving_order_receive(order=order, quantities=quantities)
