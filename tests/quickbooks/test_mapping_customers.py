"""Customers and service locations → QuickBooks Online customers and sub-customers: the mapping, without HTTP."""

from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.mapping import customers as mapping
from apps.quickbooks.mapping.common import content_hash
from apps.quickbooks.mapping.refs import CustomerRefs

EXEMPT_RATE_ID, EXEMPT_CODE = 7, "31"


def _refs() -> CustomerRefs:
    refs = CustomerRefs()
    refs.tax_rates.add(EXEMPT_RATE_ID, EXEMPT_CODE)
    return refs


def _school(**fields) -> Customer:
    values = {"pk": 1, "division_id": 1, "display_name": "Northstar School", "taxable": False}
    values["tax_rate_id"] = EXEMPT_RATE_ID
    return Customer(**{**values, **fields})


def _gym(customer: Customer) -> ServiceLocation:
    return ServiceLocation(pk=2, customer=customer, name="Gym", street="4 Court Rd", city="Duluth", active=True)


def _location_payload(customer: Customer, refs: CustomerRefs | None = None) -> dict:
    return mapping.location_payload(
        _gym(customer), customer=customer, refs=refs or _refs(), parent_remote_id="58", name="Gym"
    )


def test_a_location_is_sent_with_its_customers_tax_setting_and_default_tax_code():
    payload = _location_payload(_school())

    # QuickBooks taxes an invoice by the customer it bills, here the location's sub-customer, which it would
    # otherwise take as taxable: a tax-exempt customer's location is exempt too.
    assert payload["Taxable"] is False
    assert payload["DefaultTaxCodeRef"] == {"value": EXEMPT_CODE}
    customer_payload = mapping.customer_payload(_school(), _refs())
    assert (payload["Taxable"], payload["DefaultTaxCodeRef"]) == (
        customer_payload["Taxable"],
        customer_payload["DefaultTaxCodeRef"],
    )
    assert payload["ParentRef"] == {"value": "58"} and payload["BillWithParent"] is True


def test_a_location_update_keeps_the_tax_setting():
    update = mapping.location_update(_location_payload(_school()))

    assert update["Taxable"] is False and update["DefaultTaxCodeRef"] == {"value": EXEMPT_CODE}
    assert "ParentRef" not in update


def test_a_customer_without_a_tax_code_in_quickbooks_sends_its_locations_none():
    payload = _location_payload(_school(taxable=True, tax_rate_id=None))

    assert payload["Taxable"] is True and "DefaultTaxCodeRef" not in payload


def test_the_locations_comparable_form_holds_the_tax_setting_so_a_change_of_it_is_sent():
    exempt = _location_payload(_school())
    taxable = _location_payload(_school(taxable=True))
    other_code = _location_payload(_school(tax_rate_id=8), refs=_refs_with(8, "32"))

    def location_hash(payload):
        return content_hash(mapping.location_comparable(payload, "Northstar School"))

    assert mapping.location_comparable(exempt, "Northstar School")["Taxable"] is False
    assert mapping.location_comparable(exempt, "Northstar School")["DefaultTaxCodeRef"] == EXEMPT_CODE
    assert len({location_hash(exempt), location_hash(taxable), location_hash(other_code)}) == 3


def test_a_sub_customer_quickbooks_taxes_does_not_compare_equal_to_an_exempt_location():
    """What Resend All Data compares: a job QuickBooks holds as taxable (its default) differs from what is sent."""
    payload = _location_payload(_school())
    held = {key: value for key, value in payload.items() if key not in ("Taxable", "DefaultTaxCodeRef")}
    held.update({"Id": "59", "SyncToken": "0"})
    corrected = {**held, "Taxable": False, "DefaultTaxCodeRef": {"value": EXEMPT_CODE, "name": "Exempt"}}

    def location_hash(obj):
        return content_hash(mapping.location_comparable(obj, "Northstar School"))

    assert location_hash(held) != location_hash(payload)
    assert location_hash(corrected) == location_hash(payload)


def test_what_quickbooks_holds_after_a_pull_keeps_its_own_tax_setting():
    """A location takes QuickBooks' address but never its tax setting, so a differing one is still to be sent."""
    payload = _location_payload(_school())
    taxable_there = {**payload, "Id": "59", "SyncToken": "3", "Taxable": True}
    exempt_there = {**taxable_there, "Taxable": False}

    def held_hash(obj):
        return content_hash(mapping.location_comparable_held(payload, obj, "Northstar School"))

    sent = content_hash(mapping.location_comparable(payload, "Northstar School"))
    assert held_hash(taxable_there) != sent
    assert held_hash(exempt_there) == sent


def _refs_with(rate_id: int, code: str) -> CustomerRefs:
    refs = _refs()
    refs.tax_rates.add(rate_id, code)
    return refs
