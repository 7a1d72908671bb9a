"""
Tax rates and payment terms with QuickBooks Online: what only Online does (a term renamed there), and read-only here
while QuickBooks keeps them. The scenarios both backends share are in ``tests/quickbooks/scenarios``.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounting import services as accounting
from apps.accounting.models import PaymentTerm, TaxRate
from apps.quickbooks.models import SyncRunStatus
from tests.factories import PaymentTermFactory, TaxRateFactory
from tests.quickbooks.sync.conftest import configure, entries, remote_create, remote_update, sync

QUICKBOOKS_MASTER = [
    pytest.param({"customers_direction": "to_local"}, id="to_local"),
    pytest.param({"customers_direction": "two_way", "customers_primary": "local"}, id="two_way"),
    pytest.param({"customers_direction": "off"}, id="customers_off"),
]


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


# QuickBooks master: pulled.


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
