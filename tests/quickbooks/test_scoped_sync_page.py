"""
Synchronize <list> on the QuickBooks page (issue 15): a button per list the settings exchange, each queuing a run
scoped to that list through ``sync_run_request`` (one run at a time, the reconciler), shown like any run. Runs are
written straight to the database and their tasks caught: nothing here talks to QuickBooks.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.quickbooks.models import QuickBooksConnection, SyncRun, SyncRunStatus, SyncSettings, SyncTrigger
from apps.quickbooks.services.runs import sync_run_request, sync_runs_reconcile
from apps.quickbooks.services.schedules import SYNC_TASK
from apps.quickbooks.sync.scope import ScopeError

BUTTONS = {
    "payment terms": "Synchronize Payment terms",
    "tax rates": "Synchronize Tax rates",
    "accounts": "Synchronize Accounts",
    "items": "Synchronize Items",
    "customers": "Synchronize Customers",
    "invoices": "Synchronize Invoices",
}


def _url(name: str, division) -> str:
    return reverse(f"admin:quickbooks_integration_{name}", args=[division.pk])


def _page(client, division) -> str:
    response = client.get(_url("change", division))
    assert response.status_code == 200
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def stored_connection(division):
    return QuickBooksConnection.objects.create(
        division=division, realm_id="9341453000000001", company_name="Jorji", status="connected"
    )


@pytest.fixture
def queued_tasks():
    with mock.patch("apps.quickbooks.services.runs.async_task") as async_task:
        yield async_task


def _configure(division, **fields) -> SyncSettings:
    values = {
        "customers_direction": "to_quickbooks",
        "customers_primary": "",
        "inventory_direction": "off",
        "invoices_direction": "to_quickbooks",
        "sync_tax_rates_and_terms": False,
        **fields,
    }
    return SyncSettings.objects.update_or_create(division=division, defaults=values)[0]


@pytest.mark.django_db
def test_a_button_per_list_the_settings_exchange(office_client, division, stored_connection):
    _configure(division)
    page = _page(office_client, division)
    shown = [name for name, label in BUTTONS.items() if f'value="{label}"' in page]
    # Invoices need the chart of accounts kept from QuickBooks; items and the tax lists are not synced.
    assert shown == ["accounts", "customers", "invoices"]
    assert '<input type="hidden" name="only" value="customers">' in page and 'id="qbo-sync-customers"' in page

    _configure(division, inventory_direction="to_local", sync_tax_rates_and_terms=True)
    page = _page(office_client, division)
    assert [name for name, label in BUTTONS.items() if f'value="{label}"' in page] == list(BUTTONS)


@pytest.mark.django_db
def test_no_buttons_without_a_connection_or_the_right_to_sync(read_only_client, office_client, division):
    _configure(division)
    assert 'id="qbo-scoped-actions"' not in _page(office_client, division)  # not connected
    QuickBooksConnection.objects.create(division=division, realm_id="1", status="connected")
    assert 'id="qbo-scoped-actions"' not in _page(read_only_client, division)
    response = read_only_client.post(_url("sync", division), {"only": "customers"})
    assert response.status_code == 403 and not SyncRun.objects.exists()


@pytest.mark.django_db
def test_office_synchronizes_one_list_and_the_run_is_named_after_it(
    office_client, division, stored_connection, queued_tasks, django_capture_on_commit_callbacks
):
    _configure(division)

    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(_url("sync", division), {"only": "customers"})

    assert response.status_code == 302 and response["Location"] == _url("change", division)
    assert _messages(response) == [f"A sync of Customers for {division} has been queued; its result appears below."]
    run = SyncRun.objects.get()
    assert (run.trigger, run.status, run.scope) == (SyncTrigger.MANUAL, SyncRunStatus.QUEUED, ["customers"])
    queued_tasks.assert_called_once_with(
        SYNC_TASK, division.pk, trigger="manual", run_id=run.pk, task_name=f"quickbooks-run-{run.pk}"
    )
    # The live status and the recent syncs show it as they show Sync Now's.
    status = office_client.get(_url("status", division)).json()["run"]
    assert status["trigger_label"] == "Sync Now — Customers"
    assert status["meta"].startswith("Sync Now — Customers, by ")
    assert status["label"] == "Waiting for a worker"
    assert "<td>Sync Now — Customers (" in _page(office_client, division)

    # One run at a time, scoped or not.
    refused = office_client.post(_url("sync", division), {"only": "invoices"})
    assert "already queued or running" in " ".join(_messages(refused))
    assert SyncRun.objects.count() == 1


@pytest.mark.django_db
def test_a_list_that_does_not_exist_is_refused_with_the_lists_there_are(
    office_client, division, stored_connection, queued_tasks
):
    response = office_client.post(_url("sync", division), {"only": "timesheets"})

    assert _messages(response) == [
        "There is no list named 'timesheets' to synchronize. The lists are: Payment terms, Tax rates, Accounts, Items, "
        "Inventory, Inventory adjustments, Customers, Vendors, Invoices."
    ]
    assert not SyncRun.objects.exists()
    with pytest.raises(ScopeError):
        sync_run_request(division=division, scope=["timesheets"])


@pytest.mark.django_db
def test_the_runs_admin_lists_a_scoped_run_with_its_lists(admin_client, division):
    SyncRun.objects.create(division=division, trigger=SyncTrigger.MANUAL, scope=["customers", "items"])

    page = admin_client.get(reverse("admin:quickbooks_syncrun_changelist")).content.decode()

    assert "Sync Now — Customers, Items" in page


@pytest.mark.django_db
def test_a_lost_scoped_run_a_person_asked_for_is_queued_again_with_its_lists(division, stored_connection):
    with mock.patch("apps.quickbooks.services.runs.async_task"):
        run = sync_run_request(division=division, scope=["invoices"])
        SyncRun.objects.filter(pk=run.pk).update(
            status=SyncRunStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=6), lock_owner="gone"
        )

        reconciled = sync_runs_reconcile()

    (again,) = SyncRun.objects.filter(pk__in=reconciled.requeued)
    assert reconciled.lost == [run.pk]
    assert (again.trigger, again.scope, again.status) == (SyncTrigger.MANUAL, ["invoices"], SyncRunStatus.QUEUED)
