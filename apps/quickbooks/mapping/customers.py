"""
Customers ↔ QuickBooks customers, service locations ↔ QuickBooks sub-customers (jobs): the engine's
``CustomerRecord`` from FieldOffice's customers and locations and back (each backend translates the record to its
wire format: ``online.mapping.customers``, ``desktop.mapping.customers``).

A service location goes to QuickBooks as a sub-customer of its customer, billed with its parent, its address as the
shipping address, and taxed as its customer: QuickBooks taxes an invoice by the customer it bills (the sub-customer)
and takes a customer as taxable unless told otherwise, so each location carries its customer's tax setting.
QuickBooks names must be unique across customers, vendors and employees, jobs included, so a location whose plain
name is taken is sent as "Customer - Location"; coming back, that prefix is dropped again.

The comparable forms keep the keys of QuickBooks Online's customer: the hashes links keep were taken of them, for
records of either backend.
"""

from dataclasses import replace
from typing import Any

from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.mapping.common import (
    name_for_quickbooks,
    text,
)
from apps.quickbooks.mapping.refs import CustomerRefs
from apps.quickbooks.sync.records import Address, CustomerRecord

DISPLAY_NAME_MAX = 500
# A sub-customer's name can be long; a location's name here holds 100 characters.
LOCATION_NAME_MAX = 100
ADDRESS_KEYS = ("Line1", "Line2", "City", "CountrySubDivisionCode", "PostalCode", "Country")
LOCAL_ADDRESS_MAX = (200, 200, 100, 100, 20, 100)


def address_sent(*parts: str) -> Address:
    street, street2, city, state, postal_code, country = (text(part) for part in parts)
    return Address(street=street, street2=street2, city=city, state=state, postal_code=postal_code, country=country)


def _address_comparable(address: Address) -> dict[str, str]:
    return dict(zip(ADDRESS_KEYS, address.parts(), strict=True))


def _address_local(address: Address) -> tuple[str, ...]:
    return tuple(text(value, size) for value, size in zip(address.parts(), LOCAL_ADDRESS_MAX, strict=True))


def _tax_setting(customer: Customer, refs: CustomerRefs) -> dict[str, Any]:
    """How QuickBooks is to tax ``customer`` and its locations: whether at all, and under which code by default."""
    return {"taxable": customer.taxable, "tax_code_id": refs.tax_rates.remote(customer.tax_rate_id) or ""}


def _tax_setting_comparable(record: CustomerRecord) -> dict[str, Any]:
    return {"Taxable": record.taxable, "DefaultTaxCodeRef": record.tax_code_id}


# Customers.


def customer_sent(customer: Customer, refs: CustomerRefs) -> CustomerRecord:
    """What FieldOffice sends for a customer (an update once ``remote_id`` and ``version`` are set)."""
    return CustomerRecord(
        name=text(name_for_quickbooks(customer.display_name, DISPLAY_NAME_MAX)),
        company_name=text(customer.company_name, 100),
        first_name=text(customer.first_name, 100),
        last_name=text(customer.last_name, 100),
        phone=text(customer.phone, 30),
        email=text(customer.email, 100),
        billing=address_sent(
            customer.billing_street,
            customer.billing_street2,
            customer.billing_city,
            customer.billing_state,
            customer.billing_postal_code,
            customer.billing_country,
        ),
        active=customer.active,
        term_id=refs.terms.remote(customer.payment_term_id) or "",
        **_tax_setting(customer, refs),
    )


def customer_comparable(record: CustomerRecord) -> dict[str, Any]:
    """The synced fields of a customer, sent or read, normalised so that both compare."""
    return {
        "DisplayName": record.name,
        "CompanyName": record.company_name,
        "GivenName": record.first_name,
        "FamilyName": record.last_name,
        "Phone": record.phone,
        "Email": record.email,
        "BillAddr": _address_comparable(record.billing),
        "Active": record.active,
        "SalesTermRef": record.term_id,
        **_tax_setting_comparable(record),
    }


def customer_fields(record: CustomerRecord, refs: CustomerRefs) -> dict[str, Any]:
    """The local fields of a QuickBooks (top-level) customer."""
    street, street2, city, state, postal_code, country = _address_local(record.billing)
    return {
        "display_name": text(record.name, 100),
        "company_name": text(record.company_name, 100),
        "first_name": text(record.first_name, 100),
        "last_name": text(record.last_name, 100),
        "phone": text(record.phone, 30),
        "email": text(record.email, 254),
        "billing_street": street,
        "billing_street2": street2,
        "billing_city": city,
        "billing_state": state,
        "billing_postal_code": postal_code,
        "billing_country": country,
        "active": record.active,
        "taxable": record.taxable,
        "payment_term_id": refs.terms.local(record.term_id),
        "tax_rate_id": refs.tax_rates.local(record.tax_code_id),
    }


# Service locations.


def location_display_name(location: ServiceLocation, customer_name: str, *, qualified: bool) -> str:
    """The sub-customer's name: the location's own, or "Customer - Location" when the plain one is taken."""
    name = f"{customer_name} - {location.name}" if qualified else location.name
    return name_for_quickbooks(name, DISPLAY_NAME_MAX)


def location_sent(
    location: ServiceLocation, *, customer: Customer, refs: CustomerRefs, parent_remote_id: str, name: str
) -> CustomerRecord:
    """What FieldOffice sends for a location of ``customer``: its sub-customer, with the customer's tax setting."""
    return CustomerRecord(
        name=text(name),
        job=True,
        parent_id=parent_remote_id,
        shipping=address_sent(
            location.street,
            location.street2,
            location.city,
            location.state,
            location.postal_code,
            location.country,
        ),
        active=location.active,
        **_tax_setting(customer, refs),
    )


def location_name(record: CustomerRecord, customer_name: str) -> str:
    """A sub-customer's name as a location of ``customer_name``: the "Customer - " prefix FieldOffice adds dropped."""
    name = record.name
    prefix = name_for_quickbooks(f"{customer_name} - ", DISPLAY_NAME_MAX) + " "
    if customer_name and name.casefold().startswith(prefix.casefold()) and len(name) > len(prefix):
        name = name[len(prefix) :]
    return name[:LOCATION_NAME_MAX].strip()


def location_name_distinct(name: str, remote_id: str) -> str:
    """A name for a second location that QuickBooks' customer calls like one already linked here."""
    suffix = f" ({remote_id})"
    return name[: LOCATION_NAME_MAX - len(suffix)] + suffix


def location_comparable(record: CustomerRecord, customer_name: str) -> dict[str, Any]:
    """
    A location's sub-customer, sent or read, normalised (the name without FieldOffice's prefix). The tax setting is
    its customer's, so a change of the customer's sends its locations again.
    """
    return {
        "Name": location_name(record, customer_name),
        "ShipAddr": _address_comparable(record.shipping),
        "Active": record.active,
        **_tax_setting_comparable(record),
    }


def location_comparable_held(sent: CustomerRecord, held: CustomerRecord, customer_name: str) -> dict[str, Any]:
    """
    What QuickBooks holds once its sub-customer ``held`` is applied to the location ``sent`` is now made from: the
    location's fields, and QuickBooks' own tax setting, which a location here takes from its customer, never from
    QuickBooks. Where that setting differs from the customer's, the location is sent again.
    """
    return {**location_comparable(sent, customer_name), **_tax_setting_comparable(held)}


def location_fields(record: CustomerRecord, customer_name: str) -> dict[str, Any]:
    street, street2, city, state, postal_code, country = _address_local(record.shipping)
    return {
        "name": location_name(record, customer_name),
        "street": street,
        "street2": street2,
        "city": city,
        "state": state,
        "postal_code": postal_code,
        "country": country,
        "active": record.active,
    }


def with_name(record: CustomerRecord, name: str) -> CustomerRecord:
    return replace(record, name=name)


def location_update(record: CustomerRecord) -> CustomerRecord:
    """A location update: where the job sits in QuickBooks (under a job of a job, say) is QuickBooks' to keep."""
    return replace(record, keep_place=True)
