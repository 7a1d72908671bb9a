"""The QuickBooks Online backend's concurrent writes: batches in parallel, results in the order asked."""

import pytest
from django import db

from apps.quickbooks.online.backend import OnlineBackend
from apps.quickbooks.online.connection import client_for
from apps.quickbooks.sync.backend import CREATE, Write
from apps.quickbooks.sync.records import CustomerRecord
from tests.quickbooks.sync.conftest import remote_customers
from tests.quickbooks.sync.test_invoices import books  # noqa: F401  (a fixture, used by name)


def test_batches_go_out_together_and_answer_in_order(connection, company):
    if db.connection.vendor == "sqlite":
        # The sandbox's writes serialise on a row lock; SQLite's shared in-memory test database has none.
        pytest.skip("needs a database whose writers wait for each other (PostgreSQL)")
    backend = OnlineBackend(client_for(connection), concurrency=4)
    writes = [Write("Customer", CREATE, CustomerRecord(name=f"Parallel {n:03d}"), key=n) for n in range(100)]
    # In the same batch as the first 007: a batch runs in order, batches among themselves do not.
    writes.insert(8, Write("Customer", CREATE, CustomerRecord(name="Parallel 007"), key="duplicate"))

    results = backend.write(writes)
    backend.close()

    assert [result.write.key for result in results] == [write.key for write in writes]
    duplicate = results.pop(8)
    assert all(result.ok for result in results)
    assert [result.record.name for result in results] == [f"Parallel {n:03d}" for n in range(100)]
    assert all(result.record.remote_id for result in results)
    assert duplicate.error is not None and duplicate.error.code == "6240"
    assert backend.api_calls == 4  # 101 writes: 4 batches of up to 30
    assert len(remote_customers(company)) == 100


def test_invoice_rounds_overlap_and_every_invoice_is_sent_once(
    division, connection, company, books, monkeypatch  # noqa: F811
):
    if db.connection.vendor == "sqlite":
        pytest.skip("needs a database whose writers wait for each other (PostgreSQL)")
    from apps.invoicing.models import InvoiceStatus
    from apps.qbo_sandbox.models import SandboxEntity
    from apps.quickbooks.models import SyncTrigger
    from apps.quickbooks.sync import run_division_sync
    from apps.quickbooks.sync.steps import invoices as step
    from tests.factories import CustomerFactory
    from tests.quickbooks.sync.conftest import configure
    from tests.quickbooks.sync.test_invoices import ready

    monkeypatch.setattr(step, "WRITES_PER_ROUND", 30)  # 4 rounds: each sent while the one before is applied
    customer = CustomerFactory(division=division, display_name="Pipelined Plumbing", taxable=False)
    invoices = [ready(customer, (None, f"Visit {n}", "1", "10", False)) for n in range(100)]
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")

    run = run_division_sync(
        division.pk, SyncTrigger.MANUAL, backend=OnlineBackend(client_for(connection), concurrency=4)
    )

    assert run.status == "succeeded", run.error_summary
    assert SandboxEntity.objects.filter(company=company, entity_type="Invoice").count() == 100
    assert {invoice.__class__.objects.get(pk=invoice.pk).status for invoice in invoices} == {InvoiceStatus.UNPAID}
    assert run.entity_counts["invoice"] == {"created": 100}
