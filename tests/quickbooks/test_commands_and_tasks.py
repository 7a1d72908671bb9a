"""``manage.py qbo_connect`` against the live server, and the sync task a schedule calls."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.quickbooks.models import QuickBooksConnection, SyncRun
from apps.quickbooks.tasks import sync_division


def test_qbo_connect_drives_the_sandbox_and_stores_the_connection(qbo, division, sandbox_company, other_company):
    out = StringIO()

    call_command("qbo_connect", "--division", "main", "--realm", other_company.realm_id, stdout=out)

    stored = QuickBooksConnection.objects.get(division=division)
    assert (stored.status, stored.realm_id, stored.company_name) == (
        "connected",
        other_company.realm_id,
        "Second Books Inc",
    )
    assert (
        out.getvalue().strip()
        == f"Main is connected to the QuickBooks company Second Books Inc (realm {other_company.realm_id})."
    )


def test_qbo_connect_picks_the_first_company_and_explains_failures(qbo, division, sandbox_company):
    call_command("qbo_connect", "--division", "main", stdout=StringIO())
    assert QuickBooksConnection.objects.get(division=division).realm_id == sandbox_company.realm_id

    with pytest.raises(CommandError, match="may not connect realm 1234"):
        call_command("qbo_connect", "--division", "main", "--realm", "1234", stdout=StringIO())
    with pytest.raises(CommandError, match="did not accept the sign-in"):
        call_command("qbo_connect", "--division", "main", "--password", "wrong", stdout=StringIO())
    with pytest.raises(CommandError, match="No division"):
        call_command("qbo_connect", "--division", "nowhere", stdout=StringIO())


@pytest.mark.django_db
def test_qbo_connect_says_when_the_server_is_not_running(settings, division):
    settings.QBO_LOCAL_BASE_URL = "http://127.0.0.1:9"

    with pytest.raises(CommandError, match="Is the server running"):
        call_command("qbo_connect", "--division", "main", stdout=StringIO())


@pytest.mark.django_db
def test_qbo_connect_prints_the_address_outside_local_mode(settings, division, monkeypatch):
    settings.QBO_ENVIRONMENT = "production"
    settings.QBO_CLIENT_ID, settings.QBO_CLIENT_SECRET = "prod-id", "prod-secret"
    settings.QBO_REDIRECT_URI = "https://office.example.com/admin/quickbooks/integration/callback/"
    monkeypatch.setattr(
        "apps.quickbooks.online.oauth.authorization_url",
        lambda *, redirect_uri, state: f"https://appcenter.intuit.com/connect/oauth2?state={state}",
    )
    out = StringIO()

    call_command("qbo_connect", "--division", "main", stdout=out)

    assert "https://appcenter.intuit.com/connect/oauth2?state=" in out.getvalue()
    assert not QuickBooksConnection.objects.exists()


def test_the_sync_task_runs_a_sync(connection, division):
    run = SyncRun.objects.get(pk=sync_division(division.pk))

    # Defaults: customers off, tax rates and terms from QuickBooks, read in one batch of queries.
    assert (run.trigger, run.status, run.api_calls) == ("schedule", "succeeded", 1)
    assert run.summary == "Nothing to do: both systems already agree."


@pytest.mark.django_db
def test_the_sync_task_records_why_it_could_not_run(division):
    run = SyncRun.objects.get(pk=sync_division(division.pk, "manual"))

    assert run.status == "failed" and run.finished_at
    assert run.error_summary == (
        "QuickBooks could not be reached for Main: it is not connected. An Owner can connect it on the QuickBooks page."
    )


def test_a_failing_api_fails_the_run_with_intuits_reason(connection, division, sandbox_company, settings):
    from apps.qbo_sandbox.companies import company_update_settings

    settings.QBO_MAX_ATTEMPTS = 1
    company_update_settings(sandbox_company, {"error_rates": {"500": 1.0}})

    run = SyncRun.objects.get(pk=sync_division(division.pk))

    assert run.status == "failed" and run.api_calls == 1
    assert "QuickBooks is not answering properly (HTTP 500)" in run.error_summary
