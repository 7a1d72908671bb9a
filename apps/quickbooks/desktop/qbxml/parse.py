"""
qbXML response documents: one ``Response`` per ``...Rs`` element, its records as nested dicts of strings.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from apps.quickbooks.desktop.qbxml.schema.responses import repeats
from apps.quickbooks.errors import QuickBooksError

STATUS_OK = 0
STATUS_NOTHING_FOUND = 1
STATUS_SOME_NOT_FOUND = 500

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']""")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DOCUMENT_TYPE_MARKUP = (b"<!DOCTYPE", b"<!ENTITY")
DOCUMENT_TYPE_REFUSED = "QuickBooks' reply carried a document type declaration, which FieldOffice refuses."


class QbXmlParseError(ValueError):
    """What was handed back is not a qbXML response document."""


class QbXmlRefusedError(QuickBooksError, QbXmlParseError):
    """
    A reply FieldOffice will not read: it declares a document type, whose entities (never expanded) would silently
    cut names short. A sync run stops on it with its message, as on any error from QuickBooks.
    """


@dataclass
class Response:
    """
    QuickBooks' answer to one request.

    ``records`` are the request's ``...Ret`` elements (the ``ListDeletedRet`` of a ListDeletedQuery), each a dict of
    its children under their own names: a nested element is a dict, a value a string, and elements that may repeat
    (``ShipToAddress``, ``InvoiceLineRet``, ``DataExtRet``, ``LinkedTxn``...) are always lists. ``record_types``
    names each record's element, which tells apart the item types of an ItemQuery ("ItemServiceRet"...).
    Responses that carry their result directly (ListDel, TxnDel) have it as their one record.
    """

    kind: str
    request_id: str
    status_code: int
    severity: str
    message: str
    records: list[dict[str, Any]]
    iterator_id: str = ""
    remaining: int | None = None
    record_types: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """
        Whether QuickBooks carried out the request: a query that found nothing (1) and one that found only some of
        the objects named (500) are answers, not errors.
        """
        if self.severity:
            return self.severity != "Error"
        return self.status_code in (STATUS_OK, STATUS_NOTHING_FOUND, STATUS_SOME_NOT_FOUND)

    @property
    def found(self) -> bool:
        """Whether there is something in the answer: the request went through and did not come back empty (1)."""
        return self.ok and self.status_code != STATUS_NOTHING_FOUND

    def records_of(self, record_type: str) -> list[dict[str, Any]]:
        """The records of one element type, such as the ``ItemServiceRet`` of an ItemQuery."""
        return [record for record, name in zip(self.records, self.record_types, strict=True) if name == record_type]


def response_document_parse(document: str | bytes) -> list[Response]:
    """
    Return the responses of a qbXML response document, in document order.

    Bytes are decoded as their XML declaration says (utf-8, ISO-8859-1, windows-1252; undeclared bytes that are not
    UTF-8 are read as windows-1252, the code page of QuickBooks' machine). A string is taken as already decoded,
    whatever its declaration says. Raise ``QbXmlParseError`` for anything that is not a QBXML response.
    """
    root = _root(document)
    if root.tag != "QBXML":
        raise QbXmlParseError(f"expected a QBXML document, got <{root.tag}>")
    messages = root.find("QBXMLMsgsRs")
    if messages is None:
        raise QbXmlParseError("the QBXML document holds no QBXMLMsgsRs: it is not a response")
    return [_response(element) for element in _elements(messages) if element.tag.endswith("Rs") and element.tag != "Rs"]


def _root(document: str | bytes) -> etree._Element:
    if isinstance(document, str):
        # lxml refuses a str with an encoding declaration; the text is already decoded, so the declaration is moot.
        data = _DECLARATION.sub(b"", document.lstrip("\ufeff").encode("utf-8", errors="replace"), count=1)
    elif isinstance(document, bytes):
        data = document
    else:
        raise QbXmlParseError(f"a qbXML response is text or bytes, not {type(document).__name__}")
    if not data.strip():
        raise QbXmlParseError("the qbXML response is empty")
    if isinstance(document, bytes) and not data.startswith(_UTF16_BOMS) and not _DECLARED_ENCODING.match(data):
        data = _undeclared(data)
    if any(markup in data for markup in _DOCUMENT_TYPE_MARKUP):
        raise QbXmlRefusedError(DOCUMENT_TYPE_REFUSED)
    # Entities are never expanded and nothing is fetched: the document comes from a machine we do not control.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise QbXmlParseError(f"the qbXML response is not well-formed XML: {error}") from None
    # Also in encodings the search above cannot see (UTF-16).
    if root.getroottree().docinfo.internalDTD is not None:
        raise QbXmlRefusedError(DOCUMENT_TYPE_REFUSED)
    return root


def _undeclared(data: bytes) -> bytes:
    """Bytes that declare no encoding are UTF-8 to XML; when they are not, the Windows code page is the likely one."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return _DECLARATION.sub(b"", data, count=1).decode("cp1252", errors="replace").encode("utf-8")
    return data


def _elements(parent: etree._Element) -> list[etree._Element]:
    return list(parent.iterchildren(tag=etree.Element))


def _response(element: etree._Element) -> Response:
    kind = element.tag[: -len("Rs")]
    status_code = _int_attribute(element, "statusCode", required=True)
    records: list[dict[str, Any]] = []
    record_types: list[str] = []
    direct = []
    for child in _elements(element):
        if child.tag.endswith("Ret"):
            records.append(_record(child))
            record_types.append(child.tag)
        elif child.tag != "ErrorRecovery":
            direct.append(child)
    if direct:
        records.append(_children(element, direct))
        record_types.append(element.tag)
    return Response(
        kind=kind,
        request_id=element.get("requestID", ""),
        status_code=status_code,
        severity=element.get("statusSeverity", ""),
        message=element.get("statusMessage", ""),
        records=records,
        iterator_id=element.get("iteratorID", ""),
        remaining=_int_attribute(element, "iteratorRemainingCount"),
        record_types=record_types,
    )


def _int_attribute(element: etree._Element, name: str, *, required: bool = False) -> int | None:
    value = element.get(name)
    if value is None:
        if required:
            raise QbXmlParseError(f"<{element.tag}> has no {name}")
        return None
    try:
        return int(value)
    except ValueError:
        raise QbXmlParseError(f"<{element.tag}> has a {name} that is not a number: {value!r}") from None


def _record(element: etree._Element) -> dict[str, Any]:
    return _children(element, _elements(element))


def _children(parent: etree._Element, children: list[etree._Element]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for child in children:
        nested = _elements(child)
        value: Any = _children(child, nested) if nested else (child.text or "")
        if repeats(parent=parent.tag, name=child.tag):
            record.setdefault(child.tag, []).append(value)
        elif child.tag in record:
            # Repeated where the schema says it cannot: keep every value rather than lose one.
            previous = record[child.tag]
            record[child.tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            record[child.tag] = value
    return record
