"""Company files: creation, FileID stamping, the HCP response, bulk seeding, the admin and the command."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree
from lxml.builder import E

from apps.qbd_sandbox.models import CompanyFile, Record
from apps.qbd_sandbox.services import (
    company_file_create,
    company_file_delete,
    company_file_stamp,
    company_seed,
    hcp_response,
    record_lock,
    record_unlock,
)

pytestmark = pytest.mark.django_db

OWNER_ID = "{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}"
FILE_ID = "{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}"


def test_a_new_company_file_has_quickbooks_defaults(company):
    kinds = set(Record.objects.filter(company=company).values_list("kind", "name"))

    assert company.path == r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Pine Ridge Services.QBW"
    assert {("SalesTaxCode", "TAX"), ("SalesTaxCode", "NON"), ("StandardTerms", "Net 30")} <= kinds
    assert {
        ("DateDrivenTerms", "15th of Month"),
        ("ItemSalesTax", "State Tax"),
        ("Account", "Accounts Receivable"),
    } <= kinds
    assert company.default_item_sales_tax.name == "State Tax"


def test_hcp_response_carries_host_company_with_the_file_id_and_preferences(company):
    company_file_stamp(company, owner_id=OWNER_ID, file_id="{old}")
    company_file_stamp(company, owner_id=OWNER_ID, file_id=FILE_ID)
    company_file_stamp(company, owner_id="{another-app}", file_id="{not-ours}")

    root = etree.fromstring(hcp_response(company, owner_id=OWNER_ID).encode("utf-8"))

    host, company_rs, preferences = root.find("QBXMLMsgsRs")
    assert [host.tag, company_rs.tag, preferences.tag] == ["HostQueryRs", "CompanyQueryRs", "PreferencesQueryRs"]
    assert all(element.get("statusCode") == "0" for element in (host, company_rs, preferences))
    assert "13.0" in [version.text for version in host.findall("HostRet/SupportedQBXMLVersion")]
    ret = company_rs.find("CompanyRet")
    assert (ret.find("CompanyName").text, ret.find("LegalCompanyName").text) == ("Pine Ridge Services",) * 2
    assert ret.find("Address") is not None or ret.find("LegalAddress") is not None
    (extension,) = ret.findall("DataExtRet")
    assert (extension.find("OwnerID").text, extension.find("DataExtName").text) == (OWNER_ID, "FileID")
    assert extension.find("DataExtValue").text == FILE_ID
    tax = preferences.find("PreferencesRet/SalesTaxPreferences")
    assert tax.find("DefaultItemSalesTaxRef/FullName").text == "State Tax"
    assert tax.find("DefaultTaxableSalesTaxCodeRef/FullName").text == "TAX"


def test_hcp_response_without_sales_tax_or_owner(company):
    company.address = {"Addr1": "1 Pine Rd", "City": "Albany", "State": "NY"}
    company.sales_tax_enabled = False
    company.save()

    root = etree.fromstring(hcp_response(company).encode("utf-8"))

    assert root.find(".//CompanyRet/DataExtRet") is None
    assert root.find(".//CompanyRet/Address/City").text == "Albany"
    assert root.find(".//PreferencesRet/SalesTaxPreferences") is None
    assert root.find(".//PreferencesRet/AccountingPreferences") is not None


def test_company_query_answers_data_extensions_of_the_owners_asked(company, one):
    company_file_stamp(company, owner_id=OWNER_ID, file_id=FILE_ID)

    response = one(E.CompanyQueryRq(E.OwnerID(OWNER_ID)))

    assert response.find("CompanyRet/DataExtRet/DataExtValue").text == FILE_ID


def test_company_seed_makes_the_sizes_asked_for(company):
    company_seed(company, customers=50, jobs_per_customer=2, ship_tos=3, items=20, invoices=40, random_seed=7)

    customers = Record.objects.filter(company=company, kind="Customer")
    with_jobs = customers.filter(parent__isnull=True, children__isnull=False).distinct()
    assert customers.filter(parent__isnull=True).count() == 50
    assert with_jobs.count() == 10 and customers.filter(parent__isnull=False).count() == 20
    assert all(len(customer.data["ShipToAddress"]) == 3 for customer in with_jobs)
    assert Record.objects.filter(company=company, namespace="item").exclude(kind="ItemSalesTax").count() == 20
    invoices = Record.objects.filter(company=company, kind="Invoice")
    assert invoices.count() == 40
    assert len(set(invoices.values_list("ref_number", flat=True))) == 40
    assert all(invoice.open_balance > 0 for invoice in invoices)


def test_seeded_records_answer_queries_like_added_ones(company, one):
    company_seed(company, customers=10, jobs_per_customer=1, ship_tos=2, items=5, invoices=12)

    invoices = one(E.InvoiceQueryRq(E.IncludeLineItems("true")))
    jobs = one(E.CustomerQueryRq(E.NameFilter(E.MatchCriterion("Contains"), E.Name(":Job"))))

    assert len(invoices.findall("InvoiceRet")) == 12
    for ret in invoices.findall("InvoiceRet"):
        lines = sum(float(line.find("Amount").text) for line in ret.findall("InvoiceLineRet"))
        assert abs(lines - float(ret.find("Subtotal").text)) < 0.001
        assert ret.find("CustomerRef/FullName").text
    assert len(jobs.findall("CustomerRet")) == 2


def test_company_seed_is_deterministic_per_random_seed(db):
    names = []
    for index in range(2):
        company = company_file_create(name=f"Seeded {index}")
        company_seed(company, customers=5, random_seed=3)
        names.append(sorted(Record.objects.filter(company=company, kind="Customer").values_list("name", flat=True)))

    assert names[0] == names[1]


def test_locks_need_a_known_record_and_code(company):
    list_id = Record.objects.filter(company=company, kind="Account").first().object_id

    with pytest.raises(ValueError):
        record_lock(company, list_id_or_txn_id=list_id, code=1234)
    with pytest.raises(Record.DoesNotExist):
        record_lock(company, list_id_or_txn_id="80009999-1")
    record_lock(company, list_id_or_txn_id=list_id)
    assert Record.objects.get(object_id=list_id).lock_code == 3175
    record_unlock(company, list_id_or_txn_id=list_id)
    assert Record.objects.get(object_id=list_id).lock_code is None


def test_the_command_creates_and_seeds_a_company_file(db):
    out = StringIO()

    call_command(
        "qbd_sandbox_company",
        "--name",
        "Demo Co",
        "--seed-customers",
        "10",
        "--seed-items",
        "4",
        "--seed-invoices",
        "6",
        "--json",
        stdout=out,
    )
    again = StringIO()
    call_command("qbd_sandbox_company", "--name", "Demo Co", "--seed-customers", "5", stdout=again)

    summary = json.loads(out.getvalue())
    assert summary["created"] is True
    assert summary["records"]["Invoice"] == 6
    assert CompanyFile.objects.filter(name="Demo Co").count() == 1
    assert Record.objects.filter(company__name="Demo Co", kind="Customer").count() == 15
    assert "Seeded Demo Co" in again.getvalue()


def test_the_admin_browses_company_files_and_records(admin_client, company, one):
    company_file_stamp(company, owner_id=OWNER_ID, file_id=FILE_ID)
    record = Record.objects.filter(company=company, kind="SalesTaxCode").first()

    for model in ("companyfile", "record", "tombstone", "qbsession"):
        assert admin_client.get(reverse(f"admin:qbd_sandbox_{model}_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:qbd_sandbox_record_change", args=[record.pk])).content.decode()
    company_page = admin_client.get(reverse("admin:qbd_sandbox_companyfile_change", args=[company.pk])).content.decode()
    found = admin_client.get(reverse("admin:qbd_sandbox_record_changelist"), {"q": "state tax"}).content.decode()

    assert "IsTaxable" in page and 'name="_save"' not in page
    assert FILE_ID in company_page
    assert "State Tax" in found
    assert admin_client.get(reverse("admin:qbd_sandbox_record_add")).status_code == 403


def test_a_company_file_is_deleted_with_everything_in_it():
    company = company_file_create(name="Short Lived")
    company_seed(company, customers=10, jobs_per_customer=1, ship_tos=1, items=3, invoices=5)

    company_file_delete(company)

    assert not Record.objects.filter(company_id=company.pk).exists()
