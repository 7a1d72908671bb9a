"""
The building blocks of the request specs: an element with its children in schema order, and the shapes that many
requests share (references, addresses, query filters).
"""

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Spec:
    """
    One qbXML element: its children in the order the schema requires, and whether it may repeat.

    An element without children holds a value. Of the alternatives of a choice (``ListID`` or ``FullName`` or
    filters) the caller sends one; they are listed in the order the schema gives them, which is all the builder needs.
    """

    children: tuple[tuple[str, "Spec"], ...] = ()
    repeats: bool = False

    @property
    def holds_value(self) -> bool:
        return not self.children

    @cached_property
    def index(self) -> dict[str, "Spec"]:
        return dict(self.children)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.children)


VALUE = Spec()


def node(**children: Spec) -> Spec:
    """An element whose children come in the order given (keyword arguments keep their order)."""
    return Spec(children=tuple(children.items()))


def many(spec: Spec) -> Spec:
    """The same element, allowed to repeat."""
    return Spec(children=spec.children, repeats=True)


@dataclass(frozen=True)
class RequestSpec:
    """
    What goes inside ``<{kind}Rq>``.

    Add and Mod requests (and the data-extension ones) wrap their fields in an element named after the request
    (``<CustomerAdd>`` inside ``<CustomerAddRq>``), followed by the request-level ``IncludeRetElement``; the others
    put their fields directly in the ``Rq`` element.
    """

    kind: str
    body: Spec
    wrapper: str = ""
    iterator: bool = False


def wrapped_request(kind: str, element: Spec, *, include_ret_element: bool = True) -> RequestSpec:
    body = node(**{kind: element, "IncludeRetElement": many(VALUE)}) if include_ret_element else node(**{kind: element})
    return RequestSpec(kind=kind, body=body, wrapper=kind)


def plain_request(kind: str, body: Spec, *, iterator: bool = False) -> RequestSpec:
    return RequestSpec(kind=kind, body=body, iterator=iterator)


# Shapes shared by many requests.

REF = node(ListID=VALUE, FullName=VALUE)

_ADDRESS_LINES = {
    "Addr1": VALUE,
    "Addr2": VALUE,
    "Addr3": VALUE,
    "Addr4": VALUE,
    "Addr5": VALUE,
    "City": VALUE,
    "State": VALUE,
    "PostalCode": VALUE,
    "Country": VALUE,
    "Note": VALUE,
}
ADDRESS = node(**_ADDRESS_LINES)
SHIP_TO_ADDRESS = node(Name=VALUE, **_ADDRESS_LINES, DefaultShipTo=VALUE)

ADDITIONAL_CONTACT_REF = node(ContactName=VALUE, ContactValue=VALUE)
ADDITIONAL_NOTES = node(Note=VALUE)
CREDIT_CARD_INFO = node(
    CreditCardNumber=VALUE,
    ExpirationMonth=VALUE,
    ExpirationYear=VALUE,
    NameOnCard=VALUE,
    CreditCardAddress=VALUE,
    CreditCardPostalCode=VALUE,
)
BAR_CODE = node(BarCodeValue=VALUE, AssignEvenIfUsed=VALUE, AllowOverride=VALUE)
DATA_EXT = node(OwnerID=VALUE, DataExtName=VALUE, DataExtValue=VALUE)
LINK_TO_TXN = node(TxnID=VALUE, TxnLineID=VALUE)
SET_CREDIT = node(CreditTxnID=VALUE, AppliedAmount=VALUE, Override=VALUE)

# Query filters.

NAME_FILTER = node(MatchCriterion=VALUE, Name=VALUE)
NAME_RANGE_FILTER = node(FromName=VALUE, ToName=VALUE)
AMOUNT_FILTER = node(Operator=VALUE, Amount=VALUE)
CURRENCY_FILTER = node(ListID=many(VALUE), FullName=many(VALUE))
LIST_FILTER = node(
    ListID=many(VALUE),
    FullName=many(VALUE),
    ListIDWithChildren=VALUE,
    FullNameWithChildren=VALUE,
)
MODIFIED_DATE_RANGE_FILTER = node(FromModifiedDate=VALUE, ToModifiedDate=VALUE)
TXN_DATE_RANGE_FILTER = node(FromTxnDate=VALUE, ToTxnDate=VALUE, DateMacro=VALUE)
REF_NUMBER_FILTER = node(MatchCriterion=VALUE, RefNumber=VALUE)
REF_NUMBER_RANGE_FILTER = node(FromRefNumber=VALUE, ToRefNumber=VALUE)
DELETED_DATE_RANGE_FILTER = node(FromDeletedDate=VALUE, ToDeletedDate=VALUE)

# The head every list query starts with: ListID | FullName | (MaxReturned, ActiveStatus, dates, name filter...).
LIST_QUERY_HEAD = {
    "ListID": many(VALUE),
    "FullName": many(VALUE),
    "MaxReturned": VALUE,
    "ActiveStatus": VALUE,
    "FromModifiedDate": VALUE,
    "ToModifiedDate": VALUE,
    "NameFilter": NAME_FILTER,
    "NameRangeFilter": NAME_RANGE_FILTER,
}

# The head of transaction queries: TxnID | RefNumber | RefNumberCaseSensitive | (MaxReturned, filters...).
TXN_QUERY_HEAD = {
    "TxnID": many(VALUE),
    "RefNumber": many(VALUE),
    "RefNumberCaseSensitive": many(VALUE),
    "MaxReturned": VALUE,
    "ModifiedDateRangeFilter": MODIFIED_DATE_RANGE_FILTER,
    "TxnDateRangeFilter": TXN_DATE_RANGE_FILTER,
    "EntityFilter": LIST_FILTER,
    "AccountFilter": LIST_FILTER,
    "RefNumberFilter": REF_NUMBER_FILTER,
    "RefNumberRangeFilter": REF_NUMBER_RANGE_FILTER,
    "CurrencyFilter": CURRENCY_FILTER,
}

INCLUDE_RET_ELEMENT = many(VALUE)
OWNER_ID = many(VALUE)
