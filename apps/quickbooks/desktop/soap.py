"""
SOAP 1.1 envelopes of the QuickBooks Web Connector service: reading a call, writing its result or a fault.

The Web Connector speaks document/literal SOAP 1.1 in the ``http://developer.intuit.com/`` namespace: the body holds
one element named after the method, whose children are the parameters; the answer holds ``<methodResponse>`` with
one ``<methodResult>``. Bodies are parsed as bytes so that the declared encoding (the Web Connector may send
windows-1252 or ISO-8859-1) is honoured; entities are never resolved and DTDs are refused.
"""

import re
from dataclasses import dataclass, field

from lxml import etree

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV_NS = "http://www.w3.org/2003/05/soap-envelope"
QBWC_NS = "http://developer.intuit.com/"
CONTENT_TYPE = "text/xml; charset=utf-8"

# Characters XML 1.0 cannot carry at all; they are dropped from what we write.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_blank_text=False
)


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


def envelope_parse(body: bytes) -> SoapCall:
    """Read a SOAP 1.1 request; raises ``SoapFault`` for anything that is not one call in the QBWC namespace."""
    if not body or not body.strip():
        raise SoapFault("Client", "The request has no SOAP envelope.")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapFault("Client", f"The request is not well-formed XML ({exc.msg}).") from None
    if root.getroottree().docinfo.internalDTD is not None:
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
