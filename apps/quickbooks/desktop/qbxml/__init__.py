"""
qbXML 13.0 for QuickBooks Desktop: request documents built in the order the schema requires, response documents
read into plain dicts, and text brought to what QuickBooks can store.

The Web Connector carries these documents; this package only writes and reads them.
"""

from apps.quickbooks.desktop.qbxml.build import QBXML_VERSION, Request, request_document
from apps.quickbooks.desktop.qbxml.parse import QbXmlParseError, QbXmlRefusedError, Response, response_document_parse
from apps.quickbooks.desktop.qbxml.schema import REQUESTS
from apps.quickbooks.desktop.qbxml.text import text_for_quickbooks

REQUEST_KINDS = frozenset(REQUESTS)

__all__ = [
    "QBXML_VERSION",
    "REQUEST_KINDS",
    "QbXmlParseError",
    "QbXmlRefusedError",
    "Request",
    "Response",
    "request_document",
    "response_document_parse",
    "text_for_quickbooks",
]
