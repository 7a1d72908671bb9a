"""Customers, jobs, vendors and employees: display names, the shared name pool, hierarchy and deactivation."""

import pytest

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import QboFault, entity_create, entity_read, entity_update
from apps.qbo_sandbox.seeding import SeedOptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return company_create(name="Names Co", options=SeedOptions(seed="demo"))


def _fault(call, *args, **kwargs) -> QboFault:
    with pytest.raises(QboFault) as raised:
        call(*args, **kwargs)
    return raised.value


def _customer(company, name: str, **fields):
    return entity_create(company, "Customer", {"DisplayName": name, **fields})


def _sparse(company, entity, **fields):
    payload = {"Id": entity.entity_id, "SyncToken": entity.data["SyncToken"], "sparse": True, **fields}
    return entity_update(company, entity.entity_type, payload)


def test_intuits_sample_customer_is_completed_as_quickbooks_does(company):
    customer = entity_create(
        company,
        "Customer",
        {
            "FullyQualifiedName": "King Groceries",
            "PrimaryEmailAddr": {"Address": "jdrew@myemail.com"},
            "DisplayName": "King's Groceries",
            "Suffix": "Jr",
            "Title": "Mr",
            "MiddleName": "B",
            "Notes": "Here are other details.",
            "FamilyName": "King",
            "PrimaryPhone": {"FreeFormNumber": "(555) 555-5555"},
            "CompanyName": "King Groceries",
            "BillAddr": {"CountrySubDivisionCode": "CA", "City": "Mountain View", "Line1": "123 Main Street"},
            "GivenName": "James",
        },
    )

    data = customer.data
    assert data["FullyQualifiedName"] == "King's Groceries" and data["PrintOnCheckName"] == "King Groceries"
    assert (data["Job"], data["BillWithParent"], data["Taxable"], data["Active"]) == (False, False, True, True)
    assert (data["Balance"], data["BalanceWithJobs"], data["PreferredDeliveryMethod"]) == (0, 0, "Print")
    assert data["CurrencyRef"] == {"value": "USD", "name": "United States Dollar"}
    assert data["BillAddr"]["Id"] and "Level" not in data


def test_display_name_is_built_from_the_name_parts(company):
    built = entity_create(company, "Customer", {"Title": "Dr", "GivenName": "Ada", "FamilyName": "Byron"})
    employee = entity_create(company, "Employee", {"GivenName": "Rosa", "FamilyName": "Diaz"})
    nameless = _fault(entity_create, company, "Customer", {"Notes": "who?"})

    assert built.data["DisplayName"] == "Dr Ada Byron"
    assert employee.data["DisplayName"] == "Rosa Diaz" and employee.data["PrintOnCheckName"] == "Rosa Diaz"
    assert (nameless.code, nameless.message) == ("6080", "No Name Provided")


@pytest.mark.parametrize("name", ["Cool Cars:Repairs", "Tab\tName", "Two\nLines"])
def test_names_may_not_hold_colons_tabs_or_line_breaks(company, name):
    fault = _fault(entity_create, company, "Vendor", {"DisplayName": name})

    assert (fault.code, fault.element) == ("2180", "DisplayName")
    assert fault.detail == (
        "Names must have at least one character, must be on one line, and cannot include colons or tabbing."
    )


def test_the_name_pool_spans_customers_vendors_and_employees_inactive_ones_included(company):
    customer = _customer(company, "Shared Name")
    _sparse(company, customer, Active=False)

    vendor = _fault(entity_create, company, "Vendor", {"DisplayName": "shared name"})
    employee = _fault(entity_create, company, "Employee", {"DisplayName": "SHARED NAME "})
    renamed = _fault(_sparse, company, _customer(company, "Other Name"), DisplayName="Shared Name")

    for fault in (vendor, employee, renamed):
        assert (fault.code, fault.message) == ("6240", "Duplicate Name Exists Error")
    assert vendor.detail.startswith("The name supplied already exists. : ")


def test_email_addresses_need_an_at_sign_and_a_dot(company):
    fault = _fault(_customer, company, "Mailer", PrimaryEmailAddr={"Address": "nobody-at-example"})

    assert fault.code == "2210"


def test_sensitive_numbers_are_masked(company):
    vendor = entity_create(company, "Vendor", {"DisplayName": "Masked Vendor", "TaxIdentifier": "99-5688293"})
    employee = entity_create(company, "Employee", {"GivenName": "Sam", "SSN": "123-45-6789"})

    assert vendor.data["TaxIdentifier"] == "XXXXXXXX8293" and vendor.data["Vendor1099"] is False
    assert employee.data["SSN"] == "XXX-XX-XXXX"


def test_jobs_need_a_parent_and_nest_at_most_four_levels_below_the_top(company):
    top = _customer(company, "Level Zero")
    orphan = _fault(_customer, company, "Orphan", Job=True)
    chain = [top]
    for level in range(1, 5):
        chain.append(_customer(company, f"Level {level}", Job=True, ParentRef={"value": chain[-1].entity_id}))
    too_deep = _fault(_customer, company, "Level 5", Job=True, ParentRef={"value": chain[-1].entity_id})

    assert (orphan.code, orphan.element) == ("6150", "ParentRef")
    assert chain[4].data["Level"] == 4
    assert chain[4].data["FullyQualifiedName"] == "Level Zero:Level 1:Level 2:Level 3:Level 4"
    assert chain[1].data["ParentRef"] == {"value": top.entity_id} and chain[1].data["Job"] is True
    assert too_deep.code == "6180"


def test_a_parent_ref_alone_makes_a_job_and_cycles_are_refused(company):
    parent = _customer(company, "Parent Co")
    child = _customer(company, "Child Job", ParentRef={"value": parent.entity_id})

    cycle = _fault(
        _sparse, company, entity_read(company, "Customer", parent.entity_id), ParentRef={"value": child.entity_id}
    )
    itself = _fault(_sparse, company, child, ParentRef={"value": child.entity_id})

    assert (child.data["Job"], child.data["Level"]) == (True, 1)
    assert cycle.code == itself.code == "900"


def test_renaming_a_parent_relabels_its_jobs_without_new_versions(company):
    parent = _customer(company, "Old Name")
    job = _customer(company, "Kitchen", Job=True, ParentRef={"value": parent.entity_id})
    sub_job = _customer(company, "Cabinets", Job=True, ParentRef={"value": job.entity_id})

    _sparse(company, parent, DisplayName="New Name")

    job, sub_job = (entity_read(company, "Customer", e.entity_id) for e in (job, sub_job))
    assert job.data["FullyQualifiedName"] == "New Name:Kitchen"
    assert sub_job.data["FullyQualifiedName"] == "New Name:Kitchen:Cabinets" and sub_job.data["Level"] == 2
    assert job.data["SyncToken"] == sub_job.data["SyncToken"] == "0"


def test_deactivating_a_customer_takes_its_jobs_along(company):
    parent = _customer(company, "Closing Down")
    job = _customer(company, "Last Job", Job=True, ParentRef={"value": parent.entity_id})

    _sparse(company, parent, Active=False)

    job = entity_read(company, "Customer", job.entity_id)
    assert job.active is False and job.data["SyncToken"] == "1"


def test_a_customer_with_an_open_balance_cannot_be_made_inactive(company):
    parent = _customer(company, "Owes Money")
    job = _customer(company, "Billed Job", Job=True, ParentRef={"value": parent.entity_id})
    item = store.entity_list(company, "Item").first()
    entity_create(
        company,
        "Invoice",
        {
            "CustomerRef": {"value": job.entity_id},
            "Line": [
                {
                    "Amount": 50,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": item.entity_id}},
                }
            ],
        },
    )

    fault = _fault(_sparse, company, parent, Active=False)

    assert (fault.code, fault.message) == ("6220", "Delete List Has Balance Error")
    parent = entity_read(company, "Customer", parent.entity_id)
    assert parent.active is True and parent.data["BalanceWithJobs"] == 50 and parent.data["Balance"] == 0
