"""
Customer attachments: the workbook lists the files, a zip uploaded beside it holds them.

An attachment is known by its customer and file name: importing the same files twice adds each once; a known file
whose title, date or content differs is updated (its file replaced).

The preview reads every file a row names (in bounded chunks): a damaged file, one that unpacks to more than the zip
says, or one that may not be attached (a web page, a program...) is an error of its row there, never first seen when
the import is confirmed.
"""

import hashlib
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property, partial
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat

from apps.core.columns import Column, ColumnType
from apps.customers import services as customer_services
from apps.customers.filetypes import attachment_file_check
from apps.customers.models import Customer, CustomerAttachment
from apps.customers.resources import CUSTOMER_HELP, EXAMPLE_CUSTOMER
from apps.imports.files import DamagedMember, member_read
from apps.imports.kinds.base import (
    Action,
    Change,
    ImportContext,
    ImportKind,
    ParsedRow,
    Plan,
    changed_values,
    new_values,
)
from apps.imports.matching import CustomerLookup, NotFound, norm

# Folders and files that archivers add on their own.
IGNORED_PREFIXES = ("__MACOSX/",)
ARCHIVE = "The zip of attachments"


def _basename(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


class ArchiveIndex:
    """The files of the zip, found by their path or, when it is unique, by their name alone."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.by_path: dict[str, zipfile.ZipInfo] = {}
        self.by_name: dict[str, list[zipfile.ZipInfo]] = defaultdict(list)
        for member in archive.infolist():
            if (
                member.is_dir()
                or member.filename.startswith(IGNORED_PREFIXES)
                or _basename(member.filename).startswith("._")
            ):
                continue
            self.by_path[norm(member.filename)] = member
            self.by_name[norm(_basename(member.filename))].append(member)

    def find(self, name: str) -> zipfile.ZipInfo:
        key = norm(name.replace("\\", "/").lstrip("/"))
        if key in self.by_path:
            return self.by_path[key]
        members = self.by_name.get(norm(_basename(name)), [])
        if len(members) == 1:
            return members[0]
        if members:
            paths = ", ".join(member.filename for member in members[:3])
            raise LookupError(f"The zip holds {len(members)} files named “{name}” ({paths}); give the folder too.")
        raise LookupError(f"The zip has no file “{name}”.")


def _member_read(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    return member_read(archive, member, what=ARCHIVE)


def _member_check(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str:
    """The file's digest, once it is read whole and found fit to attach; ``ValidationError`` otherwise."""
    try:
        data = _member_read(archive, member)
    except DamagedMember as error:
        raise ValidationError(error.message) from error
    attachment_file_check(file=ContentFile(data), file_name=_basename(member.filename), size=len(data))
    return hashlib.sha256(data).hexdigest()


def _stored_digest(attachment: CustomerAttachment) -> str:
    digest = hashlib.sha256()
    with attachment.file.open("rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


class CustomerAttachmentKind(ImportKind):
    key = "customer_attachments"
    label = "Customer attachments"
    noun, noun_plural = "attachment", "attachments"
    sheet_name = "Attachments"
    needs_archive = True
    description = (
        "Files kept with your customers (contracts, photos, site plans): the workbook lists them, one row a file, "
        "and a zip uploaded with it holds the files."
    )
    changelist = "admin:customers_customer_changelist"
    columns = (
        Column("customer", "Customer", required=True, max_length=100, help=CUSTOMER_HELP, example=EXAMPLE_CUSTOMER),
        Column(
            "file_name",
            "File name",
            required=True,
            max_length=255,
            help="The file's name in the zip (with its folder if two files share a name).",
            example="example-site-plan.pdf",
        ),
        Column(
            "title",
            "Title",
            max_length=200,
            help="What the file is. Empty: the file name.",
            example="Example site plan",
        ),
        Column("attached_on", "Date", ColumnType.DATE, help="The file's date.", example="2022-08-15"),
    )

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        plan = Plan()
        if context.archive is None:
            plan.error(None, "", "Upload the zip that holds the files together with the workbook.")
            return plan
        files = ArchiveIndex(context.archive)
        customers = CustomerLookup(division_id=context.division.pk)
        limit = settings.FIELDOFFICE_MAX_ATTACHMENT_BYTES
        matched = []
        for row in rows:
            if row.invalid:
                continue
            try:
                customer_id = customers.find(row["customer"])
            except NotFound as error:
                plan.error(row.number, self.header("customer"), str(error))
                continue
            try:
                member = files.find(row["file_name"])
            except LookupError as error:
                plan.error(row.number, self.header("file_name"), str(error))
                continue
            if member.file_size > limit:
                plan.error(
                    row.number,
                    self.header("file_name"),
                    f"{member.filename} is {filesizeformat(member.file_size)}; "
                    f"attachments may be at most {filesizeformat(limit)}.",
                )
                continue
            try:
                digest = _member_check(context.archive, member)
            except ValidationError as error:
                for message in error.messages:
                    plan.error(row.number, self.header("file_name"), message)
                continue
            matched.append((row, customer_id, member, digest))
        existing = self._existing(customer_id for _row, customer_id, _member, _digest in matched)
        seen: dict[tuple, int] = {}
        for row, customer_id, member, digest in matched:
            name = _basename(member.filename)
            key = (customer_id, norm(name))
            if key in seen:
                plan.error(
                    row.number, self.header("file_name"), f"Row {seen[key]} already attaches {name} to this customer."
                )
                continue
            seen[key] = row.number
            label = f"{customers.names[customer_id]} · {name}"
            values = {"title": row["title"] or "", "attached_on": row["attached_on"]}
            current = existing.get(key)
            if current is None:
                shown = {"customer": customers.names[customer_id], "file_name": name, **values}
                shown["title"] = shown["title"] or name
                payload = (customer_id, member, name, values)
                describe = partial(new_values, shown, self._columns)
                plan.actions.append(Action("create", [row.number], label, payload, describe))
                continue
            changes = {
                field: value
                for field, value in values.items()
                if row[field] is not None and getattr(current, field) != value
            }
            replace = self._content_differs(current, member, digest)
            action_type = "update" if changes or replace else "skip"
            payload = (current, member, changes, replace)
            describe = partial(self._changes, current, member, changes, replace)
            plan.actions.append(Action(action_type, [row.number], label, payload, describe))
        return plan

    @cached_property
    def _columns(self) -> dict[str, Column]:
        """Attachment field → its column, for the preview."""
        return {key: self.column(key) for key in ("customer", "file_name", "title", "attached_on")}

    def _changes(
        self, current: CustomerAttachment, member: zipfile.ZipInfo, changes: dict, replace: bool
    ) -> list[Change]:
        described = changed_values(current, changes, self._columns)
        if replace:
            try:
                old = f"the stored file ({filesizeformat(current.file.size)})"
            except OSError:
                old = "the stored file (missing)"
            described.append(Change("File", f"the file in the zip ({filesizeformat(member.file_size)})", old))
        return described

    @staticmethod
    def _existing(customer_ids: Iterable[int]) -> dict[tuple, CustomerAttachment]:
        ids = sorted(set(customer_ids))
        found: dict[tuple, CustomerAttachment] = {}
        for start in range(0, len(ids), 500):
            for attachment in CustomerAttachment.objects.filter(customer_id__in=ids[start : start + 500]):
                found.setdefault((attachment.customer_id, norm(attachment.file_name)), attachment)
        return found

    @staticmethod
    def _content_differs(current: CustomerAttachment, member: zipfile.ZipInfo, digest: str) -> bool:
        try:
            return current.file.size != member.file_size or _stored_digest(current) != digest
        except OSError:
            # The stored file is gone: the import brings it back.
            return True

    def write(self, *, action: Action, context: ImportContext) -> None:
        if action.type == "create":
            customer_id, member, name, values = action.payload
            attachment = customer_services.attachment_create(
                customer=Customer.objects.get(pk=customer_id),
                file=ContentFile(_member_read(context.archive, member)),
                file_name=name,
                **values,
            )
        else:
            current, member, changes, replace = action.payload
            file = ContentFile(_member_read(context.archive, member)) if replace else None
            attachment = customer_services.attachment_update(attachment=current, file=file, **changes)
            if not replace:
                return
        stored_name, storage = attachment.file.name, attachment.file.storage
        context.on_rollback.append(lambda: storage.delete(stored_name))
