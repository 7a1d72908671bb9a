"""
Handing out stored files. Uploaded files have no public URL: each is handed out by a view that first checks who
asks (the customer's attachments, an import's workbook), through ``stored_file_response``.
"""

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from apps.customers.filetypes import OCTET_STREAM, FileType


def stored_file_response(*, file: FieldFile, file_name: str, file_type: FileType | None) -> HttpResponse:
    """
    A response handing out ``file`` under its original name ``file_name``.

    Only the types on the inline list (PDF, PNG, JPEG) open in the browser; everything else is downloaded. The
    content type is the file type's (``application/octet-stream`` without one), and browsers are told not to guess
    another (``X-Content-Type-Options: nosniff``), so a stored file is never run as a web page or a script.

    With ``FILES_X_ACCEL_REDIRECT_PREFIX`` set, the proxy in front sends the file's bytes (nginx's
    ``X-Accel-Redirect``) and the application only the headers.
    """
    content_type = file_type.content_type if file_type else OCTET_STREAM
    prefix = settings.FILES_X_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
    inline = file_type is not None and file_type.inline
    response["Content-Disposition"] = content_disposition_header(not inline, file_name or "file")
    response["X-Content-Type-Options"] = "nosniff"
    return response
