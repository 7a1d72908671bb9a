"""
Customers ↔ QuickBooks customers, service locations ↔ QuickBooks sub-customers (jobs).

A service location goes to QuickBooks as a sub-customer of its customer, billed with its parent, its address as the
shipping address, and taxed as its customer: QuickBooks taxes an invoice by the customer it bills (the sub-customer)
and takes a customer as taxable unless told otherwise, so each location carries its customer's tax setting.
QuickBooks names must be unique across customers, vendors and employees, jobs included, so a location whose plain
name is taken is sent as "Customer - Location"; coming back, that prefix is dropped again.
"""

from typing import Any

from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.mapping.common import name_for_quickbooks, ref, ref_id, text
from apps.quickbooks.mapping.refs import CustomerRefs

ENTITY = "Customer"
DISPLAY_NAME_MAX = 500
# A sub-customer's name can be long; a location's name here holds 100 characters.
LOCATION_NAME_MAX = 100
ADDRESS_KEYS = ("Line1", "Line2", "City", "CountrySubDivisionCode", "PostalCode", "Country")
LOCAL_ADDRESS_MAX = (200, 200, 100, 100, 20, 100)


def _address(parts: tuple[str, ...]) -> dict[str, str]:
    return {key: value for key, value in zip(ADDRESS_KEYS, parts, strict=True)}


def _address_comparable(value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {key: text(value.get(key)) for key in ADDRESS_KEYS}


def _address_local(value: Any) -> tuple[str, ...]:
    value = value if isinstance(value, dict) else {}
    return tuple(text(value.get(key), size) for key, size in zip(ADDRESS_KEYS, LOCAL_ADDRESS_MAX, strict=True))


def is_job(obj: dict[str, Any]) -> bool:
    """A sub-customer (job or project) of another customer."""
    return bool(obj.get("Job")) or bool(ref_id(obj.get("ParentRef")))


def parent_id(obj: dict[str, Any]) -> str:
    return ref_id(obj.get("ParentRef"))


def display_name(obj: dict[str, Any]) -> str:
    return text(obj.get("DisplayName"))


def level(obj: dict[str, Any]) -> int:
    try:
        return int(obj.get("Level") or 0)
    except (TypeError, ValueError):
        return 0


def _tax_setting(customer: Customer, refs: CustomerRefs) -> dict[str, Any]:
    """How QuickBooks is to tax ``customer`` and its locations: whether at all, and under which code by default."""
    setting: dict[str, Any] = {"Taxable": customer.taxable}
    if tax_code := refs.tax_rates.remote(customer.tax_rate_id):
        setting["DefaultTaxCodeRef"] = ref(tax_code)
    return setting


def _tax_setting_comparable(obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "Taxable": obj.get("Taxable", True) is not False,
        "DefaultTaxCodeRef": ref_id(obj.get("DefaultTaxCodeRef")),
    }


# Customers.


def customer_payload(customer: Customer, refs: CustomerRefs) -> dict[str, Any]:
    """What FieldOffice sends for a customer (create, or sparse update with ``Id`` and ``SyncToken`` added)."""
    payload: dict[str, Any] = {
        "DisplayName": name_for_quickbooks(customer.display_name, DISPLAY_NAME_MAX),
        "CompanyName": text(customer.company_name, 100),
        "GivenName": text(customer.first_name, 100),
        "FamilyName": text(customer.last_name, 100),
        "PrimaryPhone": {"FreeFormNumber": text(customer.phone, 30)},
        "PrimaryEmailAddr": {"Address": text(customer.email, 100)},
        "BillAddr": _address(
            (
                customer.billing_street,
                customer.billing_street2,
                customer.billing_city,
                customer.billing_state,
                customer.billing_postal_code,
                customer.billing_country,
            )
        ),
        "Active": customer.active,
        **_tax_setting(customer, refs),
    }
    if term := refs.terms.remote(customer.payment_term_id):
        payload["SalesTermRef"] = ref(term)
    return payload


def customer_comparable(obj: dict[str, Any]) -> dict[str, Any]:
    """The synced fields of a customer payload or of a QuickBooks customer, normalised so that both compare."""
    return {
        "DisplayName": display_name(obj),
        "CompanyName": text(obj.get("CompanyName")),
        "GivenName": text(obj.get("GivenName")),
        "FamilyName": text(obj.get("FamilyName")),
        "Phone": text((obj.get("PrimaryPhone") or {}).get("FreeFormNumber")),
        "Email": text((obj.get("PrimaryEmailAddr") or {}).get("Address")),
        "BillAddr": _address_comparable(obj.get("BillAddr")),
        "Active": obj.get("Active", True) is not False,
        "SalesTermRef": ref_id(obj.get("SalesTermRef")),
        **_tax_setting_comparable(obj),
    }


def customer_fields(obj: dict[str, Any], refs: CustomerRefs) -> dict[str, Any]:
    """The local fields of a QuickBooks (top-level) customer."""
    street, street2, city, state, postal_code, country = _address_local(obj.get("BillAddr"))
    return {
        "display_name": text(obj.get("DisplayName"), 100),
        "company_name": text(obj.get("CompanyName"), 100),
        "first_name": text(obj.get("GivenName"), 100),
        "last_name": text(obj.get("FamilyName"), 100),
        "phone": text((obj.get("PrimaryPhone") or {}).get("FreeFormNumber"), 30),
        "email": text((obj.get("PrimaryEmailAddr") or {}).get("Address"), 254),
        "billing_street": street,
        "billing_street2": street2,
        "billing_city": city,
        "billing_state": state,
        "billing_postal_code": postal_code,
        "billing_country": country,
        "active": obj.get("Active", True) is not False,
        "taxable": obj.get("Taxable", True) is not False,
        "payment_term_id": refs.terms.local(ref_id(obj.get("SalesTermRef"))),
        "tax_rate_id": refs.tax_rates.local(ref_id(obj.get("DefaultTaxCodeRef"))),
    }


# Service locations.


def location_display_name(location: ServiceLocation, customer_name: str, *, qualified: bool) -> str:
    """The sub-customer's name: the location's own, or "Customer - Location" when the plain one is taken."""
    name = f"{customer_name} - {location.name}" if qualified else location.name
    return name_for_quickbooks(name, DISPLAY_NAME_MAX)


def location_payload(
    location: ServiceLocation, *, customer: Customer, refs: CustomerRefs, parent_remote_id: str, name: str
) -> dict[str, Any]:
    """What FieldOffice sends for a location of ``customer``: its sub-customer, with the customer's tax setting."""
    return {
        "DisplayName": name,
        "Job": True,
        "ParentRef": ref(parent_remote_id),
        "BillWithParent": True,
        "ShipAddr": _address(
            (
                location.street,
                location.street2,
                location.city,
                location.state,
                location.postal_code,
                location.country,
            )
        ),
        "Active": location.active,
        **_tax_setting(customer, refs),
    }


def location_name(obj: dict[str, Any], customer_name: str) -> str:
    """A sub-customer's name as a location of ``customer_name``: the "Customer - " prefix FieldOffice adds dropped."""
    name = display_name(obj)
    prefix = name_for_quickbooks(f"{customer_name} - ", DISPLAY_NAME_MAX) + " "
    if customer_name and name.casefold().startswith(prefix.casefold()) and len(name) > len(prefix):
        name = name[len(prefix) :]
    return name[:LOCATION_NAME_MAX].strip()


def location_name_distinct(name: str, remote_id: str) -> str:
    """A name for a second location that QuickBooks' customer calls like one already linked here."""
    suffix = f" ({remote_id})"
    return name[: LOCATION_NAME_MAX - len(suffix)] + suffix


def location_comparable(obj: dict[str, Any], customer_name: str) -> dict[str, Any]:
    """
    A location payload or QuickBooks sub-customer, normalised (the name without FieldOffice's prefix). The tax
    setting is its customer's, so a change of the customer's sends its locations again.
    """
    return {
        "Name": location_name(obj, customer_name),
        "ShipAddr": _address_comparable(obj.get("ShipAddr")),
        "Active": obj.get("Active", True) is not False,
        **_tax_setting_comparable(obj),
    }


def location_comparable_held(payload: dict[str, Any], obj: dict[str, Any], customer_name: str) -> dict[str, Any]:
    """
    What QuickBooks holds once its sub-customer ``obj`` is applied to the location ``payload`` is now made from: the
    location's fields, and QuickBooks' own tax setting, which a location here takes from its customer, never from
    QuickBooks. Where that setting differs from the customer's, the location is sent again.
    """
    return {**location_comparable(payload, customer_name), **_tax_setting_comparable(obj)}


def location_fields(obj: dict[str, Any], customer_name: str) -> dict[str, Any]:
    street, street2, city, state, postal_code, country = _address_local(obj.get("ShipAddr"))
    return {
        "name": location_name(obj, customer_name),
        "street": street,
        "street2": street2,
        "city": city,
        "state": state,
        "postal_code": postal_code,
        "country": country,
        "active": obj.get("Active", True) is not False,
    }


def payload_name(payload: dict[str, Any]) -> str:
    """The name a customer or location payload sends."""
    return str(payload.get("DisplayName") or "")


def with_name(payload: dict[str, Any], name: str) -> dict[str, Any]:
    return {**payload, "DisplayName": name}


def location_update(payload: dict[str, Any]) -> dict[str, Any]:
    """A location update: where the job sits in QuickBooks (under a job of a job, say) is QuickBooks' to keep."""
    return {key: value for key, value in payload.items() if key not in ("ParentRef", "Job", "BillWithParent")}
