"""
Workbooks FieldOffice hands out: the template of each kind, and the list of an import's errors.

A template has the kind's headers on row 1, a notes row explaining each column on row 2 (skipped on import), and an
example row on row 3. The example is marked in the first column, "Example", and its values are plainly made up (an
"EXAMPLE-0001" number, a name that says "delete me", example.com, a 555-01xx phone): a template uploaded as it is
imports nothing, and the preview says the example row was skipped. A "Read me" sheet explains the rest.
"""

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from apps.core.columns import EXAMPLE_MARKER, Column, ColumnType, parse_date
from apps.imports.kinds import ImportKind
from apps.imports.models import ImportRecord

REQUIRED_FILL = PatternFill("solid", start_color="FFE8B4")
OPTIONAL_FILL = PatternFill("solid", start_color="E4EEF6")
NOTE_FONT = Font(italic=True, color="666666", size=9)
EXAMPLE_FILL = PatternFill("solid", start_color="EEEEEE")
EXAMPLE_FONT = Font(italic=True, color="666666")
MARKER_HEADER_FILL = PatternFill("solid", start_color="DDDDDD")
DATE_FORMAT = "yyyy-mm-dd"
TYPE_NAMES = {
    ColumnType.TEXT: "Text",
    ColumnType.DECIMAL: "Number",
    ColumnType.INTEGER: "Whole number",
    ColumnType.DATE: "Date",
    ColumnType.BOOLEAN: "Yes or No",
    ColumnType.CHOICE: "One of a list",
}


def _example(column: Column) -> Any:
    if column.type == ColumnType.DATE and isinstance(column.example, str):
        return parse_date(column.example)
    return column.example


def _required_text(column: Column) -> str:
    if column.once:
        return "On the first row"
    return "Yes" if column.required else "No"


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(kind: ImportKind) -> bytes:
    """The kind's template as .xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.sheet_name
    columns = kind.sheet_columns
    sheet.append([column.header for column in columns])
    sheet.append([column.note for column in columns])
    sheet.append([_example(column) for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header, note, example = sheet[f"{letter}1"], sheet[f"{letter}2"], sheet[f"{letter}3"]
        header.font = Font(bold=True)
        if column is EXAMPLE_MARKER:
            header.fill = MARKER_HEADER_FILL
        else:
            header.fill = REQUIRED_FILL if column.required or column.once else OPTIONAL_FILL
        example.fill, example.font = EXAMPLE_FILL, EXAMPLE_FONT
        note.font = NOTE_FONT
        note.alignment = Alignment(wrap_text=True, vertical="top")
        if column.type == ColumnType.DATE:
            example.number_format = DATE_FORMAT
        elif column.type == ColumnType.TEXT:
            # Numbers typed in text columns (customer numbers, invoice numbers) stay text: no 1044.0.
            example.number_format = "@"
        width = len(str(column.example)) + 2 if column is EXAMPLE_MARKER else len(column.header) + 6
        sheet.column_dimensions[letter].width = max(14, min(40, width))
    sheet.row_dimensions[2].height = 60
    sheet.freeze_panes = "A3"
    _read_me(workbook.create_sheet("Read me"), kind)
    return _to_bytes(workbook)


def _read_me(sheet, kind: ImportKind) -> None:
    lines = [
        [f"FieldOffice import: {kind.label}"],
        [kind.description],
        [],
        [f"Fill the “{kind.sheet_name}” sheet: one row per {kind.noun}, from row 4 on."],
        ["Row 2 explains the columns and is skipped on import. Keep the headers of row 1 as they are."],
        [
            "Row 3 is an example, marked in the “Example” column: it is never imported, whatever it says. "
            "Leave the “Example” column empty on your own rows (or delete the column)."
        ],
        ["Dates: 2026-08-15, 08/15/2026 or an Excel date. Numbers: 1234.50 or $1,234.50."],
        ["Blank rows are ignored. A file can be imported again: what is already there is left as it is."],
    ]
    if kind.needs_archive:
        lines.append(["Put the files in a .zip and upload it together with this workbook."])
    lines += [[], ["Column", "Required", "Type", "What to enter", "Example"]]
    lines += [
        [column.header, _required_text(column), TYPE_NAMES[column.type], column.help, _example(column)]
        for column in kind.sheet_columns
    ]
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[len(lines) - len(kind.sheet_columns)]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (24, 10, 14, 70, 24), strict=True):
        sheet.column_dimensions[letter].width = width


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    """Text that stays text: a header copied from an uploaded file may start with "=" and must not run as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def errors_workbook(record: ImportRecord) -> bytes:
    """The record's errors, one a row, to fix the file by."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Errors")
    sheet.append(["Row", "Column", "Problem"])
    for error in record.errors:
        sheet.append(
            [error.get("row"), _text_cell(sheet, error.get("column") or ""), _text_cell(sheet, error.get("message"))]
        )
    return _to_bytes(workbook)
