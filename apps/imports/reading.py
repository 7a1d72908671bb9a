"""
Reading a kind's worksheet: the header row mapped to the kind's columns, the notes row skipped, each row's cells
handed to the kind as they are (its resource types them, with its columns' widgets).

Example rows are set apart before anything else: a row marked in the Example column (whatever its other cells say:
they are not even parsed), and a row equal to the kind's example values. Neither reaches the kind's plan.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from apps.core.columns import EXAMPLE_MARKER, Column, header_key, is_example_mark
from apps.imports.files import ImportFileError, workbook_rows
from apps.imports.kinds.base import ImportKind, RowError, SheetRow


@dataclass
class SheetRead:
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # The worksheet's numbers of the example rows, which are never imported.
    example_rows: list[int] = field(default_factory=list)


def _header_map(kind: ImportKind, number: int, values: tuple) -> dict[int, Column]:
    """Which column of the kind each worksheet column is; refuses missing, unknown and repeated headers."""
    known: dict[str, Column] = {}
    for column in kind.sheet_columns:
        for name in (column.header, *column.aliases):
            known[header_key(name)] = column
    mapping: dict[int, Column] = {}
    errors: list[RowError] = []
    for index, value in enumerate(values):
        key = header_key(value)
        if not key:
            continue
        column = known.get(key)
        if column is None:
            errors.append(RowError(number, str(value).strip(), "This column is not part of the template."))
        elif column in mapping.values():
            errors.append(RowError(number, column.header, "This column appears more than once."))
        else:
            mapping[index] = column
    found = set(mapping.values())
    errors += [
        RowError(number, column.header, "This required column is missing (or was renamed).")
        for column in kind.columns
        if (column.required or column.once) and column not in found
    ]
    if errors:
        expected = ", ".join(column.header for column in kind.columns)
        raise ImportFileError(
            f"The columns do not match the “{kind.label}” template. Its columns are: {expected}.", errors=errors
        )
    return mapping


def _is_notes_row(mapping: dict[int, Column], values: tuple) -> bool:
    """The template's second row explains each column; a filled-in template may still have it."""
    seen = False
    for index, column in mapping.items():
        value = values[index] if index < len(values) else None
        if value is None or not str(value).strip():
            continue
        if header_key(value) != header_key(column.note):
            return False
        seen = True
    return seen


def _row_values(mapping: dict[int, Column], number: int, values: tuple) -> SheetRow:
    """A row's cells by column key, as the workbook has them: the kind's resource types them."""
    cells = {
        column.key: values[index] if index < len(values) else None
        for index, column in mapping.items()
        if column is not EXAMPLE_MARKER
    }
    return SheetRow(number=number, values=cells)


def sheet_read(
    *, kind: ImportKind, source: IO[bytes], progress: Callable[[int, int | None], None] | None = None
) -> SheetRead:
    """Every data row of the workbook; ``ImportFileError`` when the file or its header is unusable."""
    rows = workbook_rows(source, sheet_name=kind.sheet_name, progress=progress)
    first = next(rows, None)
    if first is None:
        raise ImportFileError("The workbook is empty. Download the template and fill it in.")
    header_number, header_values = first
    mapping = _header_map(kind, header_number, header_values)
    marker = next((index for index, column in mapping.items() if column is EXAMPLE_MARKER), None)
    result = SheetRead()
    for number, values in rows:
        if number == header_number + 1 and _is_notes_row(mapping, values):
            continue
        if marker is not None and marker < len(values) and is_example_mark(values[marker]):
            result.example_rows.append(number)
            continue
        row = _row_values(mapping, number, values)
        if kind.is_example(row):
            result.example_rows.append(number)
            continue
        result.rows.append(row)
    if not result.rows and not result.example_rows:
        raise ImportFileError("The workbook has a header row but no rows to import.")
    return result
