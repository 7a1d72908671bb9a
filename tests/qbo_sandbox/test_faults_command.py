"""``qbo_sandbox faults``: every knob of the limits and injected faults, as a benchmark script would set them."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.qbo_sandbox.faults.guard import counter_base
from apps.qbo_sandbox.models import SandboxCompany

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = StringIO()
    call_command("qbo_sandbox", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def realm_id() -> str:
    return run("create-company", "--seed", "empty")["realm_id"]


def test_every_knob_has_an_option(realm_id):
    result = run(
        "faults",
        "--realm",
        realm_id,
        "--requests-per-minute",
        "100",
        "--requests-per-second",
        "5",
        "--batch-per-minute",
        "4",
        "--concurrent",
        "3",
        "--time-scale",
        "10",
        "--latency-ms",
        "150",
        "--error-rate-500",
        "0.02",
        "--error-rate-503",
        "0.05",
        "--slow-rate",
        "0.01",
        "--slow-seconds",
        "35",
        "--drop-rate",
        "0.03",
        "--xml-fault-rate",
        "0.5",
        "--seed",
        "42",
        "--token-lifetime",
        "600",
        "--webhook-batch-seconds",
        "0",
    )

    assert result["overrides"] == {
        "rate_limit_per_minute": 100,
        "rate_limit_per_second": 5,
        "batch_rate_limit_per_minute": 4,
        "rate_limit_concurrent": 3,
        "time_scale": 10.0,
        "latency_ms": 150,
        "error_rates": {"500": 0.02, "503": 0.05},
        "slow_rate": 0.01,
        "slow_seconds": 35.0,
        "drop_rate": 0.03,
        "xml_fault_rate": 0.5,
        "random_seed": 42,
        "access_token_lifetime": 600,
        "webhook_batch_seconds": 0.0,
    }
    assert result["settings"]["refresh_token_lifetime"] == 8726400
    assert result["derived"]["minute_window_seconds"] == 6.0
    assert result["derived"]["webhook_retry_seconds"][:3] == [1.0, 2.0, 3.0]


def test_the_longer_option_names_still_work(realm_id):
    result = run(
        "faults",
        "--realm",
        realm_id,
        "--rate-limit-per-minute",
        "7",
        "--rate-limit-concurrent",
        "2",
        "--batch-rate-limit-per-minute",
        "1",
        "--error-rate",
        "502=0.1",
    )

    assert result["settings"]["rate_limit_per_minute"] == 7
    assert result["settings"]["rate_limit_concurrent"] == 2
    assert result["settings"]["batch_rate_limit_per_minute"] == 1
    assert result["settings"]["error_rates"] == {"502": 0.1}
    assert run("faults", "--realm", realm_id, "--defaults")["overrides"] == {}


def test_error_rates_merge_and_zero_removes_one(realm_id):
    run("faults", "--realm", realm_id, "--error-rate-500", "0.1", "--error-rate-503", "0.2")

    result = run("faults", "--realm", realm_id, "--error-rate-500", "0")

    assert result["settings"]["error_rates"] == {"503": 0.2}


def test_reset_drops_the_overrides_and_restarts_the_counters(realm_id):
    run("faults", "--realm", realm_id, "--drop-rate", "1")
    before = counter_base(SandboxCompany.objects.get())

    result = run("faults", "--realm", realm_id, "--reset")

    assert result["overrides"] == {}
    assert result["settings"]["drop_rate"] == 0.0 and result["settings"]["rate_limit_per_minute"] == 500
    assert counter_base(SandboxCompany.objects.get()) != before


def test_showing_the_knobs_changes_nothing(realm_id):
    before = counter_base(SandboxCompany.objects.get())
    out = StringIO()

    call_command("qbo_sandbox", "faults", "--realm", realm_id, stdout=out)

    assert "rate_limit_per_minute: 500" in out.getvalue()
    assert "minute_window_seconds: 60.0" in out.getvalue()
    assert counter_base(SandboxCompany.objects.get()) == before


@pytest.mark.parametrize(
    "option, value",
    [("--drop-rate", "1.5"), ("--error-rate-503", "-0.1"), ("--time-scale", "0"), ("--slow-seconds", "-1")],
)
def test_out_of_range_values_are_refused(realm_id, option, value):
    with pytest.raises(CommandError):
        run("faults", "--realm", realm_id, option, value)
