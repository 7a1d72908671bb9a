"""Webhooks: every committed change, grouped per company, POSTed signed to connected apps, retried on failure."""

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.urls import reverse

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create, company_update_settings
from apps.qbo_sandbox.models import (
    SandboxApp,
    SandboxCompany,
    SandboxGrant,
    SandboxWebhookDelivery,
    SandboxWebhookEvent,
    WebhookFormat,
)
from apps.qbo_sandbox.oauth.services import ACCOUNTING_SCOPE, app_create, grant_create, grant_revoke
from apps.qbo_sandbox.seeding import SeedOptions
from apps.qbo_sandbox.webhooks.delivery import deliveries_send_due, next_attempt_due, webhooks_flush
from apps.qbo_sandbox.webhooks.dispatcher import WebhookDispatcher, dispatch_mode, dispatcher

Status = SandboxWebhookDelivery.Status
UTC_MILLIS = "%Y-%m-%dT%H:%M:%S.%fZ"


class Receiver:
    """A webhook endpoint on 127.0.0.1: records each POST and answers the scripted statuses, then 200."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.delay = 0.0
        self.received = threading.Event()
        self.url = ""

    def bodies(self) -> list:
        return [json.loads(body) for _, body in self.posts]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (the timeout test) is expected.
        pass


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.posts.append(({name.lower(): value for name, value in self.headers.items()}, body))
            time.sleep(state.delay)
            self.send_response(state.statuses.pop(0) if state.statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            state.received.set()

        def log_message(self, *args) -> None:
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/quickbooks/webhooks/"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def company(db) -> SandboxCompany:
    return company_create(name="Webhooks Co", options=SeedOptions(seed="empty"))


def _connected_app(company: SandboxCompany, url: str, *, format: str = WebhookFormat.CLOUDEVENTS) -> SandboxApp:
    app, _ = app_create(
        name="FieldOffice", redirect_uris=["http://localhost/cb"], webhook_url=url, webhook_format=format
    )
    grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE)
    return app


@pytest.fixture
def app(company, receiver) -> SandboxApp:
    return _connected_app(company, receiver.url)


def _signature_ok(app: SandboxApp, headers: dict[str, str], body: bytes) -> bool:
    expected = base64.b64encode(hmac.new(app.webhook_verifier_token.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(headers["intuit-signature"], expected)


def _changes(company: SandboxCompany, django_capture_on_commit_callbacks) -> dict[str, str]:
    """Create, update and delete: a customer and an invoice; returns their Ids."""
    with django_capture_on_commit_callbacks(execute=True):
        customer = store.entity_create(company, "Customer", {"DisplayName": "Amy's Bird Sanctuary"})
        store.entity_update(customer, {**customer.data, "CompanyName": "Amy's"})
        invoice = store.entity_create(company, "Invoice", {"CustomerRef": {"value": customer.entity_id}, "Line": []})
        store.entity_tombstone(invoice)
    return {"customer": customer.entity_id, "invoice": invoice.entity_id}


def test_changes_go_out_together_as_signed_cloudevents(company, app, receiver, django_capture_on_commit_callbacks):
    ids = _changes(company, django_capture_on_commit_callbacks)
    assert SandboxWebhookEvent.objects.filter(company=company, dispatched_at=None).count() == 4

    [delivery] = webhooks_flush(company)

    assert delivery.status == Status.DELIVERED and delivery.attempts == 1 and delivery.event_count == 4
    [(headers, body)] = receiver.posts
    assert headers["content-type"] == "application/json"
    assert _signature_ok(app, headers, body)
    events = json.loads(body)
    assert [(event["type"], event["intuitentityid"]) for event in events] == [
        ("qbo.customer.created.v1", ids["customer"]),
        ("qbo.customer.updated.v1", ids["customer"]),
        ("qbo.invoice.created.v1", ids["invoice"]),
        ("qbo.invoice.deleted.v1", ids["invoice"]),
    ]
    first = events[0]
    assert set(first) == {
        "specversion",
        "id",
        "source",
        "type",
        "datacontenttype",
        "time",
        "intuitentityid",
        "intuitaccountid",
        "data",
    }
    assert first["specversion"] == "1.0" and first["datacontenttype"] == "application/json"
    assert first["intuitaccountid"] == company.realm_id and first["data"] == {}
    assert first["source"].startswith("intuit.") and first["id"].endswith(f"-Customer-{ids['customer']}")
    assert len({event["id"] for event in events}) == 4
    assert datetime.strptime(first["time"], UTC_MILLIS).replace(tzinfo=UTC) <= datetime.now(UTC)
    # Sent events are not sent again.
    assert webhooks_flush(company) == [] and len(receiver.posts) == 1


def test_the_legacy_format_groups_the_changes_under_the_realm(company, receiver, django_capture_on_commit_callbacks):
    app = _connected_app(company, receiver.url, format=WebhookFormat.LEGACY)
    ids = _changes(company, django_capture_on_commit_callbacks)

    webhooks_flush(company)

    [(headers, body)] = receiver.posts
    assert _signature_ok(app, headers, body)
    [notification] = json.loads(body)["eventNotifications"]
    assert notification["realmId"] == company.realm_id
    entities = notification["dataChangeEvent"]["entities"]
    assert [(e["name"], e["id"], e["operation"]) for e in entities] == [
        ("Customer", ids["customer"], "Create"),
        ("Customer", ids["customer"], "Update"),
        ("Invoice", ids["invoice"], "Create"),
        ("Invoice", ids["invoice"], "Delete"),
    ]
    assert all(set(entity) == {"name", "id", "operation", "lastUpdated"} for entity in entities)
    datetime.strptime(entities[0]["lastUpdated"], UTC_MILLIS)


def test_the_company_knobs_override_the_apps_url_and_format(company, receiver, django_capture_on_commit_callbacks):
    app = _connected_app(company, "https://example.invalid/hooks")
    company_update_settings(company, {"webhook_url": receiver.url, "webhook_format": WebhookFormat.LEGACY})
    _changes(company, django_capture_on_commit_callbacks)

    [delivery] = webhooks_flush(company)

    assert delivery.app == app and delivery.url == receiver.url and delivery.format == WebhookFormat.LEGACY
    assert "eventNotifications" in receiver.bodies()[0]


def test_void_emailed_merge_and_inactivation_are_reported_as_such(
    company, app, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = store.entity_create(company, "Invoice", {"Line": [], "EmailStatus": "NeedToSend"})
        store.entity_update(invoice, {**invoice.data, "EmailStatus": "EmailSent"})
        store.entity_update(invoice, {**invoice.data, "PrivateNote": "Voided"}, operation="Void")
        customer = store.entity_create(company, "Customer", {"DisplayName": "Survivor", "Active": True})
        store.entity_update(customer, customer.data, operation="Merge", merged_id="27")
        store.entity_update(customer, {**customer.data, "Active": False})
        # CompanyInfo is not among the entities webhooks cover.
        store.entity_update(store.entity_get(company, "CompanyInfo", "1"), {"CompanyName": "Renamed"})

    webhooks_flush(company)

    events = receiver.bodies()[0]
    assert [event["type"] for event in events] == [
        "qbo.invoice.created.v1",
        "qbo.invoice.emailed.v1",
        "qbo.invoice.voided.v1",
        "qbo.customer.created.v1",
        "qbo.customer.merged.v1",
        "qbo.customer.deleted.v1",
    ]
    assert events[-2]["data"] == {"deletedid": "27"}


def test_only_apps_connected_now_with_a_url_hear_of_changes(company, app, receiver, django_capture_on_commit_callbacks):
    app_create(name="Not connected", redirect_uris=["http://localhost/cb"], webhook_url=receiver.url)
    _connected_app(company, "")
    revoked = _connected_app(company, receiver.url)
    grant_revoke(SandboxGrant.objects.get(app=revoked), reason="test")
    _changes(company, django_capture_on_commit_callbacks)

    deliveries = webhooks_flush(company)

    assert [delivery.app for delivery in deliveries] == [app]
    assert len(receiver.posts) == 1 and _signature_ok(app, *receiver.posts[0])


def test_without_listeners_nothing_is_kept(db, django_capture_on_commit_callbacks):
    lonely = company_create(name="Lonely Co", options=SeedOptions(seed="empty"))
    _changes(lonely, django_capture_on_commit_callbacks)

    assert not SandboxWebhookEvent.objects.filter(company=lonely).exists()


def test_a_company_with_webhooks_off_records_no_notice(company, app, django_capture_on_commit_callbacks):
    company_update_settings(company, {"webhooks_enabled": False})
    _changes(company, django_capture_on_commit_callbacks)

    assert not SandboxWebhookEvent.objects.filter(company=company).exists()
    assert webhooks_flush(company) == []


def test_a_rolled_back_write_tells_nobody(company, app, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        store.entity_create(company, "Customer", {"DisplayName": "Never was"})
        raise RuntimeError("rolled back")

    assert not SandboxWebhookEvent.objects.exists()


class FakeClock:
    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("apps.qbo_sandbox.timefmt.now", fake)
    return fake


def test_a_failed_delivery_is_retried_on_the_scaled_schedule(
    company, app, receiver, clock, django_capture_on_commit_callbacks
):
    company_update_settings(company, {"time_scale": 10})
    receiver.statuses = [500, 503]
    _changes(company, django_capture_on_commit_callbacks)

    [delivery] = webhooks_flush(company)
    assert delivery.status == Status.RETRYING and delivery.attempts == 1 and delivery.last_status_code == 500
    # Intuit retries after 10 s, then 20 s: 1 s and 2 s at time scale 10.
    assert delivery.next_attempt_at == clock.moment + timedelta(seconds=1)

    clock.advance(0.9)
    assert deliveries_send_due() == 0
    clock.advance(0.2)
    assert deliveries_send_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.RETRYING and delivery.next_attempt_at == clock.moment + timedelta(seconds=2)

    clock.advance(2)
    assert deliveries_send_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.attempts == 3 and delivery.next_attempt_at is None
    assert [attempt["status_code"] for attempt in delivery.attempt_log] == [500, 503, 200]
    assert len(receiver.posts) == 3 and len({body for _, body in receiver.posts}) == 1


def test_no_answer_in_time_counts_as_a_failure(company, app, receiver, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("apps.qbo_sandbox.webhooks.delivery.DELIVERY_TIMEOUT", 0.2)
    receiver.delay = 0.5
    _changes(company, django_capture_on_commit_callbacks)

    [delivery] = webhooks_flush(company)

    assert delivery.status == Status.RETRYING and delivery.last_status_code is None
    assert "timed out" in delivery.last_error


def test_a_later_delivery_waits_until_the_earlier_one_is_acknowledged(
    company, app, receiver, clock, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    _changes(company, django_capture_on_commit_callbacks)
    [first] = webhooks_flush(company)
    _changes(company, django_capture_on_commit_callbacks)
    [second] = webhooks_flush(company)

    assert first.status == Status.RETRYING and second.status == Status.PENDING and second.attempts == 0
    assert len(receiver.posts) == 1
    # The dispatcher sleeps until the first one's retry: the second, waiting behind it, is not due before.
    first.refresh_from_db()
    assert next_attempt_due(company) == first.next_attempt_at > clock.moment

    clock.advance(10)
    assert deliveries_send_due() == 2
    assert [d.status for d in SandboxWebhookDelivery.objects.order_by("id")] == [Status.DELIVERED] * 2


def test_a_delivery_is_given_up_after_the_last_attempt(
    company, app, receiver, clock, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("apps.qbo_sandbox.webhooks.delivery.MAX_ATTEMPTS", 2)
    receiver.statuses = [500, 500]
    _changes(company, django_capture_on_commit_callbacks)
    webhooks_flush(company)

    clock.advance(10)
    deliveries_send_due()

    delivery = SandboxWebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED and delivery.attempts == 2 and delivery.next_attempt_at is None


def test_the_outbox_is_browsable_and_can_be_sent_again(
    admin_client, company, app, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    _changes(company, django_capture_on_commit_callbacks)
    [delivery] = webhooks_flush(company)

    changelist = admin_client.get(reverse("admin:qbo_sandbox_sandboxwebhookdelivery_changelist"))
    page = admin_client.get(reverse("admin:qbo_sandbox_sandboxwebhookdelivery_change", args=[delivery.pk]))
    events = admin_client.get(reverse("admin:qbo_sandbox_sandboxwebhookevent_changelist"))
    action = admin_client.post(
        reverse("admin:qbo_sandbox_sandboxwebhookdelivery_changelist"),
        {"action": "retry_now", "_selected_action": [delivery.pk]},
    )

    assert changelist.status_code == page.status_code == events.status_code == 200
    assert "qbo.customer.created.v1" in page.content.decode()
    assert action.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.attempts == 2


class RecordingDispatcher(WebhookDispatcher):
    """The real scheduling thread, with the database work replaced by a record of when each company was due."""

    def __init__(self) -> None:
        super().__init__()
        self.flushed: list[tuple[int, float]] = []
        self.done = threading.Event()

    def _sweep(self) -> None:
        pass

    def _flush(self, company_id: int) -> None:
        self.flushed.append((company_id, time.monotonic()))
        self.done.set()


def test_the_dispatcher_flushes_a_burst_once_when_its_window_ends():
    dispatcher = RecordingDispatcher()
    started = time.monotonic()

    for _ in range(3):
        dispatcher.schedule(1, 0.3)
    dispatcher.schedule(2, 0)

    assert dispatcher.done.wait(5)
    time.sleep(0.45)
    assert [company_id for company_id, _ in dispatcher.flushed] == [2, 1]
    assert dispatcher.flushed[1][1] - started >= 0.3


def test_changes_are_handed_to_the_dispatcher_in_thread_mode(
    company, app, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.QBO_SANDBOX_WEBHOOK_DISPATCH = "thread"
    company_update_settings(company, {"webhook_batch_seconds": 2.5})
    scheduled: list[tuple[int, float]] = []
    monkeypatch.setattr(dispatcher, "schedule", lambda company_id, delay: scheduled.append((company_id, delay)))

    with django_capture_on_commit_callbacks(execute=True):
        store.entity_create(company, "Customer", {"DisplayName": "Threaded"})

    assert scheduled == [(company.pk, 2.5)]
    assert dispatch_mode() == "thread"


def test_tests_flush_by_hand_as_django_q_runs_synchronously():
    assert dispatch_mode() == "manual"
