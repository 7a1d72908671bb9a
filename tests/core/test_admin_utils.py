import pytest
from django.db import connection

from apps.core import admin_utils
from apps.core.admin_utils import LargeTablePaginator
from apps.core.integrations import (
    integration_label_provider_register,
    integration_label_provider_unregister,
    integration_labels_for,
)
from apps.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_paginator_counts_exactly_when_filtered_or_small():
    CustomerFactory.create_batch(3)
    assert LargeTablePaginator(Customer.objects.all(), 2).count == 3
    assert LargeTablePaginator(Customer.objects.filter(active=False), 2).count == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the row estimate exists on PostgreSQL only")
def test_paginator_uses_the_planner_estimate_on_large_unfiltered_tables(monkeypatch):
    CustomerFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Customer._meta.db_table}")
    monkeypatch.setattr(admin_utils, "ESTIMATE_ABOVE_ROWS", 1)
    assert LargeTablePaginator(Customer.objects.all(), 2).count == 5  # estimate after ANALYZE is exact here
    assert LargeTablePaginator(Customer.objects.filter(active=True), 2).count == 5


def test_integration_labels_come_from_registered_providers():
    customer = CustomerFactory()

    def provider(obj):
        return ["QuickBooks"] if isinstance(obj, Customer) else []

    integration_label_provider_register(provider)
    try:
        assert integration_labels_for(customer) == ["QuickBooks"]
    finally:
        integration_label_provider_unregister(provider)
    assert integration_labels_for(customer) == []
