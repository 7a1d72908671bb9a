"""
Payment terms and tax rates with QuickBooks, the scenarios both backends share, each run once per backend (``side``):
pulled while QuickBooks keeps them, pushed while FieldOffice does, and what each QuickBooks lets other apps change.
"""

from decimal import Decimal

import pytest

from apps.accounting import services as accounting
from apps.accounting.models import PaymentTerm, TaxRate
from apps.customers.models import Customer
from apps.quickbooks.models import SyncRunStatus
from apps.quickbooks.sync.backend import UPDATE
from apps.quickbooks.sync.records import TAX_CODE, TERM
from tests.factories import PaymentTermFactory, TaxRateFactory
from tests.quickbooks.scenarios.helpers import link_of, rates_here, terms_here

# Both systems keep a live server: QuickBooks Online's sandbox is reached over HTTP.
pytestmark = pytest.mark.usefixtures("live_server")

QUICKBOOKS_MASTER = ["to_local", "two_way", "off"]


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def entries(run) -> list[tuple[str, str, str]]:
    return sorted(run.entries.values_list("entity", "action", "record_label"))


def assert_idle(side) -> None:
    run = side.sync()
    assert_clean(run)
    assert run.entries.count() == 0
    assert not side.written


# QuickBooks master: pulled.


@pytest.mark.parametrize("direction", QUICKBOOKS_MASTER)
def test_terms_of_both_kinds_and_tax_rates_are_pulled_while_quickbooks_keeps_them(side, division, direction):
    net45 = side.term_add("Net 45", 45)
    fifteenth = side.date_driven_term_add("Due on 15th", 15)
    duluth = side.tax_add("Duluth", "8.875", agency="MN Revenue")
    side.configure(direction)

    run = side.sync()

    assert_clean(run)
    terms = terms_here(division)
    assert terms == {
        **{name: (days, True) for name, days in side.terms_there_first.items()},
        "Net 45": (45, True),
        "Due on 15th": (30, True),  # Due on a day of the month: a month here.
    }
    assert link_of(PaymentTerm.objects.get(division=division, name="Net 45")).qbo_id == net45
    assert link_of(PaymentTerm.objects.get(division=division, name="Due on 15th")).qbo_id == fifteenth
    rates = rates_here(division)
    assert set(rates) == side.rates_there_first | {"Duluth"}
    assert rates["Duluth"] == (Decimal("8.8750"), "MN Revenue", True)
    assert link_of(TaxRate.objects.get(division=division, name="Duluth")).qbo_id == duluth
    assert {("payment term", "created", "Net 45"), ("tax rate", "created", "Duluth")} <= set(entries(run))
    assert not side.written

    assert_idle(side)
    assert len(terms_here(division)) == len(terms)
    assert len(rates_here(division)) == len(rates)


def test_pulled_customers_refer_to_the_pulled_term_and_tax_rate(side, division):
    side.term_add("Net 10", 10)
    ely = side.tax_add("Ely", "7.375")
    side.customer_add("Otter Outfitters", term="Net 10", tax="Ely")
    side.configure("to_local")

    assert_clean(side.sync())

    customer = Customer.objects.get(division=division, display_name="Otter Outfitters")
    assert customer.payment_term == PaymentTerm.objects.get(division=division, name="Net 10")
    assert customer.tax_rate == TaxRate.objects.get(division=division, name="Ely")
    assert link_of(customer.tax_rate).qbo_id == ely


@pytest.mark.parametrize("direction", QUICKBOOKS_MASTER)
def test_a_tax_rate_renamed_or_re_rated_in_quickbooks_updates_the_same_rate_here(side, division, direction):
    hibbing = side.tax_add("Hibbing", "7")
    side.configure(direction)
    assert_clean(side.sync())
    local = TaxRate.objects.get(division=division, name="Hibbing")
    count = TaxRate.objects.filter(division=division).count()

    side.tax_change(hibbing, name="Hibbing City")
    run = side.sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "updated", "Hibbing City")]
    local.refresh_from_db()
    assert (local.name, local.percent) == ("Hibbing City", Decimal("7.0000"))

    side.tax_change(hibbing, percent="7.5")
    run = side.sync()

    assert_clean(run)
    assert entries(run) == [("tax rate", "updated", "Hibbing City")]
    local.refresh_from_db()
    assert (local.name, local.percent, local.active) == ("Hibbing City", Decimal("7.5000"), True)
    assert TaxRate.objects.filter(division=division).count() == count
    link = link_of(local)
    assert (link.qbo_id, link.sync_token) == (hibbing, side.version(hibbing))
    assert_idle(side)


@pytest.mark.parametrize("direction", QUICKBOOKS_MASTER[:2])
@pytest.mark.parametrize("how", ["deleted", "made_inactive"])
def test_a_term_gone_from_quickbooks_is_made_inactive_here(side, division, direction, how):
    net60 = side.term_add("Net 60", 60)
    side.term_add("Net 7", 7)
    side.configure(direction)
    assert_clean(side.sync())
    local = PaymentTerm.objects.get(division=division, name="Net 60")
    count = PaymentTerm.objects.filter(division=division).count()

    side.term_gone(net60, how)
    run = side.sync()

    assert_clean(run)
    assert entries(run) == [("payment term", "deactivated", "Net 60")]
    local.refresh_from_db()
    assert local.active is False
    assert PaymentTerm.objects.get(division=division, name="Net 7").active is True
    assert PaymentTerm.objects.filter(division=division).count() == count
    assert PaymentTerm.objects.filter(division=division, active=True).count() == count - 1
    assert_idle(side)


def test_a_tax_rate_deleted_in_quickbooks_is_made_inactive_here(side, division):
    virginia = side.tax_add("Virginia", "7.875")
    side.configure("to_local")
    assert_clean(side.sync())

    side.tax_delete(virginia)
    run = side.sync()

    assert_clean(run)
    (entry,) = run.entries.all()
    assert (entry.entity, entry.action, entry.record_label) == ("tax rate", "deactivated", "Virginia")
    assert "Deleted in QuickBooks" in entry.message
    assert TaxRate.objects.get(division=division, name="Virginia").active is False
    assert all(rates_here(division)[name][2] for name in side.rates_there_first)


def test_a_local_namesake_is_linked_not_duplicated_when_quickbooks_keeps_the_lists(side, division):
    term = PaymentTermFactory(division=division, name="net 21", due_days=22)
    rate = TaxRateFactory(division=division, name="duluth", percent=Decimal("8"))
    side.term_add("Net 21", 21)
    duluth = side.tax_add("Duluth", "8.875")
    side.configure("to_local")

    run = side.sync()

    assert_clean(run)
    created = [("payment term", "created", name) for name in side.terms_there_first]
    created += [("tax rate", "created", name) for name in side.rates_there_first]
    assert entries(run) == sorted([("payment term", "linked", "Net 21"), ("tax rate", "linked", "Duluth"), *created])
    term.refresh_from_db()
    rate.refresh_from_db()
    assert (term.name, term.due_days) == ("Net 21", 21)
    assert (rate.name, rate.percent) == ("Duluth", Decimal("8.8750"))
    assert link_of(rate).qbo_id == duluth
    assert PaymentTerm.objects.filter(division=division).count() == len(side.terms_there_first) + 1
    assert TaxRate.objects.filter(division=division).count() == len(side.rates_there_first) + 1


# FieldOffice master (customers to QuickBooks): pushed.


def test_local_terms_and_tax_rates_are_pushed_namesakes_linked_and_a_second_run_writes_nothing(side, division):
    net25 = PaymentTermFactory(division=division, name="Net 25", due_days=25)
    net35 = PaymentTermFactory(division=division, name="Net 35", due_days=35)
    cloquet = TaxRateFactory(division=division, name="Cloquet", percent=Decimal("7.3750"), agency="Carlton County")
    moose = TaxRateFactory(division=division, name="Moose Lake", percent=Decimal("6.8750"), agency="Lake County")
    side.term_add("Net 35", 35)
    side.agency_add("Lake County")
    side.configure("to_quickbooks")

    run = side.sync()

    assert_clean(run)
    assert entries(run) == [
        ("payment term", "created", "Net 25"),
        ("payment term", "linked", "Net 35"),
        ("tax agency", "created", "Carlton County"),
        ("tax rate", "created", "Cloquet"),
        ("tax rate", "created", "Moose Lake"),
    ]
    assert side.written == {"term": 1, "tax agency": 1, "tax code": 2}
    assert side.term_there("Net 25") == (25, True)
    assert link_of(net25).qbo_id == side.term_id("Net 25")
    assert link_of(net35).qbo_id == side.term_id("Net 35")
    assert side.tax_there("Cloquet") == (Decimal("7.375"), "Carlton County", True)
    assert link_of(cloquet).qbo_id == side.tax_id("Cloquet")
    assert side.tax_there("Moose Lake") == (Decimal("6.875"), "Lake County", True)
    assert side.agencies_named("Lake County") == 1  # The agency QuickBooks has: no second one.
    assert link_of(moose).qbo_id == side.tax_id("Moose Lake")

    assert_idle(side)


def test_a_local_change_to_a_pushed_term_is_sent_where_quickbooks_takes_it_else_reported_once(side, division):
    term = PaymentTermFactory(division=division, name="Net 45", due_days=45)
    side.configure("to_quickbooks")
    assert_clean(side.sync())
    remote_id = link_of(term).qbo_id

    accounting.payment_term_update(payment_term=term, name="Net 50", due_days=50)
    run = side.sync()

    assert run.status == SyncRunStatus.SUCCEEDED
    assert link_of(term).qbo_id == remote_id
    if side.capabilities.writes(TERM, UPDATE):  # QuickBooks Online
        assert entries(run) == [("payment term", "updated", "Net 50")]
        assert side.term_there("Net 50") == (50, True)
        assert side.term_id("Net 50") == remote_id
    else:  # QuickBooks Desktop: qbXML has no way to change a term.
        (entry,) = run.entries.all()
        assert (entry.entity, entry.action, entry.record_label) == ("payment term", "skipped", "Net 50")
        assert entry.message == (
            "Net 50 changed here, but QuickBooks Desktop does not let other apps change a payment term: make the "
            "same change in QuickBooks."
        )
        assert not side.written
        assert side.term_there("Net 45") == (45, True)
    assert side.term_there("Net 45" if side.term_there("Net 50") else "Net 50") is None, "never a second term"

    assert_idle(side)  # Sent, or reported, once.


def test_a_local_change_to_a_pushed_tax_rate_is_sent_where_quickbooks_takes_it_else_reported_once(side, division):
    rate = TaxRateFactory(division=division, name="Two Harbors", percent=Decimal("7.8750"), agency="Lake County")
    side.agency_add("Lake County")
    side.configure("to_quickbooks")
    assert_clean(side.sync())
    remote_id = link_of(rate).qbo_id
    version = side.version(remote_id)

    accounting.tax_rate_update(tax_rate=rate, name="Two Harbors City", percent=Decimal("8.1250"))
    run = side.sync()

    assert run.status == SyncRunStatus.SUCCEEDED
    assert link_of(rate).qbo_id == remote_id
    if side.capabilities.writes(TAX_CODE, UPDATE):  # QuickBooks Desktop: a sales tax item.
        assert_clean(run)
        assert entries(run) == [("tax rate", "updated", "Two Harbors City")]
        assert side.written == {"tax code": 1}
        assert side.tax_there("Two Harbors City") == (Decimal("8.125"), "Lake County", True)
        assert side.tax_id("Two Harbors City") == remote_id
        assert link_of(rate).sync_token == side.version(remote_id)
    else:  # QuickBooks Online: its API lets no app change a tax code.
        (entry,) = run.entries.all()
        assert (entry.entity, entry.action, entry.record_label) == ("tax rate", "skipped", "Two Harbors City")
        assert entry.message == (
            "Two Harbors City changed here, but QuickBooks does not let other apps change a tax rate: make the same "
            "change in QuickBooks."
        )
        assert side.version(remote_id) == version
        assert side.tax_there("Two Harbors") == (Decimal("7.875"), "Lake County", True)
    assert_idle(side)  # Sent, or reported, once.

    accounting.tax_rate_deactivate(tax_rate=rate)
    run = side.sync()

    if side.capabilities.writes(TAX_CODE, UPDATE):
        assert entries(run) == [("tax rate", "updated", "Two Harbors City")]
        assert side.tax_there("Two Harbors City")[2] is False
    else:
        assert entries(run) == [("tax rate", "skipped", "Two Harbors City")]
        assert side.tax_there("Two Harbors")[2] is True
