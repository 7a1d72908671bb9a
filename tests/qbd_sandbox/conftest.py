"""A company file, an open session, and qbXML documents built and read with lxml, as they travel on the wire."""

from collections.abc import Callable

import pytest
from lxml import etree
from lxml.builder import E

from apps.qbd_sandbox.models import CompanyFile
from apps.qbd_sandbox.services import company_file_create, qbxml_process, session_open


def document(*requests: etree._Element, on_error: str = "stopOnError", version: str = "13.0") -> bytes:
    root = E.QBXML(E.QBXMLMsgsRq(*requests, onError=on_error))
    body = etree.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="' + version.encode() + b'"?>\n' + body


def responses(answer: str) -> list[etree._Element]:
    """The XxxRs elements of a response document."""
    assert answer.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = etree.fromstring(answer.encode("utf-8"))
    assert root.tag == "QBXML"
    return list(root.find("QBXMLMsgsRs"))


def status(response: etree._Element) -> tuple[int, str]:
    return int(response.get("statusCode")), response.get("statusSeverity")


@pytest.fixture
def company(db) -> CompanyFile:
    return company_file_create(name="Pine Ridge Services")


@pytest.fixture
def session(company) -> str:
    return session_open(company)


@pytest.fixture
def send(company, session) -> Callable[..., list[etree._Element]]:
    """Run requests in the open session; returns their responses."""

    def run(*requests: etree._Element, on_error: str = "stopOnError") -> list[etree._Element]:
        return responses(qbxml_process(company, document(*requests, on_error=on_error), session_id=session))

    return run


@pytest.fixture
def one(send) -> Callable[[etree._Element], etree._Element]:
    """Run one request and return its single response."""

    def run(request: etree._Element) -> etree._Element:
        (response,) = send(request)
        return response

    return run


@pytest.fixture
def add_customer(one) -> Callable[..., etree._Element]:
    """Add a customer (``parent``: a job of that customer) and return its CustomerRet."""

    def add(name: str, *children: etree._Element, parent: str = "") -> etree._Element:
        fields = [E.Name(name)]
        if parent:
            fields.append(E.ParentRef(E.FullName(parent)))
        response = one(E.CustomerAddRq(E.CustomerAdd(*fields, *children)))
        assert status(response) == (0, "Info"), response.get("statusMessage")
        return response.find("CustomerRet")

    return add
