"""
Customer attachments as a file: the workbook lists the files, one row a file, and a zip uploaded beside it holds
them; the attachments list's export is the workbook.
"""

import hashlib
import zipfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat

from apps.core.archives import ArchiveIndex, DamagedMember, base_name, member_read
from apps.core.columns import Column, ColumnType, exported_fields, norm
from apps.customers import services
from apps.customers.filetypes import attachment_file_check
from apps.customers.models import CustomerAttachment
from apps.customers.resources.customer_records import CustomerRecordResource
from apps.customers.resources.notes import NOTE_CUSTOMER

ATTACHMENT_ARCHIVE = "The zip of attachments"
NO_ATTACHMENT_ARCHIVE = "Upload the zip that holds the files together with the workbook."

ATTACHMENT_COLUMNS = (
    # A customer by its display name or number, as for notes.
    NOTE_CUSTOMER,
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
ATTACHMENT_CUSTOMER, ATTACHMENT_FILE_NAME, ATTACHMENT_TITLE, ATTACHMENT_DATE = ATTACHMENT_COLUMNS
# No column of the sheet: the file itself, which the zip holds, as the preview shows it when an import replaces it
# ("the stored file (2 KB)" → "the file in the zip (3 KB)").
ATTACHMENT_FILE = Column("file_shown", "File")


@dataclass(slots=True)
class RowFile:
    """The customer and the file of the zip a row names, the file read whole and found fit to attach."""

    customer_id: int
    # The file's own name, without the folder the zip has it in.
    name: str
    member: zipfile.ZipInfo
    data: bytes
    digest: str
    # Whether it replaces the known attachment's file: their sizes or contents differ, or the stored file is gone.
    replaces: bool = False


def _stored_digest(attachment: CustomerAttachment) -> str:
    digest = hashlib.sha256()
    with attachment.file.open("rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


class CustomerAttachmentResource(CustomerRecordResource):
    """
    The attachments' export, and their import (``apps.core.importing``) from a workbook that lists the files and the
    zip that holds them (``archive``).

    An attachment is known by its customer and file name, so that files imported twice are attached once. A row's
    file is found in the zip by its path, or by its name alone when no other file has it, then read whole (in
    bounded chunks) and checked as an upload is, before the row counts: a missing, damaged or oversized file, or one
    that may not be attached, is the row's error on its File name, in the preview already. A known attachment takes
    the row's title and date when it gives them, and the zip's file when it differs from the stored one (by size,
    then by sha256); a second row for the same file is an error. Each file the import stores is handed to
    ``on_rollback`` as a callback that deletes it, for an import rolled back after it wrote.
    """

    columns = ATTACHMENT_COLUMNS
    customer_column = ATTACHMENT_CUSTOMER
    export_select_related = ("customer",)
    # The customer is found, and the file read and checked, before the attachment is checked.
    unchecked = ("customer", "file")
    # A new attachment without a title goes by its file name: the preview shows that as its title, none is stored.
    defaults = {ATTACHMENT_TITLE.key: ""}

    class Meta:
        model = CustomerAttachment
        fields = exported_fields(ATTACHMENT_COLUMNS)

    def __init__(
        self,
        *,
        archive: zipfile.ZipFile | None = None,
        on_rollback: list[Callable[[], None]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.archive = archive
        self.on_rollback = on_rollback if on_rollback is not None else []
        self.files: ArchiveIndex | None = None
        # The file of the row being imported.
        self.row_file: RowFile | None = None

    @classmethod
    def imported_columns(cls) -> tuple[Column, ...]:
        return (*ATTACHMENT_COLUMNS, ATTACHMENT_FILE)

    def customer_records(self, customer_ids: list[int]) -> QuerySet:
        return CustomerAttachment.objects.filter(customer_id__in=customer_ids)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self.files = ArchiveIndex(self.archive) if self.archive is not None else None
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        self.row_file = None
        super().before_import_row(row, **kwargs)
        # Read before the row's record is looked up: the file's name is part of what the record is known by.
        self.row_file = self.row_file_read(row)

    def row_file_read(self, row: dict[str, Any]) -> RowFile:
        """The customer and the file a row names, the file read and checked; ``ValidationError`` on the column."""
        customer_id = self.customer_id(row.get(ATTACHMENT_CUSTOMER.header))
        member = self._member(row.get(ATTACHMENT_FILE_NAME.header))
        name = base_name(member.filename)
        try:
            data = member_read(self.archive, member, what=ATTACHMENT_ARCHIVE)
            attachment_file_check(file=ContentFile(data), file_name=name, size=len(data))
        except DamagedMember as error:
            raise ValidationError({ATTACHMENT_FILE_NAME.key: error.message}) from None
        except ValidationError as error:
            raise ValidationError({ATTACHMENT_FILE_NAME.key: error.messages}) from None
        return RowFile(customer_id, name, member, data, hashlib.sha256(data).hexdigest())

    def _member(self, name: str) -> zipfile.ZipInfo:
        """The file of the zip ``name`` gives, if no larger than an attachment may be; ``ValidationError`` if not."""
        if self.files is None:
            raise ValidationError({ATTACHMENT_FILE_NAME.key: NO_ATTACHMENT_ARCHIVE})
        try:
            member = self.files.find(name)
        except LookupError as error:
            raise ValidationError({ATTACHMENT_FILE_NAME.key: str(error)}) from None
        limit = settings.FIELDOFFICE_MAX_ATTACHMENT_BYTES
        if member.file_size > limit:
            raise ValidationError(
                {
                    ATTACHMENT_FILE_NAME.key: f"{member.filename} is {filesizeformat(member.file_size)}; "
                    f"attachments may be at most {filesizeformat(limit)}."
                }
            )
        return member

    def row_key(self, row: dict[str, Any]) -> Hashable:
        """The customer and the name of the file the row names (read before the row is imported)."""
        return (self.row_file.customer_id, norm(self.row_file.name))

    def record_key(self, record: CustomerAttachment) -> Hashable:
        return (record.customer_id, norm(record.file_name))

    def keeps(self, column: Column, instance: CustomerAttachment) -> bool:
        return instance.pk is not None and column.key in (ATTACHMENT_CUSTOMER.key, ATTACHMENT_FILE_NAME.key)

    def reference(self, column: Column, value: Any) -> Any:
        if column.key == ATTACHMENT_FILE_NAME.key:
            # The file's own name, without the folder the cell may give.
            return self.row_file.name
        if column.key != ATTACHMENT_CUSTOMER.key:
            return value
        return self.customer_stand_in(self.row_file.customer_id)

    def init_instance(self, row: dict[str, Any] | None = None) -> CustomerAttachment:
        return CustomerAttachment()

    def import_instance(self, instance: CustomerAttachment, row: dict[str, Any], **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        original = self.original_of(instance)
        if original is None:
            instance.file_shown = None
            if self.checking and not instance.title:
                instance.title = instance.file_name[: ATTACHMENT_TITLE.max_length]
            return
        # The file as the preview shows it, on the record as it is and as the row makes it, compared as any value.
        member = self.row_file.member
        try:
            stored_size = instance.file.size
            self.row_file.replaces = stored_size != member.file_size or _stored_digest(instance) != self.row_file.digest
            stored = f"the stored file ({filesizeformat(stored_size)})"
        except OSError:
            # The stored file is gone: the import brings it back.
            self.row_file.replaces, stored = True, "the stored file (missing)"
        replaces = self.row_file.replaces
        original.file_shown = stored if replaces else None
        instance.file_shown = f"the file in the zip ({filesizeformat(member.file_size)})" if replaces else None

    def skip_row(
        self,
        instance: CustomerAttachment,
        original: CustomerAttachment | None,
        row: dict[str, Any],
        import_validation_errors: Any = None,
    ) -> bool:
        first = self.first_rows.get(self.row_key(row))
        if first is not None:
            # One file, two rows: which title or date is meant is for the person who made the file to say.
            raise ValidationError(
                {
                    ATTACHMENT_FILE_NAME.key: f"Row {self.row_number(first)} already attaches {self.row_file.name} "
                    "to this customer."
                }
            )
        return super().skip_row(instance, original, row, import_validation_errors)

    def save_instance(self, instance: CustomerAttachment, is_create: bool, row: dict[str, Any], **kwargs: Any) -> None:
        if self.checking:
            return
        values = {
            column.key: getattr(instance, column.key)
            for column in (ATTACHMENT_TITLE, ATTACHMENT_DATE)
            if row.get(column.header) is not None
        }
        row_file = self.row_file
        file = ContentFile(row_file.data) if is_create or row_file.replaces else None
        try:
            if is_create:
                saved = services.attachment_create(
                    customer=instance.customer, file=file, file_name=row_file.name, **values
                )
                instance.pk = saved.pk
            else:
                saved = services.attachment_update(attachment=instance, file=file, **values)
        except ValueError as error:
            # A file that cannot be stored is its row's error, as a refused one is: the library would roll back
            # the rows written before it too, and an import of the valid rows only keeps them.
            raise ValidationError(str(error)) from error
        if file is None:
            return
        # Stored outside the database: deleted should the import's transaction be rolled back.
        stored_name, storage = saved.file.name, saved.file.storage
        self.on_rollback.append(lambda: storage.delete(stored_name))
