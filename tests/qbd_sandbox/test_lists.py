"""List requests: customers and jobs, ship-to addresses, the shared name space, edit sequences, locks, deletions."""

import re

import pytest
from lxml.builder import E

from apps.qbd_sandbox.services import record_lock, record_unlock
from tests.qbd_sandbox.conftest import status

pytestmark = pytest.mark.django_db


def _mod(list_id: str, edit_sequence: str, *children):
    return E.CustomerModRq(E.CustomerMod(E.ListID(list_id), E.EditSequence(edit_sequence), *children))


def test_customer_add_returns_the_record_as_quickbooks_stamps_it(add_customer):
    ret = add_customer(
        "Carefree Homes",
        E.CompanyName("Carefree Homes LLC"),
        E.FirstName("Amanda"),
        E.LastName("Barham"),
        E.BillAddress(E.Addr1("12 Elm St"), E.City("Boston"), E.State("MA"), E.PostalCode("02110")),
        E.Phone("(617) 555-0101"),
        E.Email("amanda@example.com"),
        E.TermsRef(E.FullName("Net 30")),
        E.SalesTaxCodeRef(E.FullName("TAX")),
        E.ItemSalesTaxRef(E.FullName("State Tax")),
        E.AccountNumber("C-100"),
        E.Notes("Gate code 1234"),
    )

    assert re.fullmatch(r"[0-9A-F]{8}-\d{10}", ret.find("ListID").text)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00", ret.find("TimeCreated").text)
    assert ret.find("EditSequence").text.isdigit()
    assert [child.tag for child in ret][:9] == [
        "ListID",
        "TimeCreated",
        "TimeModified",
        "EditSequence",
        "Name",
        "FullName",
        "IsActive",
        "Sublevel",
        "CompanyName",
    ]
    assert ret.find("TermsRef/FullName").text == "Net 30"
    assert ret.find("BillAddress/City").text == "Boston"
    assert (ret.find("Balance").text, ret.find("TotalBalance").text) == ("0.00", "0.00")


def test_jobs_have_a_full_name_under_their_parent_and_a_sublevel(add_customer):
    parent = add_customer("Carefree")
    job = add_customer("Kitchen Remodel", parent="Carefree")
    phase = add_customer("Phase 2", parent="Carefree:Kitchen Remodel")

    assert job.find("FullName").text == "Carefree:Kitchen Remodel"
    assert job.find("ParentRef/ListID").text == parent.find("ListID").text
    assert (job.find("Sublevel").text, phase.find("Sublevel").text) == ("1", "2")
    assert phase.find("FullName").text == "Carefree:Kitchen Remodel:Phase 2"


def test_job_names_are_unique_per_parent_only(one, add_customer):
    add_customer("Carefree")
    add_customer("Oakwood")
    add_customer("Roof", parent="Carefree")
    add_customer("Roof", parent="Oakwood")

    again = one(E.CustomerAddRq(E.CustomerAdd(E.Name("ROOF"), E.ParentRef(E.FullName("carefree")))))

    assert status(again) == (3100, "Error")
    assert again.get("statusMessage") == 'The name "ROOF" of the list element is already in use.'


@pytest.mark.parametrize(
    "request_",
    [
        E.VendorAddRq(E.VendorAdd(E.Name("shared name"))),
        E.OtherNameAddRq(E.OtherNameAdd(E.Name("Shared Name"))),
        E.EmployeeAddRq(E.EmployeeAdd(E.FirstName("Shared"), E.LastName("Name"))),
        E.CustomerAddRq(E.CustomerAdd(E.Name("Shared Name"))),
    ],
)
def test_customers_vendors_employees_and_other_names_share_one_name_space(one, add_customer, request_):
    add_customer("Shared Name")

    response = one(request_)

    assert status(response)[0] == 3100


def test_a_vendor_name_blocks_a_customer_but_not_a_job_or_an_item(one, add_customer):
    assert status(one(E.VendorAddRq(E.VendorAdd(E.Name("Roof"), E.CompanyName("Roof Supply")))))[0] == 0
    add_customer("Carefree")

    customer = one(E.CustomerAddRq(E.CustomerAdd(E.Name("Roof"))))
    job = one(E.CustomerAddRq(E.CustomerAdd(E.Name("Roof"), E.ParentRef(E.FullName("Carefree")))))
    item = one(E.ItemServiceAddRq(E.ItemServiceAdd(E.Name("Roof"))))

    assert [status(customer)[0], status(job)[0], status(item)[0]] == [3100, 0, 0]


def test_items_of_every_type_share_one_name_space(one):
    assert status(one(E.ItemServiceAddRq(E.ItemServiceAdd(E.Name("Filter")))))[0] == 0

    response = one(E.ItemNonInventoryAddRq(E.ItemNonInventoryAdd(E.Name("filter"))))

    assert status(response)[0] == 3100


def test_customer_mod_changes_fields_and_the_edit_sequence(one, add_customer):
    ret = add_customer("Acme", E.CompanyName("Acme"), E.Phone("555-0100"))

    response = one(_mod(ret.find("ListID").text, ret.find("EditSequence").text, E.Name("Acme Corp"), E.Phone("")))

    modded = response.find("CustomerRet")
    assert status(response) == (0, "Info")
    assert modded.find("Name").text == "Acme Corp"
    assert modded.find("CompanyName").text == "Acme"
    assert modded.find("Phone") is None
    assert int(modded.find("EditSequence").text) > int(ret.find("EditSequence").text)


def test_renaming_a_parent_renames_its_jobs(one, send, add_customer):
    parent = add_customer("Carefree")
    add_customer("Roof", parent="Carefree")

    one(_mod(parent.find("ListID").text, parent.find("EditSequence").text, E.Name("Carefree Homes")))
    (response,) = send(E.CustomerQueryRq(E.FullName("Carefree Homes:Roof")))

    assert response.find("CustomerRet/ParentRef/FullName").text == "Carefree Homes"


def test_a_stale_edit_sequence_is_refused_with_3200(one, add_customer):
    ret = add_customer("Acme")
    list_id, first = ret.find("ListID").text, ret.find("EditSequence").text
    one(_mod(list_id, first, E.Phone("1")))

    response = one(_mod(list_id, first, E.Phone("2")))

    assert status(response) == (3200, "Error")
    assert response.get("statusMessage").startswith(f'The provided edit sequence "{first}" is out-of-date.')


def test_mod_of_an_unknown_list_id_answers_3000(one):
    response = one(_mod("80009999-1234567890", "1", E.Phone("1")))

    assert status(response)[0] == 3000
    assert "80009999-1234567890" in response.get("statusMessage")


def test_a_reference_to_nothing_answers_3140(one):
    response = one(E.CustomerAddRq(E.CustomerAdd(E.Name("Acme"), E.TermsRef(E.FullName("Net 99")))))

    assert status(response)[0] == 3140
    assert 'Terms "Net 99"' in response.get("statusMessage")


@pytest.mark.parametrize("code", [3170, 3175, 3176, 3180])
def test_a_locked_record_refuses_mods_and_deletes_until_unlocked(company, one, add_customer, code):
    ret = add_customer("Acme")
    list_id, edit_sequence = ret.find("ListID").text, ret.find("EditSequence").text
    record_lock(company, list_id_or_txn_id=list_id, code=code)

    mod = one(_mod(list_id, edit_sequence, E.Phone("1")))
    delete = one(E.ListDelRq(E.ListDelType("Customer"), E.ListID(list_id)))
    record_unlock(company, list_id_or_txn_id=list_id)
    retried = one(_mod(list_id, edit_sequence, E.Phone("1")))

    assert [status(mod)[0], status(delete)[0], status(retried)[0]] == [code, code, 0]
    assert list_id in mod.get("statusMessage") or code == 3180


def test_ship_to_addresses_merge_by_name_in_a_customer_mod(one, add_customer):
    ret = add_customer(
        "Acme",
        E.ShipToAddress(E.Name("Warehouse"), E.Addr1("1 Dock Rd"), E.City("Albany"), E.DefaultShipTo("true")),
        E.ShipToAddress(E.Name("Office"), E.Addr1("2 Main St")),
    )
    assert ret.find("ShipAddress/Addr1").text == "1 Dock Rd"

    response = one(
        _mod(
            ret.find("ListID").text,
            ret.find("EditSequence").text,
            E.ShipToAddress(E.Name("OFFICE"), E.Addr1("20 Main St"), E.DefaultShipTo("true")),
            E.ShipToAddress(E.Name("Clinic"), E.Addr1("3 Oak Ave")),
        )
    )

    ship_tos = {
        item.find("Name").text: (item.find("Addr1").text, item.find("DefaultShipTo").text)
        for item in response.findall("CustomerRet/ShipToAddress")
    }
    assert ship_tos == {
        "Warehouse": ("1 Dock Rd", "false"),
        "Office": ("20 Main St", "true"),
        "Clinic": ("3 Oak Ave", "false"),
    }
    assert response.find("CustomerRet/ShipAddress/Addr1").text == "20 Main St"
    assert response.find("CustomerRet/ShipToAddress/City").text == "Albany"


def test_a_customer_has_at_most_fifty_ship_to_addresses(one, add_customer):
    ret = add_customer("Acme", *[E.ShipToAddress(E.Name(f"Site {number}")) for number in range(50)])

    response = one(_mod(ret.find("ListID").text, ret.find("EditSequence").text, E.ShipToAddress(E.Name("Site 51"))))

    assert status(response) == (3180, "Error")


def test_employee_names_are_made_of_first_middle_and_last_names(one):
    response = one(E.EmployeeAddRq(E.EmployeeAdd(E.FirstName("Dan"), E.MiddleName("T."), E.LastName("Miller"))))

    assert response.find("EmployeeRet/Name").text == "Dan T. Miller"


@pytest.mark.parametrize(
    ("request_", "ret", "checks"),
    [
        (
            E.ItemNonInventoryAddRq(
                E.ItemNonInventoryAdd(
                    E.Name("Copper Pipe"),
                    E.SalesTaxCodeRef(E.FullName("TAX")),
                    E.SalesAndPurchase(
                        E.SalesDesc("1/2in copper"),
                        E.SalesPrice("12.5"),
                        E.IncomeAccountRef(E.FullName("Materials Income")),
                        E.PurchaseDesc("copper"),
                        E.PurchaseCost("6.25"),
                        E.ExpenseAccountRef(E.FullName("Job Materials")),
                    ),
                )
            ),
            "ItemNonInventoryRet",
            {"SalesAndPurchase/SalesPrice": "12.50", "SalesAndPurchase/ExpenseAccountRef/FullName": "Job Materials"},
        ),
        (
            E.ItemInventoryAddRq(
                E.ItemInventoryAdd(
                    E.Name("Furnace"),
                    E.SalesDesc("Gas furnace"),
                    E.SalesPrice("2400"),
                    E.IncomeAccountRef(E.FullName("Materials Income")),
                    E.PurchaseCost("1500"),
                    E.COGSAccountRef(E.FullName("Cost of Goods Sold")),
                    E.AssetAccountRef(E.FullName("Inventory Asset")),
                    E.QuantityOnHand("4"),
                    E.InventoryDate("2026-01-01"),
                )
            ),
            "ItemInventoryRet",
            {"QuantityOnHand": "4", "COGSAccountRef/FullName": "Cost of Goods Sold", "SalesPrice": "2400.00"},
        ),
        (
            E.ItemSalesTaxAddRq(
                E.ItemSalesTaxAdd(
                    E.Name("City Tax"), E.TaxRate("1.5"), E.TaxVendorRef(E.FullName("State Board of Equalization"))
                )
            ),
            "ItemSalesTaxRet",
            {"TaxRate": "1.5", "TaxVendorRef/FullName": "State Board of Equalization"},
        ),
        (
            E.SalesTaxCodeAddRq(E.SalesTaxCodeAdd(E.Name("OOS"), E.IsTaxable("false"), E.Desc("Out of state"))),
            "SalesTaxCodeRet",
            {"IsTaxable": "false", "Desc": "Out of state"},
        ),
        (
            E.StandardTermsAddRq(E.StandardTermsAdd(E.Name("Net 45"), E.StdDueDays("45"), E.DiscountPct("1.5"))),
            "StandardTermsRet",
            {"StdDueDays": "45", "DiscountPct": "1.5"},
        ),
        (
            E.DateDrivenTermsAddRq(E.DateDrivenTermsAdd(E.Name("10th"), E.DayOfMonthDue("10"))),
            "DateDrivenTermsRet",
            {"DayOfMonthDue": "10"},
        ),
        (
            E.AccountAddRq(E.AccountAdd(E.Name("Service Income"), E.AccountType("Income"), E.AccountNumber("4300"))),
            "AccountRet",
            {"AccountType": "Income", "AccountNumber": "4300"},
        ),
    ],
)
def test_items_tax_codes_terms_and_accounts_are_added(one, request_, ret, checks):
    response = one(request_)

    assert status(response) == (0, "Info"), response.get("statusMessage")
    for path, expected in checks.items():
        assert response.find(f"{ret}/{path}").text == expected


def test_a_sales_tax_code_name_is_at_most_three_characters(one):
    response = one(E.SalesTaxCodeAddRq(E.SalesTaxCodeAdd(E.Name("TAXX"), E.IsTaxable("true"))))

    assert status(response)[0] == 3070


def test_item_mod_uses_the_mod_aggregates(one):
    added = one(E.ItemServiceAddRq(E.ItemServiceAdd(E.Name("Labor"), E.SalesOrPurchase(E.Price("80")))))
    ret = added.find("ItemServiceRet")

    response = one(
        E.ItemServiceModRq(
            E.ItemServiceMod(
                E.ListID(ret.find("ListID").text),
                E.EditSequence(ret.find("EditSequence").text),
                E.SalesOrPurchaseMod(E.Desc("Hourly labor"), E.Price("95")),
            )
        )
    )

    assert response.find("ItemServiceRet/SalesOrPurchase/Price").text == "95.00"
    assert response.find("ItemServiceRet/SalesOrPurchase/Desc").text == "Hourly labor"


def test_list_del_leaves_a_tombstone_for_list_deleted_query(one, send, add_customer):
    ret = add_customer("Gone Soon")
    list_id = ret.find("ListID").text

    deleted = one(E.ListDelRq(E.ListDelType("Customer"), E.ListID(list_id)))
    query, deleted_query = send(
        E.CustomerQueryRq(E.ListID(list_id)),
        E.ListDeletedQueryRq(E.ListDelType("Customer"), E.ListDelType("Vendor")),
        on_error="continueOnError",
    )

    assert [child.tag for child in deleted] == ["ListDelType", "ListID", "TimeDeleted", "FullName"]
    assert deleted.find("FullName").text == "Gone Soon"
    assert status(query)[0] == 500
    (tombstone,) = deleted_query.findall("ListDeletedRet")
    assert [child.tag for child in tombstone] == ["ListDelType", "ListID", "TimeCreated", "TimeDeleted", "FullName"]
    assert tombstone.find("ListID").text == list_id


def test_list_deleted_query_filters_by_deleted_date(one, send, add_customer):
    ret = add_customer("Gone")
    one(E.ListDelRq(E.ListDelType("Customer"), E.ListID(ret.find("ListID").text)))

    (past,) = send(
        E.ListDeletedQueryRq(
            E.ListDelType("Customer"),
            E.DeletedDateRangeFilter(E.FromDeletedDate("2001-01-01"), E.ToDeletedDate("2001-12-31")),
        )
    )

    assert status(past) == (1, "Info")


def test_list_del_refuses_records_in_use_and_unknown_ids(one, add_customer):
    add_customer("Carefree")
    parent_id = add_customer("Roof", parent="Carefree").find("ParentRef/ListID").text

    in_use = one(E.ListDelRq(E.ListDelType("Customer"), E.ListID(parent_id)))
    terms = one(E.TermsQueryRq(E.FullName("Net 30"))).find("StandardTermsRet/ListID").text
    add_customer("Uses Terms", E.TermsRef(E.ListID(terms)))
    terms_in_use = one(E.ListDelRq(E.ListDelType("StandardTerms"), E.ListID(terms)))
    unknown = one(E.ListDelRq(E.ListDelType("Customer"), E.ListID("80009999-1")))

    assert [status(in_use)[0], status(terms_in_use)[0], status(unknown)[0]] == [3171, 3171, 3120]
