"""
The engine with the Desktop backend against the local company file emulator, the transport calling it directly
(the Web Connector relay has its own tests): what QuickBooks Desktop would answer, without the SOAP round trips.
Whole updates over SOAP run their sync in a background worker: ``task_worker`` runs one in a thread of the tests.
"""

import threading
from datetime import timedelta
from multiprocessing import Value

import pytest
from django.db import connections
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.monitor import monitor
from django_q.queues import Queue
from django_q.signing import SignedPackage
from django_q.worker import worker
from lxml import etree

from apps.qbd_sandbox import services as emulator
from apps.quickbooks.desktop.backend import DesktopBackend
from apps.quickbooks.models import SyncTrigger
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.quickbooks.sync.engine import run_division_sync
from tests.quickbooks.previews import preview_then_run, previewing_first


class EmulatorTransport:
    """Hands each qbXML document to the emulator, as the Web Connector would to QuickBooks; keeps them for tests."""

    def __init__(self, company) -> None:
        self.company = company
        self.session_id = emulator.session_open(company)
        self.documents: list[str] = []

    def exchange(self, document: str) -> str:
        self.documents.append(document)
        return emulator.qbxml_process(self.company, document, session_id=self.session_id)

    def close(self) -> None:
        emulator.session_close(self.company, self.session_id)

    def requests(self, kind: str) -> int:
        return sum(document.count(f"<{kind}Rq") for document in self.documents)


class DesktopSync:
    """Runs the division's sync against ``company`` and remembers the company machine's offset between runs."""

    def __init__(self, division, company) -> None:
        self.division = division
        self.company = company
        self.offset = None
        self.clock_lag = timedelta(0)
        self.transport: EmulatorTransport | None = None
        self.backend: DesktopBackend | None = None

    def __call__(self, **options):
        if previewing_first():
            return preview_then_run(self.division, SyncTrigger.WEB_CONNECTOR, run=self._update, **options)[1]
        return self._update(SyncTrigger.WEB_CONNECTOR, **options)

    def _update(self, trigger: str, **options):
        """One Web Connector update: a sync, or a preview (which leaves what the next update learns as it was)."""
        self.transport = EmulatorTransport(self.company)
        self.backend = DesktopBackend(self.transport, utc_offset=self.offset, clock_lag=self.clock_lag)
        run = run_division_sync(self.division.pk, trigger, backend=self.backend, **options)
        if trigger != SyncTrigger.PREVIEW:
            self.offset = self.backend.utc_offset
            self.clock_lag = self.backend.measured_lag or self.clock_lag
        return run


class TaskWorker(threading.Thread):
    """
    A background worker in a thread of the tests: django-q2's own worker and monitor run each task a process of the
    tests queued in the database broker, one at a time, as ``manage.py workers`` does in a process of its own.
    """

    def __init__(self) -> None:
        super().__init__(name="test-task-worker", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        broker = get_broker()
        try:
            while not self.stopping.is_set():
                for ack_id, package in broker.dequeue() or []:
                    task = SignedPackage.loads(package)
                    task["ack_id"] = ack_id
                    tasks, results = Queue(), Queue()
                    tasks.put(task)
                    tasks.put("STOP")
                    worker(tasks, results, Value("f", -1), timeout=-1)
                    results.put("STOP")
                    monitor(results, broker)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


@pytest.fixture
def task_worker(monkeypatch):
    """Tasks are queued in the database broker (not run inline) and a worker thread runs them."""
    monkeypatch.setattr(Conf, "SYNC", False)
    thread = TaskWorker()
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture(autouse=True)
def _previewed(preview_first):
    """Every scenario here also runs with a preview before each update (see ``tests.quickbooks.previews``)."""


@pytest.fixture
def company(db):
    return emulator.company_file_create(name="Carefree Heating")


@pytest.fixture
def desktop_division(division):
    def configure(direction: str, primary: str = ""):
        sync_settings_update(
            division=division,
            integration_type="desktop",
            customers_direction=direction,
            customers_primary=primary,
            inventory_direction="off",
            invoices_direction="off",
            sync_tax_rates_and_terms=False,
        )
        return division

    return configure


@pytest.fixture
def desktop_sync(division, company):
    return DesktopSync(division, company)


def qbxml(company, body: str) -> etree._Element:
    """Run raw qbXML requests in the emulator (what a QuickBooks user does there); the parsed response."""
    session = emulator.session_open(company)
    try:
        document = (
            '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?>'
            f'<QBXML><QBXMLMsgsRq onError="stopOnError">{body}</QBXMLMsgsRq></QBXML>'
        )
        answer = emulator.qbxml_process(company, document, session_id=session)
    finally:
        emulator.session_close(company, session)
    root = etree.fromstring(answer.encode())
    for response in root.iter():
        if response.get("statusCode") not in (None, "0"):
            raise AssertionError(f"{response.tag}: {response.get('statusCode')} {response.get('statusMessage')}")
    return root


def customer_add(company, name: str, *, extra: str = "", parent: str = "") -> dict[str, str]:
    parent_ref = f"<ParentRef><FullName>{parent}</FullName></ParentRef>" if parent else ""
    body = f"<CustomerAdd><Name>{name}</Name>{parent_ref}{extra}</CustomerAdd>"
    root = qbxml(company, f"<CustomerAddRq>{body}</CustomerAddRq>")
    ret = root.find(".//CustomerRet")
    return {"ListID": ret.findtext("ListID"), "EditSequence": ret.findtext("EditSequence")}


def customer_ret(company, list_id: str) -> etree._Element:
    return qbxml(company, f"<CustomerQueryRq><ListID>{list_id}</ListID></CustomerQueryRq>").find(".//CustomerRet")
