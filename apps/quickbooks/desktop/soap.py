"""
SOAP 1.1 envelopes of the QuickBooks Web Connector service: reading a call, writing its result or a fault.

The Web Connector speaks document/literal SOAP 1.1 in the ``http://developer.intuit.com/`` namespace: the body holds
one element named after the method, whose children are the parameters; the answer holds ``<methodResponse>`` with
one ``<methodResult>``. Bodies are parsed as bytes so that the declared encoding (the Web Connector may send
windows-1252 or ISO-8859-1) is honoured; entities are never resolved and DTDs are refused. libxml2's limits (text
nodes of 10 MB, 256 levels) hold for every envelope but a large one the caller has already proved it may send
(``large``): QuickBooks' reply to a query, which arrives as one text node.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV_NS = "http://www.w3.org/2003/05/soap-envelope"
QBWC_NS = "http://developer.intuit.com/"
CONTENT_TYPE = "text/xml; charset=utf-8"

# Characters XML 1.0 cannot carry at all; they are dropped from what we write.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Nothing is fetched and no entity is expanded, whoever sends the envelope.
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False}


class SoapFault(Exception):
    """A call that cannot be answered; ``code`` is ``Client`` (the caller erred), ``Server`` or ``VersionMismatch``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SoapCall:
    method: str
    params: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        # Parameters carry passwords and company data: only their names are shown.
        return f"SoapCall(method={self.method!r}, params={sorted(self.params)!r})"


def soap_action_method(header: str | None) -> str:
    """
    The method named by a SOAPAction header, quoted or not (``"http://developer.intuit.com/authenticate"``).

    Returns ``""`` when the header is missing or empty; raises ``SoapFault`` when it names another namespace.
    """
    action = (header or "").strip().strip('"').strip()
    if not action:
        return ""
    if not action.startswith(QBWC_NS):
        raise SoapFault("Client", f"Unknown SOAPAction {action[:200]!r}.")
    return action[len(QBWC_NS) :]


def _declares_document_type(element: etree._Element) -> bool:
    # An internal subset and an external DTD alike leave a DTD on the document.
    return element.getroottree().docinfo.internalDTD is not None


def _is_call(element: etree._Element) -> bool:
    """Whether ``element`` is the call in ``Envelope/Body``."""
    body = element.getparent()
    envelope = body.getparent() if body is not None else None
    return (
        envelope is not None
        and envelope.getparent() is None
        and envelope.tag == f"{{{SOAP_ENV_NS}}}Envelope"
        and body.tag == f"{{{SOAP_ENV_NS}}}Body"
    )


def envelope_peek(head: bytes) -> tuple[str, str]:
    """
    The method and ticket of a call read from the first bytes of its envelope, the rest unread: ``(method, ticket)``,
    ``""`` for what those bytes do not show (an envelope with a document type declaration shows nothing).

    The Web Connector sends the ticket first, so the start of a large ``receiveResponseXML`` tells whose it is.
    """
    parser = etree.XMLPullParser(events=("start", "end"), **_SAFE)
    method = ""
    try:
        parser.feed(head)
        for event, element in parser.read_events():
            name = etree.QName(element)
            if _declares_document_type(element):
                return "", ""
            if event == "start" and not method and _is_call(element):
                if name.namespace != QBWC_NS:
                    return "", ""
                method = name.localname
            elif event == "end" and method and name.localname == "ticket" and _is_call(element.getparent()):
                return method, "".join(element.itertext())
    except etree.XMLSyntaxError:
        pass
    return method, ""


def envelope_parse(body: bytes | Iterable[bytes], *, large: bool = False) -> SoapCall:
    """
    Read a SOAP 1.1 request, whole (bytes) or as it arrives (chunks of bytes); raises ``SoapFault`` for anything that
    is not one call in the QBWC namespace. ``large`` lifts libxml2's size limits: only for a caller already known.
    """
    chunks = [body] if isinstance(body, bytes) else body
    if isinstance(body, bytes) and not body.strip():
        raise SoapFault("Client", "The request has no SOAP envelope.")
    parser = etree.XMLParser(**_SAFE, huge_tree=large, remove_blank_text=False)
    try:
        for chunk in chunks:
            parser.feed(chunk)
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise SoapFault("Client", f"The request is not well-formed XML ({exc.msg}).") from None
    if _declares_document_type(root):
        raise SoapFault("Client", "Document type declarations are not accepted.")
    if root.tag == f"{{{SOAP12_ENV_NS}}}Envelope":
        raise SoapFault("VersionMismatch", "This service speaks SOAP 1.1 only.")
    if root.tag != f"{{{SOAP_ENV_NS}}}Envelope":
        raise SoapFault("Client", "The request is not a SOAP 1.1 envelope.")
    soap_body = root.find(f"{{{SOAP_ENV_NS}}}Body")
    calls = [child for child in soap_body if isinstance(child.tag, str)] if soap_body is not None else []
    if len(calls) != 1:
        raise SoapFault("Client", "The SOAP body must hold exactly one call.")
    call = calls[0]
    namespace, _, method = call.tag[1:].partition("}") if call.tag.startswith("{") else ("", "", call.tag)
    if namespace != QBWC_NS:
        raise SoapFault("Client", f"The call {method!r} is not in the {QBWC_NS} namespace.")
    params: dict[str, str] = {}
    for child in call:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        params[name] = "".join(child.itertext())
    return SoapCall(method=method, params=params)


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope", nsmap={"soap": SOAP_ENV_NS})
    return envelope, etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body")


def _serialise(envelope: etree._Element) -> bytes:
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def envelope_result(method: str, result: str | int | list[str]) -> bytes:
    """``<methodResponse><methodResult>…</methodResult></methodResponse>``; a list becomes ``<string>`` items."""
    envelope, body = _envelope()
    response = etree.SubElement(body, f"{{{QBWC_NS}}}{method}Response", nsmap={None: QBWC_NS})
    value = etree.SubElement(response, f"{{{QBWC_NS}}}{method}Result")
    if isinstance(result, list):
        for item in result:
            etree.SubElement(value, f"{{{QBWC_NS}}}string").text = _xml_text(item)
    else:
        value.text = _xml_text(str(result))
    return _serialise(envelope)


def envelope_fault(fault: SoapFault) -> bytes:
    envelope, body = _envelope()
    element = etree.SubElement(body, f"{{{SOAP_ENV_NS}}}Fault")
    etree.SubElement(element, "faultcode").text = f"soap:{fault.code}"
    etree.SubElement(element, "faultstring").text = _xml_text(fault.message)
    return _serialise(envelope)
