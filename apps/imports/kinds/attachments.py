"""
Customer attachments: the workbook lists the files, one row a file, and a zip uploaded beside it holds them; both are
imported by the attachments list's own resource (``apps.customers.resources``, on django-import-export's workflow).

An attachment is known by its customer and file name: importing the same files twice adds each once; a known file
whose title, date or content differs is updated (its file replaced). The preview reads every file a row names (in
bounded chunks): a damaged file, one that unpacks to more than the zip says, or one that may not be attached (a web
page, a program...) is an error of its row there, never first seen when the import is confirmed.
"""

from collections.abc import Sequence

from django.db import models

from apps.core.importing import RecordResource
from apps.customers.resources import ATTACHMENT_COLUMNS, NO_ATTACHMENT_ARCHIVE, CustomerAttachmentResource
from apps.imports.kinds.base import ImportContext, Plan, SheetRow
from apps.imports.kinds.resource import ResourceKind


class CustomerAttachmentKind(ResourceKind):
    key = "customer_attachments"
    label = "Customer attachments"
    noun, noun_plural = "attachment", "attachments"
    sheet_name = "Attachments"
    needs_archive = True
    description = (
        "Files kept with your customers (contracts, photos, site plans): the workbook lists them, one row a file, "
        "and a zip uploaded with it holds the files."
    )
    changelist = "admin:customers_customerattachment_changelist"
    resource_class = CustomerAttachmentResource
    columns = ATTACHMENT_COLUMNS

    def plan(self, *, rows: Sequence[SheetRow], context: ImportContext) -> Plan:
        if context.archive is None:
            plan = Plan()
            plan.error(None, "", NO_ATTACHMENT_ARCHIVE)
            return plan
        return super().plan(rows=rows, context=context)

    def resource_for(self, context: ImportContext, rows: Sequence[SheetRow]) -> CustomerAttachmentResource:
        # The files stored are deleted should the import be rolled back (the database forgets them by itself).
        return CustomerAttachmentResource(
            division=context.division,
            user=context.user,
            row_numbers=[row.number for row in rows],
            archive=context.archive,
            on_rollback=context.on_rollback,
        )

    def record_label(self, resource: RecordResource, instance: models.Model, current: models.Model | None) -> str:
        return f"{resource.customers.names[instance.customer_id]} · {instance.file_name}"
