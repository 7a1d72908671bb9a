"""
Spreadsheet exports of the admin lists: the base resource, the xlsx and csv formats, and the admin mixin.

Every changelist that uses ``ExportAdminMixin`` gets an "Export" button. It exports the rows the list shows (its
search, filters and date range) as xlsx or csv, through the app's resource in ``apps/<app>/resources.py``.

Why not django-import-export's own formats: with ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` they turn every cell
into text (numbers, dates, and empty cells as "None"), remove only a leading "=" (changing the text) and leave "+",
"-" and "@" alone. The formats below neutralise text cells only, so amounts, negative numbers and dates stay numbers
and dates. The xlsx one also streams rows with openpyxl's write-only mode, so a large export holds no cell objects.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import Field as ModelField
from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst, slugify
from import_export import resources, widgets
from import_export.admin import ExportMixin
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

from apps.core.columns import Column

# What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Columns of an xlsx export are sized from their header and the first rows, never from a scan of every row.
WIDTH_SAMPLE_ROWS = 100
MAX_COLUMN_WIDTH = 60
MONEY_FORMAT = "#,##0.00"
# Who may import from Excel (the imports app's own permission).
IMPORT_PERMISSION = "imports.import_from_excel"


def escape_formulae_on_export() -> bool:
    return getattr(settings, "IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT", False) is True


def looks_like_formula(value: str) -> bool:
    """Whether Excel could read ``value`` as a formula if it were typed into a cell or opened from a csv file."""
    return value.startswith(FORMULA_PREFIXES)


def neutralise_formula(value: str) -> str:
    """``"=SUM(A1)"`` → ``"'=SUM(A1)"``: the apostrophe makes a spreadsheet take the rest as text."""
    return f"'{value}" if looks_like_formula(value) else value


class ChoiceLabelWidget(widgets.Widget):
    """Exports a choice's label ("Ready for Sync"), not the value stored in the database ("ready_for_sync")."""

    def __init__(self, choices: Iterable[tuple[Any, Any]]) -> None:
        super().__init__(coerce_to_string=True)
        self.labels = {value: str(label) for value, label in choices}

    def render(self, value: Any, obj: Model | None = None, **kwargs) -> str:
        if value is None:
            return ""
        return self.labels.get(value, str(value))


def column_field(columns: Sequence[Column], key: str) -> Field:
    """The export's field for the column ``key``, reading what the column says (``Column.exported_as``)."""
    column = next(column for column in columns if column.key == key)
    return Field(attribute=column.exported_as, column_name=column.header)


class ExportResource(resources.ModelResource):
    """
    A model resource for the admin's exports.

    Subclasses list their columns in ``Meta.fields`` (in order; related objects as ``"customer__display_name"``)
    and may name them in ``column_headers``; other model fields are headed by their verbose name ("Customer
    number"). Choice fields export their labels. A list whose export the import reads again declares its
    ``columns`` once (``Meta.fields = exported_fields(columns)``): they head the export, the import's template and
    its reader alike.

    The export query loads the columns and nothing else: ``export_select_related`` joins the related rows the
    columns read, ``export_prefetch_related`` loads related lists with one query per chunk of rows, and
    ``export_also_loads`` names the model fields that a ``dehydrate_<column>`` method reads besides the columns.
    An export then runs the same number of queries for 10 or 100,000 rows (one per ``IMPORT_EXPORT_CHUNK_SIZE``
    rows and prefetched relation).
    """

    column_headers: ClassVar[dict[str, str]] = {}
    # The list's columns when its import reads the same file (``apps.core.columns``): their headers head the export.
    columns: ClassVar[tuple[Column, ...]] = ()
    export_select_related: ClassVar[tuple[str, ...]] = ()
    export_prefetch_related: ClassVar[tuple[str | Prefetch, ...]] = ()
    export_also_loads: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._columns: dict[tuple[str, ...], list[tuple[Field, Any]]] = {}

    @classmethod
    def field_from_django_field(cls, field_name: str, django_field: ModelField, readonly: bool) -> Field:
        field = super().field_from_django_field(field_name, django_field, readonly)
        headers = {**{column.exported_as: column.header for column in cls.columns}, **cls.column_headers}
        field.column_name = headers.get(field_name) or capfirst(django_field.verbose_name)
        if django_field.choices:
            field.widget = ChoiceLabelWidget(django_field.flatchoices)
        return field

    def get_queryset(self) -> QuerySet:
        return self.filter_export(super().get_queryset())

    def filter_export(self, queryset: QuerySet, **kwargs) -> QuerySet:
        if self.export_select_related:
            queryset = queryset.select_related(*self.export_select_related)
        if self.export_prefetch_related:
            queryset = queryset.prefetch_related(*self.export_prefetch_related)
        # Every column deselected on the Export page is still loaded: a dehydrate method may read it.
        return queryset.only(*self._loaded_fields())

    @classmethod
    def _loaded_fields(cls) -> list[str]:
        """The model fields the export reads: the columns that are fields, related columns, ``export_also_loads``."""
        concrete = {field.name for field in cls._meta.model._meta.concrete_fields}
        columns = [name for name in cls._meta.fields or () if "__" in name or name in concrete]
        return [*columns, *cls.export_also_loads]

    def iter_queryset(self, queryset: QuerySet) -> Iterator[Model]:
        # django-import-export pages through a queryset with prefetches by OFFSET (slower on every page, plus a
        # COUNT); QuerySet.iterator() prefetches chunk by chunk since Django 4.1.
        if not isinstance(queryset, QuerySet):
            yield from queryset
            return
        yield from queryset.iterator(chunk_size=self.get_chunk_size())

    def export_resource(self, instance: Model, selected_fields: list[str] | None = None, **kwargs) -> list[Any]:
        # The stock version looks each field's name up among all the fields, for every cell: resolved once here.
        key = tuple(selected_fields or ())
        if key not in self._columns:
            self._columns[key] = [self._export_column(field) for field in self.get_export_fields(selected_fields)]
        return [
            dehydrate(instance) if dehydrate else field.export(instance, **kwargs)
            for field, dehydrate in self._columns[key]
        ]

    def _export_column(self, field: Field) -> tuple[Field, Any]:
        method = field.get_dehydrate_method(self.get_field_name(field))
        return field, method if callable(method) else getattr(self, method, None)

    def after_export(self, queryset: QuerySet, dataset, **kwargs) -> None:
        # The sheet's name in the xlsx file.
        dataset.title = capfirst(str(self._meta.model._meta.verbose_name_plural))


def _csv_text(value: Any, *, escape: bool) -> Any:
    """A cell of a csv export: numbers and dates as a spreadsheet reads them, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_formula(value) if escape else value
    if isinstance(value, bool):
        # What Excel writes and reads; django-import-export's BooleanWidget reads it back too.
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return format(value, "f")  # never "1E+2"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


class CSV(base_formats.CSV):
    """Comma-separated values; text that a spreadsheet would run as a formula gets a leading apostrophe."""

    def export_data(self, dataset, **kwargs) -> str:
        escape = escape_formulae_on_export()
        stream = io.StringIO()
        writer = csv.writer(stream)
        if dataset.headers:
            writer.writerow([_csv_text(header, escape=escape) for header in dataset.headers])
        for row in dataset:
            writer.writerow([_csv_text(value, escape=escape) for value in row])
        return stream.getvalue()


class XLSX(base_formats.XLSX):
    """
    An Excel workbook, written row by row (openpyxl's write-only mode).

    Formula-looking text is stored as a text cell with Excel's quote prefix, which is what Excel itself does when
    someone types ``'=1+1``: the cell shows the text as it is and never runs, even after it is edited. Amounts with
    cents show two decimals; dates are dates.
    """

    def export_data(self, dataset, **kwargs) -> bytes:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
        from openpyxl.workbook.child import INVALID_TITLE_REGEX

        escape = escape_formulae_on_export()
        replace_illegal = getattr(settings, "IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT", False) is True
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(INVALID_TITLE_REGEX.sub("-", dataset.title or "Export")[:31])

        def cell(value: Any) -> Any:
            if isinstance(value, str):
                if not value:
                    return None  # an empty cell, not an empty text
                if ILLEGAL_CHARACTERS_RE.search(value):
                    if not replace_illegal:
                        # As django-import-export does: the offending text is not echoed back.
                        raise ValueError("export failed due to IllegalCharacterError")
                    value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
                if escape and looks_like_formula(value):
                    text = WriteOnlyCell(sheet, value)
                    text.data_type = "s"  # openpyxl would store "=..." as a formula
                    text.quotePrefix = True
                    return text
                return value
            if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
                money = WriteOnlyCell(sheet, value)
                money.number_format = MONEY_FORMAT
                return money
            if isinstance(value, datetime) and value.tzinfo is not None:
                # Excel has no time zones: the local time, as the admin shows it.
                return timezone.make_naive(value)
            return value

        headers = list(dataset.headers or [])
        for index, width in enumerate(self._column_widths(dataset, headers), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if headers:
            sheet.freeze_panes = "A2"
            bold = Font(bold=True)
            header_cells = []
            for header in headers:
                header_cell = WriteOnlyCell(sheet, str(header))
                header_cell.font = bold
                header_cells.append(header_cell)
            sheet.append(header_cells)
        for row in dataset:
            sheet.append([cell(value) for value in row])
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()

    @staticmethod
    def _column_widths(dataset, headers: list[str]) -> list[float]:
        widths = [len(str(header)) for header in headers]
        for row in dataset[:WIDTH_SAMPLE_ROWS]:
            for index, value in enumerate(row):
                length = len(str(value)) if value is not None else 0
                if index < len(widths):
                    widths[index] = max(widths[index], length)
                else:
                    widths.append(length)
        return [min(width + 2, MAX_COLUMN_WIDTH) for width in widths]


class ExportForm(SelectableFieldsExportForm):
    """The Export page's form: each column's checkbox is labelled with its header ("Tax rate")."""

    def _get_field_label(self, resource: type[resources.Resource], field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field and field.column_name else super()._get_field_label(resource, field_name)


class ExportAdminMixin(ExportMixin):
    """
    An "Export" button on a changelist: the rows it lists, as xlsx or csv, with the admin's ``resource_classes``.

    Whoever may view the list may export it (``IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"``). Imports have a page
    of their own, with its checks, preview and record of every import: a list whose records can be imported
    (``import_kind``, the kind's key there) gets an "Import" button that opens it with that kind chosen, for those
    who may import.
    """

    export_formats = [XLSX, CSV]
    export_form_class = ExportForm
    # Excel reads a UTF-8 csv file as UTF-8 only when it starts with a byte-order mark.
    to_encoding = "utf-8-sig"
    import_export_change_list_template = "admin/core/change_list_export.html"
    import_kind: ClassVar[str] = ""

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.import_kind and request.user.has_perm(IMPORT_PERMISSION):
            page = reverse("admin:imports_excelimport_changelist")
            extra_context["import_url"] = f"{page}?{urlencode({'kind': self.import_kind})}"
        return super().changelist_view(request, extra_context)

    def get_data_for_export(self, request, queryset: QuerySet, **kwargs):
        # The formats above neutralise text by its type, so every format gets numbers and dates as Python values
        # (django-import-export passes them only to its own binary formats).
        kwargs["force_native_type"] = True
        return super().get_data_for_export(request, queryset, **kwargs)

    def get_export_filename(self, request, queryset: QuerySet, file_format) -> str:
        name = slugify(str(self.opts.verbose_name_plural))
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"
