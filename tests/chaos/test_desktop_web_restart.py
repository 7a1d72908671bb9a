"""
Chaos test of issue 15: a QuickBooks Desktop update survives the web process that started it being restarted mid-run.

FieldOffice runs as it does in production: a web server process (``runserver``) and a ``manage.py workers`` process,
each in a process group of its own, on the test database. The simulated Web Connector (zeep, from the service's
WSDL) plays one update against the web server with a company file of the emulator. While QuickBooks runs the
document that creates FieldOffice's customers (handed out by the first web server), that server is killed with
SIGKILL, as a recycled or crashed web worker is, and a new one is started on the same port; the Web Connector hands
QuickBooks' answer to the new one. The sync runs in the worker, so the update goes on: it completes, every customer
is in the company file once and linked once, and nothing was abandoned.

The processes share the test database, so this needs PostgreSQL (SQLite's test database lives in this process's
memory). It prints what it measured.
"""

import os
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django_q.models import OrmQ
from lxml import etree

from apps.core.selectors import division_get_default
from apps.customers.models import Customer
from apps.qbd_sandbox import services as emulator
from apps.qbd_sandbox.webconnector import EmulatorCompany, webconnector_run
from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.selectors import desktop_owner_id
from apps.quickbooks.desktop.setup import desktop_credentials_set
from apps.quickbooks.models import DesktopExchange, DesktopSession, RecordLink, SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.services.sync_settings import sync_settings_update
from tests.chaos.processes import Cluster, WebServer, database_url, free_port
from tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the web server and worker processes share the test database: it needs PostgreSQL (SQLite's is in "
        "this process)",
    ),
]

USERNAME = "carefree-qbwc"
PASSWORD = "Web-Connector-2026!"
LOCAL_CUSTOMERS = 40
QUICKBOOKS_CUSTOMERS = 10
QBWC_PATH = "/quickbooks/desktop/qbwc/"
# The whole update, restart included, must end well within this (the Web Connector stops asking after it).
UPDATE_BOUND_SECONDS = 45


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=database_url(),
        # Plain HTTP on the loopback, as the tests' live server.
        SECURE_SSL_REDIRECT="False",
        Q_WORKERS="1",
        CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",
    )
    return env


class RestartingQuickBooks(EmulatorCompany):
    """
    The company file; while it runs the run's first document (the read) and the first that creates customers, the
    web server is restarted: the answer goes to a server that did not hand out the request.
    """

    def __init__(self, company, *, owner_id: str, restart: Callable[[], None]) -> None:
        super().__init__(company, owner_id=owner_id)
        self.restart = restart
        self.documents: list[str] = []
        # The round trips (1, 2, ...) during which the web server was restarted.
        self.restarted_during: list[int] = []

    def run(self, request: str) -> str:
        self.documents.append(request)
        first_read = len(self.documents) == 1
        first_write = "<CustomerAddRq" in request and not any("<CustomerAddRq" in d for d in self.documents[:-1])
        if first_read or first_write:
            self.restart()
            self.restarted_during.append(len(self.documents))
        return super().run(request)


@pytest.fixture
def processes(transactional_db, settings, tmp_path):
    # The web server checks the Web Connector password with the installation's hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    started = []
    env = _env()
    port = free_port()

    def server(name: str) -> WebServer:
        process = WebServer(name, env, tmp_path, port)
        started.append(process)
        return process

    def workers() -> Cluster:
        process = Cluster("workers", env, tmp_path)
        started.append(process)
        return process

    yield server, workers
    for process in started:
        process.cleanup()
    OrmQ.objects.all().delete()


def _names_in_quickbooks(company) -> list[str]:
    session = emulator.session_open(company)
    try:
        answer = emulator.qbxml_process(
            company,
            '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
            "<CustomerQueryRq><ActiveStatus>All</ActiveStatus></CustomerQueryRq></QBXMLMsgsRq></QBXML>",
            session_id=session,
        )
    finally:
        emulator.session_close(company, session)
    return [ret.findtext("Name") for ret in etree.fromstring(answer.encode()).iter("CustomerRet")]


def test_a_desktop_update_survives_the_web_server_restarting_mid_run(processes, capsys):
    server, workers = processes
    division = division_get_default()
    sync_settings_update(
        division=division,
        integration_type="desktop",
        customers_direction="two_way",
        customers_primary="quickbooks",
        inventory_direction="off",
        invoices_direction="off",
        sync_tax_rates_and_terms=False,
    )
    local = CustomerFactory.create_batch(LOCAL_CUSTOMERS, division=division)
    company = emulator.company_file_create(name="Carefree Heating")
    emulator.company_seed(company, customers=QUICKBOOKS_CUSTOMERS)
    pulled = set(_names_in_quickbooks(company))
    desktop = desktop_credentials_set(division=division, username=USERNAME, password=PASSWORD)
    owner = guid_braced(desktop_owner_id())
    emulator.company_file_stamp(company, owner_id=owner, file_id=guid_braced(desktop.file_id))

    cluster = workers()
    first = server("web-1")
    cluster.wait_running()
    first.wait_serving(f"{QBWC_PATH}?wsdl")
    servers = [first]
    restart_seconds: list[float] = []

    def restart() -> None:
        killed_at = time.monotonic()
        servers[-1].kill()
        servers.append(server(f"web-{len(servers) + 1}"))
        servers[-1].wait_serving(f"{QBWC_PATH}?wsdl")
        restart_seconds.append(time.monotonic() - killed_at)

    started = time.monotonic()

    def waiting(seconds: float) -> None:
        # The Web Connector's pause after "NoOp"; an update that makes no progress fails here instead of hanging.
        assert time.monotonic() - started < UPDATE_BOUND_SECONDS, "the update stopped making progress"
        time.sleep(seconds)

    quickbooks = RestartingQuickBooks(company, owner_id=owner, restart=restart)
    report = webconnector_run(
        url=f"{first.url}{QBWC_PATH}",
        username=USERNAME,
        password=PASSWORD,
        company=quickbooks,
        noop_wait_seconds=0.2,
        timeout=60,
        sleep=waiting,
    )
    seconds = time.monotonic() - started

    # The web server was restarted twice while QuickBooks held a document of the run, and the update went on.
    assert len(quickbooks.restarted_during) == 2 and quickbooks.restarted_during[0] == 1
    assert [web.process.poll() is None for web in servers] == [False, False, True]
    assert report.outcome == "done", (report.errors, report.close_message)
    assert report.round_trips >= quickbooks.restarted_during[1]
    run = SyncRun.objects.get(division=division)
    assert (run.trigger, run.status) == (SyncTrigger.WEB_CONNECTOR, SyncRunStatus.SUCCEEDED), run.error_summary
    # Run once, by the worker: its task was taken once.
    assert cluster.run_deliveries() == [run.pk]
    session = DesktopSession.objects.get()
    assert session.status == "done" and session.round_trips == report.round_trips
    assert not DesktopExchange.objects.filter(session=session).exclude(state="answered").exists()

    # Nothing duplicated: each customer once on each side, each linked once.
    names = _names_in_quickbooks(company)
    assert sorted(names) == sorted(pulled | {customer.display_name for customer in local})
    assert len(names) == len(set(names)) == LOCAL_CUSTOMERS + QUICKBOOKS_CUSTOMERS
    assert Customer.objects.filter(division=division).count() == LOCAL_CUSTOMERS + QUICKBOOKS_CUSTOMERS
    links = RecordLink.objects.filter(division=division, content_type__model="customer")
    assert links.count() == LOCAL_CUSTOMERS + QUICKBOOKS_CUSTOMERS
    assert links.values("qbo_id").distinct().count() == links.count()

    with capsys.disabled():
        print(
            f"\ndesktop restart: {LOCAL_CUSTOMERS} customers pushed and {QUICKBOOKS_CUSTOMERS} pulled in "
            f"{report.round_trips} round trips, {seconds:.1f} s; the web server was killed and serving again (in "
            f"{', '.join(f'{value:.1f}' for value in restart_seconds)} s) while QuickBooks ran round trips "
            f"{quickbooks.restarted_during}; run {run.pk} {run.status}, its task delivered once"
        )
