"""Customer and employee rules: ship-to addresses, jobs' balances, and names made of first and last names."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.lists import HOOKS
from apps.qbd_sandbox.errors import StatusError
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.qbxml.common import ADDRESS_FIELDS

MAX_SHIP_TOS = 50
ADDRESS_NAMES = tuple(field.name for field in ADDRESS_FIELDS)


def _ship_tos(ctx: Ctx, record: Record, data: dict[str, Any], is_add: bool) -> None:
    """
    Merge the request's ShipToAddress elements into the customer's, matched by Name (case-insensitive).

    Named ones are updated, new names added, the others stay. ``DefaultShipTo`` true makes one the default and
    copies it to ShipAddress, as QuickBooks' customer form does.
    """
    given = data.pop("ShipToAddress", None)
    if given is None:
        return
    current = [dict(ship_to) for ship_to in (record.data.get("ShipToAddress", []) if not is_add else [])]
    default_name = None
    for ship_to in given:
        ship_to = {key: value for key, value in ship_to.items() if value not in ("", None)}
        match = next((item for item in current if item["Name"].lower() == ship_to["Name"].lower()), None)
        if match is None:
            current.append(ship_to)
            match = ship_to
        else:
            match.update({key: value for key, value in ship_to.items() if key != "Name"})
        if ship_to.get("DefaultShipTo"):
            default_name = match["Name"]
    if len(current) > MAX_SHIP_TOS:
        raise StatusError(
            3180,
            f"There was an error when saving a Customer list. QuickBooks error message: A customer can have at most "
            f"{MAX_SHIP_TOS} ship-to addresses.",
        )
    for ship_to in current:
        if default_name is not None:
            ship_to["DefaultShipTo"] = ship_to["Name"] == default_name
        else:
            ship_to.setdefault("DefaultShipTo", False)
        if ship_to["DefaultShipTo"]:
            data["ShipAddress"] = {name: ship_to[name] for name in ADDRESS_NAMES if ship_to.get(name)}
    data["ShipToAddress"] = current


def _employee_name(ctx: Ctx, record: Record, data: dict[str, Any], is_add: bool) -> None:
    """An employee's Name is its first, middle and last names."""
    parts = {key: data.get(key, record.data.get(key, "")) for key in ("FirstName", "MiddleName", "LastName")}
    record.name = " ".join(part for part in parts.values() if part)


HOOKS["Customer"] = _ship_tos
HOOKS["Employee"] = _employee_name


def customer_balances(ctx: Ctx, records: list[Record]) -> dict[int, tuple[Decimal, Decimal]]:
    """
    Balance (the customer's own open invoices less unapplied payments) and TotalBalance (with its jobs') by pk.

    Pending invoices are non-posting: they owe nothing yet.
    """
    customers = [record for record in records if record.kind == "Customer"]
    if not customers:
        return {}
    postings = (
        Record.objects.filter(company=ctx.company, kind__in=("Invoice", "ReceivePayment"), is_pending=False)
        .exclude(open_balance=0)
        .values("entity_id", "kind")
        .annotate(total=Sum("open_balance"))
    )
    own: dict[int, Decimal] = {}
    for row in postings:
        amount = row["total"] if row["kind"] == "Invoice" else -row["total"]
        own[row["entity_id"]] = own.get(row["entity_id"], Decimal(0)) + amount
    pk_by_key = {record.name_key: record.pk for record in customers}
    totals = {pk: own.get(pk, Decimal(0)) for pk in pk_by_key.values()}
    jobs_with_balance = Record.objects.filter(pk__in=own, parent__isnull=False).values_list("pk", "name_key")
    for job_pk, job_key in jobs_with_balance:
        parts = job_key.split(":")
        for depth in range(1, len(parts)):
            ancestor = pk_by_key.get(":".join(parts[:depth]))
            if ancestor is not None:
                totals[ancestor] += own[job_pk]
    return {pk: (own.get(pk, Decimal(0)), total) for pk, total in totals.items()}


def customer_has_jobs_or_transactions(record: Record) -> bool:
    return Record.objects.filter(Q(parent=record) | Q(entity=record)).exists()
