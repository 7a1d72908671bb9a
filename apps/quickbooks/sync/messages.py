"""Intuit's faults in words a bookkeeper understands, with what to do about them."""

from apps.quickbooks.errors import ApiError, QuickBooksError

_BY_CODE = {
    "6240": "A customer, vendor or employee in QuickBooks already uses the name {name}. QuickBooks names must be "
    "unique across those lists (inactive ones included): rename one of them.",
    "6220": "QuickBooks does not make {name} inactive while it has an open balance: settle or write off its "
    "invoices in QuickBooks first.",
    "6000": "QuickBooks refused {name}: {detail}",
    "610": "{name} no longer exists in QuickBooks (deleted, or a record it refers to is inactive).",
    "5010": "{name} was changed in QuickBooks while FieldOffice was sending it; it will be sent again.",
    "6140": "Another QuickBooks transaction already has the number of {name}.",
    "2020": "QuickBooks needs more for {name}: {detail}",
    "2210": "The email address of {name} is not one QuickBooks accepts.",
    "6150": "{name} refers to a parent customer QuickBooks does not have.",
    "6180": "{name} sits deeper under its parent customer than the 4 levels QuickBooks allows.",
}


def plain_reason(error: QuickBooksError, name: str) -> str:
    """
    The sentence for a run's log: the backend's own sentence for the fault, else known codes in plain words, else
    QuickBooks' own explanation.
    """
    if isinstance(error, ApiError) and (template := error.plain or _BY_CODE.get(error.code)):
        detail = error.detail or (error.errors[0].message if error.errors else "")
        return template.format(name=name, detail=detail or "no explanation given")
    return f"{name}: {error.message}"
