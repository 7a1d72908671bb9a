"""
The files of an uploaded zip, found by their path or name (``ArchiveIndex``) and unpacked safely (``member_read``).

The sizes a zip declares are only claims. zipfile cuts a member at its declared size, but ``read()`` first inflates
up to 2 GB in one call, and bzip2 or LZMA members inflate whole whatever the caller asks. So only stored and deflate
members are read, always in small chunks, through ``member_chunks``, which also notices a member that goes on past
its declared size. The archive itself is checked before anything reads it (``apps.imports.files``: unsafe names,
encryption, sizes); the messages name it as the caller does (``what``: "The workbook", "The zip of attachments").
"""

import copy
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath

from apps.core.columns import norm

READ_CHUNK_BYTES = 64 * 1024
READABLE_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
COMPRESSION_NAMES = {
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
    9: "Deflate64",
    93: "Zstandard",
    95: "XZ",
    98: "PPMd",
}
# Folders and files that archivers add on their own.
IGNORED_PREFIXES = ("__MACOSX/",)


class ImportFileError(Exception):
    """The file cannot be imported at all; the message says why, in the uploader's words, ``errors`` where."""

    def __init__(self, message: str, errors: list | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class DamagedMember(ImportFileError):
    """A member of a zip that does not unpack as the zip describes it: damaged, or made to harm."""


def _where(what: str) -> str:
    """Turn "The workbook" into "the workbook", for the middle of a sentence."""
    return what[:1].lower() + what[1:]


def compression_check(member: zipfile.ZipInfo, *, what: str) -> None:
    """Refuse a member packed with anything but the ordinary compression, which alone is read in chunks."""
    if member.compress_type not in READABLE_COMPRESSION:
        method = COMPRESSION_NAMES.get(member.compress_type, f"method {member.compress_type}")
        raise ImportFileError(
            f"“{member.filename}” in {_where(what)} is packed with a kind of compression ({method}) that cannot be "
            "imported. Save or zip it again with the ordinary compression (Excel's “Save”, or your computer's own "
            "“Compress” command)."
        )


def _damaged(member: zipfile.ZipInfo, what: str) -> str:
    return f"“{member.filename}” in {_where(what)} is damaged and cannot be read. Make the file again."


def member_chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, what: str) -> Iterator[bytes]:
    """
    The member's bytes, in chunks of at most 64 KB, checked as they come: ``DamagedMember`` when the member unpacks
    to more (or less) than its declared size or fails its CRC. Check the archive first
    (``apps.imports.files.archive_check``): it bounds the declared sizes, and so what this reads.

    zipfile stops at the declared size without a word, so the member is opened as one byte larger than declared (and
    its CRC checked here, at the end): a member that goes on inflating shows as that byte, and is refused before more
    is read.
    """
    compression_check(member, what=what)
    probe = copy.copy(member)
    probe.file_size = member.file_size + 1
    del probe.CRC  # zipfile would check it against the one byte more; checked below instead
    read, crc = 0, 0
    try:
        with archive.open(probe) as stream:
            while chunk := stream.read(READ_CHUNK_BYTES):
                read += len(chunk)
                if read > member.file_size:
                    raise DamagedMember(
                        f"“{member.filename}” in {_where(what)} unpacks to more than the zip says it holds "
                        "(a “zip bomb”); it was refused."
                    )
                crc = zlib.crc32(chunk, crc)
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError, NotImplementedError) as error:
        raise DamagedMember(_damaged(member, what)) from error
    if read != member.file_size or crc != member.CRC:
        raise DamagedMember(_damaged(member, what))


def member_read(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, what: str) -> bytes:
    """The whole member, read through ``member_chunks``."""
    return b"".join(member_chunks(archive, member, what=what))


def base_name(name: str) -> str:
    """A member's name without its folders ("plans/site-plan.pdf" is "site-plan.pdf"), whichever slash they use."""
    return PurePosixPath(name.replace("\\", "/")).name


class ArchiveIndex:
    """The files of a zip, found by their path or, when it is unique, by their name alone."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.by_path: dict[str, zipfile.ZipInfo] = {}
        self.by_name: dict[str, list[zipfile.ZipInfo]] = defaultdict(list)
        for member in archive.infolist():
            if (
                member.is_dir()
                or member.filename.startswith(IGNORED_PREFIXES)
                or base_name(member.filename).startswith("._")
            ):
                continue
            self.by_path[norm(member.filename)] = member
            self.by_name[norm(base_name(member.filename))].append(member)

    def find(self, name: str) -> zipfile.ZipInfo:
        """The member ``name`` gives, by path or by name alone; ``LookupError`` saying why when there is none."""
        key = norm(name.replace("\\", "/").lstrip("/"))
        if key in self.by_path:
            return self.by_path[key]
        members = self.by_name.get(norm(base_name(name)), [])
        if len(members) == 1:
            return members[0]
        if members:
            paths = ", ".join(member.filename for member in members[:3])
            raise LookupError(f"The zip holds {len(members)} files named “{name}” ({paths}); give the folder too.")
        raise LookupError(f"The zip has no file “{name}”.")
