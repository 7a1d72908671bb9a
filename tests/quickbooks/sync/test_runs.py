"""Run-level behaviour: preview writes nothing, resend repairs QuickBooks, one run at a time, the command."""

import json
from dataclasses import replace

import pytest
from django.core.management import call_command

from apps.customers.models import Customer
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import RecordLink, SyncRun, SyncRunStatus, SyncState, SyncTrigger
from apps.quickbooks.sync import engine, journal, steps
from apps.quickbooks.sync.lock import lock_acquire
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.quickbooks.sync.conftest import configure, remote_by_name, remote_create, remote_customers, sync


def test_preview_says_what_would_happen_and_writes_nothing(division, connection, company):
    CustomerFactory(division=division, display_name="Oak Offices")
    remote_create(company, "Customer", {"DisplayName": "Oak Offices"})
    CustomerFactory(division=division, display_name="Pine Plaza")
    configure(division, customers_direction="two_way", customers_primary="local")

    preview = sync(division, SyncTrigger.PREVIEW)

    assert preview.status == SyncRunStatus.SUCCEEDED
    # Oak Offices is linked, then sent with FieldOffice's details (FieldOffice is primary); Pine Plaza is created.
    assert preview.entity_counts["customer"] == {"linked": 1, "updated": 1, "created": 1}
    assert preview.summary.startswith("A sync now would do this:")
    assert len(remote_customers(company)) == 1
    assert not RecordLink.objects.filter(division=division).exists()
    assert SyncState.objects.get(division=division).remote_cursor is None

    real = sync(division)
    assert real.entity_counts["customer"] == preview.entity_counts["customer"]
    assert len(remote_customers(company)) == 2


def test_resend_all_restores_what_quickbooks_lost_without_duplicates(division, connection, company):
    customer = CustomerFactory(division=division, display_name="Quarry Stone", phone="555-0300")
    ServiceLocationFactory(customer=customer, name="Pit 4")
    CustomerFactory(division=division, display_name="River Rafting")
    configure(division, customers_direction="to_quickbooks")
    sync(division)
    # A restored backup: one customer's phone is old again, the other customer is gone.
    quarry = remote_by_name(company, "Quarry Stone")
    quarry.data["PrimaryPhone"] = {"FreeFormNumber": "old"}
    quarry.save()
    remote_by_name(company, "River Rafting").delete()

    run = sync(division, SyncTrigger.RESEND)

    assert run.status == SyncRunStatus.SUCCEEDED, list(run.entries.values_list("message"))
    assert remote_by_name(company, "Quarry Stone").data["PrimaryPhone"]["FreeFormNumber"] == "555-0300"
    assert remote_by_name(company, "River Rafting")
    assert run.entity_counts["customer"] == {"updated": 1, "created": 1}
    assert "service location" not in run.entity_counts  # QuickBooks has it as it is here: not rewritten
    names = [record.data["DisplayName"] for record in remote_customers(company)]
    assert len(names) == len(set(names)) == 3


def test_a_second_run_waits_for_the_first(division, connection, company):
    configure(division, customers_direction="to_local")
    assert lock_acquire(division) is not None

    run = sync(division)

    assert run.status == SyncRunStatus.FAILED
    assert "Another sync of this division is running" in run.error_summary


def test_a_run_left_running_by_a_dead_worker_is_closed_by_the_next(division, connection, company):
    configure(division, customers_direction="to_local")
    dead = sync(division)
    dead.status = SyncRunStatus.RUNNING
    dead.save()

    sync(division)

    dead.refresh_from_db()
    assert dead.status == SyncRunStatus.LOST and dead.lost_at and "worker stopped" in dead.error_summary


def test_qbo_sync_prints_json_and_fails_when_a_record_failed(division, connection, company, capsys):
    remote_create(company, "Vendor", {"DisplayName": "Sun Supply"})
    CustomerFactory(division=division, display_name="Sun Supply")
    CustomerFactory(division=division, display_name="Tide Pools")
    configure(division, customers_direction="to_quickbooks")

    with pytest.raises(SystemExit) as exit_info:
        call_command("qbo_sync", "--division", division.slug, "--json")

    assert exit_info.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "partial"
    assert report["entities"]["customer"]["created"] == 1
    assert report["entities"]["customer"]["failed"] == 1
    assert report["api_calls"] >= 2 and report["sql_queries"] > 0 and report["seconds"] > 0


def test_qbo_sync_preview_in_plain_text(division, connection, company, capsys):
    CustomerFactory(division=division, display_name="Umber Tiles")
    configure(division, customers_direction="to_quickbooks")

    call_command("qbo_sync", "--division", division.slug, "--preview")

    out = capsys.readouterr().out
    assert "A sync now would do this: 1 created." in out and "customer: 1 created" in out
    assert not SandboxEntity.objects.filter(company=company, entity_type="Customer").exists()
    assert Customer.objects.filter(division=division).count() == 1


class WorkerKilled(BaseException):
    """A worker process killed mid-run: nothing after this point of the run runs (no ``finally`` of its own)."""


def test_a_run_whose_worker_stopped_still_says_what_it_cost_quickbooks(division, connection, company, monkeypatch):
    remote_create(company, "Customer", {"DisplayName": "Oak Offices"})
    configure(division, customers_direction="to_local")
    monkeypatch.setattr(journal, "SAVE_EVERY_SECONDS", 0)
    customers = next(step for step in steps.STEPS if step.name == "customers")

    def killed_after_customers(ctx) -> None:
        customers.run(ctx)
        ctx.journal.stage("Sending invoices")
        if not ctx.preview:
            raise WorkerKilled

    killed = tuple(replace(step, run=killed_after_customers) if step is customers else step for step in steps.STEPS)
    monkeypatch.setattr(steps, "STEPS", killed)
    monkeypatch.setattr(engine, "_run_stopped", lambda run, exc: None)  # Its process is gone: nothing closes it.
    with pytest.raises(WorkerKilled):
        sync(division)
    monkeypatch.undo()

    dead = SyncRun.objects.filter(division=division).exclude(trigger=SyncTrigger.PREVIEW).get()
    assert dead.status == SyncRunStatus.RUNNING and dead.api_calls >= 1
    calls = dead.api_calls
    sync(division)
    dead.refresh_from_db()
    assert dead.status == SyncRunStatus.LOST and dead.api_calls == calls
