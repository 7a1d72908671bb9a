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
                    E.InventoryDate("2015-01-01"),
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


def test_an_account_mod_keeps_the_special_account_type_quickbooks_gave_it(one):
    ret = one(E.AccountQueryRq(E.FullName("Inventory Asset"))).find("AccountRet")

    response = one(
        E.AccountModRq(
            E.AccountMod(
                E.ListID(ret.findtext("ListID")), E.EditSequence(ret.findtext("EditSequence")), E.Desc("Parts on hand")
            )
        )
    )

    assert status(response) == (0, "Info"), response.get("statusMessage")
    assert response.findtext("AccountRet/Desc") == "Parts on hand"
    assert response.findtext("AccountRet/SpecialAccountType") == "InventoryAssets"


def test_an_account_added_by_a_request_has_no_special_account_type(one):
    response = one(E.AccountAddRq(E.AccountAdd(E.Name("Truck Stock"), E.AccountType("OtherCurrentAsset"))))

    assert status(response) == (0, "Info"), response.get("statusMessage")
    assert response.find("AccountRet/SpecialAccountType") is None


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


# Sales tax groups.


def _tax_item(one, name: str, rate: str) -> str:
    added = one(E.ItemSalesTaxAddRq(E.ItemSalesTaxAdd(E.Name(name), E.TaxRate(rate))))
    return added.find("ItemSalesTaxRet/ListID").text


def _tax_group(one, name: str, *members: str):
    refs = [E.ItemSalesTaxRef(E.FullName(member)) for member in members]
    return one(E.ItemSalesTaxGroupAddRq(E.ItemSalesTaxGroupAdd(E.Name(name), E.ItemDesc(f"{name} combined"), *refs)))


def test_a_sales_tax_group_is_an_item_that_lists_sales_tax_items_in_schema_order(one):
    _tax_item(one, "County Tax", "1.5")

    added = _tax_group(one, "Metro", "State Tax", "County Tax")
    ret = added.find("ItemSalesTaxGroupRet")
    same_name = one(E.ItemServiceAddRq(E.ItemServiceAdd(E.Name("Metro"))))
    too_long = one(E.ItemSalesTaxGroupAddRq(E.ItemSalesTaxGroupAdd(E.Name("M" * 32))))

    assert status(added) == (0, "Info")
    assert [child.tag for child in ret] == [
        "ListID", "TimeCreated", "TimeModified", "EditSequence", "Name", "IsActive", "ItemDesc",
        "ItemSalesTaxRef", "ItemSalesTaxRef",
    ]  # fmt: skip
    assert [ref.findtext("FullName") for ref in ret.findall("ItemSalesTaxRef")] == ["State Tax", "County Tax"]
    assert status(same_name)[0] == 3100  # Groups share the item name space.
    assert status(too_long)[0] == 3070


def test_a_sales_tax_group_holds_only_sales_tax_items(one):
    _tax_group(one, "Metro", "State Tax")
    one(E.ItemServiceAddRq(E.ItemServiceAdd(E.Name("Labor"))))

    service = _tax_group(one, "Odd", "State Tax", "Labor")
    group_in_group = _tax_group(one, "Nested", "Metro")
    nothing = _tax_group(one, "Ghost", "No Such Tax")

    assert [status(service)[0], status(group_in_group)[0], status(nothing)[0]] == [3140, 3140, 3140]
    assert status(one(E.ItemSalesTaxGroupQueryRq(E.FullName("Odd"))))[0] == 500


def test_sales_tax_group_query_filters_as_the_other_item_queries_and_item_query_returns_groups(one):
    county = _tax_item(one, "County Tax", "1.5")
    metro = _tax_group(one, "Metro", "State Tax", "County Tax").findtext("ItemSalesTaxGroupRet/ListID")
    _tax_group(one, "Rural", "County Tax")

    by_name = one(E.ItemSalesTaxGroupQueryRq(E.NameFilter(E.MatchCriterion("StartsWith"), E.Name("Me"))))
    every_group = one(E.ItemSalesTaxGroupQueryRq())
    tax_items = one(E.ItemSalesTaxQueryRq())
    items = one(E.ItemQueryRq(E.ListID(metro), E.ListID(county)))

    assert [ret.findtext("Name") for ret in by_name] == ["Metro"]
    assert {ret.tag for ret in every_group} == {"ItemSalesTaxGroupRet"} and len(every_group) == 2
    assert "Metro" not in {ret.findtext("Name") for ret in tax_items}
    assert sorted((ret.tag, ret.findtext("Name")) for ret in items) == [
        ("ItemSalesTaxGroupRet", "Metro"),
        ("ItemSalesTaxRet", "County Tax"),
    ]


def test_sales_tax_group_mod_replaces_its_items_and_can_make_it_inactive(one):
    _tax_item(one, "County Tax", "1.5")
    _tax_item(one, "City Tax", "0.5")
    ret = _tax_group(one, "Metro", "State Tax", "County Tax").find("ItemSalesTaxGroupRet")

    response = one(
        E.ItemSalesTaxGroupModRq(
            E.ItemSalesTaxGroupMod(
                E.ListID(ret.findtext("ListID")),
                E.EditSequence(ret.findtext("EditSequence")),
                E.IsActive("false"),
                E.ItemSalesTaxRef(E.FullName("State Tax")),
                E.ItemSalesTaxRef(E.FullName("City Tax")),
            )
        )
    )
    changed = response.find("ItemSalesTaxGroupRet")

    assert status(response) == (0, "Info"), response.get("statusMessage")
    assert changed.findtext("IsActive") == "false"
    assert [ref.findtext("FullName") for ref in changed.findall("ItemSalesTaxRef")] == ["State Tax", "City Tax"]
    assert changed.findtext("EditSequence") != ret.findtext("EditSequence")
    assert status(one(E.ItemSalesTaxGroupQueryRq()))[0] == 1  # Inactive: left out unless asked for.


def test_a_deleted_sales_tax_group_is_listed_and_its_items_in_use_until_then(one, send):
    county = _tax_item(one, "County Tax", "1.5")
    group_id = _tax_group(one, "Metro", "State Tax", "County Tax").findtext("ItemSalesTaxGroupRet/ListID")

    item_in_use = one(E.ListDelRq(E.ListDelType("ItemSalesTax"), E.ListID(county)))
    deleted = one(E.ListDelRq(E.ListDelType("ItemSalesTaxGroup"), E.ListID(group_id)))
    (deleted_query,) = send(E.ListDeletedQueryRq(E.ListDelType("ItemSalesTaxGroup")))
    item_free = one(E.ListDelRq(E.ListDelType("ItemSalesTax"), E.ListID(county)))

    assert status(item_in_use)[0] == 3171
    assert status(deleted) == (0, "Info") and deleted.findtext("FullName") == "Metro"
    (tombstone,) = deleted_query.findall("ListDeletedRet")
    assert (tombstone.findtext("ListDelType"), tombstone.findtext("ListID")) == ("ItemSalesTaxGroup", group_id)
    assert status(item_free) == (0, "Info")
