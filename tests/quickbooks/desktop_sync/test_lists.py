"""Payment terms and tax rates with QuickBooks Desktop (terms, sales tax items), through the engine."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree

from apps.accounting import services as accounting
from apps.accounting.models import PaymentTerm, TaxRate
from apps.customers.models import Customer
from apps.qbd_sandbox.models import Record
from apps.quickbooks.mapping import tax, terms
from apps.quickbooks.mapping.desktop.lists import (
    RATE_CODE,
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
    "15th of Month": terms.DATE_DRIVEN_DAYS,
}
AGENCY = "State Board of Equalization"
QUICKBOOKS_MASTER = [
    pytest.param(("to_local", ""), id="to_local"),
    pytest.param(("two_way", "quickbooks"), id="two_way"),
    pytest.param(("off", ""), id="customers_off"),
]
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


def term_made_inactive(company, list_id: str) -> None:
    """What QuickBooks' own Terms List screen does (qbXML has no Mod for terms): inactive, a new edit sequence."""
    record = Record.objects.get(company=company, object_id=list_id)
    record.is_active = False
    record.edit_sequence = str(int(record.edit_sequence) + 1)
    record.time_modified = timezone.now()
    record.save()


# QuickBooks master: pulled.


@pytest.mark.parametrize("settings", QUICKBOOKS_MASTER)
def test_standard_and_date_driven_terms_and_sales_tax_items_are_pulled(
    desktop_lists, desktop_sync, company, division, settings
):
    desktop_lists(*settings)

    run = desktop_sync()

    assert_clean(run)
    pulled = {term.name: term for term in PaymentTerm.objects.filter(division=division)}
    assert {name: term.due_days for name, term in pulled.items()} == DEFAULT_TERMS
    assert all(term.active for term in pulled.values())
    net15 = ret(company, "TermsQuery", "Net 15")
    assert link_of(pulled["Net 15"]).qbo_id == net15.findtext("ListID")
    assert link_of(pulled["15th of Month"]).qbo_id == ret(company, "TermsQuery", "15th of Month").findtext("ListID")
    # The sales tax item is the rate; the sales tax codes Tax and Non only mark taxable or not.
    (rate,) = TaxRate.objects.filter(division=division)
    assert (rate.name, rate.percent, rate.agency, rate.active) == ("State Tax", Decimal("7.2500"), AGENCY, True)
    assert link_of(rate).qbo_id == ret(company, "ItemSalesTaxQuery", "State Tax").findtext("ListID")
    assert ("tax rate", "created", "State Tax") in entries(run)
    assert writes_sent(desktop_sync) == {}
    # Tax codes and tax rates both come from the sales tax items: one query serves them.
    assert desktop_sync.transport.documents[0].count("<ItemSalesTaxQueryRq") == 1

    idle = desktop_sync()

    assert_clean(idle)
    assert idle.entries.count() == 0
    assert writes_sent(desktop_sync) == {}
    assert PaymentTerm.objects.filter(division=division).count() == len(DEFAULT_TERMS)
    assert TaxRate.objects.filter(division=division).count() == 1


@pytest.mark.parametrize("settings", QUICKBOOKS_MASTER[:2])
def test_a_tax_item_re_rated_or_renamed_in_desktop_updates_the_same_tax_rate(
    desktop_lists, desktop_sync, company, division, settings
):
    item = tax_item_add(company, "Tulsa County", "1.5")
    desktop_lists(*settings)
    assert_clean(desktop_sync())
    local = TaxRate.objects.get(division=division, name="Tulsa County")

    tax_item_mod(company, item, "<TaxRate>1.75</TaxRate>")
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "updated", "Tulsa County")]
    local.refresh_from_db()
    assert local.percent == Decimal("1.7500")

    tax_item_mod(company, item, "<Name>Tulsa Co. Sales Tax</Name>")
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "updated", "Tulsa Co. Sales Tax")]
    local.refresh_from_db()
    assert (local.name, local.percent, local.active) == ("Tulsa Co. Sales Tax", Decimal("1.7500"), True)
    assert TaxRate.objects.filter(division=division).count() == 2  # State Tax and this one: no duplicate.
    link = link_of(local)
    assert link.qbo_id == item["ListID"]
    assert link.sync_token == ret(company, "ItemSalesTaxQuery", "Tulsa Co. Sales Tax").findtext("EditSequence")
    assert desktop_sync().entries.count() == 0


@pytest.mark.parametrize("how", ["deleted", "made_inactive"])
def test_a_term_deleted_or_made_inactive_in_desktop_is_made_inactive_here_in_one_way_sync(
    desktop_lists, desktop_sync, company, division, how
):
    desktop_lists("to_local")
    added = qbxml(
        company,
        "<StandardTermsAddRq><StandardTermsAdd><Name>Net 60</Name><StdDueDays>60</StdDueDays></StandardTermsAdd>"
        "</StandardTermsAddRq>",
    )
    list_id = added.find(".//StandardTermsRet").findtext("ListID")
    assert_clean(desktop_sync())
    local = PaymentTerm.objects.get(division=division, name="Net 60")
    assert (local.due_days, local.active) == (60, True)

    if how == "deleted":
        qbxml(
            company,
            f"<ListDelRq><ListDelType>StandardTerms</ListDelType><ListID>{list_id}</ListID></ListDelRq>",
        )
    else:
        term_made_inactive(company, list_id)
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("payment term", "deactivated", "Net 60")]
    local.refresh_from_db()
    assert local.active is False
    assert PaymentTerm.objects.filter(division=division, active=True).count() == len(DEFAULT_TERMS)
    assert PaymentTerm.objects.filter(division=division).count() == len(DEFAULT_TERMS) + 1
    assert desktop_sync().entries.count() == 0


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


def test_a_tax_item_deleted_in_desktop_is_made_inactive_here(desktop_lists, desktop_sync, company, division):
    item = tax_item_add(company, "Creek County", "2")
    desktop_lists("to_local")
    assert_clean(desktop_sync())

    qbxml(company, f"<ListDelRq><ListDelType>ItemSalesTax</ListDelType><ListID>{item['ListID']}</ListID></ListDelRq>")
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "deactivated", "Creek County")]
    assert TaxRate.objects.get(division=division, name="Creek County").active is False
    assert TaxRate.objects.get(division=division, name="State Tax").active is True


def test_a_local_namesake_is_linked_not_duplicated(desktop_lists, desktop_sync, company, division):
    term = PaymentTermFactory(division=division, name="net 30", due_days=31)
    rate = TaxRateFactory(division=division, name="state tax", percent=Decimal("7"))
    desktop_lists("to_local")

    run = desktop_sync()

    assert_clean(run)
    assert {("payment term", "linked", "Net 30"), ("tax rate", "linked", "State Tax")} <= set(entries(run))
    term.refresh_from_db()
    rate.refresh_from_db()
    assert (term.name, term.due_days) == ("Net 30", 30)
    assert (rate.name, rate.percent) == ("State Tax", Decimal("7.2500"))
    assert PaymentTerm.objects.filter(division=division).count() == len(DEFAULT_TERMS)
    assert TaxRate.objects.filter(division=division).count() == 1


def test_pulled_customers_refer_to_the_pulled_term_and_tax_rate(desktop_lists, desktop_sync, company, division):
    item = tax_item_add(company, "Ely", "7.375")
    customer_add(
        company,
        "Otter Outfitters",
        extra="<TermsRef><FullName>Net 15</FullName></TermsRef><ItemSalesTaxRef><FullName>Ely</FullName>"
        "</ItemSalesTaxRef>",
    )
    desktop_lists("to_local")

    assert_clean(desktop_sync())

    customer = Customer.objects.get(division=division, display_name="Otter Outfitters")
    assert customer.payment_term == PaymentTerm.objects.get(division=division, name="Net 15")
    assert customer.tax_rate == TaxRate.objects.get(division=division, name="Ely")
    assert link_of(customer.tax_rate).qbo_id == item["ListID"]


# FieldOffice master (customers to QuickBooks): pushed.


def test_local_terms_and_tax_rates_are_pushed_and_a_second_run_writes_nothing(
    desktop_lists, desktop_sync, company, division
):
    net25 = PaymentTermFactory(division=division, name="Net 25", due_days=25)
    net30 = PaymentTermFactory(division=division, name="Net 30", due_days=30)
    cloquet = TaxRateFactory(division=division, name="Cloquet", percent=Decimal("7.3750"), agency="Carlton County")
    state = TaxRateFactory(division=division, name="Moose Lake", percent=Decimal("6.8750"), agency=AGENCY)
    desktop_lists("to_quickbooks")

    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [
        ("payment term", "created", "Net 25"),
        ("payment term", "linked", "Net 30"),
        ("tax agency", "created", "Carlton County"),
        ("tax rate", "created", "Cloquet"),
        ("tax rate", "created", "Moose Lake"),
    ]
    assert writes_sent(desktop_sync) == {"StandardTermsAdd": 1, "ItemSalesTaxAdd": 2, "VendorAdd": 1}
    term = ret(company, "StandardTermsQuery", "Net 25")
    assert (term.findtext("StdDueDays"), term.findtext("IsActive")) == ("25", "true")
    assert link_of(net25).qbo_id == term.findtext("ListID")
    assert link_of(net30).qbo_id == ret(company, "TermsQuery", "Net 30").findtext("ListID")
    item = ret(company, "ItemSalesTaxQuery", "Cloquet")
    assert Decimal(item.findtext("TaxRate")) == Decimal("7.375")
    assert item.find("TaxVendorRef").findtext("FullName") == "Carlton County"
    assert link_of(cloquet).qbo_id == item.findtext("ListID")
    moose = ret(company, "ItemSalesTaxQuery", "Moose Lake")
    assert moose.find("TaxVendorRef").findtext("FullName") == AGENCY  # The agency QuickBooks has: no second vendor.
    assert link_of(state).qbo_id == moose.findtext("ListID")

    idle = desktop_sync()

    assert_clean(idle)
    assert idle.entries.count() == 0
    assert writes_sent(desktop_sync) == {}


def test_a_local_change_to_a_pushed_tax_rate_updates_its_sales_tax_item(desktop_lists, desktop_sync, company, division):
    rate = TaxRateFactory(division=division, name="Two Harbors", percent=Decimal("7.8750"), agency=AGENCY)
    desktop_lists("to_quickbooks")
    assert_clean(desktop_sync())
    list_id = link_of(rate).qbo_id

    accounting.tax_rate_update(tax_rate=rate, name="Two Harbors City", percent=Decimal("8.1250"))
    run = desktop_sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "updated", "Two Harbors City")]
    assert writes_sent(desktop_sync) == {"ItemSalesTaxMod": 1}
    item = ret(company, "ItemSalesTaxQuery", "Two Harbors City")
    assert item.findtext("ListID") == list_id
    assert Decimal(item.findtext("TaxRate")) == Decimal("8.125")
    assert item.find("TaxVendorRef").findtext("FullName") == AGENCY
    assert link_of(rate).sync_token == item.findtext("EditSequence")
    assert desktop_sync().entries.count() == 0

    accounting.tax_rate_deactivate(tax_rate=rate)
    run = desktop_sync()

    assert entries(run) == [("tax rate", "updated", "Two Harbors City")]
    assert ret(company, "ItemSalesTaxQuery", "Two Harbors City").findtext("IsActive") == "false"


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


def test_a_local_change_to_a_pushed_term_is_reported_once_never_duplicated(
    desktop_lists, desktop_sync, company, division
):
    term = PaymentTermFactory(division=division, name="Net 45", due_days=45)
    desktop_lists("to_quickbooks")
    assert_clean(desktop_sync())
    list_id = link_of(term).qbo_id

    accounting.payment_term_update(payment_term=term, name="Net 50", due_days=50)
    run = desktop_sync()

    assert run.status == SyncRunStatus.SUCCEEDED
    (entry,) = run.entries.all()
    assert (entry.entity, entry.action, entry.record_label) == ("payment term", "skipped", "Net 50")
    assert entry.message == (
        "Net 50 changed here, but QuickBooks Desktop does not let other apps change a payment term: make the same "
        "change in QuickBooks."
    )
    assert writes_sent(desktop_sync) == {}
    assert link_of(term).qbo_id == list_id
    assert ret(company, "TermsQuery", "Net 45").findtext("StdDueDays") == "45"
    names = qbxml(company, "<TermsQueryRq/>").xpath(".//Name/text()")
    assert "Net 50" not in names and names.count("Net 45") == 1

    again = desktop_sync()

    assert again.entries.count() == 0, "reported once"
    assert writes_sent(desktop_sync) == {}


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
    assert standard | {"MetaData": None} == {
        "Id": "80000001-1",
        "SyncToken": "7",
        "Active": True,
        "MetaData": None,
        "Name": "2% 10 Net 30",
        "Type": "STANDARD",
        "DueDays": 30,
        "DiscountDays": 10,
        "DiscountPercent": Decimal("2.00"),
    }
    date_driven = term_record(
        {"ListID": "80000002-1", "Name": "15th", "IsActive": "false", "DayOfMonthDue": "15", "DueNextMonthDays": "10"},
        "DateDrivenTermsRet",
    )
    assert (date_driven["Type"], date_driven["DayOfMonthDue"], date_driven["DueNextMonthDays"]) == (
        "DATE_DRIVEN",
        15,
        10,
    )
    assert "DueDays" not in date_driven
    assert terms.term_fields(date_driven) == {"name": "15th", "due_days": terms.DATE_DRIVEN_DAYS, "active": False}
    assert term_record({"ListID": "1", "Name": "Due now"})["DueDays"] == 0


def test_a_new_term_becomes_a_standard_terms_add_and_a_change_is_refused_before_sending():
    payload = terms.term_payload(PaymentTerm(name="Net 10: contractors only, please pay on time", due_days=10))
    assert standard_terms_fields(payload) == {
        "Name": "Net 10 - contractors only, plea",
        "IsActive": "true",
        "StdDueDays": "10",
    }

    planned, refused = TermsAdapter().plan(
        [(0, Write(terms.ENTITY, CREATE, payload)), (1, Write(terms.ENTITY, UPDATE, {**payload, "Id": "8-1"}))], {}
    )

    assert [(plan.kind, plan.writes[0][0]) for plan in planned] == [("StandardTermsAdd", 0)]
    record, error = refused[1]
    assert record is None
    assert error.message == TERM_UNCHANGEABLE.format(name=payload["Name"])


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
    agencies = {"80000008-1": {"Id": "80000008-1", "DisplayName": AGENCY}}
    assert code[RATE_CODE] is True
    assert tax.tax_code_fields(code, {rate["Id"]: rate}, agencies) == {
        "name": "State Tax",
        "percent": Decimal("7.2500"),
        "agency": AGENCY,
        "active": True,
    }
    marker = sales_tax_code_record({"ListID": "80000002-1", "Name": "Non", "IsTaxable": "false"})
    assert (marker[RATE_CODE], marker["Taxable"]) == (False, False)
    adapter = TaxCodesAdapter()
    assert adapter.records(item, "ItemSalesTaxRet")[0][RATE_CODE] is True
    assert adapter.records({"ListID": "1", "Name": "Tax", "IsTaxable": "true"}, "SalesTaxCodeRet")[0]["Taxable"]


def test_tax_item_fields_cut_the_name_keep_it_whole_in_the_description_and_write_plain_percentages():
    payload = tax.tax_code_payload(
        TaxRate(name="Saint Louis County Transit Improvement", percent=Decimal("10.0000")), "80000008-1"
    )
    assert tax_item_fields(payload) == {
        "Name": "Saint Louis County Transit Impr",
        "IsActive": "true",
        "ItemDesc": "Saint Louis County Transit Improvement",
        "TaxRate": "10",
        "TaxVendorRef": {"ListID": "80000008-1"},
    }
    change = {**tax.tax_code_payload(TaxRate(name="Ely", percent=Decimal("7.3750")), ""), "Active": False}
    assert tax_item_fields({**change, "Id": "80000010-1", "SyncToken": "12"}) == {
        "ListID": "80000010-1",
        "EditSequence": "12",
        "Name": "Ely",
        "IsActive": "false",
        "ItemDesc": "Ely",
        "TaxRate": "7.375",
    }


def test_a_change_without_its_edit_sequence_reads_the_item_first():
    adapter = TaxCodesAdapter()
    write = Write(tax.ENTITY, UPDATE, {"TaxCode": "Ely", "TaxRateDetails": [{"RateValue": "7"}], "Id": "8-1"})

    assert adapter.needs([(0, write)], {}) == ["8-1"]
    planned, refused = adapter.plan([(0, write)], {"8-1": {"ListID": "8-1", "EditSequence": "44"}})

    assert refused == {}
    assert [(plan.kind, plan.fields["EditSequence"]) for plan in planned] == [("ItemSalesTaxMod", "44")]


def test_rates_and_agencies_are_read_not_written_as_such():
    rates, agencies = TaxRatesAdapter(), TaxAgenciesAdapter()
    (rate_refused,) = rates.plan([(0, Write(tax.RATE_ENTITY, CREATE, {"Name": "x"}))], {})[1].values()
    assert rate_refused[1] is not None
    planned, refused = agencies.plan(
        [
            (0, Write(tax.AGENCY_ENTITY, CREATE, tax.agency_payload("Carlton County"))),
            (1, Write(tax.AGENCY_ENTITY, UPDATE, {"Id": "8-1", "DisplayName": "Carlton"})),
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
