"""
The ``.qwc`` file that adds a division to the QuickBooks Web Connector.

It names the endpoint (https; plain http only for this machine), the Web Connector user name (never the password),
FieldOffice's OwnerID and the division's FileID, which the Web Connector stamps into the company file when the file
is added, how often to update (the division's sync frequency; none for Manual), and which QuickBooks editions may
be used.
"""

from dataclasses import dataclass
from enum import IntFlag
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.selectors import desktop_owner_id, desktop_run_every
from apps.quickbooks.models import DesktopConnection

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


class Edition(IntFlag):
    """The AuthFlags bits of the QuickBooks editions the Web Connector may open the company file with."""

    PRO = 0x2
    PREMIER = 0x4
    ENTERPRISE = 0x8


EDITION_LABELS = {
    Edition.PRO: "QuickBooks Pro",
    Edition.PREMIER: "QuickBooks Premier (including Accountant and industry editions)",
    Edition.ENTERPRISE: "QuickBooks Enterprise Solutions (including Contractor)",
}
EDITION_NAMES = {"pro": Edition.PRO, "premier": Edition.PREMIER, "enterprise": Edition.ENTERPRISE}
ALL_EDITIONS = Edition.PRO | Edition.PREMIER | Edition.ENTERPRISE


@dataclass(frozen=True)
class QwcFile:
    filename: str
    content: bytes


def editions_from_names(names: list[str]) -> Edition:
    """``["pro", "enterprise"]`` → ``Edition.PRO | Edition.ENTERPRISE``; unknown names are ignored."""
    flags = Edition(0)
    for name in names:
        flags |= EDITION_NAMES.get(name.strip().lower(), Edition(0))
    return flags


def web_connector_url(url: str) -> str:
    """
    ``url`` as the Web Connector may use it: https, except on this machine where plain http is allowed.

    A server reached over http behind a proxy that ends TLS is reached over https from outside, hence the upgrade.
    """
    parts = urlsplit(url)
    if parts.scheme == "http" and (parts.hostname or "") not in LOCAL_HOSTS:
        parts = parts._replace(scheme="https")
        if parts.port == 80:
            parts = parts._replace(netloc=parts.netloc.rsplit(":", 1)[0])
    return urlunsplit(parts)


def qwc_filename(connection: DesktopConnection) -> str:
    return f"fieldoffice-{connection.division.slug}.qwc"


def qwc_build(
    *, connection: DesktopConnection, endpoint_url: str, support_url: str, editions: Edition = ALL_EDITIONS
) -> QwcFile:
    """The division's ``.qwc``; ``endpoint_url`` and ``support_url`` are absolute (made https where required)."""
    if not editions:
        raise ValueError("Choose at least one QuickBooks edition.")
    division = connection.division
    root = etree.Element("QBWCXML")

    def add(name: str, text: str, parent: etree._Element = root) -> None:
        etree.SubElement(parent, name).text = text

    add("AppName", f"FieldOffice {division}")
    add("AppID", "")
    add("AppURL", web_connector_url(endpoint_url))
    add(
        "AppDescription",
        f"Syncs customers, items and invoices of {division} between FieldOffice and QuickBooks Desktop.",
    )
    add("AppSupport", web_connector_url(support_url))
    add("UserName", connection.username)
    add("OwnerID", guid_braced(desktop_owner_id()))
    add("FileID", guid_braced(connection.file_id))
    add("QBType", "QBFS")
    run_every = desktop_run_every(division=division)
    if run_every is not None:
        scheduler = etree.SubElement(root, "Scheduler")
        add("RunEveryNMinutes", str(int(run_every.total_seconds() // 60)), scheduler)
    add("IsReadOnly", "false")
    add("AuthFlags", f"0x{int(editions):X}")
    add("Style", "Document")
    content = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return QwcFile(filename=qwc_filename(connection), content=content)
