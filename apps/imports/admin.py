"""
The import pages in the admin.

"Import from Excel" (the ``ExcelImport`` entry of the admin index) is the upload page, with the templates to
download and the latest imports. Each import's own page (the ``ImportRecord`` change page) shows its progress, its
preview and its result, and carries the confirm buttons. Import records are never edited or deleted by hand.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from apps.core.resources import IMPORT_PERMISSION
from apps.customers.downloads import stored_file_response
from apps.customers.filetypes import EXCEL, FileType
from apps.imports import services
from apps.imports.forms import ImportUploadForm
from apps.imports.kinds import KINDS
from apps.imports.kinds.base import EMPTY
from apps.imports.models import ExcelImport, ImportRecord, ImportStatus
from apps.imports.preview import count_text, example_note, preview_sections
from apps.imports.selectors import import_record_progress, import_records_recent
from apps.imports.workbooks import errors_workbook, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = FileType("zip archive", "application/zip")
ERRORS_SHOWN = 500


def can_import(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.has_perm(IMPORT_PERMISSION)


def _require_import_permission(request: HttpRequest) -> None:
    if not can_import(request):
        raise PermissionDenied


def _kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else key


def _record_url(record: ImportRecord) -> str:
    return reverse("admin:imports_importrecord_change", args=[record.pk])


def status_badge(record: ImportRecord) -> str:
    return format_html(
        '<span class="import-status import-status--{}" data-import-status>{}</span>',
        record.status,
        record.get_status_display(),
    )


@admin.register(ExcelImport)
class ExcelImportAdmin(admin.ModelAdmin):
    """The upload page; shown in the index to the people who may import."""

    def has_module_permission(self, request) -> bool:
        return can_import(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_import(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        template = path(
            "template/<str:kind_key>/",
            self.admin_site.admin_view(self.template_view),
            name="imports_excelimport_template",
        )
        return [template, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The proxy shares the records' table: an import's page is the record's own.
        return self.admin_site._registry[ImportRecord].change_view(request, object_id)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Pick what to import, download its template, upload the filled workbook."""
        _require_import_permission(request)
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                record = services.import_start(
                    kind_key=form.cleaned_data["kind"],
                    division=form.cleaned_data["division"],
                    user=request.user,
                    upload=form.cleaned_data["file"],
                    archive_upload=form.cleaned_data.get("archive"),
                )
                return HttpResponseRedirect(_record_url(record))
        else:
            form = ImportUploadForm(initial={"kind": request.GET.get("kind") or next(iter(KINDS))})
        context = {
            **self.admin_site.each_context(request),
            "title": "Import from Excel",
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "kinds": [
                {"kind": kind, "template_url": reverse("admin:imports_excelimport_template", args=[kind.key])}
                for kind in KINDS.values()
            ],
            "recent": [
                {"record": record, "kind_label": _kind_label(record.kind), "url": _record_url(record)}
                for record in import_records_recent()
            ],
            "records_url": reverse("admin:imports_importrecord_changelist"),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/imports/import_page.html", context)

    def template_view(self, request: HttpRequest, kind_key: str) -> HttpResponse:
        _require_import_permission(request)
        kind = KINDS.get(kind_key)
        if kind is None:
            raise Http404("No such kind of import.")
        response = HttpResponse(template_workbook(kind), content_type=XLSX)
        file_name = f"FieldOffice import template - {kind.label}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response


class KindFilter(admin.SimpleListFilter):
    title = "what"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.key, kind.label) for kind in KINDS.values()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """Every import, as it was: read-only."""

    list_display = ["created_at", "kind_label", "file_name", "created_by", "status_display", "summary"]
    list_display_links = ["created_at", "file_name"]
    list_filter = ["status", KindFilter, "division"]
    list_select_related = ["created_by", "division"]
    search_fields = ["file_name", "created_by__email"]
    date_hierarchy = "created_at"

    @admin.display(description="what", ordering="kind")
    def kind_label(self, record: ImportRecord) -> str:
        return _kind_label(record.kind)

    @admin.display(description="status", ordering="status")
    def status_display(self, record: ImportRecord) -> str:
        return status_badge(record)

    @admin.display(description="rows and records")
    def summary(self, record: ImportRecord) -> str:
        if record.status == ImportStatus.IMPORTED:
            parts = [f"{record.created:,} created", f"{record.updated:,} updated", f"{record.skipped:,} unchanged"]
        elif record.status == ImportStatus.CHECKED:
            parts = [f"{record.to_create:,} to create", f"{record.to_update:,} to update"]
        else:
            parts = []
        if record.example_rows:
            parts.append(f"{record.example_rows:,} example row{'s' if record.example_rows != 1 else ''} skipped")
        if record.error_count:
            parts.append(f"{record.error_count:,} error{'s' if record.error_count != 1 else ''}")
        return " · ".join([f"{record.rows:,} rows", *parts]) if record.rows else " · ".join(parts) or "—"

    class Media:
        css = {"all": ["imports/imports.css"]}

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": can_import(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        views = [
            ("progress", self.progress_view),
            ("confirm", self.confirm_view),
            ("cancel", self.cancel_view),
            ("errors", self.errors_view),
            ("file", self.file_view),
            ("archive", self.archive_view),
        ]
        urls = [
            path(f"<int:record_id>/{name}/", self.admin_site.admin_view(view), name=f"imports_importrecord_{name}")
            for name, view in views
        ]
        return urls + super().get_urls()

    def _record(self, request: HttpRequest, record_id) -> ImportRecord:
        record = get_object_or_404(ImportRecord.objects.select_related("division", "created_by"), pk=record_id)
        if not (self.has_view_permission(request, record) or can_import(request)):
            raise PermissionDenied
        return record

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The import's page: progress while it runs, then its preview or its result."""
        record = self._record(request, object_id)
        kind = KINDS.get(record.kind)
        errors = record.errors[:ERRORS_SHOWN]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import of {record.file_name}",
            "subtitle": None,
            "opts": self.opts,
            "record": record,
            "kind": kind,
            "kind_label": _kind_label(record.kind),
            "status_badge": status_badge(record),
            "can_import": can_import(request),
            "errors": errors,
            "errors_hidden": max(record.error_count - len(errors), 0),
            "errors_stored": len(record.errors),
            "sections": preview_sections(record, kind),
            "example_note": example_note(record),
            "only_examples": bool(record.example_rows) and record.rows == record.example_rows,
            "EMPTY": EMPTY,
            "changelist_url": reverse(kind.changelist) if kind and kind.changelist else "",
            "upload_url": reverse("admin:imports_excelimport_changelist") + f"?kind={record.kind}",
            "confirm_url": reverse("admin:imports_importrecord_confirm", args=[record.pk]),
            "cancel_url": reverse("admin:imports_importrecord_cancel", args=[record.pk]),
            "progress_url": reverse("admin:imports_importrecord_progress", args=[record.pk]),
            "errors_url": reverse("admin:imports_importrecord_errors", args=[record.pk]),
            "file_url": reverse("admin:imports_importrecord_file", args=[record.pk]) if record.file else "",
            "archive_url": reverse("admin:imports_importrecord_archive", args=[record.pk]) if record.archive else "",
            "valid_count": count_text(record.to_create + record.to_update, kind),
            "planned": [
                ("create", "to create", count_text(record.to_create, kind)),
                ("update", "to update", count_text(record.to_update, kind)),
                ("skip", "already there, left as they are", count_text(record.to_skip, kind)),
            ],
            "done": [
                ("create", "created", count_text(record.created, kind)),
                ("update", "updated", count_text(record.updated, kind)),
                ("skip", "already there, left as they were", count_text(record.skipped, kind)),
            ],
            "Status": ImportStatus,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/imports/import_record.html", context)

    def progress_view(self, request: HttpRequest, record_id: int) -> JsonResponse:
        return JsonResponse(import_record_progress(self._record(request, record_id)))

    @staticmethod
    def _act(request: HttpRequest, record: ImportRecord, step) -> HttpResponse:
        try:
            record = step()
        except services.ImportRefused as refusal:
            messages.warning(request, str(refusal))
        else:
            if record.status == ImportStatus.IMPORTED:
                messages.success(
                    request,
                    f"Imported: {record.created:,} created, {record.updated:,} updated, "
                    f"{record.skipped:,} left as they were.",
                )
        return HttpResponseRedirect(_record_url(record))

    def confirm_view(self, request: HttpRequest, record_id: int) -> HttpResponse:
        _require_import_permission(request)
        record = self._record(request, record_id)
        if request.method != "POST":
            return HttpResponseRedirect(_record_url(record))
        valid_rows_only = request.POST.get("valid_rows_only") == "1"
        return self._act(
            request,
            record,
            lambda: services.import_confirm(record=record, user=request.user, valid_rows_only=valid_rows_only),
        )

    def cancel_view(self, request: HttpRequest, record_id: int) -> HttpResponse:
        _require_import_permission(request)
        record = self._record(request, record_id)
        if request.method != "POST":
            return HttpResponseRedirect(_record_url(record))
        return self._act(request, record, lambda: services.import_cancel(record=record))

    def errors_view(self, request: HttpRequest, record_id: int) -> HttpResponse:
        record = self._record(request, record_id)
        response = HttpResponse(errors_workbook(record), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="Errors - import {record.pk}.xlsx"'
        return response

    def file_view(self, request: HttpRequest, record_id: int) -> HttpResponse:
        """The uploaded workbook, to people who may import; kept only for checked and finished imports."""
        _require_import_permission(request)
        record = self._record(request, record_id)
        if not record.file:
            raise Http404("The file was refused and not kept.")
        return stored_file_response(file=record.file, file_name=record.file_name, file_type=EXCEL)

    def archive_view(self, request: HttpRequest, record_id: int) -> HttpResponse:
        """The zip uploaded with the workbook, on the same terms."""
        _require_import_permission(request)
        record = self._record(request, record_id)
        if not record.archive:
            raise Http404("The zip was refused and not kept.")
        return stored_file_response(file=record.archive, file_name=record.archive_name or "files.zip", file_type=ZIP)
