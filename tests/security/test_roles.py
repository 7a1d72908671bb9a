"""
Roles hold wherever a model can be reached: the admin, the API and the services.

- Default accounts are Owner-only; the chart of accounts is viewed by Office and changed by an Owner, and only while
  QuickBooks does not keep it. An account in use is deleted by nobody, superusers included, and the refusal says
  where it is used.
- Only a superuser grants superuser, staff or individual permissions; an Owner manages users through the role groups
  and cannot touch a superuser's account.
- django-q2's schedules and tasks are changed by superusers only, and a schedule runs only FieldOffice's own tasks,
  whoever saves it.
"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Failure, Schedule
from django_q.scheduler import scheduler
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounting import services
from apps.accounting.models import Account, AccountType, DefaultAccounts, ItemType
from apps.core.masters import master_elsewhere
from apps.core.roles import OFFICE, OWNER, READ_ONLY
from apps.core.selectors import division_get_default
from apps.core.task_schedules import SCHEDULED_TASKS
from apps.quickbooks.models import DesktopConnection, QuickBooksConnection, SyncSettings
from apps.quickbooks.online.webhooks.services import WEBHOOK_SYNC_TASK
from apps.quickbooks.services.schedules import RECONCILE_SCHEDULE, SYNC_TASK
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.users.models import User
from tests.factories import AccountFactory, DefaultAccountsFactory, DivisionFactory, ItemFactory, UserFactory

pytestmark = pytest.mark.django_db

KEPT_IN_QUICKBOOKS = "The chart of accounts of Main is kept in QuickBooks"
SERVICE_INCOME_IN_USE = (
    "Account 4000 · Service Income is used by 2 items and the default accounts for Service items; make them use "
    "another account first, or set this account inactive."
)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# Roles.


def _codenames(role: str) -> set[str]:
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_office_views_the_chart_and_default_accounts_but_changes_neither():
    office = _codenames(OFFICE)

    assert {"view_account", "view_defaultaccounts"} <= office
    assert not {"add_account", "change_account", "delete_account"} & office
    assert not {"add_defaultaccounts", "change_defaultaccounts", "delete_defaultaccounts"} & office
    assert {"add_account", "change_account", "delete_account", "change_defaultaccounts"} <= _codenames(OWNER)


def test_no_role_may_change_background_tasks():
    for role in (OWNER, OFFICE, READ_ONLY):
        codenames = _codenames(role)
        assert not {"add_schedule", "change_schedule", "delete_schedule", "delete_success"} & codenames


# Default accounts: Owner only.


def test_office_cannot_delete_default_accounts_in_the_admin(office_user):
    defaults = DefaultAccountsFactory()
    url = reverse("admin:accounting_defaultaccounts_delete", args=[defaults.pk])

    response = _client(office_user).post(url, {"post": "yes"})

    assert response.status_code == 403
    assert DefaultAccounts.objects.filter(pk=defaults.pk).exists()


def test_office_cannot_add_or_change_default_accounts_in_the_admin(office_user):
    defaults = DefaultAccountsFactory()
    client = _client(office_user)

    assert client.get(reverse("admin:accounting_defaultaccounts_add")).status_code == 403
    change = client.post(reverse("admin:accounting_defaultaccounts_change", args=[defaults.pk]), {"item_type": "x"})
    assert change.status_code == 403
    assert client.get(reverse("admin:accounting_defaultaccounts_changelist")).status_code == 200


def test_office_cannot_set_default_accounts_through_the_service(office_user, owner):
    division = division_get_default()
    income = AccountFactory(division=division)

    with pytest.raises(PermissionDenied, match="Only an Owner"):
        services.default_accounts_set(
            division=division, item_type=ItemType.SERVICE, accounts={"income_account": income}, user=office_user
        )
    assert not DefaultAccounts.objects.exists()

    services.default_accounts_set(
        division=division, item_type=ItemType.SERVICE, accounts={"income_account": income}, user=owner
    )
    assert DefaultAccounts.objects.get().income_account == income


def test_office_cannot_change_sync_settings_through_the_service(office_user, owner):
    division = division_get_default()

    with pytest.raises(PermissionDenied, match="Only an Owner"):
        sync_settings_update(division=division, user=office_user, frequency="5m")
    assert not SyncSettings.objects.exists()

    assert sync_settings_update(division=division, user=owner, frequency="5m").frequency == "5m"


# The chart of accounts: Office views it.


def test_office_cannot_delete_an_account_in_the_admin(office_user):
    account = AccountFactory()
    client = _client(office_user)

    response = client.post(reverse("admin:accounting_account_delete", args=[account.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:accounting_account_changelist"),
        {"action": "delete_selected", "_selected_action": [account.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert bulk.status_code in (200, 302, 403)
    assert Account.objects.filter(pk=account.pk).exists()


def test_office_cannot_add_or_change_an_account_in_the_admin(office_user):
    account = AccountFactory()
    client = _client(office_user)
    data = {"division": account.division_id, "name": "Renamed", "number": "4999", "account_type": "income"}

    assert client.post(reverse("admin:accounting_account_add"), data).status_code == 403
    assert client.post(reverse("admin:accounting_account_change", args=[account.pk]), data).status_code == 403
    assert client.get(reverse("admin:accounting_account_changelist")).status_code == 200
    account.refresh_from_db()
    assert account.name != "Renamed"


def test_office_reads_the_chart_through_the_api_but_cannot_change_it(office_user):
    account = AccountFactory()
    api = _api(office_user)
    url = reverse("account-detail", args=[account.pk])

    assert api.get(reverse("account-list")).status_code == 200
    assert api.patch(url, {"name": "Renamed"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    added = api.post(reverse("account-list"), {"name": "New", "account_type": "income"}, format="json")
    assert added.status_code == 403
    assert Account.objects.filter(pk=account.pk, name=account.name).exists()


def test_an_owner_changes_and_deletes_an_unused_account_while_quickbooks_does_not_keep_the_chart(owner):
    account = AccountFactory(name="Old Sales")
    client = _client(owner)

    response = client.post(reverse("admin:accounting_account_delete", args=[account.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Account.objects.filter(pk=account.pk).exists()


# The chart of accounts while QuickBooks keeps it.


def _kept_in_quickbooks(division, **directions) -> None:
    QuickBooksConnection.objects.create(division=division, realm_id="123", status="connected")
    SyncSettings.objects.create(division=division, **(directions or {"inventory_direction": "to_local"}))


@pytest.mark.parametrize(
    "directions",
    [
        {"inventory_direction": "to_local"},
        {"inventory_direction": "to_quickbooks"},
        {"invoices_direction": "to_quickbooks"},
    ],
)
def test_the_chart_is_read_only_while_quickbooks_keeps_it(owner, directions):
    division = division_get_default()
    _kept_in_quickbooks(division, **directions)
    account = AccountFactory(division=division, name="Sales")
    client = _client(owner)
    data = {"division": division.pk, "name": "Renamed", "number": "4999", "account_type": "income"}

    change_page = client.get(reverse("admin:accounting_account_change", args=[account.pk]))
    assert KEPT_IN_QUICKBOOKS in change_page.content.decode()
    assert 'name="name"' not in change_page.content.decode()
    assert client.post(reverse("admin:accounting_account_change", args=[account.pk]), data).status_code == 403
    delete_url = reverse("admin:accounting_account_delete", args=[account.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:accounting_account_add")).status_code == 403

    api = _api(owner)
    refused = api.patch(reverse("account-detail", args=[account.pk]), {"name": "Renamed"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith(KEPT_IN_QUICKBOOKS)
    assert api.delete(reverse("account-detail", args=[account.pk])).status_code == 403

    with pytest.raises(ValidationError, match=KEPT_IN_QUICKBOOKS):
        services.account_update(account=account, name="Renamed")
    with pytest.raises(ValidationError, match=KEPT_IN_QUICKBOOKS):
        services.account_create(division=division, name="New", account_type=AccountType.INCOME)
    with pytest.raises(ValidationError, match=KEPT_IN_QUICKBOOKS):
        services.account_delete(account=account)

    # The sync is QuickBooks' own write.
    services.account_update(account=account, name="Sales (QuickBooks)", by_master_system=True)
    services.account_create(division=division, name="New", account_type=AccountType.INCOME, by_master_system=True)
    account.refresh_from_db()
    assert account.name == "Sales (QuickBooks)"


def test_the_chart_stays_editable_when_only_customers_sync(owner):
    division = division_get_default()
    _kept_in_quickbooks(division, customers_direction="to_local")
    account = AccountFactory(division=division)

    services.account_update(account=account, name="Renamed")

    response = _api(owner).patch(reverse("account-detail", args=[account.pk]), {"name": "Again"}, format="json")
    assert response.status_code == 200


def test_the_chart_stays_editable_with_settings_never_saved_or_no_link():
    division = division_get_default()
    QuickBooksConnection.objects.create(division=division, realm_id="123", status="connected")
    assert master_elsewhere(Account, division.pk) is None

    QuickBooksConnection.objects.filter(division=division).update(status="disconnected")
    SyncSettings.objects.create(division=division, inventory_direction="to_local", invoices_direction="to_quickbooks")
    assert master_elsewhere(Account, division.pk) is None


def test_a_desktop_company_file_keeps_the_chart_once_the_web_connector_has_seen_it():
    division = division_get_default()
    SyncSettings.objects.create(division=division, integration_type="desktop", invoices_direction="to_quickbooks")
    connection = DesktopConnection.objects.create(division=division, username="fieldoffice-main")
    assert master_elsewhere(Account, division.pk) is None

    connection.company_first_seen_at = timezone.now()
    connection.save()
    assert master_elsewhere(Account, division.pk) == (
        "The chart of accounts of Main is kept in QuickBooks (invoices sync with it): change it there; it arrives "
        "here at the next sync."
    )


def test_whether_quickbooks_keeps_the_chart_costs_one_query(django_assert_num_queries):
    division = division_get_default()
    _kept_in_quickbooks(division, inventory_direction="to_local", invoices_direction="to_quickbooks")

    with django_assert_num_queries(1):
        assert "(items and invoices sync with it)" in master_elsewhere(Account, division.pk)


def test_another_division_s_chart_stays_editable(owner):
    _kept_in_quickbooks(division_get_default())
    west = DivisionFactory(name="West", slug="west")
    account = AccountFactory(division=west)

    response = _client(owner).post(reverse("admin:accounting_account_delete", args=[account.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Account.objects.filter(pk=account.pk).exists()


# An account in use is deleted by nobody.


@pytest.fixture
def service_income():
    account = AccountFactory(name="Service Income", number="4000")
    ItemFactory(income_account=account)
    ItemFactory(income_account=account, item_type=ItemType.SERVICE)
    DefaultAccountsFactory(item_type=ItemType.SERVICE, income_account=account)
    return account


def test_a_superuser_cannot_delete_an_account_in_use_in_the_admin(superuser, service_income):
    client = _client(superuser)
    url = reverse("admin:accounting_account_delete", args=[service_income.pk])

    page = client.get(url, follow=True)
    deleted = client.post(url, {"post": "yes"}, follow=True)

    assert SERVICE_INCOME_IN_USE in _messages(page)
    assert SERVICE_INCOME_IN_USE in _messages(deleted)
    assert Account.objects.filter(pk=service_income.pk).exists()


def test_the_bulk_delete_refuses_accounts_in_use_and_deletes_nothing(superuser, service_income):
    unused = AccountFactory(name="Unused")

    response = _client(superuser).post(
        reverse("admin:accounting_account_changelist"),
        {"action": "delete_selected", "_selected_action": [service_income.pk, unused.pk], "post": "yes"},
        follow=True,
    )

    assert any(SERVICE_INCOME_IN_USE in message for message in _messages(response))
    assert Account.objects.filter(pk__in=[service_income.pk, unused.pk]).count() == 2


def test_the_api_refuses_to_delete_an_account_in_use(superuser, service_income):
    response = _api(superuser).delete(reverse("account-detail", args=[service_income.pk]))

    assert response.status_code == 409
    assert response.json()["detail"] == SERVICE_INCOME_IN_USE
    assert Account.objects.filter(pk=service_income.pk).exists()


def test_the_service_refuses_to_delete_an_account_in_use(service_income):
    with pytest.raises(ValidationError) as refused:
        services.account_delete(account=service_income)

    assert refused.value.messages == [SERVICE_INCOME_IN_USE]
    assert refused.value.code == "in_use"


def test_one_use_reads_in_the_singular():
    account = AccountFactory(name="Parts", number="1300", account_type=AccountType.INVENTORY_ASSET)
    ItemFactory(asset_account=account, item_type=ItemType.INVENTORY)

    with pytest.raises(ValidationError, match=r"^\['Account 1300 · Parts is used by 1 item; make them use"):
        services.account_delete(account=account)


# Users: only superusers make superusers.


def _user_change_data(user: User, **changes) -> dict:
    joined = timezone.localtime(user.date_joined)
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        **changes,
    }


def test_the_owner_s_user_form_has_no_superuser_staff_or_permission_fields(owner):
    html = _client(owner).get(reverse("admin:users_user_change", args=[owner.pk])).content.decode()

    assert 'name="groups"' in html
    for field in ("is_superuser", "is_staff", "user_permissions"):
        assert f'name="{field}"' not in html


def test_an_owner_who_ticks_superuser_on_their_own_form_stays_an_owner(owner):
    every_permission = list(Permission.objects.values_list("pk", flat=True)[:20])
    data = _user_change_data(owner, is_superuser="on", is_staff="on", user_permissions=every_permission)

    response = _client(owner).post(reverse("admin:users_user_change", args=[owner.pk]), data)

    assert response.status_code == 302
    owner.refresh_from_db()
    assert not owner.is_superuser
    assert owner.is_staff
    assert not owner.user_permissions.exists()
    assert list(owner.groups.values_list("name", flat=True)) == [OWNER]


def test_an_owner_cannot_give_a_group_other_than_a_role(owner):
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.set(Permission.objects.filter(content_type__app_label="django_q"))
    office = UserFactory(roles=[OFFICE])
    data = _user_change_data(office, groups=[auditors.pk])

    response = _client(owner).post(reverse("admin:users_user_change", args=[office.pk]), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"]
    assert not office.groups.filter(name="Auditors").exists()


def test_an_owner_keeps_the_groups_only_a_superuser_gives(owner):
    auditors = Group.objects.create(name="Auditors")
    office = UserFactory(roles=[OFFICE])
    office.groups.add(auditors)
    read_only = Group.objects.get(name=READ_ONLY)

    response = _client(owner).post(
        reverse("admin:users_user_change", args=[office.pk]), _user_change_data(office, groups=[read_only.pk])
    )

    assert response.status_code == 302
    assert set(office.groups.values_list("name", flat=True)) == {READ_ONLY, "Auditors"}


def test_an_owner_cannot_change_or_delete_a_superuser(owner, superuser):
    client = _client(owner)

    change = client.post(
        reverse("admin:users_user_change", args=[superuser.pk]), _user_change_data(superuser, email="me@example.com")
    )
    password = client.post(
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase", "usable_password": "true"},
    )
    delete = client.post(reverse("admin:users_user_delete", args=[superuser.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:users_user_changelist"),
        {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"},
    )

    assert change.status_code == 403
    assert password.status_code == 403
    assert delete.status_code == 403
    assert bulk.status_code in (200, 403)
    superuser.refresh_from_db()
    assert superuser.email == "admin@example.com"
    assert superuser.check_password("correct-horse-battery")
    assert User.objects.filter(pk=superuser.pk).exists()


def test_a_user_an_owner_adds_is_staff_and_never_superuser(owner):
    office = Group.objects.get(name=OFFICE)
    data = {
        "email": "new@example.com",
        "password1": "a-long-passphrase-1",
        "password2": "a-long-passphrase-1",
        "usable_password": "true",
        "groups": [office.pk],
        "is_superuser": "on",
        "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:5]),
    }

    response = _client(owner).post(reverse("admin:users_user_add"), data)

    assert response.status_code == 302
    added = User.objects.get(email="new@example.com")
    assert added.is_staff and not added.is_superuser
    assert not added.user_permissions.exists()
    assert list(added.groups.values_list("name", flat=True)) == [OFFICE]
    assert _client(added).get(reverse("admin:index")).status_code == 200


def test_a_superuser_still_grants_superuser(superuser):
    other = UserFactory(roles=[OFFICE])

    response = _client(superuser).post(
        reverse("admin:users_user_change", args=[other.pk]), _user_change_data(other, is_superuser="on", is_staff="on")
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_superuser


def test_an_owner_sees_no_superuser_s_api_token_and_cannot_make_one(owner, superuser):
    token = Token.objects.create(user=superuser)
    client = _client(owner)

    listing = client.get(reverse("admin:authtoken_tokenproxy_changelist")).content.decode()
    added = client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": superuser.pk})

    assert token.key not in listing
    assert added.status_code == 200
    assert Token.objects.filter(user=superuser).count() == 1


def test_an_owner_sees_only_the_end_of_someone_elses_api_key_but_the_whole_key_once_when_making_it(
    owner, office_user
):
    own = Token.objects.create(user=owner)
    client = _client(owner)

    added = client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": office_user.pk}, follow=True)
    listing = client.get(reverse("admin:authtoken_tokenproxy_changelist")).content.decode()

    key = Token.objects.get(user=office_user).key
    assert key in added.content.decode()  # shown once, to be handed over
    assert key not in listing and f"…{key[-4:]}" in listing
    assert own.key in listing


# django-q2 schedules and tasks.


@pytest.fixture
def _no_schedules(db):
    """The tests of schedules below count them: the reconciler's own, declared at every migrate, is set aside."""
    Schedule.objects.filter(name=RECONCILE_SCHEDULE).delete()


def _schedule_data(**changes) -> dict:
    return {
        "name": "nightly",
        "func": SYNC_TASK,
        "args": "1",
        "kwargs": "",
        "hook": "",
        "schedule_type": Schedule.DAILY,
        "repeats": "-1",
        "next_run_0": "2030-01-01",
        "next_run_1": "03:00:00",
        **changes,
    }


@pytest.mark.usefixtures("_no_schedules")
def test_a_superuser_cannot_schedule_an_arbitrary_function_in_the_admin(superuser):
    response = _client(superuser).post(reverse("admin:django_q_schedule_add"), _schedule_data(func="os.system"))

    assert response.status_code == 200
    assert "is not one of FieldOffice&#x27;s background tasks" in response.content.decode()
    assert not Schedule.objects.exists()


@pytest.mark.usefixtures("_no_schedules")
def test_a_superuser_schedules_fieldoffice_s_own_task(superuser):
    response = _client(superuser).post(reverse("admin:django_q_schedule_add"), _schedule_data())

    assert response.status_code == 302
    assert Schedule.objects.get().func == SYNC_TASK


@pytest.mark.parametrize(
    "fields",
    [
        {"func": "os.system"},
        {"func": "apps.quickbooks.tasks.logger.warning"},
        {"func": SYNC_TASK, "hook": "os.system"},
        {"func": SYNC_TASK, "kwargs": "q_options={'hook': 'os.system'}"},
        {"func": SYNC_TASK, "kwargs": "{'hook': 'subprocess.getoutput'}"},
        {"func": SYNC_TASK, "kwargs": "{'q_options': {'chain': [('os.system', ('id',), {})]}}"},
        {"func": SYNC_TASK, "kwargs": "chain=[('os.system', ('id',), {})]"},
    ],
)
@pytest.mark.usefixtures("_no_schedules")
def test_a_schedule_saved_from_code_runs_only_fieldoffice_s_tasks(fields):
    with pytest.raises(ValidationError):
        Schedule(name="x", args="1", **fields).save()
    with pytest.raises(ValidationError):
        Schedule.objects.create(name="y", args="1", **fields)

    assert not Schedule.objects.exists()


@pytest.mark.usefixtures("_no_schedules")
def test_a_schedule_cannot_be_turned_into_another_function():
    schedule = Schedule.objects.create(name="sync", func=SYNC_TASK, args="1")

    schedule.func = "os.system"
    with pytest.raises(ValidationError):
        schedule.save()

    assert Schedule.objects.get().func == SYNC_TASK


@pytest.mark.usefixtures("_no_schedules")
def test_the_project_s_own_schedules_are_allowed():
    assert {SYNC_TASK, WEBHOOK_SYNC_TASK} <= SCHEDULED_TASKS
    Schedule.objects.create(name="sync", func=SYNC_TASK, args="(1,)", kwargs="{'trigger': 'schedule'}")
    Schedule.objects.create(name="webhook", func=WEBHOOK_SYNC_TASK, args="(1,)", schedule_type=Schedule.ONCE)
    assert Schedule.objects.count() == 2


@pytest.fixture
def owner_with_task_permissions(owner):
    """An Owner who was somehow given every permission of django-q2 (say, by a group a superuser made)."""
    owner.user_permissions.set(Permission.objects.filter(content_type__app_label="django_q"))
    return User.objects.get(pk=owner.pk)


@pytest.mark.usefixtures("_no_schedules")
def test_a_non_superuser_only_reads_schedules(owner_with_task_permissions):
    schedule = Schedule.objects.create(name="sync", func=SYNC_TASK, args="1")
    client = _client(owner_with_task_permissions)

    listing = client.get(reverse("admin:django_q_schedule_changelist"))
    add = client.post(reverse("admin:django_q_schedule_add"), _schedule_data())
    change = client.post(reverse("admin:django_q_schedule_change", args=[schedule.pk]), _schedule_data(args="2"))
    delete = client.post(reverse("admin:django_q_schedule_delete", args=[schedule.pk]), {"post": "yes"})

    assert listing.status_code == 200
    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert Schedule.objects.get().args == "1"


def test_a_non_superuser_cannot_resubmit_or_delete_failed_tasks(owner_with_task_permissions):
    failure = Failure.objects.create(
        id="a" * 32,
        name="failed",
        func=SYNC_TASK,
        args=(1,),
        success=False,
        started=timezone.now(),
        stopped=timezone.now(),
    )
    client = _client(owner_with_task_permissions)

    listing = client.get(reverse("admin:django_q_failure_changelist")).content.decode()
    resubmit = client.post(
        reverse("admin:django_q_failure_changelist"), {"action": "resubmit_task", "_selected_action": [failure.pk]}
    )

    assert "resubmit_task" not in listing
    assert resubmit.status_code in (200, 302)
    assert Failure.objects.filter(pk=failure.pk).exists()
    assert client.post(reverse("admin:django_q_failure_delete", args=[failure.pk]), {"post": "yes"}).status_code == 403


def test_every_allowed_task_is_a_function_of_an_app_s_tasks_module():
    for path in SCHEDULED_TASKS:
        module = path.rpartition(".")[0]
        assert module.startswith("apps.") and module.endswith(".tasks"), path
        assert callable(import_string(path)), path


@pytest.mark.usefixtures("_no_schedules")
def test_schedules_saved_before_the_check_stop_at_migrate():
    migration = importlib.import_module("apps.core.migrations.0003_stop_schedules_of_other_code")
    # bulk_create skips the check, as the schedules stored before it existed did.
    Schedule.objects.bulk_create(
        [
            Schedule(name="sync", func=SYNC_TASK, args="1", kwargs="{'trigger': 'schedule'}"),
            Schedule(name="shell", func="os.system", args="'id'"),
            Schedule(name="hooked", func=SYNC_TASK, args="1", hook="os.system"),
            Schedule(name="chained", func=SYNC_TASK, args="1", kwargs="chain=[('os.system', ('id',), {})]"),
        ]
    )

    migration.stop_schedules_of_other_code(django_apps, None)

    repeats = dict(Schedule.objects.values_list("name", "repeats"))
    assert repeats == {"sync": -1, "shell": 0, "hooked": 0, "chained": 0}


@pytest.mark.usefixtures("_no_schedules")
def test_the_scheduler_still_runs_and_saves_fieldoffice_s_schedules():
    # A division that does not exist: the task finds nothing to do, and the scheduler saves the schedule after it.
    Schedule.objects.create(
        name="webhook",
        func=WEBHOOK_SYNC_TASK,
        args="(999999,)",
        schedule_type=Schedule.ONCE,
        repeats=1,
        next_run=timezone.now() - timedelta(minutes=1),
    )

    scheduler()

    assert Schedule.objects.get().repeats == 0
