"""The QuickBooks Online backend's concurrent writes: batches in parallel, results in the order asked."""

import pytest
from django import db

from apps.quickbooks.services.connection import client_for
from apps.quickbooks.sync.backend import CREATE, Write
from apps.quickbooks.sync.online import OnlineBackend
from tests.quickbooks.sync.conftest import remote_customers


def test_batches_go_out_together_and_answer_in_order(connection, company):
    if db.connection.vendor == "sqlite":
        # The sandbox's writes serialise on a row lock; SQLite's shared in-memory test database has none.
        pytest.skip("needs a database whose writers wait for each other (PostgreSQL)")
    backend = OnlineBackend(client_for(connection), concurrency=4)
    writes = [Write("Customer", CREATE, {"DisplayName": f"Parallel {n:03d}"}, key=n) for n in range(100)]
    writes.append(Write("Customer", CREATE, {"DisplayName": "Parallel 007"}, key="duplicate"))

    results = backend.write(writes)
    backend.close()

    assert [result.write.key for result in results] == [write.key for write in writes]
    assert all(result.ok for result in results[:100])
    assert [result.record["DisplayName"] for result in results[:100]] == [f"Parallel {n:03d}" for n in range(100)]
    assert results[100].error is not None and results[100].error.code == "6240"
    assert backend.api_calls == 4  # 101 writes: 4 batches of up to 30
    assert len(remote_customers(company)) == 100
