"""Tax rates and payment terms: pulled while QuickBooks keeps them, pushed while FieldOffice does, read-only here."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounting import services as accounting
from apps.accounting.models import PaymentTerm, TaxRate
from apps.customers.models import Customer
from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import taxcode_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import RecordLink, SyncRunStatus
from tests.factories import PaymentTermFactory, TaxRateFactory
from tests.quickbooks.sync.conftest import configure, entries, remote_create, remote_update, sync

QUICKBOOKS_MASTER = [
    pytest.param({"customers_direction": "to_local"}, id="to_local"),
    pytest.param({"customers_direction": "two_way", "customers_primary": "local"}, id="two_way"),
    pytest.param({"customers_direction": "off"}, id="customers_off"),
]


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def remote_tax_code(company, name: str, percent: str, agency_name: str = "Minnesota Revenue") -> SandboxEntity:
    """A sales tax code with one rate, made the way QuickBooks' tax service makes it."""
    agency = SandboxEntity.objects.filter(company=company, entity_type="TaxAgency", data__DisplayName=agency_name)
    agency = agency.first() or remote_create(company, "TaxAgency", {"DisplayName": agency_name})
    answer = taxcode_create(
        company,
        {
            "TaxCode": name,
            "TaxRateDetails": [{"TaxRateName": f"{name} rate", "RateValue": percent, "TaxAgencyId": agency.entity_id}],
        },
    )
    return remote_entity(company, "TaxCode", answer["TaxCodeId"])


def remote_entity(company, entity_type: str, entity_id: str) -> SandboxEntity:
    return SandboxEntity.objects.get(company=company, entity_type=entity_type, entity_id=entity_id)


def remote_rate_of(company, code: SandboxEntity) -> SandboxEntity:
    code.refresh_from_db()
    (detail,) = code.data["SalesTaxRateList"]["TaxRateDetail"]
    return remote_entity(company, "TaxRate", detail["TaxRateRef"]["value"])


def remote_change(entity: SandboxEntity, **changes) -> SandboxEntity:
    """Change a record the API does not let apps change (tax codes and rates), as QuickBooks' own screens do."""
    entity.refresh_from_db()
    return store.entity_update(entity, {**entity.data, **changes})


def links_of(division, model) -> list[RecordLink]:
    return list(RecordLink.objects.filter(division=division, content_type__model=model._meta.model_name))


# QuickBooks master: pulled.


@pytest.mark.parametrize("options", QUICKBOOKS_MASTER)
def test_tax_rates_and_terms_are_pulled_while_quickbooks_keeps_them(division, connection, company, options):
    remote_create(company, "Term", {"Name": "Net 45", "DueDays": 45})
    remote_create(company, "Term", {"Name": "Due on 15th", "DayOfMonthDue": 15})
    code = remote_tax_code(company, "Duluth", "8.875", agency_name="MN Revenue")
    configure(division, **options)

    run = sync(division)

    assert_clean(run)
    net45 = PaymentTerm.objects.get(division=division, name="Net 45")
    assert (net45.due_days, net45.active) == (45, True)
    assert PaymentTerm.objects.get(division=division, name="Due on 15th").due_days == 30
    rate = TaxRate.objects.get(division=division)
    assert (rate.name, rate.percent, rate.agency, rate.active) == ("Duluth", Decimal("8.8750"), "MN Revenue", True)
    assert RecordLink.objects.get(division=division, content_type__model="taxrate").qbo_id == code.entity_id
    assert {(entity, action) for entity, action, _ in entries(run)} >= {
        ("payment term", "created"),
        ("tax rate", "created"),
    }
    assert not SandboxEntity.objects.filter(company=company, entity_type="Term", sync_token__gt=0).exists()

    idle = sync(division)
    assert idle.entries.count() == 0
    assert PaymentTerm.objects.filter(division=division).count() == 2
    assert TaxRate.objects.filter(division=division).count() == 1


def test_pulled_customers_refer_to_the_pulled_term_and_tax_rate(division, connection, company):
    term = remote_create(company, "Term", {"Name": "Net 10", "DueDays": 10})
    code = remote_tax_code(company, "Ely", "7.375")
    remote_create(
        company,
        "Customer",
        {
            "DisplayName": "Otter Outfitters",
            "SalesTermRef": {"value": term.entity_id},
            "DefaultTaxCodeRef": {"value": code.entity_id},
        },
    )
    configure(division, customers_direction="to_local")

    assert_clean(sync(division))

    customer = Customer.objects.get(division=division, display_name="Otter Outfitters")
    assert customer.payment_term.name == "Net 10"
    assert customer.tax_rate.name == "Ely"


@pytest.mark.parametrize("options", QUICKBOOKS_MASTER)
def test_a_tax_code_renamed_or_re_rated_in_quickbooks_updates_the_same_tax_rate(division, connection, company, options):
    code = remote_tax_code(company, "Hibbing", "7.000")
    configure(division, **options)
    assert_clean(sync(division))
    local = TaxRate.objects.get(division=division)

    remote_change(code, Name="Hibbing City")
    run = sync(division)

    assert_clean(run)
    assert entries(run) == [("tax rate", "updated", "Hibbing City")]
    assert TaxRate.objects.filter(division=division).count() == 1
    local.refresh_from_db()
    assert (local.name, local.percent) == ("Hibbing City", Decimal("7.0000"))

    remote_change(remote_rate_of(company, code), RateValue=7.5)
    run = sync(division)

    assert_clean(run)
    assert entries(run) == [("tax rate", "updated", "Hibbing City")]
    assert TaxRate.objects.filter(division=division).count() == 1
    local.refresh_from_db()
    assert (local.name, local.percent) == ("Hibbing City", Decimal("7.5000"))
    (link,) = links_of(division, TaxRate)
    assert (link.object_id, link.qbo_id) == (local.pk, code.entity_id)
    assert sync(division).entries.count() == 0


def test_a_term_renamed_in_quickbooks_updates_the_same_term(division, connection, company):
    term = remote_create(company, "Term", {"Name": "Net 20", "DueDays": 20})
    configure(division, customers_direction="to_local")
    assert_clean(sync(division))
    local = PaymentTerm.objects.get(division=division)

    remote_update(company, "Term", term, {"Name": "Net 21", "DueDays": 21})
    run = sync(division)

    assert entries(run) == [("payment term", "updated", "Net 21")]
    local.refresh_from_db()
    assert (local.name, local.due_days) == ("Net 21", 21)
    assert PaymentTerm.objects.filter(division=division).count() == 1


@pytest.mark.parametrize("options", QUICKBOOKS_MASTER[:2])
@pytest.mark.parametrize("how", ["deleted", "made_inactive"])
def test_a_term_gone_from_quickbooks_is_made_inactive_here(division, connection, company, options, how):
    term = remote_create(company, "Term", {"Name": "Net 60", "DueDays": 60})
    remote_create(company, "Term", {"Name": "Net 7", "DueDays": 7})
    configure(division, **options)
    assert_clean(sync(division))
    local = PaymentTerm.objects.get(division=division, name="Net 60")

    if how == "deleted":
        store.entity_tombstone(term)
    else:
        remote_update(company, "Term", term, {"Active": False})
    run = sync(division)

    assert_clean(run)
    assert entries(run) == [("payment term", "deactivated", "Net 60")]
    local.refresh_from_db()
    assert local.active is False
    assert PaymentTerm.objects.get(division=division, name="Net 7").active is True
    assert PaymentTerm.objects.filter(division=division).count() == 2
    assert sync(division).entries.count() == 0


def test_a_tax_code_deleted_in_quickbooks_is_made_inactive_here(division, connection, company):
    code = remote_tax_code(company, "Virginia", "7.875")
    configure(division, customers_direction="to_local")
    assert_clean(sync(division))

    store.entity_tombstone(code)
    run = sync(division)

    (entry,) = run.entries.all()
    assert (entry.entity, entry.action, entry.record_label) == ("tax rate", "deactivated", "Virginia")
    assert "Deleted in QuickBooks" in entry.message
    assert TaxRate.objects.get(division=division).active is False


# FieldOffice master (customers to QuickBooks): pushed.


def test_new_local_term_and_tax_rate_are_pushed_when_customers_go_to_quickbooks(division, connection, company):
    configure(division, customers_direction="to_quickbooks")
    assert_clean(sync(division))
    term = PaymentTermFactory(division=division, name="Net 25", due_days=25)
    rate = TaxRateFactory(division=division, name="Cloquet", percent=Decimal("7.3750"), agency="Carlton County")

    run = sync(division)

    assert_clean(run)
    remote_term = SandboxEntity.objects.get(company=company, entity_type="Term", data__Name="Net 25")
    assert remote_term.data["DueDays"] == 25
    code = SandboxEntity.objects.get(company=company, entity_type="TaxCode", data__Name="Cloquet")
    remote_rate = remote_rate_of(company, code)
    assert Decimal(str(remote_rate.data["RateValue"])) == Decimal("7.375")
    agency = remote_entity(company, "TaxAgency", remote_rate.data["AgencyRef"]["value"])
    assert agency.data["DisplayName"] == "Carlton County"
    assert ("payment term", "created", "Net 25") in entries(run)
    assert ("tax rate", "created", "Cloquet") in entries(run)
    assert links_of(division, PaymentTerm)[0].qbo_id == remote_term.entity_id
    assert links_of(division, TaxRate)[0].object_id == rate.pk
    assert sync(division).entries.count() == 0

    accounting.payment_term_update(payment_term=term, name="Net 26", due_days=26)
    run = sync(division)
    assert entries(run) == [("payment term", "updated", "Net 26")]
    remote_term.refresh_from_db()
    assert (remote_term.data["Name"], remote_term.data["DueDays"]) == ("Net 26", 26)
    assert SandboxEntity.objects.filter(company=company, entity_type="Term").count() == 1


def test_a_local_change_to_a_pushed_tax_rate_is_reported_as_skipped(division, connection, company):
    rate = TaxRateFactory(division=division, name="Two Harbors", percent=Decimal("7.8750"))
    configure(division, customers_direction="to_quickbooks")
    assert_clean(sync(division))
    code = SandboxEntity.objects.get(company=company, entity_type="TaxCode", data__Name="Two Harbors")
    code_token = code.sync_token
    remote_rate = remote_rate_of(company, code)

    accounting.tax_rate_update(tax_rate=rate, percent=Decimal("8.1250"))
    run = sync(division)

    assert run.status == SyncRunStatus.SUCCEEDED
    (entry,) = run.entries.all()
    assert (entry.entity, entry.action, entry.record_label) == ("tax rate", "skipped", "Two Harbors")
    assert entry.message == (
        "Two Harbors changed here, but QuickBooks does not let other apps change a tax rate: make the same change in "
        "QuickBooks."
    )
    code.refresh_from_db()
    remote_rate.refresh_from_db()
    assert code.sync_token == code_token
    assert Decimal(str(remote_rate.data["RateValue"])) == Decimal("7.875")
    assert SandboxEntity.objects.filter(company=company, entity_type="TaxCode").count() == 1
    assert sync(division).entries.count() == 0, "reported once"


# Read-only while QuickBooks keeps them.


@pytest.mark.parametrize("options", QUICKBOOKS_MASTER)
def test_tax_rates_and_terms_are_read_only_while_quickbooks_keeps_them(division, connection, options):
    rate = TaxRateFactory(division=division, name="Local Rate")
    term = PaymentTermFactory(division=division, name="Local Term")
    configure(division, **options)

    refusals = [
        lambda: accounting.tax_rate_create(division=division, name="New Rate", percent=Decimal("5")),
        lambda: accounting.tax_rate_update(tax_rate=rate, percent=Decimal("6")),
        lambda: accounting.tax_rate_deactivate(tax_rate=rate),
        lambda: accounting.payment_term_create(division=division, name="Net 99", due_days=99),
        lambda: accounting.payment_term_update(payment_term=term, due_days=99),
        lambda: accounting.payment_term_deactivate(payment_term=term),
    ]
    for write in refusals:
        with pytest.raises(ValidationError) as refused:
            write()
        assert "kept in QuickBooks" in refused.value.messages[0]
    rate.refresh_from_db()
    term.refresh_from_db()
    assert (rate.percent, rate.active, term.due_days, term.active) == (Decimal("7.8750"), True, 30, True)
    assert TaxRate.objects.filter(division=division).count() == 1
    assert PaymentTerm.objects.filter(division=division).count() == 1

    accounting.tax_rate_create(division=division, name="New Rate", percent=Decimal("5"), by_master_system=True)
    accounting.tax_rate_update(tax_rate=rate, percent=Decimal("6"), by_master_system=True)
    accounting.payment_term_create(division=division, name="Net 99", due_days=99, by_master_system=True)
    accounting.payment_term_deactivate(payment_term=term, by_master_system=True)
    rate.refresh_from_db()
    term.refresh_from_db()
    assert (rate.percent, term.active) == (Decimal("6"), False)
    assert TaxRate.objects.filter(division=division).count() == 2
    assert PaymentTerm.objects.filter(division=division).count() == 2


def test_tax_rates_and_terms_stay_editable_while_customers_go_to_quickbooks(division, connection):
    rate = TaxRateFactory(division=division, name="Local Rate")
    term = PaymentTermFactory(division=division, name="Local Term")
    configure(division, customers_direction="to_quickbooks")

    accounting.tax_rate_update(tax_rate=rate, percent=Decimal("6"))
    accounting.payment_term_update(payment_term=term, due_days=45)
    accounting.tax_rate_create(division=division, name="Second Rate", percent=Decimal("5"))

    assert TaxRate.objects.get(pk=rate.pk).percent == Decimal("6")
    assert PaymentTerm.objects.get(pk=term.pk).due_days == 45


def test_tax_rates_and_terms_stay_editable_when_the_lists_are_not_synced(division, connection):
    rate = TaxRateFactory(division=division, name="Local Rate")
    configure(division, customers_direction="to_local", sync_tax_rates_and_terms=False)

    accounting.tax_rate_update(tax_rate=rate, percent=Decimal("6"))

    assert TaxRate.objects.get(pk=rate.pk).percent == Decimal("6")


def test_a_local_namesake_is_linked_not_duplicated_when_quickbooks_keeps_the_lists(division, connection, company):
    local_term = PaymentTermFactory(division=division, name="net 30", due_days=31)
    local_rate = TaxRateFactory(division=division, name="duluth", percent=Decimal("8"))
    remote_create(company, "Term", {"Name": "Net 30", "DueDays": 30})
    remote_tax_code(company, "Duluth", "8.875")
    configure(division, customers_direction="to_local")

    run = sync(division)

    assert_clean(run)
    assert PaymentTerm.objects.filter(division=division).count() == 1
    assert TaxRate.objects.filter(division=division).count() == 1
    local_term.refresh_from_db()
    local_rate.refresh_from_db()
    assert (local_term.name, local_term.due_days) == ("Net 30", 30)
    assert (local_rate.name, local_rate.percent) == ("Duluth", Decimal("8.8750"))
    assert sorted(entries(run)) == [("payment term", "linked", "Net 30"), ("tax rate", "linked", "Duluth")]
