"""Customers and service locations → QuickBooks Online customers and sub-customers: the mapping, without HTTP."""

from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.mapping import customers as mapping
from apps.quickbooks.mapping.common import content_hash
from apps.quickbooks.mapping.refs import CustomerRefs
from apps.quickbooks.online.mapping import customers as online
from apps.quickbooks.sync.records import CustomerRecord

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


def _location_sent(customer: Customer, refs: CustomerRefs | None = None) -> CustomerRecord:
    return mapping.location_sent(
        _gym(customer), customer=customer, refs=refs or _refs(), parent_remote_id="58", name="Gym"
    )


def _location_payload(customer: Customer, refs: CustomerRefs | None = None) -> dict:
    """The JSON QuickBooks Online is sent for the gym of ``customer``."""
    return online.record_payload(_location_sent(customer, refs))


def _comparable(obj: dict) -> dict:
    """The comparable form of a sub-customer of Northstar School, sent or held by QuickBooks Online."""
    return mapping.location_comparable(online.customer_record(obj), "Northstar School")


def test_a_location_is_sent_with_its_customers_tax_setting_and_default_tax_code():
    payload = _location_payload(_school())

    # QuickBooks taxes an invoice by the customer it bills, here the location's sub-customer, which it would
    # otherwise take as taxable: a tax-exempt customer's location is exempt too.
    assert payload["Taxable"] is False
    assert payload["DefaultTaxCodeRef"] == {"value": EXEMPT_CODE}
    customer_payload = online.record_payload(mapping.customer_sent(_school(), _refs()))
    assert (payload["Taxable"], payload["DefaultTaxCodeRef"]) == (
        customer_payload["Taxable"],
        customer_payload["DefaultTaxCodeRef"],
    )
    assert payload["ParentRef"] == {"value": "58"} and payload["BillWithParent"] is True


def test_a_location_update_keeps_the_tax_setting():
    update = online.record_payload(mapping.location_update(_location_sent(_school())))

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
        return content_hash(_comparable(payload))

    assert _comparable(exempt)["Taxable"] is False
    assert _comparable(exempt)["DefaultTaxCodeRef"] == EXEMPT_CODE
    assert len({location_hash(exempt), location_hash(taxable), location_hash(other_code)}) == 3


def test_a_sub_customer_quickbooks_taxes_does_not_compare_equal_to_an_exempt_location():
    """What Resend All Data compares: a job QuickBooks holds as taxable (its default) differs from what is sent."""
    payload = _location_payload(_school())
    held = {key: value for key, value in payload.items() if key not in ("Taxable", "DefaultTaxCodeRef")}
    held.update({"Id": "59", "SyncToken": "0"})
    corrected = {**held, "Taxable": False, "DefaultTaxCodeRef": {"value": EXEMPT_CODE, "name": "Exempt"}}

    def location_hash(obj):
        return content_hash(_comparable(obj))

    assert location_hash(held) != location_hash(payload)
    assert location_hash(corrected) == location_hash(payload)


def test_what_quickbooks_holds_after_a_pull_keeps_its_own_tax_setting():
    """A location takes QuickBooks' address but never its tax setting, so a differing one is still to be sent."""
    payload = _location_payload(_school())
    taxable_there = {**payload, "Id": "59", "SyncToken": "3", "Taxable": True}
    exempt_there = {**taxable_there, "Taxable": False}

    def held_hash(obj):
        held = online.customer_record(obj)
        return content_hash(mapping.location_comparable_held(_location_sent(_school()), held, "Northstar School"))

    sent = content_hash(_comparable(payload))
    assert held_hash(taxable_there) != sent
    assert held_hash(exempt_there) == sent


def _refs_with(rate_id: int, code: str) -> CustomerRefs:
    refs = _refs()
    refs.tax_rates.add(rate_id, code)
    return refs


def test_a_customer_goes_to_quickbooks_online_and_back_unchanged():
    customer = _school(phone="555-0100", billing_street="1 Main St", billing_city="Duluth")
    sent = mapping.customer_sent(customer, _refs())
    payload = {**online.record_payload(sent), "Id": "58", "SyncToken": "2"}

    read = online.customer_record(payload)

    assert (read.remote_id, read.version, read.job) == ("58", "2", False)
    assert mapping.customer_comparable(read) == mapping.customer_comparable(sent)
    assert mapping.customer_fields(read, _refs())["tax_rate_id"] == EXEMPT_RATE_ID


def test_a_deleted_customer_says_only_that():
    record = online.customer_record({"status": "Deleted", "Id": "58"})
    assert (record.remote_id, record.deleted) == ("58", True)
