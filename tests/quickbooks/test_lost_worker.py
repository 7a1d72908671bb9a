"""
A lost worker loses no sync: the reconciler, Sync Now following the lease, scheduled runs skipped quietly, and tasks
delivered more than once (issue 19). No worker runs here: the broker's table is filled as django-q2 fills it.
"""

import sys
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ, Schedule
from django_q.signing import SignedPackage

from apps.core.task_schedules import schedule_check
from apps.customers.models import CustomerAttachment
from apps.imports.models import ImportRecord, ImportStatus
from apps.imports.tasks import StepMayStillRun, import_run_task
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.models import (
    ConnectionStatus,
    DesktopConnection,
    IntegrationType,
    QuickBooksConnection,
    SyncRun,
    SyncRunStatus,
    SyncSettings,
    SyncState,
    SyncTrigger,
)
from apps.quickbooks.selectors import run_label, sync_status
from apps.quickbooks.services.runs import (
    SyncAlreadyRunningError,
    sync_run_execute,
    sync_run_request,
    sync_runs_reconcile,
)
from apps.quickbooks.services.schedules import SYNC_TASK, reconcile_schedule_after_migrate, reconcile_schedule_update
from apps.quickbooks.sync import engine
from apps.quickbooks.tasks import sync_division, sync_runs_reconcile_task
from tests.factories import CustomerFactory, DivisionFactory, UserFactory
from tests.imports.helpers import kind_rows, run, start, xlsx_bytes, zip_bytes
from tests.security.test_production_settings import probe, production
from tests.security.test_production_settings import run as run_python

REALM = "9130350000000001"


@pytest.fixture
def connected(db, division) -> QuickBooksConnection:
    return QuickBooksConnection.objects.create(
        division=division, realm_id=REALM, company_name="Fieldwork Plumbing", status=ConnectionStatus.CONNECTED
    )


def _ago(**delta) -> timezone.datetime:
    return timezone.now() - timedelta(**delta)


def _run(division, *, status=SyncRunStatus.QUEUED, trigger=SyncTrigger.MANUAL, age=timedelta(minutes=10), **fields):
    run = SyncRun.objects.create(division=division, trigger=trigger, status=status, **fields)
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - age)
    run.refresh_from_db()
    return run


def _lease(division, owner: str, *, expires_in: timedelta) -> None:
    SyncState.objects.update_or_create(
        division=division, defaults={"lock_owner": owner, "lock_expires_at": timezone.now() + expires_in}
    )


def _task_in_broker(run: SyncRun, *, delivered_ago: timedelta | None = None) -> OrmQ:
    """The run's task as django-q2's database broker keeps it: waiting, or taken by a worker ``delivered_ago``."""
    package = {
        "id": f"task{run.pk}",
        "name": f"task-{run.pk}",
        "func": SYNC_TASK,
        "args": (run.division_id,),
        "kwargs": {"trigger": run.trigger, "run_id": run.pk},
    }
    ormq = OrmQ.objects.get(pk=get_broker().enqueue(SignedPackage.dumps(package)))
    if delivered_ago is not None:
        from django_q.conf import Conf

        OrmQ.objects.filter(pk=ormq.pk).update(lock=timezone.now() - delivered_ago + timedelta(seconds=Conf.RETRY))
    return ormq


# The reconciler.


@pytest.mark.django_db
def test_a_running_run_whose_lease_ran_out_is_lost_and_queued_again(connected, division):
    user = UserFactory()
    run = _run(division, status=SyncRunStatus.RUNNING, lock_owner="dead", requested_by=user, started_at=_ago(minutes=9))
    _lease(division, "dead", expires_in=-timedelta(seconds=1))
    task = _task_in_broker(run, delivered_ago=timedelta(minutes=9))

    done = sync_runs_reconcile()

    run.refresh_from_db()
    assert (run.status, run_label(run)) == (SyncRunStatus.LOST, "Lost (worker stopped)")
    assert run.lost_at and run.finished_at and "worker stopped" in run.error_summary
    again = SyncRun.objects.exclude(pk=run.pk).get()
    assert (again.status, again.trigger, again.requested_by) == (SyncRunStatus.QUEUED, SyncTrigger.MANUAL, user)
    assert (done.lost, done.requeued) == ([run.pk], [again.pk])
    # The dead worker's task would only find the run over: it is dropped from the broker.
    assert not OrmQ.objects.filter(pk=task.pk).exists()


@pytest.mark.django_db
def test_a_run_holding_its_lease_is_left_alone(connected, division):
    run = _run(division, status=SyncRunStatus.RUNNING, lock_owner="alive", started_at=_ago(hours=2))
    _lease(division, "alive", expires_in=timedelta(minutes=4))

    assert not sync_runs_reconcile()

    assert SyncRun.objects.get(pk=run.pk).status == SyncRunStatus.RUNNING


@pytest.mark.django_db
def test_a_queued_run_whose_task_waits_in_the_broker_is_alive_however_old(connected, division):
    run = _run(division, age=timedelta(hours=3))
    _task_in_broker(run)

    assert not sync_runs_reconcile()

    assert SyncRun.objects.get(pk=run.pk).status == SyncRunStatus.QUEUED


@pytest.mark.django_db
def test_a_queued_run_whose_task_is_gone_is_lost_and_a_scheduled_one_is_not_queued_again(connected, division):
    asked = _run(division, trigger=SyncTrigger.PREVIEW, age=timedelta(minutes=5))
    scheduled = _run(
        DivisionFactory(), trigger=SyncTrigger.SCHEDULE, status=SyncRunStatus.RUNNING, age=timedelta(minutes=5)
    )
    young = _run(division, trigger=SyncTrigger.RESEND, age=timedelta(seconds=5))  # its task is queued at the commit

    done = sync_runs_reconcile()

    assert set(done.lost) == {asked.pk, scheduled.pk}
    assert SyncRun.objects.get(pk=young.pk).status == SyncRunStatus.QUEUED
    requeued = SyncRun.objects.get(pk__in=done.requeued)
    assert (requeued.trigger, requeued.division_id) == (SyncTrigger.PREVIEW, division.pk)
    assert not SyncRun.objects.filter(trigger=SyncTrigger.SCHEDULE, status=SyncRunStatus.QUEUED).exists()


@pytest.mark.django_db
def test_a_task_taken_by_a_worker_that_never_started_it_is_handed_back(connected, division):
    run = _run(division)
    task = _task_in_broker(run, delivered_ago=timedelta(minutes=6))  # longer than a lease, the division free

    done = sync_runs_reconcile()

    assert done.handed_back == [run.pk] and not done.lost
    assert SyncRun.objects.get(pk=run.pk).status == SyncRunStatus.QUEUED
    assert OrmQ.objects.get(pk=task.pk).lock <= timezone.now()  # the next worker that asks takes it


@pytest.mark.django_db
def test_a_task_taken_lately_or_while_the_division_is_busy_stays_with_its_worker(connected, division):
    recent = _run(division)
    _task_in_broker(recent, delivered_ago=timedelta(seconds=30))
    other = DivisionFactory()
    waiting = _run(other)
    _task_in_broker(waiting, delivered_ago=timedelta(minutes=20))
    _lease(other, "someone", expires_in=timedelta(minutes=3))

    assert not sync_runs_reconcile()


@pytest.mark.django_db
def test_a_web_connector_run_that_never_took_the_lease_is_lost_but_not_queued_again(division):
    SyncSettings.objects.create(division=division, integration_type=IntegrationType.DESKTOP)
    DesktopConnection.objects.create(division=division, username="qbwc-main")
    starting = _run(
        division, status=SyncRunStatus.RUNNING, trigger=SyncTrigger.WEB_CONNECTOR, started_at=_ago(seconds=5)
    )
    dead = _run(division, status=SyncRunStatus.RUNNING, trigger=SyncTrigger.WEB_CONNECTOR, started_at=_ago(minutes=8))
    preview = _run(division, status=SyncRunStatus.RUNNING, trigger=SyncTrigger.PREVIEW, started_at=_ago(minutes=8))

    done = sync_runs_reconcile()

    assert set(done.lost) == {dead.pk, preview.pk} and not done.requeued
    assert SyncRun.objects.get(pk=starting.pk).status == SyncRunStatus.RUNNING
    # A lost Desktop preview makes the next update a preview again.
    assert DesktopConnection.objects.get(division=division).preview_next is True


@pytest.mark.django_db
def test_the_reconciler_is_a_schedule_of_one_minute_that_may_run(db):
    schedule = reconcile_schedule_update()
    reconcile_schedule_update()

    schedule_check(schedule)
    assert (schedule.func, schedule.minutes, schedule.repeats) == (
        "apps.quickbooks.tasks.sync_runs_reconcile_task",
        1,
        -1,
    )
    assert sync_runs_reconcile_task() == "nothing to do"


@pytest.mark.django_db
def test_the_reconciler_is_scheduled_by_migrate_for_a_plain_qcluster(db):
    """No ``manage.py workers`` here: the database alone holds the schedule, as after ``migrate`` or a flush."""
    [schedule] = Schedule.objects.filter(func="apps.quickbooks.tasks.sync_runs_reconcile_task")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
    schedule.delete()

    call_command("migrate", verbosity=0)

    [again] = Schedule.objects.filter(func="apps.quickbooks.tasks.sync_runs_reconcile_task")
    schedule_check(again)
    call_command("migrate", verbosity=0)
    assert Schedule.objects.filter(func="apps.quickbooks.tasks.sync_runs_reconcile_task").count() == 1


@pytest.mark.django_db
def test_a_migrate_before_django_q2_has_its_tables_leaves_the_schedule_to_the_next(db, monkeypatch):
    Schedule.objects.filter(func="apps.quickbooks.tasks.sync_runs_reconcile_task").delete()
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: ["quickbooks_syncrun"])

    reconcile_schedule_after_migrate(using="default")

    monkeypatch.undo()
    assert not Schedule.objects.filter(func="apps.quickbooks.tasks.sync_runs_reconcile_task").exists()
    reconcile_schedule_after_migrate(using="default")
    assert Schedule.objects.filter(func="apps.quickbooks.tasks.sync_runs_reconcile_task").count() == 1


# Sync Now follows the lease.


@pytest.mark.django_db
def test_sync_now_is_refused_while_a_live_run_holds_the_division(connected, division):
    _run(division, status=SyncRunStatus.RUNNING, lock_owner="alive", started_at=_ago(hours=1), age=timedelta(hours=1))
    _lease(division, "alive", expires_in=timedelta(seconds=30))

    with pytest.raises(SyncAlreadyRunningError, match="already queued or running"):
        sync_run_request(division=division, trigger=SyncTrigger.MANUAL)


@pytest.mark.django_db
def test_sync_now_is_accepted_as_soon_as_the_lease_of_a_dead_run_runs_out(connected, division):
    dead = _run(
        division, status=SyncRunStatus.RUNNING, lock_owner="dead", started_at=_ago(minutes=6), age=timedelta(minutes=6)
    )
    _lease(division, "dead", expires_in=-timedelta(seconds=1))  # six minutes old, not thirty

    run = sync_run_request(division=division, trigger=SyncTrigger.MANUAL)

    assert run.status == SyncRunStatus.QUEUED
    assert SyncRun.objects.get(pk=dead.pk).status == SyncRunStatus.LOST
    # The press replaces the lost Sync Now: it is not queued twice.
    assert SyncRun.objects.filter(status=SyncRunStatus.QUEUED).count() == 1


@pytest.mark.django_db
def test_sync_now_is_refused_while_a_queued_run_still_has_its_task(connected, division):
    queued = _run(division, age=timedelta(hours=2))
    _task_in_broker(queued)

    with pytest.raises(SyncAlreadyRunningError):
        sync_run_request(division=division, trigger=SyncTrigger.MANUAL)


# Scheduled runs use the same check.


@pytest.mark.django_db
def test_a_scheduled_run_during_a_sync_now_is_skipped_quietly(connected, division, caplog):
    asked = _run(division, age=timedelta(seconds=20))
    _task_in_broker(asked)

    assert sync_division(division.pk, trigger=SyncTrigger.SCHEDULE) is None

    assert list(SyncRun.objects.values_list("pk", flat=True)) == [asked.pk]  # no failed run behind
    assert "skipped: a sync is already under way" in caplog.text


@pytest.mark.django_db
def test_a_scheduled_run_while_another_holds_the_lease_leaves_nothing(connected, division):
    _lease(division, "someone", expires_in=timedelta(minutes=2))

    assert sync_division(division.pk, trigger=SyncTrigger.SCHEDULE) is None

    assert not SyncRun.objects.exists()


# Tasks delivered more than once.


@pytest.mark.django_db
def test_a_task_delivered_again_for_a_finished_or_lost_run_does_nothing(connected, division, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the run was started again")

    monkeypatch.setattr(engine, "_run", must_not_run)
    for status in (SyncRunStatus.SUCCEEDED, SyncRunStatus.LOST, SyncRunStatus.FAILED):
        run = _run(division, status=status)
        assert sync_division(division.pk, trigger=SyncTrigger.MANUAL, run_id=run.pk) == run.pk
        assert SyncRun.objects.get(pk=run.pk).status == status


@pytest.mark.django_db
def test_a_task_delivered_again_while_its_run_runs_elsewhere_does_nothing(connected, division, monkeypatch):
    monkeypatch.setattr(engine, "_run", lambda *args: pytest.fail("the run was started twice"))
    run = _run(division, status=SyncRunStatus.RUNNING, lock_owner="first", started_at=_ago(seconds=10))
    _lease(division, "first", expires_in=timedelta(minutes=4))

    assert sync_run_execute(run_id=run.pk).status == SyncRunStatus.RUNNING
    assert SyncState.objects.get(division=division).lock_owner == "first"


@pytest.mark.django_db
def test_a_run_closed_as_lost_while_its_task_waited_is_not_started(connected, division, monkeypatch):
    monkeypatch.setattr(engine, "_run", lambda *args: pytest.fail("a lost run was started"))
    run = _run(division, status=SyncRunStatus.LOST)

    result = engine.run_division_sync(division.pk, SyncTrigger.MANUAL, run_id=run.pk, backend=object.__new__(_Backend))

    assert result.status == SyncRunStatus.LOST
    assert SyncState.objects.get(division=division).lock_owner == ""  # the lease it took is given back


class _Backend:
    api_calls = 0

    def close(self) -> None:
        pass


def test_a_redelivered_run_takes_the_lease_and_runs_and_the_next_delivery_finds_it_done(connection, division):
    run = sync_run_request(division=division, trigger=SyncTrigger.MANUAL)  # ran at the commit (tasks run inline)
    run.refresh_from_db()
    assert run.status == SyncRunStatus.SUCCEEDED and run.lock_owner
    finished_at, api_calls = run.finished_at, run.api_calls

    assert sync_division(division.pk, trigger=SyncTrigger.MANUAL, run_id=run.pk) == run.pk

    run.refresh_from_db()
    assert (run.finished_at, run.api_calls) == (finished_at, api_calls)
    assert SyncState.objects.get(division=division).lock_owner == ""


@pytest.mark.django_db
def test_a_run_stopped_by_the_workers_time_limit_is_closed_not_left_running(connected, division, monkeypatch):
    def timeout(*args):
        raise SystemExit("Task exceeded maximum timeout value (1800 seconds)")

    monkeypatch.setattr(engine, "_run", timeout)
    run = _run(division)

    with pytest.raises(SystemExit):
        engine.run_division_sync(division.pk, SyncTrigger.MANUAL, run_id=run.pk, backend=object.__new__(_Backend))

    run.refresh_from_db()
    assert run.status == SyncRunStatus.FAILED and "Q_TIMEOUT" in run.error_summary
    assert SyncState.objects.get(division=division).lock_owner == ""


@pytest.mark.django_db
def test_the_status_shows_a_lost_run_as_such_and_changes_its_version(connected, division):
    run = _run(division, status=SyncRunStatus.RUNNING, trigger=SyncTrigger.SCHEDULE, lock_owner="dead")
    before = sync_status(division=division)

    sync_runs_reconcile()

    after = sync_status(division=division)
    assert (before["run"]["label"], before["poll"]) == ("Syncing…", True)
    assert (after["run"]["id"], after["run"]["label"], after["poll"]) == (run.pk, "Lost (worker stopped)", False)
    assert before["version"] != after["version"]


# Imports: a step left half-way by a worker that stopped is done again when its task comes back.


def _import(division, *, status: str, claimed_ago: timedelta) -> ImportRecord:
    record = ImportRecord.objects.create(kind="tax_rates", division=division, file_name="rates.xlsx", status=status)
    ImportRecord.objects.filter(pk=record.pk).update(updated_at=timezone.now() - claimed_ago)
    return record


@pytest.mark.django_db
def test_an_import_left_importing_by_a_stopped_worker_is_done_again(division, monkeypatch):
    ran = []
    monkeypatch.setattr("apps.imports.services.import_run", lambda *, record: ran.append(record.status))
    record = _import(division, status=ImportStatus.IMPORTING, claimed_ago=timedelta(hours=1))

    import_run_task(record.pk)

    assert ran == [ImportStatus.IMPORT_QUEUED]


@pytest.mark.django_db
def test_an_import_that_may_still_be_running_elsewhere_is_left_for_a_later_delivery(division, monkeypatch):
    monkeypatch.setattr("apps.imports.services.import_run", lambda *, record: pytest.fail("imported twice at once"))
    record = _import(division, status=ImportStatus.IMPORTING, claimed_ago=timedelta(minutes=2))

    with pytest.raises(StepMayStillRun):
        import_run_task(record.pk)

    assert ImportRecord.objects.get(pk=record.pk).status == ImportStatus.IMPORTING


def test_quickbooks_errors_still_refuse_when_not_connected(db, division):
    with pytest.raises(QuickBooksError, match="not connected"):
        sync_run_request(division=division, trigger=SyncTrigger.MANUAL)


# Files that workers read live in shared storage.


class PathlessStorage(FileSystemStorage):
    """A storage like an S3 bucket: files are written and read through it, never by a path on this machine."""

    def path(self, name):
        # The storage's own methods find their files; anything else asking for a path would fail on a bucket.
        if sys._getframe(1).f_globals.get("__name__", "").startswith("django.core.files.storage"):
            return super().path(name)
        raise NotImplementedError("This storage has no local paths.")


@pytest.fixture
def pathless_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.PathlessStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.mark.django_db
def test_imports_and_attachments_use_the_storage_never_a_local_path(pathless_storage, division):
    customer = CustomerFactory(display_name="Basement Bar", number="1001", division=division)
    workbook = xlsx_bytes(kind_rows("customer_attachments", {"customer": "Basement Bar", "file_name": "plan.pdf"}))

    record = start("customer_attachments", workbook, archive=zip_bytes({"plan.pdf": b"%PDF-1.4 plan"}))
    record = run(record)

    assert (record.status, record.created) == (ImportStatus.IMPORTED, 1)
    attachment = CustomerAttachment.objects.get(customer=customer)
    assert isinstance(attachment.file.storage, PathlessStorage)
    assert attachment.file.read() == b"%PDF-1.4 plan"


def test_file_storage_s3_keeps_uploads_in_a_bucket_and_redis_is_only_the_cache():
    environment = production(
        FILE_STORAGE="s3",
        S3_BUCKET="fieldoffice-files",
        S3_ENDPOINT_URL="https://objects.example.com",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
    )

    report = probe(environment, "STORAGES", "Q_CLUSTER")

    default = report["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "fieldoffice-files"
    assert default["OPTIONS"]["endpoint_url"] == "https://objects.example.com"
    assert (default["OPTIONS"]["default_acl"], default["OPTIONS"]["file_overwrite"]) == ("private", False)
    # The broker is the database even with Redis: a task is kept until a worker acknowledges it.
    assert report["Q_CLUSTER"]["orm"] == "default" and "redis" not in report["Q_CLUSTER"]
    assert report["Q_CLUSTER"]["retry"] > report["Q_CLUSTER"]["timeout"] and report["Q_CLUSTER"]["max_attempts"] > 1
    assert probe(production(), "STORAGES")["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    refused = run_python(["-c", "import django; django.setup()"], production(FILE_STORAGE="ftp"))
    assert refused.returncode != 0 and "FILE_STORAGE must be local or s3" in refused.stderr
