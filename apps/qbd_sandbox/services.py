"""
The emulator's public face: company files, Web Connector sessions, and running qbXML requests against them.

Callers (the Web Connector service, simulations, tests) use only this module.
"""

import uuid

from django.db import transaction
from django.utils import timezone
from lxml import etree

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.host import company_ret, host_ret, preferences_ret
from apps.qbd_sandbox.engine.locks import LOCK_CODES
from apps.qbd_sandbox.engine.processor import run_document
from apps.qbd_sandbox.errors import NOT_OPEN_HRESULT, NOT_OPEN_MESSAGE, QbXmlError
from apps.qbd_sandbox.guard import emulator_require
from apps.qbd_sandbox.models import CompanyFile, DataExtension, QbSession, Record
from apps.qbd_sandbox.qbxml.document import parse_document, response_document
from apps.qbd_sandbox.seeding import defaults_ensure, records_generate

__all__ = [
    "QbXmlError",
    "company_file_create",
    "company_file_delete",
    "company_file_stamp",
    "company_seed",
    "hcp_response",
    "qbxml_process",
    "record_lock",
    "record_unlock",
    "session_close",
    "session_open",
]

DEFAULT_FOLDER = "C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\"


def company_file_create(*, name: str, path: str = "", edition: str = "Enterprise") -> CompanyFile:
    """A new company file with what QuickBooks puts in one: accounts, tax codes, a sales tax item, terms."""
    emulator_require()
    with transaction.atomic():
        company = CompanyFile.objects.create(
            name=name, legal_name=name, path=path or f"{DEFAULT_FOLDER}{name}.QBW", edition=edition
        )
        defaults_ensure(company)
    company.refresh_from_db()
    return company


def company_file_delete(company: CompanyFile) -> None:
    """Remove a company file and everything in it (benchmarks, demos); records refer to each other, so unhook first."""
    with transaction.atomic():
        CompanyFile.objects.filter(pk=company.pk).update(default_item_sales_tax=None)
        Record.objects.filter(company=company).update(parent=None, entity=None)
        CompanyFile.objects.filter(pk=company.pk).delete()


def company_file_stamp(company: CompanyFile, *, owner_id: str, file_id: str) -> None:
    """What QBWC does when a .qwc is added: store the FileID as a private data extension of ``owner_id``."""
    DataExtension.objects.update_or_create(
        company=company, owner_id=owner_id, name="FileID", defaults={"value": file_id}
    )


def hcp_response(company: CompanyFile, *, owner_id: str = "") -> str:
    """The strHCPResponse of QBWC's first sendRequestXML: HostQueryRs, CompanyQueryRs and PreferencesQueryRs."""
    company = CompanyFile.objects.select_related("default_item_sales_tax").get(pk=company.pk)
    ctx = Ctx(company)
    elements = [
        ("HostQueryRs", host_ret(company)),
        ("CompanyQueryRs", company_ret(company, [owner_id] if owner_id else [])),
        ("PreferencesQueryRs", preferences_ret(ctx)),
    ]
    responses = []
    for request_id, (name, ret) in enumerate(elements):
        response = etree.Element(name, requestID=str(request_id), statusCode="0", statusSeverity="Info")
        response.set("statusMessage", "Status OK")
        response.append(ret)
        responses.append(response)
    return response_document(responses)


def session_open(company: CompanyFile) -> str:
    """Begin a session with the company file (QBWC opens one per update); its id scopes iterators."""
    emulator_require()
    return str(QbSession.objects.create(company=company).session_id)


def session_close(company: CompanyFile, session_id: str) -> None:
    """End the session: its iterators are gone. Closing a closed session again does nothing."""
    try:
        session = QbSession.objects.get(company=company, session_id=uuid.UUID(str(session_id)))
    except (ValueError, QbSession.DoesNotExist):
        raise QbXmlError(NOT_OPEN_HRESULT, NOT_OPEN_MESSAGE) from None
    if session.closed_at is None:
        session.iterators.all().delete()
        session.closed_at = timezone.now()
        session.save(update_fields=["closed_at"])


def _session(company: CompanyFile, session_id: str) -> QbSession:
    try:
        key = uuid.UUID(str(session_id))
    except ValueError:
        raise QbXmlError(NOT_OPEN_HRESULT, NOT_OPEN_MESSAGE) from None
    session = QbSession.objects.filter(company=company, session_id=key, closed_at__isnull=True).first()
    if session is None:
        raise QbXmlError(NOT_OPEN_HRESULT, NOT_OPEN_MESSAGE)
    return session


def qbxml_process(company: CompanyFile, request: str | bytes, *, session_id: str) -> str:
    """
    Run one QBXML request document in the session and return the response document (utf-8).

    Raises ``QbXmlError`` when QuickBooks would not run the document at all: malformed XML, an unknown request,
    elements out of schema order, or no open session.
    """
    emulator_require()
    on_error, requests = parse_document(request)
    with transaction.atomic():
        session = _session(company, session_id)
        locked = CompanyFile.objects.select_for_update().get(pk=company.pk)
        ctx = Ctx(locked, session)
        responses = run_document(ctx, on_error, requests)
        if not transaction.get_rollback():
            ctx.save_counters()
    return response_document(responses)


def company_seed(
    company: CompanyFile,
    *,
    customers: int = 0,
    jobs_per_customer: int = 0,
    ship_tos: int = 0,
    items: int = 0,
    invoices: int = 0,
    random_seed: int = 1,
) -> None:
    """
    Generate records in bulk: ``customers`` customers (one in five with ``jobs_per_customer`` jobs and ``ship_tos``
    ship-to addresses), ``items`` service and non-inventory items, and ``invoices`` open invoices over them.

    The defaults (TAX and NON, a sales tax item, standard and date-driven terms, accounts) are added if missing.
    """
    with transaction.atomic():
        locked = CompanyFile.objects.select_for_update().get(pk=company.pk)
        defaults_ensure(locked)
        locked.refresh_from_db()
        records_generate(
            locked,
            customers=customers,
            jobs_per_customer=jobs_per_customer,
            ship_tos=ship_tos,
            items=items,
            invoices=invoices,
            random_seed=random_seed,
        )


def record_lock(company: CompanyFile, *, list_id_or_txn_id: str, code: int = 3175) -> None:
    """Mark a record "in use by another user": Mods and Dels of it answer ``code`` until ``record_unlock``."""
    if code not in LOCK_CODES:
        raise ValueError(f"code must be one of {LOCK_CODES}")
    if not Record.objects.filter(company=company, object_id=list_id_or_txn_id).update(lock_code=code):
        raise Record.DoesNotExist(list_id_or_txn_id)


def record_unlock(company: CompanyFile, *, list_id_or_txn_id: str) -> None:
    if not Record.objects.filter(company=company, object_id=list_id_or_txn_id).update(lock_code=None):
        raise Record.DoesNotExist(list_id_or_txn_id)
