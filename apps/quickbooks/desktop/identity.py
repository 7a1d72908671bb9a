"""
Which QuickBooks company file the Web Connector opened, and whether it is the division's.

The first ``sendRequestXML`` of a session carries ``strHCPResponse`` (HostQuery, CompanyQuery and PreferencesQuery
results) and the file's full path. Adding the division's ``.qwc`` to the Web Connector stamped the division's FileID
into the company file as a private data extension of FieldOffice's OwnerID; it comes back in ``CompanyRet`` as a
``DataExtRet``. A file without that FileID is another company's; the same FileID under another company name or path
is the same file moved, renamed or copied, which an Owner must confirm before syncing goes on (a copy synced as if it
were the original duplicates everything in it).
"""

import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import timezone
from lxml import etree

from apps.quickbooks.models import DesktopConnection

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
FILE_ID_NAME = "FileID"


class IdentityError(ValueError):
    """The HCP response cannot be read."""


@dataclass(frozen=True)
class CompanyIdentity:
    """What the Web Connector says about the open company file."""

    company_name: str
    path: str
    # FileIDs stamped by OwnerID (normalised GUIDs, lowercase without braces).
    file_ids: dict[str, str] = field(default_factory=dict)

    def file_id_of(self, owner_id: str | uuid.UUID) -> str:
        return self.file_ids.get(guid_normalise(str(owner_id)), "")

    def describe(self) -> str:
        name = f'"{self.company_name}"' if self.company_name else "a company file with no name"
        return f"{name} ({self.path})" if self.path else name


class Verdict(StrEnum):
    FIRST = "first"
    SAME = "same"
    DIFFERENT = "different"
    MOVED = "moved"


@dataclass(frozen=True)
class IdentityCheck:
    verdict: Verdict
    identity: CompanyIdentity
    message: str = ""

    @property
    def accepted(self) -> bool:
        return self.verdict in (Verdict.FIRST, Verdict.SAME)


def guid_normalise(value: str) -> str:
    """``{3F2504E0-…}`` → ``3f2504e0-…``; ``""`` for anything that is not a GUID."""
    try:
        return str(uuid.UUID(value.strip().strip("{}")))
    except (ValueError, AttributeError):
        return ""


def guid_braced(value: str | uuid.UUID) -> str:
    """A GUID as the Web Connector writes it: upper case, in braces."""
    return "{" + str(value).upper() + "}"


def _parse(text: str) -> etree._Element:
    # lxml refuses a str that declares an encoding; the text is already decoded, so the declaration goes.
    try:
        root = etree.fromstring(_DECLARATION.sub("", text, count=1), _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise IdentityError(
            f"The Web Connector's description of the company file is not readable XML ({exc})."
        ) from None
    # Its entities, never expanded, would silently cut the company's name or FileID short.
    if root.getroottree().docinfo.internalDTD is not None:
        raise IdentityError(
            "The Web Connector's description of the company file carried a document type declaration, which "
            "FieldOffice refuses."
        )
    return root


def company_identity_parse(*, hcp_response: str, company_file: str) -> CompanyIdentity:
    """Read the company name and the stamped FileIDs from ``strHCPResponse``."""
    root = _parse(hcp_response)
    company = next(root.iter("CompanyRet"), None)
    if company is None:
        raise IdentityError("The Web Connector did not describe the company file (no CompanyRet).")
    file_ids = {}
    for extension in company.iter("DataExtRet"):
        if extension.findtext("DataExtName", "").strip() != FILE_ID_NAME:
            continue
        owner = guid_normalise(extension.findtext("OwnerID", ""))
        value = guid_normalise(extension.findtext("DataExtValue", ""))
        if owner and value:
            file_ids[owner] = value
    return CompanyIdentity(
        company_name=(company.findtext("CompanyName") or "").strip(), path=company_file.strip(), file_ids=file_ids
    )


def _same_path(first: str, second: str) -> bool:
    # Windows paths: case does not matter, nor which slash.
    return first.replace("/", "\\").casefold() == second.replace("/", "\\").casefold()


def _recorded(connection: DesktopConnection) -> str:
    return CompanyIdentity(company_name=connection.company_name, path=connection.company_file).describe()


def identity_check(*, connection: DesktopConnection, identity: CompanyIdentity, owner_id: uuid.UUID) -> IdentityCheck:
    """
    Compare the open company file with the division's; records it on the connection when it is the first.

    Saves the connection when something changes (first file recorded, a moved file waiting for confirmation, or a
    confirmed move seen); the caller holds a lock on it.
    """
    division = connection.division
    stamped = identity.file_id_of(owner_id) == str(connection.file_id)
    if not connection.has_company_file:
        if not stamped:
            return IdentityCheck(
                Verdict.DIFFERENT,
                identity,
                f"This is not the company file FieldOffice syncs {division} with: {identity.describe()} was not set "
                f"up for it. Open the right company file in QuickBooks and add {division}'s .qwc file to the Web "
                "Connector again while it is open.",
            )
        connection.company_name = identity.company_name
        connection.company_file = identity.path
        connection.company_first_seen_at = timezone.now()
        connection.save(update_fields=["company_name", "company_file", "company_first_seen_at", "updated_at"])
        return IdentityCheck(Verdict.FIRST, identity)
    if not stamped:
        return IdentityCheck(
            Verdict.DIFFERENT,
            identity,
            f"This is not the company file FieldOffice syncs {division} with: FieldOffice syncs with "
            f"{_recorded(connection)}, but the Web Connector opened {identity.describe()}. Nothing was synced. Open "
            f"{connection.company_file or 'that company file'} in QuickBooks and update again.",
        )
    if identity.company_name == connection.company_name and _same_path(identity.path, connection.company_file):
        return IdentityCheck(Verdict.SAME, identity)
    connection.moved_company_name = identity.company_name
    connection.moved_company_file = identity.path
    connection.moved_seen_at = timezone.now()
    connection.save(update_fields=["moved_company_name", "moved_company_file", "moved_seen_at", "updated_at"])
    return IdentityCheck(
        Verdict.MOVED,
        identity,
        f"The company file FieldOffice syncs {division} with was moved, renamed or copied: it was "
        f"{_recorded(connection)} and is now {identity.describe()}. Nothing was synced. If this is the same company "
        'file and the old one is no longer used, an Owner presses "Accept the moved company file" on the '
        f"QuickBooks page of {division} in FieldOffice; the next update then goes ahead.",
    )
