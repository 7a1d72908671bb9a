"""
The faults QuickBooks Online answers a refused write or read with, as one exception type.

Messages and details follow what Intuit sends (its error-code reference, its developer blog and answers captured
from its sandbox); where Intuit's wording could not be confirmed the constructor says so.
"""

from dataclasses import dataclass
from typing import Any

INACTIVE_DETAIL = (
    "Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, "
    "vendors or employees."
)
PARSE_FAILURE_DETAIL = "Property Name:failed to parse json object; a property specified is unsupported or invalid"
NAME_CHARACTERS_DETAIL = (
    "Names must have at least one character, must be on one line, and cannot include colons or tabbing."
)
BUSINESS_VALIDATION_MESSAGE = "A business validation error has occurred while processing your request"


@dataclass(eq=False)
class QboFault(Exception):
    """
    One ``Error`` of Intuit's ``Fault`` envelope, raised by the entity services and rendered by the API layer.

    ``code`` is a string as Intuit sends it; ``status`` is the HTTP status of the whole answer (400 for every
    validation fault, including "Object Not Found").
    """

    code: str
    message: str
    detail: str
    element: str = ""
    fault_type: str = "ValidationFault"
    status: int = 400

    def __post_init__(self) -> None:
        super().__init__(f"{self.code} {self.message}: {self.detail}")

    def as_error(self) -> dict[str, Any]:
        """The ``Error`` item: ``{"Message", "Detail", "code", "element"}``."""
        return {"Message": self.message, "Detail": self.detail, "code": self.code, "element": self.element}


def unsupported_property() -> QboFault:
    """A property the entity does not have, or a value that is not of the property's type (2010)."""
    return QboFault("2010", "Request has invalid or unsupported property", PARSE_FAILURE_DETAIL)


def required_missing(name: str) -> QboFault:
    return QboFault(
        "2020",
        "Required param missing, need to supply the required value for the API",
        f"Required parameter {name} is missing in the request",
        element=name,
    )


def string_length(name: str, *, max_length: int, supplied: int) -> QboFault:
    return QboFault(
        "2050",
        "String length is either too long or too short",
        f"String length specified does not match the supported length. Min:0 Max:{max_length} supported. "
        f"Supplied length:{supplied}",
        element=name,
    )


def invalid_enumeration(name: str, value: str) -> QboFault:
    return QboFault("2170", "Invalid Enumeration", f"Invalid Enumeration : {value}", element=name)


def invalid_name(name: str) -> QboFault:
    """A name with a colon, tab or line break (code and wording captured from Intuit's sandbox)."""
    return QboFault("2180", "Invalid Enumeration", NAME_CHARACTERS_DETAIL, element=name)


def invalid_reference(list_name: str, entity_id: str) -> QboFault:
    """A reference to an object that does not exist, e.g. ``Names element id 583 not found``."""
    return QboFault(
        "2500", "Invalid Reference Id", f"Invalid Reference Id : {list_name} element id {entity_id} not found"
    )


def object_not_found(detail: str = INACTIVE_DETAIL) -> QboFault:
    """610: a missing object, a reference to an inactive one, or (with its own detail) a deleted transaction."""
    return QboFault("610", "Object Not Found", f"Object Not Found : {detail}")


def deleted_transaction() -> QboFault:
    return object_not_found("Another user has deleted this transaction.")


def unsupported_operation(operation: str) -> QboFault:
    """500, e.g. ``Operation Delete is not supported.`` for a name-list object (captured from Intuit's sandbox)."""
    text = f"Operation {operation} is not supported."
    return QboFault("500", "Unsupported Operation", text)


def stale_object(user_name: str) -> QboFault:
    return QboFault(
        "5010",
        "Stale Object Error",
        f"Stale Object Error : You and {user_name} were working on this at the same time. {user_name} finished "
        "before you did, so your work was not saved.",
    )


def business_validation(reason: str, *, element: str = "") -> QboFault:
    """6000, ``Business Validation Error: <reason>``."""
    return QboFault("6000", BUSINESS_VALIDATION_MESSAGE, f"Business Validation Error: {reason}", element=element)


def amount_mismatch(amount: str) -> QboFault:
    return QboFault(
        "6070",
        "Amount calculation incorrect in the request",
        f"Amount is not equal to UnitPrice * Qty. Supplied value:{amount}",
        element="Line.Amount",
    )


def discount_missing() -> QboFault:
    return QboFault("6090", "Discount Line missing required info.", "Discount amount or percent should be provided.")


def no_name_provided() -> QboFault:
    return QboFault(
        "6080",
        "No Name Provided",
        "Title, GivenName, MiddleName, FamilyName, DisplayName, Suffix - one of these must be non-empty",
    )


def invalid_line_tax_code(value: str) -> QboFault:
    return QboFault(
        "6100",
        "Invalid Line TaxCode in the request",
        f"Valid Line TaxCodes for US should be TAX or NON. Supplied value:{value}",
        element="TaxCodeRef",
    )


def duplicate_doc_number(doc_number: str, txn_type: str, txn_id: str) -> QboFault:
    return QboFault(
        "6140",
        "Duplicate Document Number Error",
        "Duplicate Document Number Error : You must specify a different number. This number has already been used. "
        f"DocNumber={doc_number} is assigned to TxnType={txn_type} with TxnId={txn_id}",
    )


def parent_ref_required() -> QboFault:
    """6150; Intuit's reference names the code, the detail wording is the sandbox's."""
    return QboFault(
        "6150",
        "ParentRef Required Validation Error",
        "Business Validation Error: A sub-customer or job (Job is true) needs a ParentRef.",
        element="ParentRef",
    )


def sub_level_limit() -> QboFault:
    return QboFault(
        "6180", "Sub Level Limit", "Business Validation Error: You can nest up to 5 levels.", element="ParentRef"
    )


def parent_cannot_be_child() -> QboFault:
    return QboFault(
        "900", "Parent cannot be child", "The same object can't be the parent or child of itself.", element="ParentRef"
    )


def has_balance() -> QboFault:
    """6220, as Intuit answers making a customer with an open balance inactive."""
    return QboFault(
        "6220",
        "Delete List Has Balance Error",
        "The entity you are trying to delete has an open balance. : This customer cannot be deleted because it has "
        "a non-zero balance",
    )


def duplicate_name(detail: str) -> QboFault:
    return QboFault("6240", "Duplicate Name Exists Error", f"The name supplied already exists. : {detail}")


def invalid_request_id(length: int, max_length: int = 50) -> QboFault:
    """A ``requestid`` over its limit (code from Intuit's reference; the detail is the sandbox's)."""
    return QboFault(
        "2130",
        "Invalid Request Id Format",
        f"RequestId can be at most {max_length} characters long. Supplied length:{length}",
        element="requestid",
    )
