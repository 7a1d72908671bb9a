"""``bench_export`` measures the customer export through the admin's own Export view."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from apps.core.models import Division
from apps.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_bench_export_reports_both_formats_and_cleans_up():
    out = StringIO()

    call_command("bench_export", rows=30, stdout=out)

    report = out.getvalue()
    assert "rows: 30 customers, 40 service locations" in report
    for file_format in ("xlsx", "csv"):
        (line,) = [line for line in report.splitlines() if line.startswith(file_format)]
        queries = int(re.search(r"(\d+) queries", line).group(1))
        assert 0 < queries < 20, line
        assert "MiB (Python heap)" in line
    assert not Division.objects.filter(slug="benchmark").exists()
    assert not Customer.objects.filter(display_name__startswith="Bench ").exists()
