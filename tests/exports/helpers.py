"""Exporting a changelist the way the admin's Export page does, and reading the file back."""

import csv
import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import openpyxl
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Exported:
    """A downloaded export: its header row, its rows as values and, for xlsx, the openpyxl cells."""

    headers: list[str]
    rows: list[list[Any]]
    cells: list[list[Any]] = field(default_factory=list)

    def column(self, header: str) -> list[Any]:
        index = self.headers.index(header)
        return [row[index] for row in self.rows]

    def row_by(self, header: str, value: Any) -> dict[str, Any]:
        index = self.headers.index(header)
        (row,) = [row for row in self.rows if row[index] == value]
        return dict(zip(self.headers, row, strict=True))

    def cell_by(self, header: str, value: Any, column: str):
        index = self.headers.index(header)
        (row,) = [cells for cells in self.cells if cells[index].value == value]
        return row[self.headers.index(column)]


def export_url(label: str, params: dict | None = None) -> str:
    """``export_url("customers.customer", {"q": "bar"})``: the Export page of that changelist, with its filters."""
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_export")
    return f"{url}?{urlencode(params)}" if params else url


def export_form_data(label: str, file_format: str, resource: int = 0) -> dict[str, str]:
    """What the Export page posts with every column of the ``resource``-th export ticked, as a browser sends it."""
    model_admin = admin.site._registry[apps.get_model(label)]
    formats = [format_class().get_title() for format_class in model_admin.get_export_formats()]
    resource_class = model_admin.resource_classes[resource]
    prefix = resource_class.__name__.lower()
    data = {"format": str(formats.index(file_format)), "resource": str(resource)}
    data.update({f"{prefix}_{name}": "on" for name in resource_class().get_export_order()})
    return data


def post_export(client: Client, label: str, file_format: str, params: dict | None = None, *, resource: int = 0):
    return client.post(export_url(label, params), export_form_data(label, file_format, resource))


def read_export(response, file_format: str) -> Exported:
    assert response.status_code == 200, response.content[:500]
    if file_format == "xlsx":
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [list(row) for row in sheet.iter_rows()]
        headers = [cell.value for cell in cells[0]]
        return Exported(headers, [[cell.value for cell in row] for row in cells[1:]], cells[1:])
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return Exported(rows[0], rows[1:])


def export(client: Client, label: str, file_format: str, params: dict | None = None) -> Exported:
    return read_export(post_export(client, label, file_format, params), file_format)
