"""Items, accounts, terms and sales tax: the lists transactions point at."""

from datetime import date

import pytest

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import QboFault, entity_create, entity_read, entity_update, taxcode_create
from apps.qbo_sandbox.entities.terms import due_date
from apps.qbo_sandbox.seeding import SeedOptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return company_create(name="Catalog Co", options=SeedOptions(seed="demo"))


def _fault(call, *args, **kwargs) -> QboFault:
    with pytest.raises(QboFault) as raised:
        call(*args, **kwargs)
    return raised.value


def _account(company, name: str) -> dict[str, str]:
    return {"value": store.entity_list(company, "Account").get(name_key=name.lower()).entity_id}


def _inventory(company, **overrides):
    payload = {
        "Name": "Garden Supplies",
        "Type": "Inventory",
        "TrackQtyOnHand": True,
        "QtyOnHand": 10,
        "InvStartDate": "2015-01-01",
        "IncomeAccountRef": _account(company, "Sales of Product Income"),
        "ExpenseAccountRef": _account(company, "Cost of Goods Sold"),
        "AssetAccountRef": _account(company, "Inventory Asset"),
        **overrides,
    }
    return entity_create(company, "Item", {key: value for key, value in payload.items() if value is not None})


def test_an_inventory_item_as_in_intuits_sample(company):
    item = _inventory(company)

    data = item.data
    assert (data["Type"], data["QtyOnHand"], data["UnitPrice"], data["PurchaseCost"]) == ("Inventory", 10, 0, 0)
    assert (data["FullyQualifiedName"], data["Taxable"], data["Active"]) == ("Garden Supplies", False, True)
    assert data["IncomeAccountRef"]["name"] == "Sales of Product Income"


@pytest.mark.parametrize(
    "missing", ["QtyOnHand", "InvStartDate", "IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"]
)
def test_inventory_items_need_quantity_start_date_and_three_accounts(company, missing):
    fault = _fault(_inventory, company, **{missing: None})

    assert (fault.code, fault.detail) == ("2020", f"Required parameter {missing} is missing in the request")


def test_inventory_items_must_track_quantity(company):
    assert _fault(_inventory, company, TrackQtyOnHand=False).element == "TrackQtyOnHand"


def test_service_and_non_inventory_items_need_an_income_or_expense_account(company):
    service = entity_create(
        company, "Item", {"Name": "Tune-up", "Type": "Service", "IncomeAccountRef": _account(company, "Services")}
    )
    purchased = entity_create(
        company,
        "Item",
        {"Name": "Solder", "Type": "NonInventory", "ExpenseAccountRef": _account(company, "Job Materials")},
    )
    neither = _fault(entity_create, company, "Item", {"Name": "Mystery", "Type": "NonInventory"})

    assert service.data["Type"] == "Service" and purchased.data["ExpenseAccountRef"]["name"] == "Job Materials"
    assert neither.detail == "Required parameter ExpenseAccountRef or IncomeAccountRef is missing in the request"


def test_item_names_are_unique_within_their_category(company):
    category = entity_create(company, "Item", {"Name": "Filters", "Type": "Category"})
    sub_item = entity_create(
        company,
        "Item",
        {
            "Name": "Labor",
            "Type": "Service",
            "ParentRef": {"value": category.entity_id},
            "IncomeAccountRef": _account(company, "Services"),
        },
    )
    duplicate = _fault(
        entity_create,
        company,
        "Item",
        {"Name": "LABOR", "Type": "Service", "IncomeAccountRef": _account(company, "Services")},
    )

    assert "IncomeAccountRef" not in category.data and "UnitPrice" not in category.data
    inactive = _fault(entity_update, company, "Item", {**category.data, "sparse": True, "Active": False})
    assert inactive.code == "6000"
    assert (sub_item.data["FullyQualifiedName"], sub_item.data["SubItem"], sub_item.data["Level"]) == (
        "Filters:Labor",
        True,
        1,
    )
    assert (duplicate.code, duplicate.detail) == (
        "6240",
        "The name supplied already exists. : Another product or service is already using this name. Please use a "
        "different name.",
    )


def test_accounts_derive_type_subtype_and_classification(company):
    by_type = entity_create(company, "Account", {"Name": "Fuel", "AccountType": "Expense"})
    by_sub_type = entity_create(company, "Account", {"Name": "Petty Cash", "AccountSubType": "CashOnHand"})
    neither = _fault(entity_create, company, "Account", {"Name": "Vague"})
    mismatch = _fault(
        entity_create, company, "Account", {"Name": "Odd", "AccountType": "Income", "AccountSubType": "Checking"}
    )

    assert (by_type.data["AccountSubType"], by_type.data["Classification"]) == (
        "OtherMiscellaneousServiceCost",
        "Expense",
    )
    assert (by_sub_type.data["AccountType"], by_sub_type.data["Classification"]) == ("Bank", "Asset")
    assert by_type.data["CurrentBalance"] == 0 and by_type.data["SubAccount"] is False
    assert (neither.code, mismatch.code) == ("6010", "2170")


def test_sub_accounts_share_their_parents_type_and_names_are_unique_per_parent(company):
    parent = entity_create(company, "Account", {"Name": "Vehicles", "AccountType": "Expense"})
    child = entity_create(
        company, "Account", {"Name": "Fuel", "AccountType": "Expense", "ParentRef": {"value": parent.entity_id}}
    )
    same_name_elsewhere = entity_create(company, "Account", {"Name": "Fuel", "AccountType": "Expense"})
    wrong_type = _fault(
        entity_create,
        company,
        "Account",
        {"Name": "Tires", "AccountType": "Income", "ParentRef": {"value": parent.entity_id}},
    )
    duplicate = _fault(entity_create, company, "Account", {"Name": "fuel", "AccountType": "Expense"})

    assert (child.data["FullyQualifiedName"], child.data["SubAccount"]) == ("Vehicles:Fuel", True)
    assert same_name_elsewhere.data["FullyQualifiedName"] == "Fuel"
    assert wrong_type.code == "6000" and duplicate.code == "6240"

    entity_update(company, "Account", {**parent.data, "Name": "Fleet"})
    assert entity_read(company, "Account", child.entity_id).data["FullyQualifiedName"] == "Fleet:Fuel"


def test_account_numbers_are_unique_among_active_accounts(company):
    entity_create(company, "Account", {"Name": "Rent", "AccountType": "Expense", "AcctNum": "6100"})

    fault = _fault(entity_create, company, "Account", {"Name": "Lease", "AccountType": "Expense", "AcctNum": "6100"})

    assert (
        fault.detail
        == "Business Validation Error: Another account is already using this number.  Please use a different number."
    )


def test_terms_are_standard_or_date_driven(company):
    standard = entity_create(company, "Term", {"Name": "Term120", "DueDays": "120"})
    date_driven = entity_create(company, "Term", {"Name": "EOM", "DayOfMonthDue": 31, "DueNextMonthDays": 5})
    too_long = _fault(entity_create, company, "Term", {"Name": "N" * 32, "DueDays": 1})

    assert (standard.data["Type"], standard.data["DueDays"], standard.data["DiscountPercent"]) == ("STANDARD", 120, 0)
    assert date_driven.data["Type"] == "DATE_DRIVEN"
    assert due_date(date_driven.data, date(2015, 2, 10)) == date(2015, 2, 28)
    assert due_date(date_driven.data, date(2015, 2, 25)) == date(2015, 3, 31)
    assert due_date(standard.data, date(2015, 1, 1)) == date(2015, 5, 1)
    assert too_long.code == "2050"


def test_the_tax_service_creates_rates_and_a_code(company):
    agency = entity_create(company, "TaxAgency", {"DisplayName": "Fresno County"})
    existing_rate = store.entity_list(company, "TaxRate").first()

    answer = taxcode_create(
        company,
        {
            "TaxCode": "Fresno Combined",
            "TaxRateDetails": [
                {"TaxRateName": "Fresno City", "RateValue": "0.75", "TaxAgencyId": agency.entity_id},
                {"TaxRateId": existing_rate.entity_id},
            ],
        },
    )

    code = entity_read(company, "TaxCode", answer["TaxCodeId"])
    assert answer["TaxCode"] == "Fresno Combined"
    assert [detail["RateValue"] for detail in answer["TaxRateDetails"]] == [0.75, 7.25]
    assert answer["TaxRateDetails"][0] == {
        "TaxRateName": "Fresno City",
        "TaxRateId": answer["TaxRateDetails"][0]["TaxRateId"],
        "RateValue": 0.75,
        "TaxAgencyId": agency.entity_id,
        "TaxApplicableOn": "Sales",
    }
    assert code.data["TaxGroup"] is True and len(code.data["SalesTaxRateList"]["TaxRateDetail"]) == 2
    assert agency.data["TaxTrackedOnSales"] is True and agency.data["TaxTrackedOnPurchases"] is False


def test_the_tax_service_refuses_what_it_cannot_build(company):
    no_name = _fault(taxcode_create, company, {"TaxRateDetails": [{"TaxRateId": "1"}]})
    no_agency = _fault(
        taxcode_create, company, {"TaxCode": "X", "TaxRateDetails": [{"TaxRateName": "Y", "RateValue": 1}]}
    )
    duplicate = _fault(taxcode_create, company, {"TaxCode": "California", "TaxRateDetails": [{"TaxRateId": "1"}]})

    assert (no_name.code, no_name.element) == ("2020", "TaxCode")
    assert (no_agency.code, no_agency.element) == ("2020", "TaxAgencyId")
    assert duplicate.code == "6240"
    assert not store.entity_list(company, "TaxRate").filter(name_key="y").exists()
