"""What the Desktop integration page says: the company file's name, times at the end of sentences, the editions."""

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from apps.quickbooks.models import DesktopConnection, SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.selectors import sync_settings_summary
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db


def _url(name: str, division) -> str:
    return reverse(f"admin:quickbooks_integration_{name}", args=[division.pk])


def _company_name(division) -> str:
    return {row.label: row.value for row in sync_settings_summary(division=division)}["Company Name"]


def test_the_settings_name_the_company_file_the_web_connector_recorded(desktop):
    assert _company_name(desktop.division) == "Recorded at the first Web Connector update"

    DesktopConnection.objects.filter(pk=desktop.pk).update(
        company_name="Carefree Heating", company_file=r"C:\Books\Carefree.qbw", company_first_seen_at=timezone.now()
    )

    assert _company_name(desktop.division) == "Carefree Heating"


def test_a_time_ending_a_sentence_keeps_a_single_period(client, owner, desktop):
    seen = timezone.make_aware(timezone.datetime(2015, 3, 2, 14, 30))
    DesktopConnection.objects.filter(pk=desktop.pk).update(
        company_name="Carefree Heating", company_file=r"C:\Books\Carefree.qbw", company_first_seen_at=seen
    )
    client.force_login(owner)

    page = client.get(_url("change", desktop.division)).content.decode()

    assert "First seen March 2, 2015, 2:30 p.m. Syncing stops" in page
    assert "p.m.." not in page


def test_the_last_previews_time_ends_its_sentence_with_one_period(client, owner):
    online = DivisionFactory(name="Snow Removal", slug="snow-removal")
    previewed = SyncRun.objects.create(division=online, trigger=SyncTrigger.PREVIEW, status=SyncRunStatus.SUCCEEDED)
    afternoon = timezone.make_aware(timezone.datetime(2015, 3, 2, 14, 30))
    SyncRun.objects.filter(pk=previewed.pk).update(created_at=afternoon)
    # A newer preview still waiting: the last finished one is shown below it.
    SyncRun.objects.create(division=online, trigger=SyncTrigger.PREVIEW, status=SyncRunStatus.QUEUED)
    client.force_login(owner)

    page = client.get(_url("change", online)).content.decode()

    assert "What a sync would have done at March 2, 2015, 2:30 p.m." in page
    assert "p.m.." not in page


@pytest.mark.parametrize(
    ("text", "shown"),
    [("at 2:30 p.m.", "at 2:30 p.m."), ("at 14:30", "at 14:30."), ("3 created ", "3 created."), ("", "")],
)
def test_end_sentence(text, shown):
    template = Template("{% load fieldoffice %}{% filter end_sentence %}{{ text }}{% endfilter %}")
    assert template.render(Context({"text": text})) == shown


def test_the_qwc_form_with_no_edition_ticked_says_so(client, owner, desktop):
    client.force_login(owner)
    checklist = client.get(_url("desktop_checklist", desktop.division)).content.decode()
    assert '<input type="hidden" name="checklist" value="1">' in checklist

    # What a browser sends when every box is unticked: the form's mark, no edition.
    answer = client.get(_url("desktop_qwc", desktop.division), {"checklist": "1"})

    assert answer.status_code == 302
    assert answer["Location"] == _url("desktop_checklist", desktop.division)
    assert "Content-Disposition" not in answer
    assert [str(message) for message in get_messages(answer.wsgi_request)] == [
        "Tick at least one QuickBooks edition: the Web Connector only opens the company file with the editions "
        "ticked. No .qwc file was downloaded."
    ]
    ticked = client.get(_url("desktop_qwc", desktop.division), {"checklist": "1", "editions": ["enterprise"]})
    assert ticked.status_code == 200 and b"<AuthFlags>0x8</AuthFlags>" in ticked.content
