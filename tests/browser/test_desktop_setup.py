"""
An Owner switches a division to QuickBooks Desktop, sets the Web Connector password, reads the checklist and
downloads the division's .qwc file, in a real browser.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from lxml import etree
from playwright.sync_api import expect

from apps.core.selectors import division_get_default
from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.selectors import desktop_owner_id
from apps.quickbooks.models import DesktopConnection, SyncSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

EMAIL = "owner@example.com"
PASSWORD = "correct-horse-battery"
WEB_CONNECTOR_PASSWORD = "copper-lantern-meadow-31"


def test_owner_sets_up_quickbooks_desktop_and_downloads_the_qwc(transactional_db, live_server, page, tmp_path: Path):
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Owner"])
    division = division_get_default()
    page_path = f"/admin/quickbooks/integration/{division.pk}/change/"

    page.goto(f"/accounts/login/?next={page_path}")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    expect(page.get_by_role("button", name="Connect to QuickBooks")).to_be_visible()

    # Configure Sync: QuickBooks Desktop, every 15 minutes, customers from QuickBooks.
    page.locator("#qbo-configure").click()
    page.select_option("#id_integration_type", "desktop")
    page.select_option("#id_frequency", "15m")
    page.select_option("#id_customers_direction", "to_local")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    expect(page.locator("#qbd-connection")).to_contain_text("QuickBooks Desktop (Web Connector)")
    expect(page.get_by_role("button", name="Connect to QuickBooks")).to_have_count(0)
    assert SyncSettings.objects.get(division=division).integration_type == "desktop"

    # Set password.
    page.locator("#qbd-set-password").click()
    expect(page.locator("#id_username")).to_have_value("fieldoffice-main")
    page.fill("#id_password", WEB_CONNECTOR_PASSWORD)
    page.fill("#id_password_again", WEB_CONNECTOR_PASSWORD)
    page.locator("#qbd-credentials-save").click()
    expect(page.locator(".messagelist")).to_contain_text("The Web Connector password of Main has been set.")
    expect(page.locator("#qbd-password")).to_contain_text("Set")
    connection = DesktopConnection.objects.get(division=division)
    assert check_password(WEB_CONNECTOR_PASSWORD, connection.password_hash)

    # The checklist, then the download for Enterprise only.
    page.locator("#qbd-download-qwc").click()
    checklist = page.locator("#qbd-checklist")
    expect(checklist).to_contain_text("Install the QuickBooks Web Connector on the computer or server")
    expect(checklist).to_contain_text("Back up the company file first")
    expect(checklist).to_contain_text("single-user mode, signed in as the QuickBooks Admin")
    expect(checklist).to_contain_text("it is not in the file")
    page.locator('input[name="editions"][value="pro"]').uncheck()
    page.locator('input[name="editions"][value="premier"]').uncheck()
    with page.expect_download() as download_info:
        page.locator("#qbd-download").click()
    download = download_info.value
    assert download.suggested_filename == "fieldoffice-main.qwc"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    qwc = etree.fromstring(saved.read_bytes())
    assert qwc.tag == "QBWCXML"
    assert qwc.findtext("AppName") == "FieldOffice Main"
    assert qwc.findtext("AppURL") == f"{live_server.url}/quickbooks/desktop/qbwc/"
    assert qwc.findtext("UserName") == "fieldoffice-main"
    assert qwc.findtext("OwnerID") == guid_braced(desktop_owner_id())
    assert qwc.findtext("FileID") == guid_braced(connection.file_id)
    assert qwc.findtext("QBType") == "QBFS"
    assert qwc.findtext("Scheduler/RunEveryNMinutes") == "15"
    assert qwc.findtext("AuthFlags") == "0x8"
    assert WEB_CONNECTOR_PASSWORD not in saved.read_text()
