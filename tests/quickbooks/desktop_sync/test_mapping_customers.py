"""QuickBooks Desktop customers, jobs and ship-to addresses ↔ the engine's customer records."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from apps.quickbooks.desktop.mapping import customers as mapping
from apps.quickbooks.desktop.mapping.common import desktop_offset, modified_filter_time, status_error
from apps.quickbooks.models import RecordLink, SyncRunEntry
from apps.quickbooks.sync.records import Address, CustomerRecord

CAREFREE = {
    "ListID": "80000001-1700000000",
    "TimeCreated": "2015-11-20T09:00:00-05:00",
    "TimeModified": "2015-11-21T10:15:00-05:00",
    "EditSequence": "1700000100",
    "Name": "Carefree",
    "FullName": "Carefree",
    "IsActive": "true",
    "Sublevel": "0",
    "CompanyName": "Carefree Homes LLC",
    "FirstName": "Ann",
    "LastName": "Lee",
    "BillAddress": {"Addr1": "1 Main St", "City": "Tulsa", "State": "OK", "PostalCode": "74101"},
    "ShipToAddress": [
        {"Name": "Main Office", "Addr1": "1 Main St", "City": "Tulsa", "State": "OK", "DefaultShipTo": "true"},
        {"Name": "Warehouse", "Addr1": "9 Dock Rd", "City": "Tulsa"},
    ],
    "Phone": "918-555-0100",
    "Email": "ann@carefree.example",
    "TermsRef": {"ListID": "20000-1", "FullName": "Net 30"},
    "SalesTaxCodeRef": {"ListID": "10000-1", "FullName": "Non"},
}

JOB = {
    "ListID": "80000002-1700000000",
    "TimeCreated": "2015-11-20T09:05:00-05:00",
    "TimeModified": "2015-11-20T09:05:00-05:00",
    "EditSequence": "1700000200",
    "Name": "Main Office",
    "FullName": "Carefree:Main Office",
    "ParentRef": {"ListID": "80000001-1700000000", "FullName": "Carefree"},
    "Sublevel": "1",
    "IsActive": "true",
}


def test_a_customer_arrives_with_the_seeds_field_mapping():
    record = mapping.customer_record(CAREFREE)

    assert record.remote_id == CAREFREE["ListID"] and record.version == "1700000100"
    assert record.name == "Carefree"  # Customer Name ↔ FieldOffice's company (display) name
    assert record.company_name == "Carefree Homes LLC"
    assert (record.first_name, record.last_name) == ("Ann", "Lee")
    assert (record.phone, record.email) == ("918-555-0100", "ann@carefree.example")
    assert record.billing == Address(street="1 Main St", city="Tulsa", state="OK", postal_code="74101")
    assert record.taxable is False and record.active is True
    assert record.term_id == "20000-1"
    assert (record.parent_id, record.job, record.own_name) == ("", False, "")
    assert record.updated_at == datetime(2015, 11, 21, 15, 15, tzinfo=UTC)


def test_a_job_arrives_as_a_customer_under_its_full_name():
    record = mapping.customer_record(JOB)

    assert record.name == "Carefree - Main Office"
    assert (record.parent_id, record.job) == ("", False)
    assert (record.own_name, record.parent_name) == ("Main Office", "Carefree")


def test_ship_to_addresses_arrive_as_locations_of_their_customer():
    records = mapping.customer_records(CAREFREE)

    assert [record.name for record in records] == ["Carefree", "Main Office", "Warehouse"]
    office = records[1]
    assert office.remote_id == "80000001-1700000000/main office"
    assert office.job is True and office.parent_id == CAREFREE["ListID"]
    assert office.shipping.street == "1 Main St"
    assert office.version == CAREFREE["EditSequence"]
    assert mapping.ship_to_owner(office.remote_id) == CAREFREE["ListID"]


def test_ship_to_addresses_are_taxed_as_their_customer():
    """
    An invoice to a location bills its customer (the ship-to only addresses it), so each ship-to record carries its
    customer's tax setting: it compares equal to a location sent with that setting, and a write never sends it.
    """
    exempt = {**CAREFREE, "ItemSalesTaxRef": {"ListID": "30000-1", "FullName": "Tulsa County"}}
    taxable = {**CAREFREE, "SalesTaxCodeRef": {"ListID": "10000-2", "FullName": "Tax"}}

    office = mapping.customer_records(exempt)[1]

    assert office.taxable is False
    assert office.tax_code_id == "30000-1"
    assert mapping.customer_records(taxable)[1].taxable is True
    assert mapping.customer_records(taxable)[1].tax_code_id == ""
    assert set(mapping.ship_to_fields(replace(office, remote_id=""))) == {"Name", "Addr1", "City", "State"}


def test_a_customer_record_becomes_desktop_fields_within_desktops_limits():
    record = CustomerRecord(
        remote_id=CAREFREE["ListID"],
        version="1700000100",
        name="A customer name far longer than Desktop's forty-one characters",
        company_name="Carefree Homes LLC",
        first_name="Ann",
        last_name="Lee",
        phone="918-555-0100",
        email="ann@carefree.example",
        billing=Address(street="1 Main St", city="Tulsa", state="OK", postal_code="74101"),
        active=False,
        taxable=True,
        term_id="20000-1",
    )

    fields = mapping.customer_fields(record)

    assert fields["ListID"] == CAREFREE["ListID"] and fields["EditSequence"] == "1700000100"
    assert len(fields["Name"]) <= mapping.NAME_MAX
    assert fields["IsActive"] == "false"
    assert fields["BillAddress"]["State"] == "OK" and fields["BillAddress"]["Addr1"] == "1 Main St"
    assert fields["SalesTaxCodeRef"] == {"FullName": "Tax"}
    assert fields["TermsRef"] == {"ListID": "20000-1"}


def test_a_new_customer_leaves_out_what_it_does_not_have():
    fields = mapping.customer_fields(CustomerRecord(name="New Co"))

    assert fields == {"Name": "New Co", "IsActive": "true", "SalesTaxCodeRef": {"FullName": "Tax"}}


def test_a_job_written_back_keeps_its_own_name_unless_renamed_here():
    job = mapping.customer_record(JOB)

    unchanged = mapping.customer_fields(CustomerRecord(remote_id=JOB["ListID"], name="Carefree - Main Office"), job=job)
    renamed = mapping.customer_fields(CustomerRecord(remote_id=JOB["ListID"], name="Carefree - North Office"), job=job)

    assert unchanged["Name"] == "Main Office"
    assert renamed["Name"] == "North Office"


def test_a_location_becomes_a_named_ship_to_of_its_customer():
    record = CustomerRecord(
        name="Warehouse",
        job=True,
        parent_id=CAREFREE["ListID"],
        shipping=Address(street="9 Dock Rd", city="Tulsa", postal_code="74102"),
    )
    update = CustomerRecord(remote_id="80000001-1700000000/warehouse", job=True, parent_id="other", keep_place=True)

    assert mapping.location_parent_id(record) == CAREFREE["ListID"]
    assert mapping.location_parent_id(update) == CAREFREE["ListID"]
    assert mapping.ship_to_fields(record) == {
        "Name": "Warehouse",
        "Addr1": "9 Dock Rd",
        "City": "Tulsa",
        "PostalCode": "74102",
    }


def test_the_longest_ship_to_id_fits_where_links_and_the_run_log_keep_ids():
    """A ListID is up to 36 characters and a ship-to's name up to 41: PostgreSQL refuses what its column cannot hold."""
    longest = mapping.ship_to_id("8" * 36, "N" * mapping.NAME_MAX)

    assert len(longest) <= RecordLink._meta.get_field("qbo_id").max_length
    assert len(longest) <= SyncRunEntry._meta.get_field("qbo_id").max_length


def test_a_deleted_customer_arrives_as_a_deleted_record():
    record = mapping.CustomersAdapter().deleted_record(CAREFREE["ListID"])
    assert (record.remote_id, record.deleted) == (CAREFREE["ListID"], True)


def test_statuses_become_the_engines_codes_with_desktops_words():
    in_use = status_error(code=3100, message='The name "Carefree" of the list element is already in use.')
    stale = status_error(code=3200, message="The provided edit sequence is out-of-date.")
    locked = status_error(code=3175, message="record in use")

    assert in_use.code == "6240" and "already in use" in in_use.errors[0].message
    assert stale.code == "5010"
    assert locked.code == "desktop-in-use"


def test_modified_filters_are_written_in_the_company_machines_local_time():
    offset = desktop_offset("2015-11-21T10:15:00-05:00")
    moment = datetime(2015, 11, 21, 15, 15, tzinfo=UTC)

    assert offset == timedelta(hours=-5)
    assert modified_filter_time(moment, offset) == "2015-11-21T10:15:00"
