"""
The WSDL of the Web Connector service (``GET …/qbwc/?wsdl``): Intuit's ``QBWebConnectorSvc`` contract.

Service ``QBWebConnectorSvc``, port and binding ``QBWebConnectorSvcSoap``, SOAP 1.1 document/literal, one operation
per QBWC method with the parameter names the Web Connector sends. Only the address changes: it is the endpoint as the
caller reached it.
"""

from xml.sax.saxutils import quoteattr

from apps.quickbooks.desktop.soap import QBWC_NS

# (method, [(parameter, XSD type)], result XSD type)
OPERATIONS: tuple[tuple[str, tuple[tuple[str, str], ...], str], ...] = (
    ("serverVersion", (), "s:string"),
    ("clientVersion", (("strVersion", "s:string"),), "s:string"),
    ("authenticate", (("strUserName", "s:string"), ("strPassword", "s:string")), "tns:ArrayOfString"),
    (
        "sendRequestXML",
        (
            ("ticket", "s:string"),
            ("strHCPResponse", "s:string"),
            ("strCompanyFileName", "s:string"),
            ("qbXMLCountry", "s:string"),
            ("qbXMLMajorVers", "s:int"),
            ("qbXMLMinorVers", "s:int"),
        ),
        "s:string",
    ),
    (
        "receiveResponseXML",
        (("ticket", "s:string"), ("response", "s:string"), ("hresult", "s:string"), ("message", "s:string")),
        "s:int",
    ),
    ("connectionError", (("ticket", "s:string"), ("hresult", "s:string"), ("message", "s:string")), "s:string"),
    ("getLastError", (("ticket", "s:string"),), "s:string"),
    ("closeConnection", (("ticket", "s:string"),), "s:string"),
)
METHODS = frozenset(name for name, _, _ in OPERATIONS)


def _element(name: str, xsd_type: str) -> str:
    # Integers are required in Intuit's contract; strings may be left out.
    occurs = "1" if xsd_type == "s:int" else "0"
    return f'<s:element minOccurs="{occurs}" maxOccurs="1" name="{name}" type="{xsd_type}"/>'


def _types() -> str:
    elements = []
    for method, params, result in OPERATIONS:
        inputs = "".join(_element(name, xsd_type) for name, xsd_type in params)
        elements.append(
            f'<s:element name="{method}"><s:complexType><s:sequence>{inputs}</s:sequence></s:complexType></s:element>'
        )
        output = _element(f"{method}Result", result)
        elements.append(
            f'<s:element name="{method}Response"><s:complexType><s:sequence>{output}</s:sequence>'
            "</s:complexType></s:element>"
        )
    array = (
        '<s:complexType name="ArrayOfString"><s:sequence>'
        '<s:element minOccurs="0" maxOccurs="unbounded" name="string" nillable="true" type="s:string"/>'
        "</s:sequence></s:complexType>"
    )
    return (
        f'<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="{QBWC_NS}">'
        f"{''.join(elements)}{array}</s:schema></wsdl:types>"
    )


def _messages() -> str:
    parts = []
    for method, _, _ in OPERATIONS:
        for suffix, element in (("SoapIn", method), ("SoapOut", f"{method}Response")):
            parts.append(
                f'<wsdl:message name="{method}{suffix}"><wsdl:part name="parameters" element="tns:{element}"/>'
                "</wsdl:message>"
            )
    return "".join(parts)


def _port_type() -> str:
    operations = "".join(
        f'<wsdl:operation name="{method}"><wsdl:input message="tns:{method}SoapIn"/>'
        f'<wsdl:output message="tns:{method}SoapOut"/></wsdl:operation>'
        for method, _, _ in OPERATIONS
    )
    return f'<wsdl:portType name="QBWebConnectorSvcSoap">{operations}</wsdl:portType>'


def _binding() -> str:
    operations = "".join(
        f'<wsdl:operation name="{method}"><soap:operation soapAction="{QBWC_NS}{method}" style="document"/>'
        '<wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output>'
        "</wsdl:operation>"
        for method, _, _ in OPERATIONS
    )
    return (
        '<wsdl:binding name="QBWebConnectorSvcSoap" type="tns:QBWebConnectorSvcSoap">'
        f'<soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>{operations}</wsdl:binding>'
    )


def wsdl_document(*, endpoint_url: str) -> bytes:
    """The WSDL, with ``endpoint_url`` (absolute) as the service's address."""
    document = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<wsdl:definitions xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        f'xmlns:tns="{QBWC_NS}" targetNamespace="{QBWC_NS}">'
        f"{_types()}{_messages()}{_port_type()}{_binding()}"
        '<wsdl:service name="QBWebConnectorSvc"><wsdl:port name="QBWebConnectorSvcSoap" '
        f'binding="tns:QBWebConnectorSvcSoap"><soap:address location={quoteattr(endpoint_url)}/></wsdl:port>'
        "</wsdl:service></wsdl:definitions>"
    )
    return document.encode("utf-8")
