"""A qbXML request document in, a response document out."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml import etree

from apps.qbd_sandbox.errors import parse_error
from apps.qbd_sandbox.qbxml.fields import CENT, F

ON_ERROR = ("stopOnError", "continueOnError", "rollbackOnError")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
QBXML_VERSION = re.compile(r'version\s*=\s*"(\d+)\.(\d+)"')
# The qbXML versions QuickBooks Desktop 2022 and later accept; the emulator answers with 13.0 semantics.
SUPPORTED_MAJOR_VERSIONS = range(1, 17)


def parse_document(request: str | bytes) -> tuple[str, list[etree._Element]]:
    """The ``onError`` mode and the request elements of a QBXML document; raises the parse error if it is not one."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    if isinstance(request, str):
        # A str has been decoded already: whatever encoding its declaration names no longer applies.
        request = XML_DECLARATION.sub("", request, count=1)
    try:
        root = etree.fromstring(request, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise parse_error() from None
    if root.tag != "QBXML" or not _has_supported_version(root):
        raise parse_error()
    children = [child for child in root if isinstance(child.tag, str)]
    if len(children) != 1 or children[0].tag != "QBXMLMsgsRq":
        raise parse_error()
    messages = children[0]
    on_error = messages.get("onError")
    if on_error not in ON_ERROR:
        raise parse_error()
    return on_error, [child for child in messages if isinstance(child.tag, str)]


def _has_supported_version(root: etree._Element) -> bool:
    node = root.getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "qbxml":
            match = QBXML_VERSION.search(node.text or "")
            return bool(match) and int(match.group(1)) in SUPPORTED_MAJOR_VERSIONS
        node = node.getprevious()
    return False


def response_document(responses: list[etree._Element]) -> str:
    root = etree.Element("QBXML")
    messages = etree.SubElement(root, "QBXMLMsgsRs")
    messages.extend(responses)
    body = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body


def format_value(kind: str, value: Any) -> str:
    if kind == "bool":
        return "true" if value else "false"
    if kind == "amt":
        return f"{Decimal(str(value)).quantize(CENT):.2f}"
    if kind == "price":
        number = Decimal(str(value))
        return f"{number:.2f}" if number == number.quantize(CENT) else format(number.normalize(), "f")
    if kind in ("qty", "pct"):
        number = Decimal(str(value)).normalize()
        return format(number, "f")
    return str(value)


def render(
    parent: etree._Element, spec: tuple[F, ...], values: dict[str, Any], full_name_of: Callable[[str], str]
) -> etree._Element:
    """Append ``values`` to ``parent`` as elements in ``spec``'s order; empty values are left out."""
    for field in spec:
        value = values.get(field.name)
        if value is None or value == "" or value == [] or value == {}:
            continue
        for item in value if field.repeat else (value,):
            element = etree.SubElement(parent, field.name)
            if field.type == "ref":
                etree.SubElement(element, "ListID").text = item["ListID"]
                full_name = full_name_of(item["ListID"])
                if full_name:
                    etree.SubElement(element, "FullName").text = full_name
            elif field.type == "agg":
                render(element, field.children, item, full_name_of)
            else:
                element.text = format_value(field.type, item)
    return parent
