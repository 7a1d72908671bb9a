"""The Desktop part of the integration page: the password form, the checklist, the .qwc file and the permissions."""

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse
from lxml import etree

from apps.quickbooks.admin.desktop import DesktopCredentialsForm
from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.qwc import ALL_EDITIONS, Edition, editions_from_names, qwc_build, web_connector_url
from apps.quickbooks.desktop.selectors import desktop_owner_id
from apps.quickbooks.desktop.setup import PASSWORD_MAX_LENGTH, desktop_credentials_set
from apps.quickbooks.models import DesktopConnection, DesktopSession, SyncSettings
from tests.factories import DivisionFactory
from tests.quickbooks.desktop.conftest import PASSWORD, USERNAME

pytestmark = pytest.mark.django_db

HOST = "fieldoffice.example.com"


@pytest.fixture(autouse=True)
def public_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


NEW_PASSWORD = "green-kettle-sunrise-77"


def _url(name: str, division) -> str:
    return reverse(f"admin:quickbooks_integration_{name}", args=[division.pk])


def _browser(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return _browser(owner)


def _qwc(content: bytes) -> dict[str, str]:
    root = etree.fromstring(content)
    assert root.tag == "QBWCXML"
    return {element.tag: (element.text or "").strip() for element in root.iter() if element is not root}


def test_the_page_shows_the_desktop_section_instead_of_connect(owner_client, desktop):
    DesktopSession.objects.create(
        connection=desktop,
        started_at=desktop.created_at,
        last_seen_at=desktop.created_at,
        status="refused",
        ended_at=desktop.created_at,
        last_error="This is not the company file FieldOffice syncs Main with.",
    )
    page = owner_client.get(_url("change", desktop.division)).content.decode()
    assert 'id="qbd-connection"' in page and "Connect to QuickBooks" not in page
    assert USERNAME in page and 'id="qbd-download-qwc"' in page and 'id="qbd-set-password"' in page
    assert "This is not the company file FieldOffice syncs Main with." in page
    assert "https://fieldoffice.example.com/quickbooks/desktop/qbwc/" in page
    assert "every 15 minutes" in page


def test_an_online_division_keeps_the_connect_button(owner_client, division):
    SyncSettings.objects.filter(division=division).update(integration_type="online")
    page = owner_client.get(_url("change", division)).content.decode()
    assert "Connect to QuickBooks" in page and 'id="qbd-connection"' not in page


def test_desktop_can_be_chosen_in_configure_sync(owner_client, division):
    SyncSettings.objects.filter(division=division).update(integration_type="online")
    form = owner_client.get(_url("configure", division)).content.decode()
    assert '<option value="desktop">QuickBooks Desktop</option>' in form
    data = {
        "integration_type": "desktop",
        "frequency": "5m",
        "customers_direction": "to_local",
        "customers_primary": "",
        "inventory_direction": "off",
        "invoices_direction": "off",
        "vendors_direction": "off",
    }
    assert owner_client.post(_url("configure", division), data).status_code == 302
    assert SyncSettings.objects.get(division=division).integration_type == "desktop"


def test_an_owner_sets_the_password(owner_client, owner, division):
    form = owner_client.get(_url("desktop_credentials", division)).content.decode()
    assert 'value="fieldoffice-main"' in form

    answer = owner_client.post(
        _url("desktop_credentials", division),
        {"username": "wc-main", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    assert answer.status_code == 302 and answer["Location"] == _url("change", division)
    connection = DesktopConnection.objects.get(division=division)
    assert connection.username == "wc-main" and connection.password_set_by == owner
    assert check_password(NEW_PASSWORD, connection.password_hash) and NEW_PASSWORD not in connection.password_hash


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"username": "wc main", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, "username", "no spaces"),
        ({"username": "wc-main", "password": NEW_PASSWORD, "password_again": "other"}, "password_again", "differ"),
        ({"username": "wc-main", "password": "123", "password_again": "123"}, "password", "too short"),
        ({"username": "WC-WEST", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, "username", "Another"),
    ],
    ids=["spaces", "mismatch", "weak", "taken"],
)
def test_the_password_form_refuses_bad_input(owner_client, division, data, field, words):
    west = DivisionFactory(name="West", slug="west")
    desktop_credentials_set(division=west, username="wc-west", password=PASSWORD)
    answer = owner_client.post(_url("desktop_credentials", division), data)
    assert answer.status_code == 200
    assert words in " ".join(answer.context["form"].errors[field])
    assert not DesktopConnection.objects.filter(division=division, password_hash__gt="").exists()


def test_the_password_fields_stop_at_the_length_the_web_connector_sign_in_accepts(owner_client, division):
    """The browser stops typing at the service's limit, and the form refuses what is sent past it all the same."""
    longest = "kettle-" * (PASSWORD_MAX_LENGTH // 7) + "x" * (PASSWORD_MAX_LENGTH % 7)
    assert len(longest) == PASSWORD_MAX_LENGTH

    page = owner_client.get(_url("desktop_credentials", division)).content.decode()
    too_long = DesktopCredentialsForm(
        {"username": "wc-main", "password": longest + "x", "password_again": longest + "x"}
    )
    longest_form = DesktopCredentialsForm({"username": "wc-main", "password": longest, "password_again": longest})

    for name in ("password", "password_again"):
        assert f'name="{name}" autocomplete="new-password" maxlength="{PASSWORD_MAX_LENGTH}"' in page
        assert DesktopCredentialsForm().fields[name].max_length == PASSWORD_MAX_LENGTH
    assert too_long.errors["password"] == [f"The password has at most {PASSWORD_MAX_LENGTH} characters."]
    assert longest_form.is_valid(), longest_form.errors


def test_the_checklist_comes_before_the_download(owner_client, desktop):
    page = owner_client.get(_url("desktop_checklist", desktop.division)).content.decode()
    for words in (
        "Install the QuickBooks Web Connector on the computer or server that runs QuickBooks Desktop",
        "Back up the company file first",
        "single-user mode, signed in as the QuickBooks Admin",
        "it is not in the file",
        "Choose the QuickBooks edition",
    ):
        assert words in page
    assert 'name="editions" value="enterprise"' in page and USERNAME in page


def test_the_download_needs_a_password_and_desktop(owner_client, division):
    answer = owner_client.get(_url("desktop_qwc", division))
    assert answer["Location"] == _url("desktop_credentials", division)
    SyncSettings.objects.filter(division=division).update(integration_type="online")
    assert owner_client.get(_url("desktop_checklist", division))["Location"] == _url("change", division)


def test_the_qwc_file(owner_client, desktop):
    answer = owner_client.get(_url("desktop_qwc", desktop.division), {"editions": ["pro", "enterprise"]})

    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="fieldoffice-main.qwc"'
    qwc = _qwc(answer.content)
    assert qwc == {
        "AppName": "FieldOffice Main",
        "AppID": "",
        "AppURL": "https://fieldoffice.example.com/quickbooks/desktop/qbwc/",
        "AppDescription": "Syncs customers, items and invoices of Main between FieldOffice and QuickBooks Desktop.",
        "AppSupport": f"https://fieldoffice.example.com{_url('desktop_checklist', desktop.division)}",
        "UserName": USERNAME,
        "OwnerID": guid_braced(desktop_owner_id()),
        "FileID": guid_braced(desktop.file_id),
        "QBType": "QBFS",
        "Scheduler": "",
        "RunEveryNMinutes": "15",
        "IsReadOnly": "false",
        "AuthFlags": "0xA",
        "Style": "Document",
    }
    assert PASSWORD.encode() not in answer.content
    assert [element.tag for element in etree.fromstring(answer.content)][:9] == [
        "AppName",
        "AppID",
        "AppURL",
        "AppDescription",
        "AppSupport",
        "UserName",
        "OwnerID",
        "FileID",
        "QBType",
    ]


def test_the_qwc_file_defaults_to_every_edition_and_no_schedule_when_manual(owner_client, desktop):
    SyncSettings.objects.filter(division=desktop.division).update(frequency="manual")
    qwc = _qwc(owner_client.get(_url("desktop_qwc", desktop.division)).content)
    assert qwc["AuthFlags"] == "0xE" and "Scheduler" not in qwc and "RunEveryNMinutes" not in qwc


@pytest.mark.parametrize(("frequency", "minutes"), [("5m", "5"), ("1h", "60"), ("daily", "1440")])
def test_the_schedule_follows_the_sync_frequency(owner_client, desktop, frequency, minutes):
    SyncSettings.objects.filter(division=desktop.division).update(frequency=frequency)
    assert _qwc(owner_client.get(_url("desktop_qwc", desktop.division)).content)["RunEveryNMinutes"] == minutes


def test_names_are_xml_escaped(desktop):
    division = desktop.division
    division.name = 'Heating & "Cooling" <North>'
    division.save()
    desktop.refresh_from_db()
    content = qwc_build(
        connection=desktop, endpoint_url="https://a.example/quickbooks/desktop/qbwc/", support_url="https://a.example/"
    ).content
    assert b'Heating &amp; "Cooling" &lt;North&gt;' in content
    assert _qwc(content)["AppName"] == 'FieldOffice Heating & "Cooling" <North>'


def test_web_connector_urls():
    assert web_connector_url("http://fieldoffice.example.com/q/") == "https://fieldoffice.example.com/q/"
    assert web_connector_url("http://fieldoffice.example.com:80/q/") == "https://fieldoffice.example.com/q/"
    assert web_connector_url("http://localhost:8000/q/") == "http://localhost:8000/q/"
    assert web_connector_url("http://127.0.0.1:8000/q/") == "http://127.0.0.1:8000/q/"
    assert web_connector_url("https://fieldoffice.example.com/q/") == "https://fieldoffice.example.com/q/"


def test_editions():
    assert editions_from_names(["pro", "Premier", "unknown"]) == Edition.PRO | Edition.PREMIER
    assert int(ALL_EDITIONS) == 0xE


def test_a_local_server_keeps_plain_http(desktop, owner):
    client = Client(HTTP_HOST="127.0.0.1:8000")
    client.force_login(owner)
    assert _qwc(client.get(_url("desktop_qwc", desktop.division)).content)["AppURL"] == (
        "http://127.0.0.1:8000/quickbooks/desktop/qbwc/"
    )


@pytest.mark.parametrize("role", ["office_user", "read_only_user"])
def test_only_owners_set_up_desktop(request, desktop, role):
    client = _browser(request.getfixturevalue(role))
    division = desktop.division
    page = client.get(_url("change", division)).content.decode()
    assert 'id="qbd-connection"' in page
    assert 'id="qbd-set-password"' not in page and 'id="qbd-download-qwc"' not in page
    assert client.get(_url("desktop_credentials", division)).status_code == 403
    assert client.post(_url("desktop_credentials", division), {"username": "x"}).status_code == 403
    assert client.get(_url("desktop_checklist", division)).status_code == 403
    assert client.get(_url("desktop_qwc", division)).status_code == 403
    assert client.post(_url("desktop_accept_move", division)).status_code == 403


def test_accept_the_moved_company_file_on_the_page(owner_client, desktop):
    DesktopConnection.objects.filter(pk=desktop.pk).update(
        company_name="Fieldwork Plumbing",
        company_file=r"C:\old\Fieldwork.QBW",
        company_first_seen_at=desktop.created_at,
        moved_company_name="Fieldwork Plumbing",
        moved_company_file=r"D:\new\Fieldwork.QBW",
        moved_seen_at=desktop.created_at,
        last_error="The company file FieldOffice syncs Main with was moved.",
    )
    page = owner_client.get(_url("change", desktop.division)).content.decode()
    assert 'id="qbd-moved"' in page and "Accept the moved company file" in page
    assert owner_client.get(_url("desktop_accept_move", desktop.division)).status_code == 405

    answer = owner_client.post(_url("desktop_accept_move", desktop.division))

    assert answer["Location"] == _url("change", desktop.division)
    desktop.refresh_from_db()
    assert (desktop.company_file, desktop.has_moved_file, desktop.last_error) == (r"D:\new\Fieldwork.QBW", False, "")
    page = owner_client.get(_url("change", desktop.division)).content.decode()
    assert 'id="qbd-moved"' not in page


@pytest.mark.parametrize("role", ["owner", "office_user"])
def test_the_next_update_can_be_made_a_preview(request, desktop, role):
    client = _browser(request.getfixturevalue(role))
    page = client.get(_url("change", desktop.division)).content.decode()
    assert 'id="qbd-preview"' in page
    assert client.get(_url("desktop_preview", desktop.division)).status_code == 405

    answer = client.post(_url("desktop_preview", desktop.division))

    assert answer["Location"] == _url("change", desktop.division)
    desktop.refresh_from_db()
    assert desktop.preview_next is True
    page = client.get(_url("change", desktop.division)).content.decode()
    assert 'id="qbd-preview-pending"' in page


def test_read_only_users_cannot_ask_for_a_preview(read_only_user, desktop):
    client = _browser(read_only_user)
    assert 'id="qbd-preview"' not in client.get(_url("change", desktop.division)).content.decode()
    assert client.post(_url("desktop_preview", desktop.division)).status_code == 403
    desktop.refresh_from_db()
    assert desktop.preview_next is False


def test_the_jobs_report_lists_jobs_with_what_to_do_about_them(owner_client, desktop):
    DesktopConnection.objects.filter(pk=desktop.pk).update(
        jobs_report=[
            {
                "list_id": "80000002-1",
                "full_name": "Carefree:Main Office",
                "name": "Main Office",
                "parent": "Carefree",
                "arrives_as": "Carefree - Main Office",
            }
        ],
        jobs_report_at=desktop.created_at,
    )

    page = owner_client.get(_url("change", desktop.division)).content.decode()

    assert 'id="qbd-jobs"' in page and "Carefree:Main Office" in page and "Carefree - Main Office" in page
    assert page.count("<li><strong>") >= 4 and "Leave them as they are." in page
