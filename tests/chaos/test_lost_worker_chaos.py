"""
Chaos test of issue 19: two worker clusters (``manage.py workers``, as on two machines) sync 10 divisions with the
local QuickBooks sandbox served over real HTTP; one cluster is killed with SIGKILL mid-run (a machine lost). Within
the lease time plus one reconciler period (plus the time the runs themselves take) every division has a finished
run, nothing is duplicated on either side, and Sync Now is accepted again. Then the survivor is stopped with SIGTERM
to its whole process group (systemd's default): it stops within bounds, finishing or giving back its runs, and a new
cluster finishes what was given back and stops on SIGTERM to its main process.

The workers run as separate processes on the test database, so this needs PostgreSQL (SQLite's test database lives
in this process's memory); CI runs it on PostgreSQL with Redis. It prints what it measured.
"""

import os
import signal
import time

import pytest
from django.conf import settings
from django.db import transaction
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.tasks import async_task

from apps.qbo_sandbox.companies import company_create, company_update_settings
from apps.qbo_sandbox.models import SandboxEntity
from apps.qbo_sandbox.seeding.registry import SeedOptions
from apps.quickbooks.models import RecordLink, SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.services.runs import SyncAlreadyRunningError, sync_run_request
from apps.quickbooks.services.schedules import RECONCILE_TASK
from apps.quickbooks.services.sync_settings import sync_settings_update
from tests.chaos.processes import Cluster, database_url
from tests.factories import CustomerFactory, DivisionFactory
from tests.quickbooks.conftest import connect

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the worker processes share the test database: it needs PostgreSQL (SQLite's is in this process)",
    ),
]

DIVISIONS = 10
CUSTOMERS = 30
LATENCY_MS = 120  # per QuickBooks call: a run takes a few seconds, so one can be killed in the middle
LEASE_SECONDS = 15
RECONCILE_EVERY_SECONDS = 5
TASK_TIMEOUT_SECONDS = 40
TASK_RETRY_SECONDS = 50
STOP_BOUND_SECONDS = TASK_TIMEOUT_SECONDS + 15


class _Rollback(Exception):
    pass


def _worker_env(live_server_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=database_url(),
        QBO_LOCAL_BASE_URL=live_server_url,
        QBO_SYNC_LEASE_SECONDS=str(LEASE_SECONDS),
        Q_TIMEOUT=str(TASK_TIMEOUT_SECONDS),
        Q_RETRY=str(TASK_RETRY_SECONDS),
        Q_WORKERS="2",
        CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _would_accept_sync_now(division) -> bool:
    """Whether Sync Now would be accepted now (asked, then rolled back: nothing is queued)."""
    try:
        with transaction.atomic():
            sync_run_request(division=division, trigger=SyncTrigger.MANUAL)
            raise _Rollback
    except _Rollback:
        return True
    except SyncAlreadyRunningError:
        return False


def _every_division_synced(divisions) -> bool:
    done = SyncRun.objects.filter(division__in=divisions, status=SyncRunStatus.SUCCEEDED, trigger=SyncTrigger.MANUAL)
    return done.values("division").distinct().count() == len(divisions)


@pytest.fixture
def chaos(transactional_db, live_server, settings, monkeypatch, tmp_path):
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_LOCAL_BASE_URL = live_server.url
    settings.QBO_SYNC_LEASE_SECONDS = LEASE_SECONDS
    # This process queues tasks for the workers (tests run them inline otherwise) and judges them as they do.
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "TIMEOUT", TASK_TIMEOUT_SECONDS)
    monkeypatch.setattr(Conf, "RETRY", TASK_RETRY_SECONDS)
    divisions = []
    for index in range(DIVISIONS):
        division = DivisionFactory(name=f"Branch {index}", slug=f"branch-{index}")
        company = company_create(name=f"Branch {index} Books", options=SeedOptions(seed="empty"))
        company_update_settings(company, {"latency_ms": LATENCY_MS})
        connect(division, company)
        sync_settings_update(
            division=division,
            customers_direction="to_quickbooks",
            customers_primary="",
            sync_tax_rates_and_terms=False,
            frequency="manual",
        )
        CustomerFactory.create_batch(CUSTOMERS, division=division)
        division.sandbox_company = company
        divisions.append(division)
    clusters: list[Cluster] = []
    env = _worker_env(live_server.url)

    def start(name: str) -> Cluster:
        cluster = Cluster(name, env, tmp_path)
        clusters.append(cluster)
        return cluster

    yield divisions, start
    for cluster in clusters:
        cluster.cleanup()
    OrmQ.objects.all().delete()


def _no_duplicates(division) -> None:
    company = division.sandbox_company
    remote = SandboxEntity.objects.filter(company=company, entity_type="Customer")
    names = list(remote.values_list("data__DisplayName", flat=True))
    linked = RecordLink.objects.filter(division=division, entity_type="Customer")
    assert len(names) == len(set(names)) == CUSTOMERS, f"{division}: {len(names)} customers in QuickBooks"
    assert linked.count() == CUSTOMERS, f"{division}: {linked.count()} links"
    assert set(linked.values_list("qbo_id", flat=True)) == set(remote.values_list("entity_id", flat=True))


def test_a_machine_lost_mid_run_loses_no_sync_and_workers_stop_cleanly(chaos, capsys):
    divisions, start = chaos
    first, second = start("first"), start("second")
    first.wait_running()
    second.wait_running()

    started = time.monotonic()
    for division in divisions:
        sync_run_request(division=division, trigger=SyncTrigger.MANUAL)

    # Kill the cluster that is running a run, as soon as one of them is.
    victim = survivor = None
    killed_runs: list[int] = []
    while victim is None:
        assert time.monotonic() - started < 60, "no run started"
        for cluster, other in ((first, second), (second, first)):
            running = SyncRun.objects.filter(pk__in=cluster.runs_processed(), status=SyncRunStatus.RUNNING)
            if running.exists():
                victim, survivor = cluster, other
                killed_runs = list(running.values_list("pk", flat=True))
                break
        time.sleep(0.1)
    victim.kill_group(signal.SIGKILL)
    killed_at = time.monotonic()
    victim.process.wait(timeout=10)
    killed_divisions = list(SyncRun.objects.filter(pk__in=killed_runs).values_list("division", flat=True))
    probe = next(division for division in divisions if division.pk == killed_divisions[0])

    # The reconciler's period: the schedule runs it every minute; here it is queued every few seconds, as a
    # scheduler with a shorter period would (django-q2's scheduler looks at schedules every 30 seconds).
    next_reconcile = 0.0
    accepted_after = synced_after = None
    while synced_after is None or accepted_after is None:
        elapsed = time.monotonic() - killed_at
        assert elapsed < 120, f"not recovered after {elapsed:.0f} s:\n{survivor.text()[-4000:]}"
        if time.monotonic() >= next_reconcile:
            async_task(RECONCILE_TASK)
            next_reconcile = time.monotonic() + RECONCILE_EVERY_SECONDS
        if accepted_after is None and _would_accept_sync_now(probe):
            accepted_after = elapsed
        if synced_after is None and _every_division_synced(divisions):
            synced_after = elapsed
        time.sleep(0.25)

    lost = SyncRun.objects.filter(status=SyncRunStatus.LOST)
    divisions_without_a_sync = [d for d in divisions if not _every_division_synced([d])]
    for division in divisions:
        _no_duplicates(division)
    assert not divisions_without_a_sync
    assert set(lost.values_list("pk", flat=True)) <= set(killed_runs) | set(victim.runs_processed())
    assert accepted_after <= LEASE_SECONDS + RECONCILE_EVERY_SECONDS + 5
    assert synced_after <= LEASE_SECONDS + RECONCILE_EVERY_SECONDS + 30
    for division in divisions:  # Sync Now is accepted for every division
        sync_run_request(division=division, trigger=SyncTrigger.MANUAL)

    # SIGTERM to the survivor's whole process group while it runs: it stops within bounds, its runs finished or
    # given back (queued, their tasks waiting in the broker for another worker), none left running.
    while not SyncRun.objects.filter(status=SyncRunStatus.RUNNING).exists():
        time.sleep(0.05)
    survivor.kill_group(signal.SIGTERM)
    group_stop = survivor.stop_time(timeout=STOP_BOUND_SECONDS)
    assert not SyncRun.objects.filter(status=SyncRunStatus.RUNNING).exists()
    assert not SyncRun.objects.filter(status=SyncRunStatus.LOST).exclude(pk__in=lost.values("pk")).exists()
    given_back = list(SyncRun.objects.filter(status=SyncRunStatus.QUEUED).values_list("pk", flat=True))

    # A new cluster finishes what was given back; SIGTERM to its main process only (systemd's KillMode=mixed).
    third = start("third")
    third.wait_running()
    while SyncRun.objects.filter(status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING]).exists():
        assert time.monotonic() - started < 170, third.text()[-3000:]
        time.sleep(0.25)
    third.process.send_signal(signal.SIGTERM)
    main_stop = third.stop_time(timeout=STOP_BOUND_SECONDS)
    # The runs lost on the way were queued again: two Sync Now presses per division, each once succeeded.
    assert SyncRun.objects.filter(status=SyncRunStatus.SUCCEEDED).count() == 2 * DIVISIONS
    for division in divisions:
        _no_duplicates(division)

    with capsys.disabled():
        print(
            f"\nchaos: {DIVISIONS} divisions, lease {LEASE_SECONDS} s, reconciler every {RECONCILE_EVERY_SECONDS} s; "
            f"killed {victim.name} running runs {killed_runs}; runs lost: {len(divisions_without_a_sync)} "
            f"(closed as lost and queued again: {lost.count()}); every division synced {synced_after:.1f} s after "
            f"the kill; Sync Now accepted again after {accepted_after:.1f} s; SIGTERM to the group stopped "
            f"{survivor.name} in {group_stop:.1f} s (gave back {len(given_back)} run(s)); SIGTERM to the main "
            f"process stopped {third.name} in {main_stop:.1f} s; whole test {time.monotonic() - started:.0f} s"
        )
