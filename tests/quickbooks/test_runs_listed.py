"""Recent syncs and the runs list: a preview is listed as "Preview", whatever it found, never "Partly done"."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.quickbooks.models import SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.selectors import run_listed_status


def _run(division, status: str, trigger: str = SyncTrigger.MANUAL) -> SyncRun:
    now = timezone.now()
    active = status in (SyncRunStatus.QUEUED, SyncRunStatus.RUNNING)
    return SyncRun.objects.create(
        division=division, trigger=trigger, status=status, started_at=now, finished_at=None if active else now
    )


@pytest.mark.parametrize(
    ("trigger", "status", "listed"),
    [
        (SyncTrigger.PREVIEW, SyncRunStatus.SUCCEEDED, "Preview"),
        (SyncTrigger.PREVIEW, SyncRunStatus.PARTIAL, "Preview"),
        (SyncTrigger.PREVIEW, SyncRunStatus.FAILED, "Preview failed"),
        (SyncTrigger.PREVIEW, SyncRunStatus.QUEUED, "Queued"),
        (SyncTrigger.MANUAL, SyncRunStatus.PARTIAL, "Partly done"),
        (SyncTrigger.MANUAL, SyncRunStatus.SUCCEEDED, "Succeeded"),
    ],
)
def test_a_run_is_listed_by_what_it_was(division, trigger, status, listed):
    assert run_listed_status(_run(division, status, trigger)) == listed


def _recent_syncs_statuses(html: str) -> list[str]:
    section = html[html.index('id="qbo-runs"') :]
    rows = re.findall(r'<tr class="qbo-run qbo-run--\w+">(.*?)</tr>', section, re.S)
    return [re.findall(r"<td>(.*?)</td>", row, re.S)[2].strip() for row in rows]


def test_recent_syncs_lists_a_preview_with_records_that_would_fail_as_preview(owner_client, division):
    _run(division, SyncRunStatus.PARTIAL, SyncTrigger.PREVIEW)
    _run(division, SyncRunStatus.PARTIAL)

    page = owner_client.get(reverse("admin:quickbooks_integration_change", args=[division.pk]))

    assert page.status_code == 200
    assert _recent_syncs_statuses(page.content.decode()) == ["Partly done", "Preview"]


def test_the_runs_list_shows_a_preview_as_preview(owner_client, division):
    _run(division, SyncRunStatus.PARTIAL, SyncTrigger.PREVIEW)

    page = owner_client.get(reverse("admin:quickbooks_syncrun_changelist"))

    assert page.status_code == 200
    cells = re.findall(r'<td class="field-listed_status">(.*?)</td>', page.content.decode())
    assert cells == ["Preview"]
