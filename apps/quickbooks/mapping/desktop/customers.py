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
from typing import Any

from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.common import name_for_quickbooks, name_key, ref_id, text
from apps.quickbooks.mapping.desktop.adapter import ListAdapter, Outcome, Planned, Query, Seen
from apps.quickbooks.mapping.desktop.common import (
    NAME_IN_USE,
    desktop_bool,
    list_ref,
    meta,
    status_error,
    without_blanks,
)

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

# The engine's address keys and Desktop's, in order.
_ADDRESS = (
    ("Line1", "Addr1", ADDRESS_LINE_MAX),
    ("Line2", "Addr2", ADDRESS_LINE_MAX),
    ("City", "City", CITY_MAX),
    ("CountrySubDivisionCode", "State", STATE_MAX),
    ("PostalCode", "PostalCode", POSTAL_CODE_MAX),
    ("Country", "Country", COUNTRY_MAX),
)


def _address_in(value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {ours: text(value.get(theirs)) for ours, theirs, _ in _ADDRESS}


def _address_out(value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {theirs: text(value.get(ours), size) for ours, theirs, size in _ADDRESS}


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
    """A customer's tax setting as the engine's fields: taxable or not, and its sales tax item if it has one."""
    setting: dict[str, Any] = {"Taxable": _taxable(ret)}
    if tax := list_ref(ret.get("ItemSalesTaxRef")):
        setting["DefaultTaxCodeRef"] = tax
    return setting


def customer_record(ret: dict[str, Any]) -> dict[str, Any]:
    """A ``CustomerRet`` as the engine's customer record (a job as a customer of its own, under its full name)."""
    sublevel = int(ret.get("Sublevel") or 0)
    name = text(ret.get("Name"))
    display_name = name_for_quickbooks(text(ret.get("FullName")) or name, 500) if sublevel else name
    record: dict[str, Any] = {
        "Id": text(ret.get("ListID")),
        "SyncToken": text(ret.get("EditSequence")),
        "DisplayName": display_name,
        "CompanyName": text(ret.get("CompanyName")),
        "GivenName": text(ret.get("FirstName")),
        "FamilyName": text(ret.get("LastName")),
        "PrimaryPhone": {"FreeFormNumber": text(ret.get("Phone"))},
        "PrimaryEmailAddr": {"Address": text(ret.get("Email"))},
        "BillAddr": _address_in(ret.get("BillAddress")),
        "Active": desktop_bool(ret.get("IsActive")),
        **_tax_setting(ret),
        "MetaData": meta(ret),
    }
    if terms := list_ref(ret.get("TermsRef")):
        record["SalesTermRef"] = terms
    if sublevel:
        record["DesktopJob"] = {"Name": name, "Parent": text((ret.get("ParentRef") or {}).get("FullName"))}
    return record


def ship_to_records(ret: dict[str, Any]) -> list[dict[str, Any]]:
    """A customer's ship-to addresses as the engine's location records (sub-customers of it)."""
    customer_id = text(ret.get("ListID"))
    records = []
    for address in ret.get("ShipToAddress") or []:
        name = text(address.get("Name"))
        if not name:
            continue
        records.append(
            {
                "Id": ship_to_id(customer_id, name),
                # A ship-to changes with its customer: the customer's edit sequence stands for both.
                "SyncToken": text(ret.get("EditSequence")),
                "DisplayName": name,
                "Job": True,
                "ParentRef": {"value": customer_id},
                "ShipAddr": _address_in(address),
                # A ship-to has no inactive flag of its own: it is in use while its customer is.
                "Active": desktop_bool(ret.get("IsActive")),
                **_tax_setting(ret),
                "MetaData": meta(ret),
            }
        )
    return records


def customer_records(ret: dict[str, Any]) -> list[dict[str, Any]]:
    return [customer_record(ret), *ship_to_records(ret)]


def _job_name(payload: dict[str, Any], job: dict[str, str]) -> str:
    """A job's own name from the full name the engine sends: unchanged unless it was renamed here."""
    sent = text(payload.get("DisplayName"))
    prefix = name_for_quickbooks(f"{job['Parent']} - ", 500) + " "
    if name_key(sent) == name_key(name_for_quickbooks(f"{job['Parent']}:{job['Name']}", 500)):
        return job["Name"]
    return sent[len(prefix) :] if name_key(sent).startswith(name_key(prefix)) else sent


def customer_fields(payload: dict[str, Any], *, job: dict[str, str] | None = None) -> dict[str, Any]:
    """The ``CustomerAdd`` / ``CustomerMod`` fields of an engine customer payload (``Id`` / ``SyncToken`` for a mod)."""
    fields: dict[str, Any] = {}
    if payload.get("Id"):
        fields["ListID"] = str(payload["Id"])
        fields["EditSequence"] = str(payload.get("SyncToken") or "")
    name = _job_name(payload, job) if job else text(payload.get("DisplayName"))
    fields.update(
        {
            "Name": name_for_quickbooks(name, NAME_MAX),
            "IsActive": "true" if payload.get("Active", True) is not False else "false",
            "CompanyName": text(payload.get("CompanyName"), COMPANY_MAX),
            "FirstName": text(payload.get("GivenName"), PERSON_NAME_MAX),
            "LastName": text(payload.get("FamilyName"), PERSON_NAME_MAX),
            "BillAddress": _address_out(payload.get("BillAddr")),
            "Phone": text((payload.get("PrimaryPhone") or {}).get("FreeFormNumber"), PHONE_MAX),
            "Email": text((payload.get("PrimaryEmailAddr") or {}).get("Address"), EMAIL_MAX),
            "SalesTaxCodeRef": {"FullName": TAXABLE_CODE if payload.get("Taxable", True) else NON_TAXABLE_CODE},
        }
    )
    if terms := ref_id(payload.get("SalesTermRef")):
        fields["TermsRef"] = {"ListID": terms}
    if tax := ref_id(payload.get("DefaultTaxCodeRef")):
        fields["ItemSalesTaxRef"] = {"ListID": tax}
    # An empty element clears a field in a mod; in an add it says nothing, so it is left out.
    return fields if payload.get("Id") else without_blanks(fields)


def ship_to_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """The ``ShipToAddress`` of a location payload (a sub-customer record)."""
    name = name_for_quickbooks(text(payload.get("DisplayName")), NAME_MAX)
    return {"Name": name, **without_blanks(_address_out(payload.get("ShipAddr")))}


def ship_to_mod(*, customer_id: str, edit_sequence: str, ship_tos: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``CustomerMod`` that adds or updates ``ship_tos`` (by name) and leaves the rest of the customer alone."""
    return {"ListID": customer_id, "EditSequence": edit_sequence, "ShipToAddress": ship_tos}


def location_parent_id(payload: dict[str, Any]) -> str:
    """The customer a location payload belongs to: its parent reference, else the owner in its ship-to id."""
    return ref_id(payload.get("ParentRef")) or ship_to_owner(str(payload.get("Id") or ""))


# The backend's adapter.


class CustomersAdapter(ListAdapter):
    entity = ENTITY
    deleted_types = ("Customer",)
    query_kinds = (QUERY,)

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        return customer_records(ret)

    def by_ids(self, ids: list[str]) -> list[Query]:
        # A ship-to address is read with its customer.
        return super().by_ids([ship_to_owner(record_id) for record_id in ids])

    def named(self, seen: Seen, names: set[str], field: str) -> list[dict[str, Any]]:
        # Ship-to addresses are named within their customer only: those of the customers seen this run.
        return [
            record
            for ret in seen.values()
            for record in ship_to_records(ret)
            if name_key(record["DisplayName"]) in names
        ]

    def digest(self, rets: list[dict[str, Any]]) -> list[dict[str, str]]:
        """The jobs among the customers: they arrive as customers of their own, named "Customer - Job"."""
        return [
            {
                "list_id": text(ret.get("ListID")),
                "full_name": text(ret.get("FullName")),
                "name": text(ret.get("Name")),
                "parent": text((ret.get("ParentRef") or {}).get("FullName")),
                "arrives_as": customer_record(ret)["DisplayName"],
            }
            for ret in rets
            if int(ret.get("Sublevel") or 0) > 0
        ]

    @staticmethod
    def _is_location(write: Any) -> bool:
        return bool(write.payload.get("Job")) or is_ship_to_id(str(write.payload.get("Id") or ""))

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
            known = seen.get(str(write.payload.get("Id") or "")) if write.payload.get("Id") else None
            job = customer_record(known).get("DesktopJob") if known else None
            kind = MOD if write.payload.get("Id") else ADD
            fields = customer_fields(write.payload, job=job)
            planned.append(Planned(kind, fields, [(index, write)], _customer_answer(index)))
        for parent, located in by_parent.items():
            ret = seen.get(parent)
            if ret is None:
                error = ApiError("The customer this location belongs to is no longer in QuickBooks Desktop.")
                refused.update({index: (None, error) for index, _ in located})
                continue
            taken = {name_key(record["DisplayName"]) for record in ship_to_records(ret)}
            sending = []
            for index, write in located:
                name = name_key(ship_to_fields(write.payload)["Name"])
                if not write.payload.get("Id") and name in taken:
                    message = f'"{write.payload.get("DisplayName")}" is already a ship-to address of this customer.'
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


def _failure(response: Any) -> ApiError | None:
    if response is None:
        return ApiError("QuickBooks Desktop did not answer for this record.")
    if response.status_code != 0 or not response.records:
        return status_error(code=response.status_code, message=response.message, severity=response.severity)
    return None


def _customer_answer(index: int) -> Callable[[Any], dict[int, Outcome]]:
    def answer(response: Any) -> dict[int, Outcome]:
        error = _failure(response)
        return {index: (None, error) if error else (customer_record(response.records[0]), None)}

    return answer


def _ship_tos_answer(sending: list[tuple[int, Any]]) -> Callable[[Any], dict[int, Outcome]]:
    def answer(response: Any) -> dict[int, Outcome]:
        error = _failure(response)
        if error is not None:
            return {index: (None, error) for index, _ in sending}
        by_name = {name_key(record["DisplayName"]): record for record in ship_to_records(response.records[0])}
        outcomes: dict[int, Outcome] = {}
        for index, write in sending:
            record = by_name.get(name_key(ship_to_fields(write.payload)["Name"]))
            missing = None if record else ApiError("QuickBooks Desktop did not keep this ship-to address.")
            outcomes[index] = (record, missing)
        return outcomes

    return answer


ADAPTERS = [CustomersAdapter()]
