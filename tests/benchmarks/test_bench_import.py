"""``bench_import`` runs end to end on a tiny workload and leaves nothing behind."""

import pytest
from django.core.management import call_command

from apps.catalog.models import Item
from apps.core.models import Division
from apps.imports.models import ImportRecord
from apps.invoicing.models import Invoice

pytestmark = pytest.mark.django_db


def test_bench_import_runs_and_cleans_up(capsys):
    call_command(
        "bench_import", lines=12, invoices=5, notes=4, items=4, customers=3, new_customers=3, reimport=True
    )
    out = capsys.readouterr().out
    assert "invoices: 12 rows → 5 created" in out
    assert "customer_notes: 4 rows → 4 created" in out
    assert "items: 4 rows → 4 created" in out
    assert "customers: 6 rows → 3 created" in out
    assert "customers again: 0 to create, 3 already there" in out
    assert "invoices again: 0 to create, 5 already there" in out
    assert not Division.objects.filter(slug="benchmark-import").exists()
    assert not Invoice.objects.exists() and not ImportRecord.objects.exists()
    assert not Item.objects.filter(name__startswith="Benchmark item").exists()
