"""
QuickBooks change notices: the signed endpoint, both payload formats, the debounced run per division, the task it
schedules, and the whole path from a change in the sandbox to a scheduled run over real HTTP.
"""

import json
import threading
from datetime import timedelta

import pytest
from django import db
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from apps.qbo_sandbox.companies import company_update_settings
from apps.qbo_sandbox.entities import services as sandbox_entities
from apps.qbo_sandbox.models import SandboxApp, SandboxWebhookDelivery, WebhookFormat
from apps.qbo_sandbox.oauth.local_app import local_app_ensure
from apps.qbo_sandbox.webhooks.delivery import webhooks_flush
from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection, SyncRun, SyncRunStatus, SyncState
from apps.quickbooks.online.webhooks.payloads import Notice, WebhookPayloadError, notices_parse
from apps.quickbooks.online.webhooks.services import WEBHOOK_SYNC_TASK, webhook_notices_accept
from apps.quickbooks.online.webhooks.signature import signature_compute, signature_is_valid
from apps.quickbooks.tasks import sync_division_after_notices
from tests.factories import DivisionFactory

TOKEN = "test-verifier-token"
REALM = "9130350000000001"
URL = "/quickbooks/webhooks/"


def cloudevents(realm_id: str = REALM, entity_id: str = "58", kind: str = "qbo.customer.updated.v1") -> bytes:
    return json.dumps(
        [
            {
                "specversion": "1.0",
                "id": "88cd52a4-3b3f-4e4b-9a35-6f9c1e8f0a11-Customer-58",
                "source": "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=",
                "type": kind,
                "datacontenttype": "application/json",
                "time": "2015-11-22T18:11:12.345Z",
                "intuitentityid": entity_id,
                "intuitaccountid": realm_id,
                "data": {},
            }
        ]
    ).encode()


def legacy(realm_id: str = REALM) -> bytes:
    return json.dumps(
        {
            "eventNotifications": [
                {
                    "realmId": realm_id,
                    "dataChangeEvent": {
                        "entities": [
                            {"name": "Customer", "id": "58", "operation": "Update", "lastUpdated": "2015-11-22T18:11Z"},
                            {"name": "Invoice", "id": "130", "operation": "Void", "lastUpdated": "2015-11-22T18:12Z"},
                        ]
                    },
                }
            ]
        }
    ).encode()


@pytest.fixture
def verifier(settings):
    settings.QBO_WEBHOOK_VERIFIER_TOKEN = TOKEN
    settings.QBO_WEBHOOK_DEBOUNCE_SECONDS = 30
    return settings


@pytest.fixture
def connected(db, division) -> QuickBooksConnection:
    """A division connected to ``REALM``; no token is needed, the endpoint never calls QuickBooks."""
    return QuickBooksConnection.objects.create(
        division=division, realm_id=REALM, company_name="Fieldwork Plumbing", status=ConnectionStatus.CONNECTED
    )


def post(client, body: bytes, *, signature: str | None = "sign", token: str = TOKEN):
    headers = {}
    if signature == "sign":
        headers["HTTP_INTUIT_SIGNATURE"] = signature_compute(token, body)
    elif signature is not None:
        headers["HTTP_INTUIT_SIGNATURE"] = signature
    return client.post(URL, data=body, content_type="application/json", **headers)


def webhook_schedules():
    return Schedule.objects.filter(func=WEBHOOK_SYNC_TASK)


# The signature.


def test_the_signature_is_the_base64_hmac_sha256_of_the_raw_body():
    body = b'[{"intuitaccountid":"1"}]'
    # Computed independently: printf '%s' "$body" | openssl dgst -sha256 -hmac secret -binary | base64
    expected = "WSzz6lLSTeoTazt7x0m8i5UPIusTXVdQwDyngTiyjP8="
    assert signature_compute("secret", body) == expected
    assert signature_is_valid("secret", body, expected)
    assert signature_is_valid("secret", body, f"  {expected}\n")
    assert not signature_is_valid("secret", body + b" ", expected)
    assert not signature_is_valid("other", body, expected)
    assert not signature_is_valid("", body, signature_compute("", body))
    assert not signature_is_valid("secret", body, None)
    assert not signature_is_valid("secret", body, "")
    assert not signature_is_valid("secret", body, "not base64 at all!")
    assert not signature_is_valid("secret", body, "c2hvcnQ=")
    assert not signature_is_valid("secret", body, "é")


def test_a_correctly_signed_notice_is_acknowledged(verifier, connected, client):
    answer = post(client, cloudevents())

    assert answer.status_code == 200
    assert webhook_schedules().count() == 1


@pytest.mark.parametrize(
    "case",
    ["missing", "wrong token", "tampered body", "garbled", "empty"],
)
def test_a_bad_signature_is_refused_with_401_and_changes_nothing(verifier, connected, client, case):
    body = cloudevents()
    if case == "missing":
        answer = post(client, body, signature=None)
    elif case == "wrong token":
        answer = post(client, body, token="someone-else")
    elif case == "tampered body":
        answer = post(client, body.replace(b'"58"', b'"59"'), signature=signature_compute(TOKEN, body))
    elif case == "garbled":
        answer = post(client, body, signature="%%%not-base64%%%")
    else:
        answer = post(client, body, signature="")

    assert answer.status_code == 401
    assert answer["Content-Type"].startswith("text/plain")
    assert answer.content == b"Invalid signature."
    assert not webhook_schedules().exists()
    assert not SyncState.objects.filter(webhook_run_due_at__isnull=False).exists()


def test_without_a_verifier_token_every_notice_is_refused(verifier, connected, client):
    verifier.QBO_WEBHOOK_VERIFIER_TOKEN = ""

    assert post(client, cloudevents(), token="").status_code == 401
    assert not webhook_schedules().exists()


def test_only_post_is_answered(verifier, client, db):
    assert client.get(URL).status_code == 405
    assert reverse("quickbooks:webhooks") == URL


def test_the_secret_and_the_body_stay_out_of_the_log(verifier, connected, client, caplog):
    caplog.set_level("INFO")
    post(client, cloudevents(entity_id="4711"))
    post(client, cloudevents(entity_id="4712"), token="wrong")
    post(client, b"garbage-body-7f3a")

    logged = caplog.text
    assert REALM in logged
    assert TOKEN not in logged and "4711" not in logged and "4712" not in logged and "7f3a" not in logged


# The two formats.


def test_cloudevents_are_read_into_notices():
    body = json.dumps(
        [
            json.loads(cloudevents())[0],
            {**json.loads(cloudevents(entity_id="130", kind="qbo.invoice.voided.v1"))[0]},
            {**json.loads(cloudevents(entity_id="7", kind="qbo.purchaseorder.created.v1"))[0]},
            {**json.loads(cloudevents(realm_id="222", entity_id="9", kind="qbo.payment.deleted.v1"))[0]},
        ]
    ).encode()

    assert notices_parse(body) == [
        Notice(REALM, "Customer", "Update", "58"),
        Notice(REALM, "Invoice", "Void", "130"),
        Notice(REALM, "PurchaseOrder", "Create", "7"),
        Notice("222", "Payment", "Delete", "9"),
    ]


def test_legacy_event_notifications_are_read_into_notices():
    assert notices_parse(legacy()) == [
        Notice(REALM, "Customer", "Update", "58"),
        Notice(REALM, "Invoice", "Void", "130"),
    ]


def test_entries_without_a_realm_are_skipped_and_the_rest_kept():
    body = json.dumps(
        [
            {"specversion": "1.0", "type": "qbo.customer.created.v1", "intuitentityid": "1"},
            "not an event",
            json.loads(cloudevents())[0],
        ]
    ).encode()

    assert notices_parse(body) == [Notice(REALM, "Customer", "Update", "58")]


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe", b'{"eventNotifications": "x"}', b'{"hello": "world"}', b'"a string"', b"42"],
)
def test_an_unreadable_body_is_a_payload_error(body):
    with pytest.raises(WebhookPayloadError):
        notices_parse(body)


@pytest.mark.parametrize("body", [b"not json", b"{truncated", b'{"hello": "world"}'])
def test_an_unreadable_body_that_is_correctly_signed_gets_400(verifier, connected, client, body):
    answer = post(client, body)

    assert answer.status_code == 400
    assert answer.content.startswith(b"Unreadable payload:")
    assert not webhook_schedules().exists()


def test_the_legacy_format_schedules_a_run_too(verifier, connected, client, division):
    assert post(client, legacy()).status_code == 200

    assert webhook_schedules().get().args == repr((division.pk,))


# Which divisions, and how often.


def test_a_notice_for_an_unknown_realm_is_acknowledged_and_ignored(verifier, connected, client, caplog):
    caplog.set_level("INFO")

    answer = post(client, cloudevents(realm_id="404404"))

    assert answer.status_code == 200
    assert not webhook_schedules().exists()
    assert not SyncState.objects.filter(webhook_run_due_at__isnull=False).exists()
    assert "realm 404404 ignored" in caplog.text


def test_a_notice_for_a_disconnected_division_is_ignored(verifier, connected, client):
    QuickBooksConnection.objects.filter(pk=connected.pk).update(status=ConnectionStatus.DISCONNECTED)

    assert post(client, cloudevents()).status_code == 200

    assert not webhook_schedules().exists()
    assert not SyncState.objects.filter(webhook_run_due_at__isnull=False).exists()


def test_notices_in_a_burst_make_one_run_at_the_end_of_the_window(verifier, connected, client, division):
    before = timezone.now()
    assert post(client, cloudevents(entity_id="1")).status_code == 200
    after = timezone.now()
    first = webhook_schedules().get()

    for body in (legacy(), cloudevents(entity_id="2")):
        assert post(client, body).status_code == 200

    schedule = webhook_schedules().get()
    state = SyncState.objects.get(division=division)
    assert before + timedelta(seconds=30) <= state.webhook_run_due_at <= after + timedelta(seconds=30)
    # The later notices joined the first one's run: same schedule, same time, not pushed back.
    assert (schedule.pk, schedule.next_run) == (first.pk, first.next_run)
    assert schedule.next_run == state.webhook_run_due_at
    assert (schedule.schedule_type, schedule.repeats, schedule.args) == (Schedule.ONCE, -1, repr((division.pk,)))
    assert schedule.name == f"quickbooks-webhook-{division.pk}"


def test_the_debounce_window_comes_from_the_settings(verifier, connected, division):
    verifier.QBO_WEBHOOK_DEBOUNCE_SECONDS = 5
    before = timezone.now()

    accepted = webhook_notices_accept([Notice(REALM, "Customer", "Update", "1")])

    due = SyncState.objects.get(division=division).webhook_run_due_at
    assert accepted.scheduled == {division.pk: due}
    assert timedelta(seconds=5) <= due - before < timedelta(seconds=6)


def test_a_notice_after_the_due_time_replaces_a_schedule_no_worker_ran(verifier, connected, division):
    webhook_notices_accept([Notice(REALM, "Customer", "Update", "1")])
    SyncState.objects.filter(division=division).update(webhook_run_due_at=timezone.now() - timedelta(seconds=1))

    accepted = webhook_notices_accept([Notice(REALM, "Customer", "Update", "2")])

    assert list(accepted.scheduled) == [division.pk]
    schedule = webhook_schedules().get()
    assert schedule.next_run == SyncState.objects.get(division=division).webhook_run_due_at > timezone.now()


def test_every_division_connected_to_the_realm_gets_its_run(verifier, connected, division):
    other = DivisionFactory()
    QuickBooksConnection.objects.create(division=other, realm_id=REALM, status=ConnectionStatus.CONNECTED)

    accepted = webhook_notices_accept([Notice(REALM, "Customer", "Update", "1"), Notice("404", "Item", "Create", "3")])

    assert sorted(accepted.scheduled) == sorted([division.pk, other.pk])
    assert accepted.unknown_realms == ["404"]
    assert sorted(webhook_schedules().values_list("args", flat=True)) == sorted(
        [repr((division.pk,)), repr((other.pk,))]
    )


def test_the_due_time_is_claimed_by_the_update_not_by_an_earlier_read(verifier, connected, division):
    """Another request claims the due time just before our UPDATE reaches the database: we must not schedule."""
    SyncState.objects.create(division=division)
    other_due = timezone.now() + timedelta(seconds=29)
    raced = []

    def another_request_first(execute, sql, params, many, context):
        if not raced and sql.startswith("UPDATE") and SyncState._meta.db_table in sql:
            raced.append(sql)
            SyncState.objects.filter(division=division).update(webhook_run_due_at=other_due)
        return execute(sql, params, many, context)

    with db.connection.execute_wrapper(another_request_first):
        accepted = webhook_notices_accept([Notice(REALM, "Customer", "Update", "1")])

    assert raced
    assert (accepted.scheduled, accepted.coalesced) == ({}, [division.pk])
    assert SyncState.objects.get(division=division).webhook_run_due_at == other_due
    assert not webhook_schedules().exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("state_exists", [True, False], ids=["state row exists", "first notice ever"])
def test_notices_accepted_at_the_same_moment_schedule_once(verifier, division, state_exists):
    if db.connection.vendor == "sqlite":
        # The test database is SQLite's shared in-memory one, whose table locks fail at once instead of waiting.
        pytest.skip("needs a database whose writers wait for each other (PostgreSQL)")
    QuickBooksConnection.objects.create(division=division, realm_id=REALM, status=ConnectionStatus.CONNECTED)
    if state_exists:
        SyncState.objects.create(division=division)
    workers = 4
    start = threading.Barrier(workers)
    results, errors = [], []

    def worker(index: int) -> None:
        try:
            start.wait()
            results.append(webhook_notices_accept([Notice(REALM, "Customer", "Update", str(index))]))
        except Exception as exc:  # reported below, with the thread's own traceback
            errors.append(exc)
        finally:
            db.connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sum(len(result.scheduled) for result in results) == 1
    assert sum(len(result.coalesced) for result in results) == workers - 1
    assert webhook_schedules().count() == 1


# The task the schedule runs.


def test_the_task_clears_the_due_time_and_runs_a_webhook_sync(verifier, connection, division):
    webhook_notices_accept([Notice(connection.realm_id, "Customer", "Update", "1")])
    assert SyncState.objects.get(division=division).webhook_run_due_at is not None

    run = SyncRun.objects.get(pk=sync_division_after_notices(division.pk))

    assert (run.trigger, run.status, run.division_id) == ("webhook", SyncRunStatus.SUCCEEDED, division.pk)
    assert run.finished_at and run.api_calls >= 1
    assert SyncState.objects.get(division=division).webhook_run_due_at is None
    # A notice after the run asks for a new one.
    assert webhook_notices_accept([Notice(connection.realm_id, "Customer", "Update", "2")]).scheduled


def test_the_task_skips_a_division_that_is_already_syncing(verifier, connected, division):
    SyncState.objects.create(division=division, webhook_run_due_at=timezone.now())
    SyncRun.objects.create(division=division, trigger="manual", status=SyncRunStatus.RUNNING)

    assert sync_division_after_notices(division.pk) is None

    assert SyncRun.objects.filter(division=division).count() == 1
    assert SyncState.objects.get(division=division).webhook_run_due_at is None


def test_a_run_abandoned_long_ago_does_not_block_the_task(verifier, connection, division):
    stuck = SyncRun.objects.create(division=division, trigger="schedule", status=SyncRunStatus.QUEUED)
    SyncRun.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))

    run = SyncRun.objects.get(pk=sync_division_after_notices(division.pk))

    assert (run.trigger, run.status) == ("webhook", SyncRunStatus.SUCCEEDED)
    # Its task is gone: the reconciler's rule closed it as lost on the way.
    assert SyncRun.objects.get(pk=stuck.pk).status == SyncRunStatus.LOST


def test_the_task_skips_a_division_disconnected_since_the_notice(verifier, connected, division):
    webhook_notices_accept([Notice(REALM, "Customer", "Update", "1")])
    QuickBooksConnection.objects.filter(pk=connected.pk).update(status=ConnectionStatus.DISCONNECTED)

    assert sync_division_after_notices(division.pk) is None

    assert not SyncRun.objects.exists()
    assert SyncState.objects.get(division=division).webhook_run_due_at is None


# From a change in the sandbox to a scheduled run, over HTTP.


@pytest.mark.parametrize("webhook_format", [WebhookFormat.CLOUDEVENTS, WebhookFormat.LEGACY])
def test_a_change_in_quickbooks_schedules_a_run_of_the_connected_division(
    qbo, settings, sandbox_company, connection, division, webhook_format
):
    # The development app FieldOffice connected through points its webhooks at FieldOffice's endpoint.
    app = SandboxApp.objects.get(client_id=settings.QBO_CLIENT_ID)
    assert app.webhook_url == f"{qbo.url}{URL}"
    company_update_settings(sandbox_company, {"webhook_format": webhook_format})
    customer = sandbox_entities.entity_create(sandbox_company, "Customer", {"DisplayName": "Amy's Bird Sanctuary"})
    sandbox_entities.entity_update(
        sandbox_company,
        "Customer",
        {"Id": customer.entity_id, "SyncToken": str(customer.sync_token), "sparse": True, "CompanyName": "Amy's"},
    )

    [delivery] = webhooks_flush(sandbox_company)

    assert (delivery.status, delivery.last_status_code, delivery.event_count) == (
        SandboxWebhookDelivery.Status.DELIVERED,
        200,
        2,
    )
    assert delivery.format == webhook_format
    schedule = webhook_schedules().get()
    assert schedule.args == repr((division.pk,))
    assert schedule.next_run == SyncState.objects.get(division=division).webhook_run_due_at > timezone.now()

    run = SyncRun.objects.get(pk=sync_division_after_notices(division.pk))
    assert (run.trigger, run.status) == ("webhook", SyncRunStatus.SUCCEEDED)


def test_the_local_app_gets_no_webhook_url_without_an_http_base_url(settings, db):
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_CLIENT_ID, settings.QBO_CLIENT_SECRET = "fieldoffice-local", "local-secret"
    settings.QBO_LOCAL_BASE_URL = "not a url"

    assert local_app_ensure().webhook_url == ""
