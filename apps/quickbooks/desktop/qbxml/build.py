"""
qbXML request documents: a list of ``Request`` in, one ``<QBXML>`` document out, children in schema order.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from apps.quickbooks.desktop.qbxml.schema import RequestSpec, Spec, request_spec
from apps.quickbooks.desktop.qbxml.text import text_for_quickbooks, xml_value

QBXML_VERSION = "13.0"

ON_ERROR = ("continueOnError", "rollbackOnError", "stopOnError")
ITERATOR_STEPS = ("Start", "Continue", "Stop")
REQUEST_ID_MAX_LENGTH = 50

_HEADER = f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{QBXML_VERSION}"?>\n'


@dataclass(frozen=True)
class Request:
    """
    One request of a document: ``kind`` names it without the ``Rq`` suffix ("CustomerAdd", "InvoiceQuery").

    ``fields`` holds the children as nested dicts, in any order: a list is a repeated element, ``None`` is left out,
    ``""`` is written as an empty element (which clears the field in a Mod). For Add and Mod requests they are the
    fields of the record (what goes inside ``<CustomerAdd>``), plus the request-level ``IncludeRetElement``.
    ``iterator`` ("Start", "Continue", "Stop") and ``iterator_id`` page through the results of a query.
    """

    kind: str
    fields: dict[str, Any]
    request_id: str = ""
    iterator: str = ""
    iterator_id: str = ""


def request_document(requests: Sequence[Request], *, on_error: str = "continueOnError") -> str:
    """
    Return the qbXML document that asks QuickBooks for ``requests``, in that order.

    Raise ValueError for what QuickBooks would refuse to parse: an unknown request or field (naming it), a list for
    an element that cannot repeat, a bad iterator or requestID. Strings are made storable (``text_for_quickbooks``)
    but not shortened: the lengths allowed differ by field and are the caller's to respect.
    """
    if on_error not in ON_ERROR:
        raise ValueError(f"onError must be one of {', '.join(ON_ERROR)}, not {on_error!r}")
    if not requests:
        raise ValueError("a qbXML document needs at least one request")
    root = etree.Element("QBXML")
    messages = etree.SubElement(root, "QBXMLMsgsRq", onError=on_error)
    for request in requests:
        messages.append(_request_element(request))
    return _HEADER + etree.tostring(root, encoding="unicode")


def _request_element(request: Request) -> etree._Element:
    spec = request_spec(request.kind)
    element = etree.Element(f"{request.kind}Rq")
    if request.request_id:
        request_id = text_for_quickbooks(request.request_id)
        if len(request_id) > REQUEST_ID_MAX_LENGTH:
            raise ValueError(f"requestID {request_id!r} is longer than {REQUEST_ID_MAX_LENGTH} characters")
        element.set("requestID", request_id)
    _set_iterator(element, request, spec)
    _write_children(element, _body_fields(request, spec), spec.body, path=request.kind)
    if spec.wrapper and element.find(spec.wrapper) is None:
        raise ValueError(f"{request.kind} has no fields")
    return element


def _set_iterator(element: etree._Element, request: Request, spec: RequestSpec) -> None:
    if not request.iterator:
        if request.iterator_id:
            raise ValueError(f"{request.kind}: an iteratorID needs an iterator (Continue or Stop)")
        return
    if not spec.iterator:
        raise ValueError(f"{request.kind} does not take an iterator")
    if request.iterator not in ITERATOR_STEPS:
        raise ValueError(f"iterator must be one of {', '.join(ITERATOR_STEPS)}, not {request.iterator!r}")
    # QuickBooks hands out the iteratorID in its answer to Start; Continue and Stop must name it.
    if request.iterator == "Start" and request.iterator_id:
        raise ValueError(f"{request.kind}: iterator Start takes no iteratorID (QuickBooks assigns one)")
    if request.iterator != "Start" and not request.iterator_id:
        raise ValueError(f"{request.kind}: iterator {request.iterator} needs the iteratorID QuickBooks returned")
    element.set("iterator", request.iterator)
    if request.iterator_id:
        element.set("iteratorID", text_for_quickbooks(request.iterator_id))


def _body_fields(request: Request, spec: RequestSpec) -> Mapping[str, Any]:
    if not isinstance(request.fields, Mapping):
        raise ValueError(f"{request.kind}: fields must be a dict, not {type(request.fields).__name__}")
    if not spec.wrapper:
        return request.fields
    record = {name: value for name, value in request.fields.items() if name != "IncludeRetElement"}
    body: dict[str, Any] = {spec.wrapper: record}
    if "IncludeRetElement" in request.fields:
        body["IncludeRetElement"] = request.fields["IncludeRetElement"]
    return body


def _write_children(parent: etree._Element, fields: Mapping[str, Any], spec: Spec, *, path: str) -> None:
    unknown = [name for name in fields if name not in spec.index]
    if unknown:
        raise ValueError(f"{path} has no element {unknown[0]!r} in qbXML {QBXML_VERSION}")
    for name, child_spec in spec.children:
        value = fields.get(name)
        if value is None:
            continue
        child_path = f"{path}/{name}"
        if isinstance(value, list | tuple):
            if not child_spec.repeats:
                raise ValueError(f"{child_path} cannot repeat: give one value, not a list")
            for item in value:
                _write_child(parent, name, item, child_spec, path=child_path)
        else:
            _write_child(parent, name, value, child_spec, path=child_path)


def _write_child(parent: etree._Element, name: str, value: Any, spec: Spec, *, path: str) -> None:
    if value is None:
        return
    if spec.holds_value:
        if isinstance(value, Mapping | list | tuple):
            raise ValueError(f"{path} holds a value, not {type(value).__name__}")
        etree.SubElement(parent, name).text = xml_value(value)
        return
    if not isinstance(value, Mapping):
        raise ValueError(f"{path} has elements of its own: give a dict, not {type(value).__name__}")
    element = etree.Element(name)
    _write_children(element, value, spec, path=path)
    # An element whose fields are all None carries nothing, and an empty aggregate is invalid qbXML.
    if len(element):
        parent.append(element)
