"""The admin's home as a dashboard per role, and the navigation grouped as an office thinks."""

from decimal import Decimal as D

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.core.integrations import SyncStatus, sync_status_provider_register, sync_status_provider_unregister
from apps.core.selectors import division_get_default
from apps.dashboard.selectors import dashboard_for
from apps.imports.models import ImportRecord, ImportStatus
from apps.invoicing.models import InvoiceStatus as S
from apps.quickbooks.models import SyncRun, SyncRunStatus, SyncTrigger
from tests.factories import DivisionFactory, InvoiceFactory, UserFactory, days_from_today

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
OFFICE_GROUPS = [
    "Customers", "Invoicing", "Catalog", "Purchasing", "Inventory", "Accounting", "QuickBooks", "Administration",
]
SYSTEM_GROUPS = ["System", "System: QuickBooks Online sandbox", "System: QuickBooks Desktop sandbox"]


def _invoice(status: str, total: str, *, balance: str | None = None, due_in_days: int = 30):
    return InvoiceFactory(
        status=status,
        total=D(total),
        balance=D(total if balance is None else balance),
        due_date=days_from_today(due_in_days),
    )


@pytest.fixture
def invoices():
    return [
        _invoice(S.READY_FOR_SYNC, "100.00"),
        _invoice(S.READY_FOR_SYNC, "50.00", due_in_days=-2),
        _invoice(S.UNPAID, "1200.00", balance="1000.00", due_in_days=-10),
        _invoice(S.APPROVED, "30.00"),
        _invoice(S.PAID, "999.00", balance="0"),
        _invoice(S.DRAFT, "75.00", due_in_days=-5),
    ]


def _app_list(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    return admin.site.get_app_list(request)


def _entries(app_list) -> dict[str, list[str]]:
    return {group["name"]: [model["name"] for model in group["models"]] for group in app_list}


# The figures.


def test_figures_count_ready_for_sync_and_total_overdue_and_open_balances(owner, invoices):
    figures = {figure.key: figure for figure in dashboard_for(user=owner).figures}

    assert figures["ready_for_sync"].value == "2"
    invoices_url = reverse("admin:invoicing_invoice_changelist")
    assert figures["ready_for_sync"].url == f"{invoices_url}?status__exact=ready_for_sync"
    # Overdue: the late Ready for Sync (50) and the late Unpaid balance (1,000); drafts are not owed.
    assert figures["overdue"].value == "$1,050.00"
    assert figures["overdue"].detail == "Owed on 2 invoices past their due date"
    assert (figures["open"].value, figures["open"].detail) == ("$1,180.00", "Owed on 4 open invoices")


def test_the_figures_links_lead_to_the_same_invoices(admin_client, invoices):
    for figure in dashboard_for(user=admin_client.get(INDEX).wsgi_request.user).figures:
        listed = admin_client.get(figure.url).context["cl"].result_count
        assert listed == {"ready_for_sync": 2, "overdue": 2, "open": 4}[figure.key], figure.key


# Per role.


def test_office_sees_figures_actions_and_office_groups_but_no_system(client, office_user, invoices):
    client.force_login(office_user)
    response = client.get(INDEX)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dashboard-ready_for_sync"' in html and "$1,050.00" in html
    actions = [action.label for action in response.context["dashboard"].actions]
    assert actions == ["Add invoice", "Add customer", "Import from Excel"]
    assert list(_entries(response.context["app_list"])) == OFFICE_GROUPS
    assert "View site" not in html


def test_read_only_sees_the_figures_but_no_actions(client, read_only_user, invoices):
    client.force_login(read_only_user)
    response = client.get(INDEX)

    dashboard = response.context["dashboard"]
    assert [figure.key for figure in dashboard.figures] == ["ready_for_sync", "overdue", "open"]
    assert dashboard.actions == []
    assert 'id="dashboard-actions"' not in response.content.decode()


def test_system_sections_are_for_superusers_only(superuser, owner, office_user):
    assert list(_entries(_app_list(superuser))) == OFFICE_GROUPS + SYSTEM_GROUPS
    system = _entries(_app_list(superuser))["System"]
    assert {"API tokens", "Scheduled tasks", "Two-factor authenticators", "Sign-in email addresses"} <= set(system)

    # An Owner keeps the API tokens it may manage, among the administration pages.
    owner_groups = _entries(_app_list(owner))
    assert list(owner_groups) == OFFICE_GROUPS
    assert owner_groups["Administration"] == ["Import from Excel", "Import records", "Users", "Groups", "Divisions",
                                              "API tokens"]
    assert "Accounts" in owner_groups["Accounting"] and "Email addresses" not in str(owner_groups)


@pytest.mark.parametrize("role", ["superuser", "owner", "office_user", "read_only_user"])
def test_every_page_a_person_may_open_is_in_the_navigation_once(request, role):
    user = request.getfixturevalue(role)
    plain_site = AdminSite()
    plain_site._registry = admin.site._registry
    rf_request = RequestFactory().get("/admin/")
    rf_request.user = user
    expected = sorted(model["admin_url"] for app in plain_site.get_app_list(rf_request) for model in app["models"])

    grouped = sorted(model["admin_url"] for group in _app_list(user) for model in group["models"])

    assert grouped == expected


def test_an_apps_own_page_and_the_sidebar_follow_the_grouping(admin_client):
    assert admin_client.get(reverse("admin:app_list", args=["invoicing"])).status_code == 200

    html = admin_client.get(reverse("admin:invoicing_invoice_changelist")).content.decode()
    sidebar = html[html.index('id="nav-sidebar"'):]
    assert sidebar.index(">Customers</span>") < sidebar.index(">Invoicing</span>") < sidebar.index(">System</span>")
    assert 'class="app-invoicing module current-app"' in sidebar


# Syncs and imports.


def test_each_divisions_last_sync_comes_from_the_integrations(owner):
    snow = DivisionFactory(name="Snow Removal", slug="snow")

    def provider(*, division, user):
        return SyncStatus(integration="Books", status=f"Synced {division.name}", tone="ok")

    sync_status_provider_register(provider)
    try:
        syncs = dashboard_for(user=owner).syncs
    finally:
        sync_status_provider_unregister(provider)

    books = [(sync.division, status.status) for sync in syncs for status in sync.statuses if status.tone == "ok"]
    assert books == [(division_get_default(), "Synced Main"), (snow, "Synced Snow Removal")]


def test_the_quickbooks_status_says_how_the_last_sync_went_and_links_its_errors(client, office_user):
    division = division_get_default()
    SyncRun.objects.create(division=division, trigger=SyncTrigger.MANUAL, status=SyncRunStatus.SUCCEEDED)
    run = SyncRun.objects.create(
        division=division,
        trigger=SyncTrigger.MANUAL,
        status=SyncRunStatus.PARTIAL,
        counts={"created": 3, "failed": 2, "skipped": 1},
        finished_at=timezone.now(),
    )
    # A later preview is not a sync.
    SyncRun.objects.create(division=division, trigger=SyncTrigger.PREVIEW, status=SyncRunStatus.SUCCEEDED)

    (status,) = dashboard_for(user=office_user).syncs[0].statuses
    assert (status.integration, status.status, status.tone, status.problems) == (
        "QuickBooks Online", "Sync completed with errors", "warning", 3
    )
    errors_url = reverse("admin:quickbooks_integration_errors", args=[division.pk]) + f"?run={run.pk}"
    assert status.errors_url == errors_url

    client.force_login(office_user)
    html = client.get(INDEX).content.decode()
    assert f'href="{errors_url}" data-sync-errors>3 records failed or skipped</a>' in html


def test_a_completed_sync_that_skipped_records_is_not_all_green(owner):
    SyncRun.objects.create(
        division=division_get_default(),
        trigger=SyncTrigger.SCHEDULE,
        status=SyncRunStatus.SUCCEEDED,
        counts={"created": 3, "skipped": 4},
    )
    (status,) = dashboard_for(user=owner).syncs[0].statuses
    assert (status.status, status.tone, status.problems) == ("Sync completed", "warning", 4)


def test_a_division_never_synced_says_so_and_people_without_quickbooks_see_none(owner):
    (status,) = dashboard_for(user=owner).syncs[0].statuses
    assert (status.status, status.tone, status.errors_url) == ("Not connected", "idle", "")

    no_quickbooks = UserFactory()
    assert dashboard_for(user=no_quickbooks).syncs == []


def test_imports_in_progress_are_listed_until_they_finish(office_user):
    division = division_get_default()
    for status in (ImportStatus.CHECKING, ImportStatus.CHECKED, ImportStatus.IMPORTED, ImportStatus.FAILED):
        ImportRecord.objects.create(
            kind="customers", division=division, status=status, file_name=f"{status}.xlsx", created_by=office_user
        )

    listed = dashboard_for(user=office_user).imports

    assert [(row.kind, row.status) for row in listed] == [
        ("Customers and service locations", "Checking"),
        ("Customers and service locations", "Checked"),
    ]
    assert dashboard_for(user=UserFactory()).imports is None
