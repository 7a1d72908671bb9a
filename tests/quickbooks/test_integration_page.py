"""
The QuickBooks page's run features: Realtime Sync Status, Preview, Resend All Data, Download Errors and the chart of
recent runs. Runs and their log are written straight to the database: nothing here talks to QuickBooks.
"""

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.quickbooks.admin.charts import runs_chart
from apps.quickbooks.models import QuickBooksConnection, SyncRun, SyncRunEntry
from apps.quickbooks.selectors import STATUS_ENTRIES, recent_run_totals
from apps.quickbooks.services.schedules import SYNC_TASK
from tests.factories import DivisionFactory

HEADERS = ["Run date", "Entity", "Record", "QuickBooks ID", "Action", "Reason"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _url(name: str, division, query: str = "") -> str:
    return reverse(f"admin:quickbooks_integration_{name}", args=[division.pk]) + query


def _page(client, division) -> str:
    response = client.get(_url("change", division))
    assert response.status_code == 200
    return response.content.decode()


def _run(division, *, status="succeeded", trigger="manual", counts=None, entity_counts=None, **fields) -> SyncRun:
    finished = status not in ("queued", "running")
    now = timezone.now()
    return SyncRun.objects.create(
        division=division,
        trigger=trigger,
        status=status,
        counts=counts or {},
        entity_counts=entity_counts or {},
        started_at=None if status == "queued" else now,
        finished_at=now if finished else None,
        **fields,
    )


def _entry(run, action, record="Ann Lee", *, entity="customer", message="", qbo_id="") -> SyncRunEntry:
    return SyncRunEntry.objects.create(
        run=run, entity=entity, action=action, record_label=record, message=message, qbo_id=qbo_id
    )


def _rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def stored_connection(division):
    return QuickBooksConnection.objects.create(
        division=division, realm_id="9341453000000001", company_name="Jorji", status="connected"
    )


@pytest.fixture
def queued_tasks():
    """The runs' tasks, caught instead of queued (the engine is not what these tests are about)."""
    with mock.patch("apps.quickbooks.services.runs.async_task") as async_task:
        yield async_task


# Realtime Sync Status.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "trigger", "label", "poll"),
    [
        ("queued", "manual", "Waiting for a worker", True),
        ("running", "schedule", "Syncing…", True),
        ("succeeded", "manual", "Sync completed", False),
        ("partial", "webhook", "Sync completed with errors", False),
        ("failed", "manual", "Sync failed", False),
        ("succeeded", "preview", "Preview ready", False),
        ("running", "preview", "Syncing…", True),
    ],
)
def test_the_status_says_how_the_last_run_stands(read_only_client, division, status, trigger, label, poll):
    run = _run(division, status=status, trigger=trigger, stage="Sending customers to QuickBooks")
    SyncRun.objects.filter(pk=run.pk).update(progress_done=30, progress_total=120)

    response = read_only_client.get(_url("status", division))

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["poll"] is poll
    assert (data["run"]["id"], data["run"]["status"], data["run"]["label"]) == (run.pk, status, label)
    assert data["run"]["is_preview"] is (trigger == "preview")
    if poll:
        assert data["run"]["progress"] == {"percent": 25, "done": 30, "total": 120}
        assert data["run"]["progress_text"] == "Sending customers to QuickBooks: 30 of 120 (25%)"
    else:
        assert data["run"]["progress"]["percent"] == 100 and data["run"]["progress_text"] == ""
        assert data["run"]["finished_at"] and data["run"]["finished_text"]
    # Without script, the page shows the same run.
    page = _page(read_only_client, division)
    assert f'<strong data-qbo="label">{label}</strong>' in page
    assert f'data-poll="{int(poll)}"' in page
    assert ('<progress max="100" value="25"' in page) is poll


@pytest.mark.django_db
def test_the_status_carries_the_counts_the_error_and_the_last_entries(read_only_client, division):
    run = _run(
        division,
        status="partial",
        counts={"created": 3, "updated": 2, "failed": 1, "skipped": 56},
        error_summary="1 customer could not be sent.",
    )
    _entry(run, "failed", "Bo Diaz", message="QuickBooks refused the name: it is used by a vendor.")
    for number in range(60):
        _entry(run, "skipped", f"Customer {number}", message="Nothing changed.")

    run_data = read_only_client.get(_url("status", division)).json()["run"]

    assert run_data["counts"] == {
        "created": 3,
        "updated": 2,
        "linked": 0,
        "deactivated": 0,
        "skipped": 56,
        "failed": 1,
    }
    assert run_data["counts_text"] == "3 created · 2 updated · 56 skipped · 1 failed"
    assert (run_data["synced"], run_data["problems"]) == (5, 57)
    assert run_data["error_summary"] == "1 customer could not be sent."
    assert run_data["entries_total"] == 61 and len(run_data["entries"]) == STATUS_ENTRIES
    assert run_data["entries"][0]["record"] == "Customer 59"  # newest first
    assert run_data["entries_text"] == "Log: the last 50 of 61 records, newest first"
    newest = run_data["entries"][0]
    assert (newest["action"], newest["action_label"], newest["entity_label"]) == ("skipped", "Skipped", "Customers")
    page = _page(read_only_client, division)
    assert "3 created · 2 updated · 56 skipped · 1 failed" in page
    assert f"{_url('errors', division)}?run={run.pk}" in page and "Download the 57 failed or skipped records" in page


@pytest.mark.django_db
def test_without_a_run_the_status_is_empty(read_only_client, division):
    data = read_only_client.get(_url("status", division)).json()
    assert (data["run"], data["poll"]) == (None, False)
    page = _page(read_only_client, division)
    assert 'id="qbo-status-none"' in page and "data-status-url" not in page


@pytest.mark.django_db
def test_a_run_nobody_picked_up_stops_the_polling(read_only_client, division):
    run = _run(division, status="queued")
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=2))

    data = read_only_client.get(_url("status", division)).json()

    assert data["poll"] is False and data["run"]["abandoned"] is True
    assert "background worker is probably not running" in _page(read_only_client, division)


@pytest.mark.django_db
def test_the_page_loads_the_status_script(read_only_client, division):
    _run(division, status="running")

    page = _page(read_only_client, division)

    assert re.search(r'<script src="[^"]*quickbooks/integration\.js" defer>', page)
    assert f'data-status-url="{_url("status", division)}"' in page


@pytest.mark.django_db
def test_the_status_of_another_division_is_not_mixed_in(read_only_client, division):
    _run(DivisionFactory(), status="failed")

    assert read_only_client.get(_url("status", division)).json()["run"] is None


# Who may do what.


@pytest.mark.django_db
def test_read_only_may_look_and_download_but_not_start_anything(
    read_only_client, division, stored_connection, queued_tasks
):
    run = _run(division, status="partial")
    _entry(run, "failed", message="Refused.")
    preview = _run(division, trigger="preview")

    page = _page(read_only_client, division)
    assert 'id="qbo-download-errors"' in page
    assert 'id="qbo-preview"' not in page and 'id="qbo-resend"' not in page and 'id="qbo-sync-now"' not in page
    assert read_only_client.get(_url("status", division)).status_code == 200
    assert read_only_client.get(_url("errors", division)).status_code == 200
    assert read_only_client.get(_url("preview_download", division, f"?run={preview.pk}")).status_code == 200
    for name in ("sync", "preview", "resend"):
        assert read_only_client.post(_url(name, division)).status_code == 403
    assert read_only_client.get(_url("resend", division)).status_code == 403
    assert SyncRun.objects.count() == 2
    queued_tasks.assert_not_called()


@pytest.mark.django_db
def test_office_may_sync_and_preview_but_not_resend(
    office_client, division, stored_connection, queued_tasks, django_capture_on_commit_callbacks
):
    page = _page(office_client, division)
    assert 'id="qbo-preview"' in page and 'id="qbo-sync-now"' in page and 'id="qbo-resend"' not in page
    assert office_client.get(_url("resend", division)).status_code == 403
    assert office_client.post(_url("resend", division)).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(_url("preview", division))

    assert response.status_code == 302 and response["Location"] == _url("change", division)
    run = SyncRun.objects.get()
    assert (run.trigger, run.status) == ("preview", "queued")
    queued_tasks.assert_called_once_with(
        SYNC_TASK, division.pk, trigger="preview", run_id=run.pk, task_name=f"quickbooks-run-{run.pk}"
    )
    assert "writes nothing" in " ".join(_messages(response))

    # One run at a time: Sync Now waits for the preview.
    refused = office_client.post(_url("sync", division))
    assert "already queued or running" in " ".join(_messages(refused))
    assert SyncRun.objects.count() == 1

    SyncRun.objects.filter(pk=run.pk).update(status="succeeded", finished_at=timezone.now())
    office_client.post(_url("sync", division))
    assert SyncRun.objects.filter(trigger="manual", status="queued").count() == 1


@pytest.mark.django_db
def test_resend_asks_first_then_queues_a_resend_run(
    owner_client, division, stored_connection, queued_tasks, django_capture_on_commit_callbacks
):
    assert 'id="qbo-resend"' in _page(owner_client, division)

    confirmation = owner_client.get(_url("resend", division))

    assert confirmation.status_code == 200
    text = confirmation.content.decode()
    assert "restored from a backup" in text and "Nothing is duplicated" in text and "Jorji" in text
    assert 'id="qbo-resend-yes"' in text
    assert not SyncRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(_url("resend", division))

    assert response.status_code == 302
    run = SyncRun.objects.get()
    assert (run.trigger, run.status, run.requested_by_id) == ("resend", "queued", response.wsgi_request.user.pk)
    queued_tasks.assert_called_once_with(
        SYNC_TASK, division.pk, trigger="resend", run_id=run.pk, task_name=f"quickbooks-run-{run.pk}"
    )
    assert "Resend All Data" in " ".join(_messages(response))


@pytest.mark.django_db
def test_resend_needs_a_connection(owner_client, division):
    response = owner_client.get(_url("resend", division))

    assert response.status_code == 302
    assert "not connected" in " ".join(_messages(response))
    assert owner_client.post(_url("resend", division)).status_code == 302
    assert not SyncRun.objects.exists()


@pytest.mark.django_db
def test_preview_needs_a_connection(owner_client, division):
    response = owner_client.post(_url("preview", division))

    assert response.status_code == 302 and "QuickBooks is not connected for Main" in " ".join(_messages(response))
    assert not SyncRun.objects.exists()
    assert owner_client.get(_url("preview", division)).status_code == 405


# Preview.


@pytest.mark.django_db
def test_preview_comes_first_until_a_first_sync_succeeds(owner_client, division, stored_connection):
    before = _page(owner_client, division)
    assert before.index('id="qbo-preview"') < before.index('id="qbo-sync-now"')
    assert 'class="default" value="Preview"' in before and 'id="qbo-preview-first"' in before

    _run(division, trigger="preview")
    _run(division, status="failed")
    assert 'id="qbo-preview-first"' in _page(owner_client, division)  # neither a preview nor a failure counts

    _run(division, status="succeeded")
    after = _page(owner_client, division)
    assert after.index('id="qbo-sync-now"') < after.index('id="qbo-preview"')
    assert 'class="default" value="Sync Now"' in after and 'id="qbo-preview-first"' not in after


@pytest.mark.django_db
def test_a_preview_shows_what_a_sync_would_do_per_list(owner_client, division, stored_connection):
    preview = _run(
        division,
        trigger="preview",
        counts={"created": 4, "linked": 2, "skipped": 1},
        entity_counts={"customer": {"created": 3, "linked": 2}, "tax rate": {"created": 1, "skipped": 1}},
    )

    page = _page(owner_client, division)

    assert "Preview ready" in page and "Would create 4 · would link 2 · would skip 1" in page
    for heading in ("Would create", "Would update", "Would link", "Would skip", "Would fail"):
        assert f'<th scope="col" class="qbo-number">{heading}</th>' in page
    assert re.search(r'data-entity="customer"><th scope="row">Customers</th>(<td[^>]*>(\d+)</td>){5}', page)
    assert "Tax rates" in page
    assert f"{_url('preview_download', division)}?run={preview.pk}" in page
    assert 'id="qbo-preview-results"' not in page  # the status already shows it

    status = owner_client.get(_url("status", division)).json()["run"]
    assert status["entities"]["rows"][0] == {"entity": "customer", "label": "Customers", "cells": [3, 0, 2, 0, 0]}

    # Once a sync has run, the last preview keeps a section of its own.
    _run(division, counts={"created": 4})
    later = _page(owner_client, division)
    assert 'id="qbo-preview-results"' in later and "before the last sync" in later
    assert 'id="qbo-download-preview"' in later


@pytest.mark.django_db
def test_download_preview(read_only_client, division):
    old = _run(division, trigger="preview")
    _entry(old, "created", "Old")
    preview = _run(division, trigger="preview", status="partial")
    _entry(preview, "created", "Ann Lee")
    _entry(preview, "linked", "Bo Diaz", qbo_id="58")
    _entry(preview, "failed", "Cy Eng", entity="service location", message="The address is too long for QuickBooks.")
    sync = _run(division)

    response = read_only_client.get(_url("preview_download", division))

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="quickbooks-preview-{division.slug}-{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    rows = _rows(response)
    assert rows[0] == HEADERS
    assert [row[1:] for row in rows[1:]] == [
        ["Customers", "Ann Lee", None, "Would create", None],
        ["Customers", "Bo Diaz", "58", "Would link", None],
        ["Service locations", "Cy Eng", None, "Would fail", "The address is too long for QuickBooks."],
    ]
    assert rows[1][0] == timezone.make_naive(preview.started_at).replace(microsecond=0)
    assert _rows(read_only_client.get(_url("preview_download", division, f"?run={old.pk}")))[1][2] == "Old"
    assert read_only_client.get(_url("preview_download", division, f"?run={sync.pk}")).status_code == 404


@pytest.mark.django_db
def test_download_preview_without_a_preview(read_only_client, division):
    response = read_only_client.get(_url("preview_download", division))

    assert response.status_code == 302 and "no preview yet" in " ".join(_messages(response))


# Download Errors.


@pytest.mark.django_db
def test_download_errors_lists_the_failed_and_skipped_records_of_the_last_sync(read_only_client, division):
    older = _run(division, status="partial")
    _entry(older, "failed", "Older", message="Old reason.")
    last = _run(division, status="partial")
    _entry(last, "created", "Ann Lee", qbo_id="12")
    _entry(last, "failed", '=HYPERLINK("http://x")', message="QuickBooks refused it: the name is too long.")
    _entry(last, "skipped", "-5 Main St", entity="service location", qbo_id="-7")
    preview = _run(division, trigger="preview")  # previews have a download of their own
    _entry(preview, "failed", "Preview only")

    response = read_only_client.get(_url("errors", division))

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="quickbooks-errors-{division.slug}-{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    rows = _rows(response)
    assert rows[0] == HEADERS
    assert [row[1:] for row in rows[1:]] == [
        ["Customers", '=HYPERLINK("http://x")', None, "Failed", "QuickBooks refused it: the name is too long."],
        ["Service locations", "-5 Main St", "-7", "Skipped", "No reason was recorded for this record."],
    ]
    # Text that looks like a formula stays text.
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["C2"].data_type == "s" and sheet["C2"].quotePrefix
    assert sheet["D3"].data_type == "s" and sheet["D3"].quotePrefix
    assert sheet["A2"].is_date

    chosen = _rows(read_only_client.get(_url("errors", division, f"?run={older.pk}")))
    assert [row[2] for row in chosen[1:]] == ["Older"]


@pytest.mark.django_db
def test_download_errors_refuses_runs_of_other_divisions(read_only_client, division):
    _run(division)
    other = _run(DivisionFactory())

    assert read_only_client.get(_url("errors", division, f"?run={other.pk}")).status_code == 404
    assert read_only_client.get(_url("errors", division, "?run=abc")).status_code == 404


@pytest.mark.django_db
def test_download_errors_before_any_sync(read_only_client, division):
    response = read_only_client.get(_url("errors", division))

    assert response.status_code == 302 and "no errors to download" in " ".join(_messages(response))
    assert 'id="qbo-download-errors"' not in _page(read_only_client, division)


# The chart of recent runs.


@pytest.mark.django_db
def test_the_chart_has_a_pair_of_bars_per_recent_sync(read_only_client, division):
    _run(division, counts={"created": 10, "updated": 1, "linked": 1, "deactivated": 1, "skipped": 9, "failed": 2})
    _run(division, status="failed")
    _run(division, trigger="preview", counts={"created": 99})
    _run(division, status="running", counts={"updated": 4})

    page = _page(read_only_client, division)

    start = page.index('<figure class="qbo-chart" id="qbo-chart">')
    svg = page[start : page.index("</svg>", start)]
    assert 'role="img"' in svg and 'aria-label="Records synced and errors in the last 3 syncs' in svg
    assert svg.count('class="qbo-chart__bar qbo-chart__bar--synced"') == 3
    assert svg.count('class="qbo-chart__bar qbo-chart__bar--errors"') == 3
    assert "(Sync completed): 13 records synced</title>" in svg
    assert "(Sync completed): 2 errors</title>" in svg
    assert "(Sync failed): 0 records synced</title>" in svg
    assert "(Syncing…): 4 records synced</title>" in svg
    assert "99 records" not in svg
    assert ">Records</text>" in svg and ">Syncs, oldest to newest</text>" in svg


@pytest.mark.django_db
def test_the_chart_shows_the_last_twenty_syncs_oldest_first(division):
    for number in range(25):
        _run(division, counts={"created": number})

    totals = recent_run_totals(division=division)
    chart = runs_chart(totals)

    assert [point.synced for point in totals] == list(range(5, 25))
    assert len(chart.slots) == 20
    assert [tick.value for tick in chart.ticks] == ["0", "10", "20", "30", "40"]
    # The tallest bar reaches 24/40 of the plot; the bars go left to right.
    assert float(chart.slots[-1].synced.height) == pytest.approx(24 / 40 * (float(chart.bottom) - chart.top), 0.01)
    assert float(chart.slots[0].synced.x) < float(chart.slots[-1].synced.x)


@pytest.mark.django_db
def test_no_chart_before_any_sync(read_only_client, division):
    assert runs_chart([]) is None
    assert 'id="qbo-chart"' not in _page(read_only_client, division)
