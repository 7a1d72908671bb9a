"""
The customers app's lists as files: their exports (see ``apps.core.resources``) and the imports that read the same
columns (``apps.core.columns``, ``apps.core.importing``), one module a list.
"""

from apps.customers.resources.attachments import (
    ATTACHMENT_COLUMNS,
    NO_ATTACHMENT_ARCHIVE,
    CustomerAttachmentResource,
)
from apps.customers.resources.common import CUSTOMER_HELP, EXAMPLE_CUSTOMER, EXAMPLE_LOCATION, EXAMPLE_NUMBER
from apps.customers.resources.customers import (
    ADDRESS_FIELDS,
    CUSTOMER_COLUMNS,
    CUSTOMER_KEYS,
    LOCATION_KEYS,
    LOCATION_PREFIX,
    CustomerResource,
    LocationsPlan,
    ServiceLocationResource,
)
from apps.customers.resources.notes import NOTE_COLUMNS, CustomerNoteResource, note_text_key

__all__ = [
    "ADDRESS_FIELDS",
    "ATTACHMENT_COLUMNS",
    "CUSTOMER_COLUMNS",
    "CUSTOMER_HELP",
    "CUSTOMER_KEYS",
    "EXAMPLE_CUSTOMER",
    "EXAMPLE_LOCATION",
    "EXAMPLE_NUMBER",
    "LOCATION_KEYS",
    "LOCATION_PREFIX",
    "NOTE_COLUMNS",
    "NO_ATTACHMENT_ARCHIVE",
    "CustomerAttachmentResource",
    "CustomerNoteResource",
    "CustomerResource",
    "LocationsPlan",
    "ServiceLocationResource",
    "note_text_key",
]
