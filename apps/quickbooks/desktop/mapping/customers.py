"""
QuickBooks Desktop customers, jobs and ship-to addresses ↔ the engine's customer records.

- A top-level customer is a customer: Desktop's Name is FieldOffice's display name (the seeds' "Company Name ↔
  Customer Name"), then CompanyName, FirstName, LastName, Phone (Main Phone), Email and the bill-to address.
- A job (a customer under another) also arrives as a customer, as users of other products expect, but named by its
  full name ("Carefree - Main Office" for Desktop's ``Carefree:Main Office``), so that a customer and its jobs are
  never indistinguishable duplicates. Writing it back keeps the job where it is and its own short name.
- Service locations are a customer's ship-to addresses (Desktop keeps several per customer, named; it has no
  sub-customer billed with its parent the way Online does). Each ship-to is presented to the engine as a location
  record whose id is ``<customer ListID>/<ship-to name>``; a write to it becomes a ``CustomerMod`` of its customer
  naming that ship-to, which Desktop adds or updates by name. Desktop keeps no "inactive" flag on a ship-to address,
  so a location made inactive here stays listed there, and a ship-to arrives active or not as its customer is (as
  Online makes a customer's sub-customers inactive with it). An invoice to a location bills its customer (the
  ship-to only addresses it), so a ship-to is taxed as its customer: its record carries the customer's tax setting,
  and writing it sends none (the customer's own write does).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from apps.quickbooks.desktop.mapping.adapter import ListAdapter, Outcome, Planned, Query, Seen
from apps.quickbooks.desktop.mapping.common import (
    NAME_IN_USE,
    desktop_bool,
    desktop_time,
    record_answer,
    response_error,
    status_error,
    without_blanks,
)
from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.common import name_for_quickbooks, name_key, text
from apps.quickbooks.sync.records import Address, CustomerRecord

ENTITY = "Customer"
QUERY = "CustomerQuery"
ADD = "CustomerAdd"
MOD = "CustomerMod"
SHIP_TO_SEPARATOR = "/"
# Desktop's limits (qbXML 13.0).
NAME_MAX = 41
COMPANY_MAX = 41
PERSON_NAME_MAX = 25
PHONE_MAX = 21
EMAIL_MAX = 1023
ADDRESS_LINE_MAX = 41
CITY_MAX = 31
STATE_MAX = 21
POSTAL_CODE_MAX = 13
COUNTRY_MAX = 31
# Desktop's standard sales tax codes: taxable customers carry "Tax", the others "Non".
TAXABLE_CODE = "Tax"
NON_TAXABLE_CODE = "Non"

# The engine's address fields and Desktop's, in order.
_ADDRESS = (
    ("street", "Addr1", ADDRESS_LINE_MAX),
    ("street2", "Addr2", ADDRESS_LINE_MAX),
    ("city", "City", CITY_MAX),
    ("state", "State", STATE_MAX),
    ("postal_code", "PostalCode", POSTAL_CODE_MAX),
    ("country", "Country", COUNTRY_MAX),
)


def address_in(value: Any) -> Address:
    value = value if isinstance(value, dict) else {}
    return Address(**{ours: text(value.get(theirs)) for ours, theirs, _ in _ADDRESS})


def _address_out(address: Address) -> dict[str, str]:
    return {theirs: text(getattr(address, ours), size) for ours, theirs, size in _ADDRESS}


def is_ship_to_id(record_id: str) -> bool:
    return SHIP_TO_SEPARATOR in record_id


def ship_to_id(customer_id: str, name: str) -> str:
    return f"{customer_id}{SHIP_TO_SEPARATOR}{name_key(name)}"


def ship_to_owner(record_id: str) -> str:
    """The customer ListID a ship-to record id belongs to (the id itself for a customer)."""
    return record_id.split(SHIP_TO_SEPARATOR, 1)[0]


def _taxable(ret: dict[str, Any]) -> bool:
    code = (ret.get("SalesTaxCodeRef") or {}).get("FullName") or ""
    return name_key(code) != name_key(NON_TAXABLE_CODE)


def _tax_setting(ret: dict[str, Any]) -> dict[str, Any]:
    """A customer's tax setting as record fields: taxable or not, and its sales tax item if it has one."""
    return {"taxable": _taxable(ret), "tax_code_id": text((ret.get("ItemSalesTaxRef") or {}).get("ListID"))}


def _times(ret: dict[str, Any]) -> dict[str, datetime | None]:
    return {"created_at": desktop_time(ret.get("TimeCreated")), "updated_at": desktop_time(ret.get("TimeModified"))}


def customer_record(ret: dict[str, Any]) -> CustomerRecord:
    """A ``CustomerRet`` as the engine's customer record (a job as a customer of its own, under its full name)."""
    sublevel = int(ret.get("Sublevel") or 0)
    name = text(ret.get("Name"))
    display_name = name_for_quickbooks(text(ret.get("FullName")) or name, 500) if sublevel else name
    return CustomerRecord(
        remote_id=text(ret.get("ListID")),
        version=text(ret.get("EditSequence")),
        name=display_name,
        company_name=text(ret.get("CompanyName")),
        first_name=text(ret.get("FirstName")),
        last_name=text(ret.get("LastName")),
        phone=text(ret.get("Phone")),
        email=text(ret.get("Email")),
        billing=address_in(ret.get("BillAddress")),
        active=desktop_bool(ret.get("IsActive")),
        term_id=text((ret.get("TermsRef") or {}).get("ListID")),
        own_name=name if sublevel else "",
        parent_name=text((ret.get("ParentRef") or {}).get("FullName")) if sublevel else "",
        **_tax_setting(ret),
        **_times(ret),
    )


def ship_to_records(ret: dict[str, Any]) -> list[CustomerRecord]:
    """A customer's ship-to addresses as the engine's location records (jobs of it)."""
    customer_id = text(ret.get("ListID"))
    records = []
    for address in ret.get("ShipToAddress") or []:
        name = text(address.get("Name"))
        if not name:
            continue
        records.append(
            CustomerRecord(
                remote_id=ship_to_id(customer_id, name),
                # A ship-to changes with its customer: the customer's edit sequence stands for both.
                version=text(ret.get("EditSequence")),
                name=name,
                job=True,
                parent_id=customer_id,
                shipping=address_in(address),
                # A ship-to has no inactive flag of its own: it is in use while its customer is.
                active=desktop_bool(ret.get("IsActive")),
                **_tax_setting(ret),
                # Its customer's last change stands for its own; when it was added, Desktop does not say (not when
                # its customer was: an interrupted run's ship-to is found by its name under its customer).
                updated_at=desktop_time(ret.get("TimeModified")),
            )
        )
    return records


def customer_records(ret: dict[str, Any]) -> list[CustomerRecord]:
    return [customer_record(ret), *ship_to_records(ret)]


def _job_name(record: CustomerRecord, job: CustomerRecord) -> str:
    """A job's own name from the full name the engine sends: unchanged unless it was renamed here."""
    sent = record.name
    prefix = name_for_quickbooks(f"{job.parent_name} - ", 500) + " "
    if name_key(sent) == name_key(name_for_quickbooks(f"{job.parent_name}:{job.own_name}", 500)):
        return job.own_name
    return sent[len(prefix) :] if name_key(sent).startswith(name_key(prefix)) else sent


def customer_fields(record: CustomerRecord, *, job: CustomerRecord | None = None) -> dict[str, Any]:
    """
    The ``CustomerAdd`` / ``CustomerMod`` fields of a customer record (a mod when it has a ``remote_id``); ``job``:
    the Desktop job it is, as last read, whose place and short name are kept.
    """
    fields: dict[str, Any] = {}
    if record.remote_id:
        fields["ListID"] = record.remote_id
        fields["EditSequence"] = record.version
    name = _job_name(record, job) if job is not None and job.own_name else record.name
    fields.update(
        {
            "Name": name_for_quickbooks(name, NAME_MAX),
            "IsActive": "true" if record.active else "false",
            "CompanyName": text(record.company_name, COMPANY_MAX),
            "FirstName": text(record.first_name, PERSON_NAME_MAX),
            "LastName": text(record.last_name, PERSON_NAME_MAX),
            "BillAddress": _address_out(record.billing),
            "Phone": text(record.phone, PHONE_MAX),
            "Email": text(record.email, EMAIL_MAX),
            "SalesTaxCodeRef": {"FullName": TAXABLE_CODE if record.taxable else NON_TAXABLE_CODE},
        }
    )
    if record.term_id:
        fields["TermsRef"] = {"ListID": record.term_id}
    if record.tax_code_id:
        fields["ItemSalesTaxRef"] = {"ListID": record.tax_code_id}
    # An empty element clears a field in a mod; in an add it says nothing, so it is left out.
    return fields if record.remote_id else without_blanks(fields)


def ship_to_fields(record: CustomerRecord) -> dict[str, Any]:
    """The ``ShipToAddress`` of a location record."""
    name = name_for_quickbooks(record.name, NAME_MAX)
    return {"Name": name, **without_blanks(_address_out(record.shipping))}


def ship_to_mod(*, customer_id: str, edit_sequence: str, ship_tos: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``CustomerMod`` that adds or updates ``ship_tos`` (by name) and leaves the rest of the customer alone."""
    return {"ListID": customer_id, "EditSequence": edit_sequence, "ShipToAddress": ship_tos}


def location_parent_id(record: CustomerRecord) -> str:
    """
    The customer a location record belongs to: the parent it is sent under, else (an update that keeps its place)
    the owner in its ship-to id.
    """
    return ("" if record.keep_place else record.parent_id) or ship_to_owner(record.remote_id)


# The backend's adapter.


class CustomersAdapter(ListAdapter):
    entity = ENTITY
    deleted_types = ("Customer",)
    query_kinds = (QUERY,)

    def records(self, ret: dict[str, Any], record_type: str) -> list[CustomerRecord]:
        return customer_records(ret)

    def deleted_record(self, remote_id: str) -> CustomerRecord:
        return CustomerRecord(remote_id=remote_id, deleted=True)

    def by_ids(self, ids: list[str]) -> list[Query]:
        # A ship-to address is read with its customer.
        return super().by_ids([ship_to_owner(record_id) for record_id in ids])

    def named(self, seen: Seen, names: set[str]) -> list[CustomerRecord]:
        # Ship-to addresses are named within their customer only: those of the customers seen this run.
        return [record for ret in seen.values() for record in ship_to_records(ret) if name_key(record.name) in names]

    def digest(self, rets: list[dict[str, Any]]) -> list[dict[str, str]]:
        """The jobs among the customers: they arrive as customers of their own, named "Customer - Job"."""
        return [
            {
                "list_id": text(ret.get("ListID")),
                "full_name": text(ret.get("FullName")),
                "name": text(ret.get("Name")),
                "parent": text((ret.get("ParentRef") or {}).get("FullName")),
                "arrives_as": customer_record(ret).name,
            }
            for ret in rets
            if int(ret.get("Sublevel") or 0) > 0
        ]

    @staticmethod
    def _is_location(write: Any) -> bool:
        return write.payload.job or is_ship_to_id(write.payload.remote_id)

    def needs(self, writes: list[tuple[int, Any]], seen: Seen) -> list[str]:
        parents = {location_parent_id(write.payload) for _, write in writes if self._is_location(write)}
        return sorted(parent for parent in parents if parent and seen.get(parent) is None)

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        by_parent: dict[str, list[tuple[int, Any]]] = {}
        for index, write in writes:
            if self._is_location(write):
                by_parent.setdefault(location_parent_id(write.payload), []).append((index, write))
                continue
            record: CustomerRecord = write.payload
            known = seen.get(record.remote_id) if record.remote_id else None
            job = customer_record(known) if known else None
            kind = MOD if record.remote_id else ADD
            fields = customer_fields(record, job=job)
            planned.append(Planned(kind, fields, [(index, write)], record_answer(index, customer_record)))
        for parent, located in by_parent.items():
            ret = seen.get(parent)
            if ret is None:
                error = ApiError("The customer this location belongs to is no longer in QuickBooks Desktop.")
                refused.update({index: (None, error) for index, _ in located})
                continue
            taken = {name_key(record.name) for record in ship_to_records(ret)}
            sending = []
            for index, write in located:
                name = name_key(ship_to_fields(write.payload)["Name"])
                if not write.payload.remote_id and name in taken:
                    message = f'"{write.payload.name}" is already a ship-to address of this customer.'
                    refused[index] = (None, status_error(code=NAME_IN_USE, message=message))
                    continue
                taken.add(name)
                sending.append((index, write))
            if sending:
                fields = ship_to_mod(
                    customer_id=parent,
                    edit_sequence=text(ret.get("EditSequence")),
                    ship_tos=[ship_to_fields(write.payload) for _, write in sending],
                )
                planned.append(Planned(MOD, fields, sending, _ship_tos_answer(sending)))
        return planned, refused


def _ship_tos_answer(sending: list[tuple[int, Any]]) -> Callable[[Any], dict[int, Outcome]]:
    def answer(response: Any) -> dict[int, Outcome]:
        error = response_error(response)
        if error is not None:
            return {index: (None, error) for index, _ in sending}
        by_name = {name_key(record.name): record for record in ship_to_records(response.records[0])}
        outcomes: dict[int, Outcome] = {}
        for index, write in sending:
            record = by_name.get(name_key(ship_to_fields(write.payload)["Name"]))
            missing = None if record else ApiError("QuickBooks Desktop did not keep this ship-to address.")
            outcomes[index] = (record, missing)
        return outcomes

    return answer


ADAPTERS = [CustomersAdapter()]
