"""
Payment terms and tax rates with QuickBooks Desktop (terms, sales tax items and groups), through the engine: what
only Desktop does, and its records one by one. The scenarios both backends share are in ``tests/quickbooks/scenarios``.
"""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree

from apps.accounting import services as accounting
from apps.accounting.models import PaymentTerm, TaxRate
from apps.customers.models import Customer
from apps.quickbooks.desktop.mapping.lists import (
    TERM_UNCHANGEABLE,
    TaxAgenciesAdapter,
    TaxCodesAdapter,
    TaxRatesAdapter,
    TermsAdapter,
    sales_tax_code_record,
    standard_terms_fields,
    tax_code_record,
    tax_item_fields,
    tax_rate_record,
    term_record,
)
from apps.quickbooks.models import DesktopConnection, RecordLink, SyncRunStatus, SyncSettings
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write
from apps.quickbooks.sync.records import (
    TAX_AGENCY,
    TAX_CODE,
    TAX_RATE,
    TERM,
    TaxAgencyRecord,
    TaxCodeRecord,
    TaxRateRecord,
    TermRecord,
)
from apps.quickbooks.sync.spec import Refs
from apps.quickbooks.sync.specs import tax_rates as tax_rate_spec
from apps.quickbooks.sync.specs import terms as term_spec
from tests.factories import CustomerFactory, PaymentTermFactory, TaxRateFactory
from tests.quickbooks.desktop_sync.conftest import customer_add, customer_ret, qbxml

pytestmark = pytest.mark.django_db

# What ``company_file_create`` puts in every company file.
DEFAULT_TERMS = {
    "Due on receipt": 0,
    "Net 15": 15,
    "Net 30": 30,
    "1% 10 Net 30": 30,
    "2% 10 Net 30": 30,
    # Date-driven: due on a day of the month, kept here as a month.
    "15th of Month": term_spec.DATE_DRIVEN_DAYS,
}
AGENCY = "State Board of Equalization"
WRITES = ("StandardTermsAdd", "DateDrivenTermsAdd", "ItemSalesTaxAdd", "ItemSalesTaxMod", "VendorAdd", "CustomerMod")


@pytest.fixture
def desktop_lists(division):
    """The division syncing tax rates and terms with Desktop (written directly: the settings service refuses it yet)."""

    def configure(direction: str, primary: str = ""):
        SyncSettings.objects.update_or_create(
            division=division,
            defaults={
                "integration_type": "desktop",
                "customers_direction": direction,
                "customers_primary": primary,
                "inventory_direction": "off",
                "invoices_direction": "off",
                "sync_tax_rates_and_terms": True,
            },
        )
        return division

    return configure


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def entries(run) -> list[tuple[str, str, str]]:
    return sorted(run.entries.values_list("entity", "action", "record_label"))


def writes_sent(desktop_sync) -> dict[str, int]:
    return {kind: desktop_sync.transport.requests(kind) for kind in WRITES if desktop_sync.transport.requests(kind)}


def link_of(record) -> RecordLink:
    return RecordLink.objects.get(object_id=record.pk, content_type__model=record._meta.model_name)


def ret(company, query: str, name: str) -> etree._Element:
    """The ``...Ret`` of the list record ``name`` that ``query`` (e.g. "TermsQuery") finds."""
    root = qbxml(company, f"<{query}Rq><FullName>{name}</FullName></{query}Rq>")
    (found,) = [element for element in root.iter() if element.tag.endswith("Ret")]
    return found


def tax_item_add(company, name: str, rate: str, vendor: str = AGENCY) -> dict[str, str]:
    body = f"<Name>{name}</Name><TaxRate>{rate}</TaxRate><TaxVendorRef><FullName>{vendor}</FullName></TaxVendorRef>"
    found = qbxml(company, f"<ItemSalesTaxAddRq><ItemSalesTaxAdd>{body}</ItemSalesTaxAdd></ItemSalesTaxAddRq>")
    item = found.find(".//ItemSalesTaxRet")
    return {"ListID": item.findtext("ListID"), "EditSequence": item.findtext("EditSequence")}


def tax_item_mod(company, item: dict[str, str], fields: str) -> None:
    edit_sequence = (
        qbxml(company, f"<ItemSalesTaxQueryRq><ListID>{item['ListID']}</ListID></ItemSalesTaxQueryRq>")
        .find(".//ItemSalesTaxRet")
        .findtext("EditSequence")
    )
    qbxml(
        company,
        f"<ItemSalesTaxModRq><ItemSalesTaxMod><ListID>{item['ListID']}</ListID><EditSequence>{edit_sequence}"
        f"</EditSequence>{fields}</ItemSalesTaxMod></ItemSalesTaxModRq>",
    )


# QuickBooks master: pulled.


def test_the_company_files_own_terms_and_sales_tax_item_are_pulled_its_tax_lists_read_by_one_query(
    desktop_lists, desktop_sync, company, division
):
    desktop_lists("to_local")

    run = desktop_sync()

    assert_clean(run)
    pulled = {term.name: term for term in PaymentTerm.objects.filter(division=division)}
    assert {name: term.due_days for name, term in pulled.items()} == DEFAULT_TERMS
    net15 = ret(company, "TermsQuery", "Net 15")
    assert link_of(pulled["Net 15"]).qbo_id == net15.findtext("ListID")
    assert link_of(pulled["15th of Month"]).qbo_id == ret(company, "TermsQuery", "15th of Month").findtext("ListID")
    # The sales tax item is the rate; the sales tax codes Tax and Non only mark taxable or not.
    (rate,) = TaxRate.objects.filter(division=division)
    assert (rate.name, rate.percent, rate.agency, rate.active) == ("State Tax", Decimal("7.2500"), AGENCY, True)
    assert link_of(rate).qbo_id == ret(company, "ItemSalesTaxQuery", "State Tax").findtext("ListID")
    assert ("tax rate", "created", "State Tax") in entries(run)
    # Tax codes and tax rates both come from the sales tax items: one query serves them.
    assert desktop_sync.transport.documents[0].count("<ItemSalesTaxQueryRq") == 1


def test_a_date_driven_term_deleted_in_desktop_is_made_inactive_here(desktop_lists, desktop_sync, company, division):
    desktop_lists("to_local")
    assert_clean(desktop_sync())
    list_id = ret(company, "TermsQuery", "15th of Month").findtext("ListID")

    qbxml(company, f"<ListDelRq><ListDelType>DateDrivenTerms</ListDelType><ListID>{list_id}</ListID></ListDelRq>")
    run = desktop_sync()

    (entry,) = run.entries.all()
    assert (entry.entity, entry.action, entry.record_label) == ("payment term", "deactivated", "15th of Month")
    assert "Deleted in QuickBooks" in entry.message
    assert PaymentTerm.objects.get(division=division, name="15th of Month").active is False


# FieldOffice master (customers to QuickBooks): pushed.


def test_a_pushed_tax_rate_whose_item_was_deleted_in_desktop_is_added_again_when_changed_here(
    desktop_lists, desktop_sync, company, division
):
    rate = TaxRateFactory(division=division, name="Grand Marais", percent=Decimal("8.3750"), agency=AGENCY)
    desktop_lists("to_quickbooks")
    assert_clean(desktop_sync())
    deleted = link_of(rate).qbo_id
    qbxml(company, f"<ListDelRq><ListDelType>ItemSalesTax</ListDelType><ListID>{deleted}</ListID></ListDelRq>")

    accounting.tax_rate_update(tax_rate=rate, percent=Decimal("8.8750"))
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "created", "Grand Marais")]
    item = ret(company, "ItemSalesTaxQuery", "Grand Marais")
    assert Decimal(item.findtext("TaxRate")) == Decimal("8.875")
    assert link_of(rate).qbo_id == item.findtext("ListID") != deleted
    assert desktop_sync().entries.count() == 0


def test_pushed_customers_refer_to_the_pushed_term_and_tax_rate(desktop_lists, desktop_sync, company, division):
    term = PaymentTermFactory(division=division, name="Net 20", due_days=20)
    rate = TaxRateFactory(division=division, name="Duluth", percent=Decimal("8.8750"), agency=AGENCY)
    CustomerFactory(division=division, display_name="Lakeside Dental", payment_term=term, tax_rate=rate)
    desktop_lists("to_quickbooks")

    run = desktop_sync()

    assert_clean(run)
    customer = Customer.objects.get(division=division, display_name="Lakeside Dental")
    remote = customer_ret(company, link_of(customer).qbo_id)
    assert remote.find("TermsRef").findtext("ListID") == link_of(term).qbo_id
    assert remote.find("TermsRef").findtext("FullName") == "Net 20"
    assert remote.find("ItemSalesTaxRef").findtext("ListID") == link_of(rate).qbo_id
    assert remote.find("ItemSalesTaxRef").findtext("FullName") == "Duluth"


# Read-only while QuickBooks Desktop keeps them.


def test_tax_rates_and_terms_are_read_only_while_quickbooks_desktop_keeps_them(desktop_lists, division):
    desktop = DesktopConnection.objects.create(division=division, username="carefree-office")
    desktop_lists("to_local")
    # Until the Web Connector has recorded a company file, nothing is linked: they stay editable here.
    accounting.tax_rate_create(division=division, name="Before Linking", percent=Decimal("4"))

    DesktopConnection.objects.filter(pk=desktop.pk).update(company_first_seen_at=timezone.now())

    with pytest.raises(ValidationError, match="kept in QuickBooks"):
        accounting.tax_rate_create(division=division, name="New Rate", percent=Decimal("5"))


# The records, one by one.


def test_term_records_keep_both_kinds_of_desktop_terms():
    standard = term_record(
        {
            "ListID": "80000001-1",
            "EditSequence": "7",
            "Name": "2% 10 Net 30",
            "IsActive": "true",
            "StdDueDays": "30",
            "StdDiscountDays": "10",
            "DiscountPct": "2.00",
        },
        "StandardTermsRet",
    )
    assert standard == TermRecord(
        remote_id="80000001-1",
        version="7",
        active=True,
        name="2% 10 Net 30",
        due_days=30,
        discount_days=10,
        discount_percent=Decimal("2.00"),
    )
    date_driven = term_record(
        {"ListID": "80000002-1", "Name": "15th", "IsActive": "false", "DayOfMonthDue": "15", "DueNextMonthDays": "10"},
        "DateDrivenTermsRet",
    )
    assert (date_driven.date_driven, date_driven.day_of_month_due, date_driven.due_next_month_days) == (True, 15, 10)
    assert date_driven.due_days is None
    assert term_spec.term_fields(date_driven) == {
        "name": "15th",
        "due_days": term_spec.DATE_DRIVEN_DAYS,
        "active": False,
    }
    assert term_record({"ListID": "1", "Name": "Due now"}).due_days == 0


def test_a_new_term_becomes_a_standard_terms_add_and_a_change_is_refused_before_sending():
    record = term_spec.term_record(PaymentTerm(name="Net 10: contractors only, please pay on time", due_days=10))
    assert standard_terms_fields(record) == {
        "Name": "Net 10 - contractors only, plea",
        "IsActive": "true",
        "StdDueDays": "10",
    }

    planned, refused = TermsAdapter().plan(
        [(0, Write(TERM, CREATE, record)), (1, Write(TERM, UPDATE, replace(record, remote_id="8-1")))], {}
    )

    assert [(plan.kind, plan.writes[0][0]) for plan in planned] == [("StandardTermsAdd", 0)]
    refused_record, error = refused[1]
    assert refused_record is None
    assert error.message == TERM_UNCHANGEABLE.format(name=record.name)


def test_sales_tax_items_are_rate_codes_and_sales_tax_codes_are_markers():
    item = {
        "ListID": "80000009-1",
        "EditSequence": "3",
        "Name": "State Tax",
        "IsActive": "true",
        "TaxRate": "7.25",
        "TaxVendorRef": {"ListID": "80000008-1", "FullName": AGENCY},
        "ItemDesc": "State sales tax",
    }
    code = tax_code_record(item)
    rate = tax_rate_record(item)
    refs = Refs("", {TAX_RATE: [rate], TAX_AGENCY: [TaxAgencyRecord(remote_id="80000008-1", name=AGENCY)]})
    assert code.charges_tax is True
    assert tax_rate_spec.code_fields(tax_rate_spec.code_resolved(code, refs)) == {
        "name": "State Tax",
        "percent": Decimal("7.2500"),
        "agency": AGENCY,
        "active": True,
    }
    marker = sales_tax_code_record({"ListID": "80000002-1", "Name": "Non", "IsTaxable": "false"})
    assert (marker.charges_tax, marker.taxable) == (False, False)
    adapter = TaxCodesAdapter()
    assert adapter.records(item, "ItemSalesTaxRet")[0].charges_tax is True
    assert adapter.records({"ListID": "1", "Name": "Tax", "IsTaxable": "true"}, "SalesTaxCodeRet")[0].taxable


def test_tax_item_fields_cut_the_name_keep_it_whole_in_the_description_and_write_plain_percentages():
    # A new rate without an agency goes with the division's, which QuickBooks has.
    refs = Refs("Main", {TAX_AGENCY: [TaxAgencyRecord(remote_id="80000008-1", name="Main")]})
    record = tax_rate_spec.code_record(
        TaxRate(name="Saint Louis County Transit Improvement", percent=Decimal("10.0000")), refs, CREATE
    )
    assert tax_item_fields(record) == {
        "Name": "Saint Louis County Transit Impr",
        "IsActive": "true",
        "ItemDesc": "Saint Louis County Transit Improvement",
        "TaxRate": "10",
        "TaxVendorRef": {"ListID": "80000008-1"},
    }
    change = tax_rate_spec.code_record(TaxRate(name="Ely", percent=Decimal("7.3750"), active=False), refs, UPDATE)
    assert tax_item_fields(replace(change, remote_id="80000010-1", version="12")) == {
        "ListID": "80000010-1",
        "EditSequence": "12",
        "Name": "Ely",
        "IsActive": "false",
        "ItemDesc": "Ely",
        "TaxRate": "7.375",
    }


def test_a_change_without_its_edit_sequence_reads_the_item_first():
    adapter = TaxCodesAdapter()
    write = Write(TAX_CODE, UPDATE, TaxCodeRecord(name="Ely", percent=Decimal("7"), remote_id="8-1"))

    assert adapter.needs([(0, write)], {}) == ["8-1"]
    planned, refused = adapter.plan([(0, write)], {"8-1": {"ListID": "8-1", "EditSequence": "44"}})

    assert refused == {}
    assert [(plan.kind, plan.fields["EditSequence"]) for plan in planned] == [("ItemSalesTaxMod", "44")]


def test_rates_and_agencies_are_read_not_written_as_such():
    rates, agencies = TaxRatesAdapter(), TaxAgenciesAdapter()
    (rate_refused,) = rates.plan([(0, Write(TAX_RATE, CREATE, TaxRateRecord(name="x")))], {})[1].values()
    assert rate_refused[1] is not None
    planned, refused = agencies.plan(
        [
            (0, Write(TAX_AGENCY, CREATE, TaxAgencyRecord(name="Carlton County"))),
            (1, Write(TAX_AGENCY, UPDATE, TaxAgencyRecord(remote_id="8-1", name="Carlton"))),
        ],
        {},
    )
    assert [(plan.kind, plan.fields) for plan in planned] == [("VendorAdd", {"Name": "Carlton County"})]
    assert refused[1][1] is not None
    (query,) = agencies.queries()
    assert query.fields["IncludeRetElement"][:3] == ["ListID", "EditSequence", "Name"]


# Sales tax groups.


def tax_group_add(company, name: str, *members: str) -> str:
    refs = "".join(f"<ItemSalesTaxRef><FullName>{member}</FullName></ItemSalesTaxRef>" for member in members)
    found = qbxml(
        company,
        f"<ItemSalesTaxGroupAddRq><ItemSalesTaxGroupAdd><Name>{name}</Name>{refs}</ItemSalesTaxGroupAdd>"
        "</ItemSalesTaxGroupAddRq>",
    )
    return found.find(".//ItemSalesTaxGroupRet").findtext("ListID")


def test_a_sales_tax_group_is_one_rate_of_its_items_sum_and_follows_them(
    desktop_lists, desktop_sync, company, division
):
    county = tax_item_add(company, "Carlton County", "1.5")
    group_id = tax_group_add(company, "Cloquet Metro", "State Tax", "Carlton County")
    customer_add(company, "Pine Diner", extra="<ItemSalesTaxRef><FullName>Cloquet Metro</FullName></ItemSalesTaxRef>")
    desktop_lists("to_local")

    run = desktop_sync()

    assert_clean(run)
    metro = TaxRate.objects.get(division=division, name="Cloquet Metro")
    assert (metro.percent, metro.agency, metro.active) == (Decimal("8.7500"), AGENCY, True)
    assert link_of(metro).qbo_id == group_id
    assert Customer.objects.get(division=division, display_name="Pine Diner").tax_rate == metro
    assert TaxRate.objects.filter(division=division).count() == 3  # State Tax, Carlton County and the group.

    # The group itself does not change when one of its items is re-rated; its rate here does.
    tax_item_mod(company, county, "<TaxRate>2</TaxRate>")
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "updated", "Carlton County"), ("tax rate", "updated", "Cloquet Metro")]
    metro.refresh_from_db()
    assert metro.percent == Decimal("9.2500")

    # Pine Diner still uses the group, so QuickBooks lets it be made inactive, not deleted.
    group = qbxml(company, f"<ItemSalesTaxGroupQueryRq><ListID>{group_id}</ListID></ItemSalesTaxGroupQueryRq>")
    edit_sequence = group.find(".//ItemSalesTaxGroupRet").findtext("EditSequence")
    qbxml(
        company,
        f"<ItemSalesTaxGroupModRq><ItemSalesTaxGroupMod><ListID>{group_id}</ListID><EditSequence>{edit_sequence}"
        "</EditSequence><IsActive>false</IsActive></ItemSalesTaxGroupMod></ItemSalesTaxGroupModRq>",
    )
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "deactivated", "Cloquet Metro")]
    metro.refresh_from_db()
    assert metro.active is False
    assert desktop_sync().entries.count() == 0


def test_a_local_change_to_a_rate_kept_as_a_sales_tax_group_is_refused_and_nothing_is_sent(
    desktop_lists, desktop_sync, company, division
):
    tax_item_add(company, "Carlton County", "1.5")
    group_id = tax_group_add(company, "Cloquet Metro", "State Tax", "Carlton County")
    metro = TaxRateFactory(division=division, name="Cloquet Metro", percent=Decimal("8.7500"), agency=AGENCY)
    desktop_lists("to_quickbooks")
    run = desktop_sync()
    assert_clean(run)
    assert ("tax rate", "linked", "Cloquet Metro") in entries(run)
    assert link_of(metro).qbo_id == group_id

    accounting.tax_rate_update(tax_rate=metro, percent=Decimal("9.0000"))
    run = desktop_sync()

    (entry,) = run.entries.filter(entity="tax rate")
    assert entry.record_label == "Cloquet Metro"
    assert "is a sales tax group in QuickBooks Desktop" in entry.message
    assert writes_sent(desktop_sync) == {}
    group = qbxml(company, f"<ItemSalesTaxGroupQueryRq><ListID>{group_id}</ListID></ItemSalesTaxGroupQueryRq>")
    assert group.find(".//ItemSalesTaxGroupRet").findtext("Name") == "Cloquet Metro"


def test_a_sales_tax_group_deleted_in_desktop_is_made_inactive_here(desktop_lists, desktop_sync, company, division):
    tax_item_add(company, "Carlton County", "1.5")
    group_id = tax_group_add(company, "Cloquet Metro", "State Tax", "Carlton County")
    desktop_lists("to_local")
    assert_clean(desktop_sync())

    qbxml(company, f"<ListDelRq><ListDelType>ItemSalesTaxGroup</ListDelType><ListID>{group_id}</ListID></ListDelRq>")
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "deactivated", "Cloquet Metro")]
    assert TaxRate.objects.get(division=division, name="Cloquet Metro").active is False
    assert TaxRate.objects.get(division=division, name="Carlton County").active is True
