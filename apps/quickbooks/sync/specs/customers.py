"""
Customers and their service locations (QuickBooks customers and their jobs, or a customer's named ship-to
addresses): synced one way either way, or both ways with a primary system, by the two-way rules
(``sync.both_ways``).

Matched by link, then by name: one-way sync skips an unlinked record whose name the other side already uses
(logged, never merged); two-way links it. In two-way, a record changed on both sides since the last run takes the
later edit, and the losing version is kept in the run's log. A location lives under its customer: how it finds its
customer, and what it is sent with, is ``steps.customers``.
"""

from dataclasses import replace
from typing import Any

from apps.accounting.models import PaymentTerm, TaxRate
from apps.customers import services as customer_services
from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.mapping import customers as mapping
from apps.quickbooks.mapping.refs import CustomerRefs
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.sync.context import RunContext, SyncRules
from apps.quickbooks.sync.plan import BothWays
from apps.quickbooks.sync.records import CUSTOMER, TAX_CODE, TERM, CustomerRecord
from apps.quickbooks.sync.spec import EntitySpec, Refs

NAME_TAKEN = (
    "QuickBooks already has a customer named {name} that is not linked to this record. One-way sync never merges "
    "records: rename one of them, or use two-way sync to link them."
)
NAME_IN_USE = (
    "A vendor or employee in QuickBooks already uses the name {name}. QuickBooks names must be unique across "
    "customers, vendors and employees (inactive ones included): rename one of them."
)
BECAME_TOP_LEVEL = (
    "This record became a top-level customer in QuickBooks; here it is a service location. Nothing was changed."
)


def customers_master(rules: SyncRules) -> str:
    """Whether the settings sync customers (and then, which system is primary)."""
    if not (rules.customers_pull or rules.customers_push):
        return ""
    if rules.two_way:
        return PrimarySystem.QUICKBOOKS if rules.quickbooks_primary else PrimarySystem.LOCAL
    return PrimarySystem.QUICKBOOKS if rules.customers_pull else PrimarySystem.LOCAL


def customers_rules(ctx: RunContext) -> BothWays:
    return BothWays(two_way=ctx.two_way, quickbooks_primary=ctx.quickbooks_primary, full=ctx.full)


def customer_refs(ctx: RunContext) -> CustomerRefs:
    """The tax rates and terms linked to QuickBooks, which customers and locations refer to (when they are synced)."""
    refs = CustomerRefs()
    if not ctx.settings.sync_tax_rates_and_terms:
        return refs
    for object_id, qbo_id in ctx.linked_ids(TaxRate, TAX_CODE).items():
        refs.tax_rates.add(object_id, qbo_id)
    for object_id, qbo_id in ctx.linked_ids(PaymentTerm, TERM).items():
        refs.terms.add(object_id, qbo_id)
    return refs


def customer_namesake_refused(customer: Customer) -> str:
    return (
        f"FieldOffice already has a customer named {customer.display_name} that is not linked to this QuickBooks "
        "customer. One-way sync never merges records: rename one of them, or use two-way sync to link them."
    )


def _customer_create(*, division: Any, by_master_system: bool, **fields: Any) -> Customer:
    return customer_services.customer_create(division=division, **fields)


def _customer_update(*, customer: Customer, by_master_system: bool, **fields: Any) -> Customer:
    return customer_services.customer_update(customer=customer, **fields)


def _customer_deactivate(*, customer: Customer, by_master_system: bool) -> Customer:
    return customer_services.customer_update(customer=customer, active=False)


def _location_create(*, division: Any, by_master_system: bool, **fields: Any) -> ServiceLocation:
    return customer_services.service_location_create(**fields)


def _location_update(*, location: ServiceLocation, by_master_system: bool, **fields: Any) -> ServiceLocation:
    return customer_services.service_location_update(location=location, **fields)


def _location_deactivate(*, location: ServiceLocation, by_master_system: bool) -> ServiceLocation:
    return customer_services.service_location_update(location=location, active=False)


def _not_sent(local: Any, refs: Refs, action: str) -> CustomerRecord:
    raise NotImplementedError("Sent with what the lookups give: ``sent_record``.")


def _location_only(*args: Any) -> Any:
    raise NotImplementedError("A location is mapped with its customer: see ``steps.customers``.")


CUSTOMERS = EntitySpec(
    name="customers",
    label="customer",
    stage="Receiving customers from QuickBooks",
    push_stage="Sending customers to QuickBooks",
    model=Customer,
    entity=CUSTOMER,
    record_type=CustomerRecord,
    create=_customer_create,
    update=_customer_update,
    deactivate=_customer_deactivate,
    instance_argument="customer",
    master=customers_master,
    both_ways=customers_rules,
    # A customer's fields and the record sent for it depend on the tax rates and terms looked up.
    fields=lambda record: mapping.customer_fields(record, CustomerRefs()),
    local_fields=lambda record, customer, refs: mapping.customer_fields(record, refs),
    remote_comparable=mapping.customer_comparable,
    local_comparable=lambda customer: mapping.customer_comparable(mapping.customer_sent(customer, CustomerRefs())),
    to_record=_not_sent,
    sent_record=mapping.customer_sent,
    lookups=customer_refs,
    local_name=lambda customer: customer.display_name,
    name_field="display_name",
    record_label=lambda customer: customer.display_name,
    reads=(CUSTOMER,),
    depends_on=("payment terms", "tax rates"),
    # Jobs are the locations' (``LOCATIONS``).
    listed=lambda record: not record.job,
    matched_there=lambda record: not record.job,
    linked_elsewhere=BECAME_TOP_LEVEL,
    namesake_refused=customer_namesake_refused,
    name_taken=lambda name: NAME_TAKEN.format(name=name),
    name_in_use=lambda name: NAME_IN_USE.format(name=name),
    retries_failed=True,
    save_many=lambda rows: customer_services.customers_bulk_upsert(rows=rows),
    pending_creates=True,
    created_at=lambda record: record.created_at,
)

# A location is one of its customer's jobs there (or ship-to addresses): the customers' spec, but for what is its own.
LOCATIONS = replace(
    CUSTOMERS,
    name="service locations",
    label="service location",
    stage="Receiving service locations from QuickBooks",
    push_stage="Sending service locations to QuickBooks",
    model=ServiceLocation,
    create=_location_create,
    update=_location_update,
    deactivate=_location_deactivate,
    instance_argument="location",
    # Its fields, the record sent and their comparable forms depend on its customer: ``steps.customers``.
    fields=_location_only,
    local_fields=None,
    remote_comparable=_location_only,
    local_comparable=_location_only,
    sent_record=None,
    local_name=lambda location: location.name,
    name_field="name",
    record_label=lambda location: location.name,
    division_path="customer__division",
    depends_on=("customers",),
    listed=lambda record: record.job,
    matched_there=lambda record: record.job,
    linked_elsewhere="",
    namesake_refused=None,
    save_many=lambda rows: customer_services.locations_bulk_upsert(rows=rows),
)
