"""
What may be attached to a customer, told by the file's content (its first bytes), never by its name alone.

An attachment is shown to the people who open the customer; a web page, an SVG picture or a script among them would
run in their browser as them, and a program would run on their computer. So only documents, pictures, Office files
and plain text are taken, each recognised by its signature ("magic bytes"): a web page renamed ``plan.pdf`` is still
a web page, and a name that says web page, SVG, script or program is refused whatever the content.
"""

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

OCTET_STREAM = "application/octet-stream"
ALLOWED_TEXT = (
    "Attach PDF documents, pictures (JPEG, PNG, GIF, WebP, HEIC, TIFF), Word, Excel, PowerPoint or OpenDocument "
    "files, or plain text."
)
CHUNK_BYTES = 1024 * 1024
# Enough of a zip's small parts ("mimetype", "[Content_Types].xml") to tell what it is; never more is read.
ZIP_PART_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class FileType:
    """A kind of file that may be attached: its name for people, its content type, and whether browsers show it."""

    label: str
    content_type: str
    # Shown in the browser (PDF and the common pictures); everything else is downloaded.
    inline: bool = False


PDF = FileType("PDF document", "application/pdf", inline=True)
PNG = FileType("PNG picture", "image/png", inline=True)
JPEG = FileType("JPEG picture", "image/jpeg", inline=True)
GIF = FileType("GIF picture", "image/gif")
WEBP = FileType("WebP picture", "image/webp")
HEIC = FileType("HEIC picture", "image/heic")
TIFF = FileType("TIFF picture", "image/tiff")
WORD = FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
EXCEL = FileType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
POWERPOINT = FileType(
    "PowerPoint presentation", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)
OPENDOCUMENT_TYPES = {
    b"application/vnd.oasis.opendocument.text": FileType(
        "OpenDocument text", "application/vnd.oasis.opendocument.text"
    ),
    b"application/vnd.oasis.opendocument.spreadsheet": FileType(
        "OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"
    ),
    b"application/vnd.oasis.opendocument.presentation": FileType(
        "OpenDocument presentation", "application/vnd.oasis.opendocument.presentation"
    ),
}
# The main part of an Office Open XML package says what it is; macro-enabled ones are refused below.
OFFICE_MAIN_PARTS = (
    (b"wordprocessingml.document.main+xml", WORD),
    (b"spreadsheetml.sheet.main+xml", EXCEL),
    (b"presentationml.presentation.main+xml", POWERPOINT),
)
OFFICE_MACROS = b"macroenabled"
# Older Office files are all OLE2 compound files; which program opens one is only said by its name.
LEGACY_OFFICE_TYPES = {
    ".doc": FileType("Word document", "application/msword"),
    ".xls": FileType("Excel workbook", "application/vnd.ms-excel"),
    ".ppt": FileType("PowerPoint presentation", "application/vnd.ms-powerpoint"),
    ".msg": FileType("Outlook message", "application/vnd.ms-outlook"),
}
LEGACY_OFFICE = FileType("Office document", OCTET_STREAM)
TEXT = FileType("text file", "text/plain")
CSV = FileType("CSV file", "text/csv")

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows programs and libraries
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # macOS (Mach-O), both byte orders, 32 and 64 bits, and universal binaries
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)

WEB_PAGE = "a web page (HTML)"
SVG = "an SVG picture, which can hold a script"
XML = "an XML document"
SCRIPT = "a script"
PROGRAM = "a program"
# Names that say what the file would be run as, refused whatever the content.
REFUSED_EXTENSIONS = {
    **dict.fromkeys((".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml", ".hta"), WEB_PAGE),
    **dict.fromkeys((".svg", ".svgz"), SVG),
    **dict.fromkeys((".xml", ".xsl", ".xslt"), XML),
    **dict.fromkeys(
        (".js", ".mjs", ".vbs", ".vbe", ".wsf", ".ps1", ".sh", ".bash", ".php", ".py", ".pl", ".rb", ".jsp", ".asp"),
        SCRIPT,
    ),
    **dict.fromkeys(
        (".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".jar", ".app", ".apk", ".lnk", ".reg", ".cpl"),
        PROGRAM,
    ),
}
# Text that a browser would take for markup or a script.
MARKUP = re.compile(
    r"<\s*(?:%|(?:!doctype|\?xml|\?php|html|head|body|script|svg|iframe|frame|object|embed|meta|link|style|img"
    r"|form|base|math|xml)\b)|javascript:",
    re.IGNORECASE,
)
MARKUP_KINDS = (("svg", SVG), ("?xml", XML), ("xml", XML), ("?php", SCRIPT), ("%", SCRIPT), ("javascript:", SCRIPT))
# Control characters plain text does not have (tab, line feed, form feed and carriage return are fine).
BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class _Refused(Exception):
    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def _extension(file_name: str) -> str:
    return PurePosixPath(file_name.replace("\\", "/")).suffix.lower()


def _zip_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of one small part of a zip; bounded, so a part that lies about its size cannot hurt."""
    member = archive.getinfo(name)
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or member.flag_bits & 0x1:
        return b""
    with archive.open(member) as part:
        return part.read(ZIP_PART_BYTES)


def _zip_type(file: IO[bytes]) -> FileType | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return OPENDOCUMENT_TYPES.get(_zip_part(archive, "mimetype").strip())
            if "[Content_Types].xml" not in names:
                raise _Refused("a zip archive")
            content_types = _zip_part(archive, "[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError):
        return None
    if OFFICE_MACROS in content_types.lower():
        raise _Refused("an Office document with macros")
    return next((found for part, found in OFFICE_MAIN_PARTS if part in content_types), None)


def _text_encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def _text_scan(file: IO[bytes], encoding: str) -> bool:
    """
    True when the whole file reads as plain text in ``encoding``; raises ``_Refused`` on markup or a script.

    The file is read in chunks; a marker split between two chunks is caught by keeping a little of the last one.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    file.seek(0)
    tail = ""
    try:
        while chunk := file.read(CHUNK_BYTES):
            text = tail + decoder.decode(chunk)
            if BINARY.search(text):
                return False
            if found := MARKUP.search(text):
                marker = found.group(0).lower().lstrip("<").strip()
                raise _Refused(next((what for start, what in MARKUP_KINDS if marker.startswith(start)), WEB_PAGE))
            tail = text[-32:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text_type(file: IO[bytes], head: bytes, file_name: str) -> FileType | None:
    if head.startswith(b"#!"):
        raise _Refused(SCRIPT)
    encoding = _text_encoding(head)
    # Text that is not UTF-8 is most often Windows' own encoding (a CSV saved by Excel), where every byte is a letter.
    if not (_text_scan(file, encoding) or (encoding == "utf-8" and _text_scan(file, "cp1252"))):
        return None
    return CSV if _extension(file_name) == ".csv" else TEXT


def _sniff(file: IO[bytes], file_name: str) -> FileType | None:
    """The file's type by its content; ``_Refused`` for a dangerous one, ``None`` for one not on the list."""
    if what := REFUSED_EXTENSIONS.get(_extension(file_name)):
        raise _Refused(what)
    file.seek(0)
    head = file.read(64)
    if head.startswith(EXECUTABLE_SIGNATURES):
        raise _Refused(PROGRAM)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(ZIP_SIGNATURE):
        return _zip_type(file)
    if head.startswith(OLE2_SIGNATURE):
        return LEGACY_OFFICE_TYPES.get(_extension(file_name), LEGACY_OFFICE)
    return _text_type(file, head, file_name)


def file_type_of(file: IO[bytes], *, file_name: str) -> FileType | None:
    """The type of a stored file if it is one that may be attached, else ``None`` (hand it out as plain bytes)."""
    try:
        return _sniff(file, file_name)
    except _Refused:
        return None
    finally:
        file.seek(0)


def attachment_file_check(*, file: IO[bytes], file_name: str, size: int) -> FileType:
    """
    The type of a file about to be attached; ``ValidationError`` with a plain sentence naming the file when it is
    too large, empty, or not on the list (web pages, SVG, XML, scripts, programs and anything unknown).
    """
    limit = settings.FIELDOFFICE_MAX_ATTACHMENT_BYTES
    if size > limit:
        raise ValidationError(
            f"{file_name} is {filesizeformat(size)}; attachments may be at most {filesizeformat(limit)}."
        )
    if size == 0:
        raise ValidationError(f"“{file_name}” is empty.")
    try:
        found = _sniff(file, file_name)
    except _Refused as refused:
        raise ValidationError(f"“{file_name}” is {refused.what}; it cannot be attached. {ALLOWED_TEXT}") from None
    finally:
        file.seek(0)
    if found is None:
        raise ValidationError(f"“{file_name}” is not a kind of file that can be attached. {ALLOWED_TEXT}")
    return found
