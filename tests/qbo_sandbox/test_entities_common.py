"""What every entity write shares: SyncToken, full and sparse updates, payload checks, deletes, voids and reads."""

import json
from decimal import Decimal

import pytest

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import (
    ENTITY_TYPES,
    QboFault,
    entity_create,
    entity_delete,
    entity_read,
    entity_update,
    entity_void,
)
from apps.qbo_sandbox.entities.customers import CustomerRules
from apps.qbo_sandbox.entities.numbers import json_number, storable, to_decimal
from apps.qbo_sandbox.models import SandboxEntity
from apps.qbo_sandbox.seeding import SeedOptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return company_create(name="Common Co", options=SeedOptions(seed="demo"))


def _fault(call, *args, **kwargs) -> QboFault:
    with pytest.raises(QboFault) as raised:
        call(*args, **kwargs)
    return raised.value


def test_entity_types_describe_what_each_one_allows():
    assert {name for name, spec in ENTITY_TYPES.items() if spec.name_list} == {
        "Account",
        "Customer",
        "Employee",
        "Item",
        "Term",
        "Vendor",
        "TaxAgency",
        "TaxCode",
        "TaxRate",
    }
    assert {name for name, spec in ENTITY_TYPES.items() if not spec.cdc} == {"TaxAgency", "TaxCode", "TaxRate"}
    assert {name for name, spec in ENTITY_TYPES.items() if spec.read_only} == {"TaxCode", "TaxRate"}
    assert ENTITY_TYPES["TaxAgency"].url_name == "taxagency"
    assert ENTITY_TYPES["InventoryAdjustment"].url_name == "inventoryadjustment"
    assert all(spec.transaction != spec.name_list for spec in ENTITY_TYPES.values())


def test_ids_are_strings_and_sync_token_goes_up_on_every_write(company):
    customer = entity_create(company, "Customer", {"DisplayName": "Sync Tester"})
    updated = entity_update(
        company, "Customer", {"Id": customer.entity_id, "SyncToken": "0", "sparse": True, "Notes": "one"}
    )
    again = entity_update(company, "Customer", {"Id": customer.entity_id, "SyncToken": 1, "sparse": True, "Notes": "2"})

    assert isinstance(customer.data["Id"], str)
    assert (customer.data["SyncToken"], updated.data["SyncToken"], again.data["SyncToken"]) == ("0", "1", "2")
    assert again.data["MetaData"]["CreateTime"] == customer.data["MetaData"]["CreateTime"]


def test_a_stale_or_missing_sync_token_is_refused(company):
    customer = entity_create(company, "Customer", {"DisplayName": "Stale Tester"})
    entity_update(company, "Customer", {"Id": customer.entity_id, "SyncToken": "0", "sparse": True, "Notes": "a"})

    stale = _fault(entity_update, company, "Customer", {"Id": customer.entity_id, "SyncToken": "0", "Notes": "b"})
    missing = _fault(entity_update, company, "Customer", {"Id": customer.entity_id, "DisplayName": "x"})

    assert (stale.code, stale.message) == ("5010", "Stale Object Error")
    assert stale.detail == (
        "Stale Object Error : You and Sandbox were working on this at the same time. Sandbox finished before you did, "
        "so your work was not saved."
    )
    assert (missing.code, missing.detail) == ("2020", "Required parameter SyncToken is missing in the request")
    assert entity_read(company, "Customer", customer.entity_id).data["Notes"] == "a"


def test_full_update_drops_what_is_left_out_and_sparse_keeps_it(company):
    customer = entity_create(
        company,
        "Customer",
        {"DisplayName": "Updater", "Notes": "keep?", "PrimaryPhone": {"FreeFormNumber": "555-0100"}},
    )
    sparse = entity_update(
        company, "Customer", {"Id": customer.entity_id, "SyncToken": "0", "sparse": True, "CompanyName": "Updater Inc"}
    )
    full = entity_update(company, "Customer", {"Id": customer.entity_id, "SyncToken": "1", "DisplayName": "Updater"})

    assert sparse.data["Notes"] == "keep?" and sparse.data["CompanyName"] == "Updater Inc"
    assert "Notes" not in full.data and "PrimaryPhone" not in full.data and "CompanyName" not in full.data
    # What QuickBooks derives is derived again, what it assigned (the currency) stays.
    assert full.data["PrintOnCheckName"] == "Updater" and full.data["CurrencyRef"]["value"] == "USD"


def test_a_sparse_empty_string_clears_but_null_does_not(company):
    customer = entity_create(company, "Customer", {"DisplayName": "Clearer", "Notes": "n", "CompanyName": "C"})

    updated = entity_update(
        company,
        "Customer",
        {"Id": customer.entity_id, "SyncToken": "0", "sparse": True, "Notes": "", "CompanyName": None},
    )

    assert "Notes" not in updated.data and updated.data["CompanyName"] == "C"


def test_unknown_properties_and_wrong_shapes_are_2010(company):
    unknown = _fault(entity_create, company, "Customer", {"DisplayName": "X", "Nickname": "y"})
    not_object = _fault(entity_create, company, "Customer", {"DisplayName": "X", "BillAddr": "12 Main"})
    not_number = _fault(entity_create, company, "Term", {"Name": "Odd", "DueDays": "soon"})
    not_bool = _fault(entity_create, company, "Customer", {"DisplayName": "X", "Active": "maybe"})

    for fault in (unknown, not_object, not_number, not_bool):
        assert (fault.code, fault.message) == ("2010", "Request has invalid or unsupported property")
    assert unknown.detail == "Property Name:failed to parse json object; a property specified is unsupported or invalid"


def test_lengths_and_enumerations_are_checked(company):
    too_long = _fault(entity_create, company, "Customer", {"DisplayName": "X", "GivenName": "G" * 101})
    bad_enum = _fault(entity_create, company, "Customer", {"DisplayName": "X", "PreferredDeliveryMethod": "Fax"})

    assert (too_long.code, too_long.element) == ("2050", "GivenName")
    assert too_long.detail == (
        "String length specified does not match the supported length. Min:0 Max:100 supported. Supplied length:101"
    )
    assert (bad_enum.code, bad_enum.message, bad_enum.detail) == (
        "2170",
        "Invalid Enumeration",
        "Invalid Enumeration : Fax",
    )


def test_references_must_exist_and_be_active(company):
    missing = _fault(entity_create, company, "Invoice", {"CustomerRef": {"value": "9999"}, "Line": []})
    customer = entity_create(company, "Customer", {"DisplayName": "Soon Inactive"})
    entity_update(company, "Customer", {"Id": customer.entity_id, "SyncToken": "0", "sparse": True, "Active": False})
    inactive = _fault(
        entity_create,
        company,
        "Payment",
        {"CustomerRef": {"value": customer.entity_id}, "TotalAmt": 10},
    )

    assert (missing.code, missing.detail) == ("2500", "Invalid Reference Id : Names element id 9999 not found")
    assert (inactive.code, inactive.message) == ("610", "Object Not Found")
    assert inactive.detail.startswith("Object Not Found : Something you're trying to use has been made inactive.")


def test_name_lists_cannot_be_deleted_or_voided_and_tax_codes_are_read_only(company):
    customer = entity_create(company, "Customer", {"DisplayName": "Permanent"})

    delete = _fault(entity_delete, company, "Customer", {"Id": customer.entity_id, "SyncToken": "0"})
    void = _fault(entity_void, company, "Estimate", {"Id": "1", "SyncToken": "0"})
    create = _fault(entity_create, company, "TaxCode", {"Name": "Nope"})
    update = _fault(entity_update, company, "TaxAgency", {"Id": "1", "SyncToken": "0"})

    assert (delete.code, delete.message, delete.detail) == (
        "500",
        "Unsupported Operation",
        "Operation Delete is not supported.",
    )
    assert [fault.detail for fault in (void, create, update)] == [
        "Operation Void is not supported.",
        "Operation Create is not supported.",
        "Operation Update is not supported.",
    ]


def test_deleted_transactions_read_as_610_but_stay_for_change_data_capture(company):
    customer = store.entity_list(company, "Customer").first()
    item = store.entity_list(company, "Item").first()
    estimate = entity_create(
        company,
        "Estimate",
        {
            "CustomerRef": {"value": customer.entity_id},
            "Line": [
                {
                    "Amount": 95,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": item.entity_id}},
                }
            ],
        },
    )

    answer = entity_delete(company, "Estimate", {"Id": estimate.entity_id, "SyncToken": "0"})
    read = _fault(entity_read, company, "Estimate", estimate.entity_id)
    again = _fault(entity_delete, company, "Estimate", {"Id": estimate.entity_id, "SyncToken": "0"})
    unknown = _fault(entity_read, company, "Estimate", "424242")

    assert answer == {"status": "Deleted", "domain": "QBO", "Id": estimate.entity_id}
    assert read.detail == again.detail == "Object Not Found : Another user has deleted this transaction."
    assert unknown.code == "610"
    assert SandboxEntity.objects.get(pk=estimate.pk).deleted_at is not None


def test_a_failed_write_leaves_nothing_behind(company, monkeypatch):
    def broken(self, ctx, entity, previous):
        raise QboFault("6000", "A business validation error has occurred while processing your request", "boom")

    monkeypatch.setattr(CustomerRules, "after_write", broken)
    before = store.entity_counts(company)

    _fault(entity_create, company, "Customer", {"DisplayName": "Half Written"})

    assert store.entity_counts(company) == before


def test_money_is_decimal_in_and_an_exact_json_number_out():
    assert to_decimal("1102.07") == Decimal("1102.07") and to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(True) is None and to_decimal("1e5") is None and to_decimal("NaN") is None
    assert json_number(Decimal("100.00")) == 100 and isinstance(json_number(Decimal("100.00")), int)
    total = sum((Decimal("0.1"), Decimal("0.2"), Decimal("1101.77")), Decimal(0))
    assert json.dumps(storable({"TotalAmt": total})) == '{"TotalAmt": 1102.07}'
