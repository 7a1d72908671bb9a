"""
What FieldOffice sends in qbXML 13.0: for each request, its children in the order the schema requires.

QuickBooks validates a request against the schema before it reads it, and an element out of order fails the whole
request with "QuickBooks found an error when parsing the provided XML text stream". The order (and which elements
may repeat) is Intuit's, from the qbXML 13.0 SDK's request/response sample ``qbxmlops130.xml``, which lists every
element of every request in schema order (the same order as the SDK's ``qbxmlops130.xsd`` and the OSR). Elements the
sample marks as QuickBooks Online only are left out; those of the Canadian, UK and Australian desktop editions are
kept, since they take the same positions.
"""

from apps.quickbooks.desktop.qbxml.schema import company, items, lists, transactions
from apps.quickbooks.desktop.qbxml.schema.base import RequestSpec, Spec

__all__ = ["REQUESTS", "RequestSpec", "Spec", "request_spec"]

REQUESTS: dict[str, RequestSpec] = {
    spec.kind: spec for module in (lists, items, transactions, company) for spec in module.REQUESTS
}


def request_spec(kind: str) -> RequestSpec:
    try:
        return REQUESTS[kind]
    except KeyError:
        raise ValueError(f"unsupported qbXML request {kind!r}") from None
