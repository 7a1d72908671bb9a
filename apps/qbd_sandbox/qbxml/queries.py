"""Specs of the query and delete requests, and the enumerations they use."""

from apps.qbd_sandbox.qbxml.fields import F, S, agg

ACTIVE_STATUS = ("ActiveOnly", "InactiveOnly", "All")
MATCH_CRITERION = ("StartsWith", "Contains", "EndsWith")
PAID_STATUS = ("All", "PaidOnly", "NotPaidOnly")
DATE_MACROS = (
    "All",
    "Today",
    "ThisWeek",
    "ThisWeekToDate",
    "ThisMonth",
    "ThisMonthToDate",
    "ThisQuarter",
    "ThisQuarterToDate",
    "ThisYear",
    "ThisYearToDate",
    "Yesterday",
    "LastWeek",
    "LastWeekToDate",
    "LastMonth",
    "LastMonthToDate",
    "LastQuarter",
    "LastQuarterToDate",
    "LastYear",
    "LastYearToDate",
    "NextWeek",
    "NextFourWeeks",
    "NextMonth",
    "NextQuarter",
    "NextYear",
)
LIST_DEL_TYPES = (
    "Account",
    "Customer",
    "DateDrivenTerms",
    "Employee",
    "ItemInventory",
    "ItemNonInventory",
    "ItemSalesTax",
    "ItemSalesTaxGroup",
    "ItemService",
    "OtherName",
    "PaymentMethod",
    "SalesTaxCode",
    "StandardTerms",
    "Vendor",
)
TXN_DEL_TYPES = ("Estimate", "Invoice", "PurchaseOrder", "ReceivePayment")
# Of the transactions QuickBooks voids, the ones this company file keeps.
TXN_VOID_TYPES = ("Invoice",)
NAME_FILTER = agg(
    "NameFilter", F("MatchCriterion", "enum", choices=MATCH_CRITERION, required=True), S("Name", required=True)
)
NAME_RANGE_FILTER = agg("NameRangeFilter", S("FromName"), S("ToName"))
SELECTORS = {"ListID", "FullName", "TxnID", "RefNumber", "RefNumberCaseSensitive"}


def list_query(*, owner: bool = True, extra: tuple[F, ...] = ()) -> tuple[F, ...]:
    """A list query: ListID* | FullName* | filters; then IncludeRetElement* and (most lists) OwnerID*."""
    return (
        F("ListID", "id", repeat=True),
        S("FullName", repeat=True),
        F("MaxReturned", "int"),
        F("ActiveStatus", "enum", choices=ACTIVE_STATUS),
        F("FromModifiedDate", "datetime"),
        F("ToModifiedDate", "datetime"),
        NAME_FILTER,
        NAME_RANGE_FILTER,
        *extra,
        S("IncludeRetElement", 50, repeat=True),
        *((S("OwnerID", repeat=True),) if owner else ()),
    )


def _ref_filter(name: str) -> F:
    return agg(
        name,
        F("ListID", "id", repeat=True),
        S("FullName", repeat=True),
        F("ListIDWithChildren", "id"),
        S("FullNameWithChildren"),
    )


def txn_query(*, paid_status: bool, linked_txns: bool, item_filter: bool = False) -> tuple[F, ...]:
    """A transaction query: TxnID* | RefNumber* | filters; then what to include."""
    return (
        F("TxnID", "id", repeat=True),
        S("RefNumber", repeat=True),
        S("RefNumberCaseSensitive", repeat=True),
        F("MaxReturned", "int"),
        agg("ModifiedDateRangeFilter", F("FromModifiedDate", "datetime"), F("ToModifiedDate", "datetime")),
        agg(
            "TxnDateRangeFilter",
            F("FromTxnDate", "date"),
            F("ToTxnDate", "date"),
            F("DateMacro", "enum", choices=DATE_MACROS),
        ),
        _ref_filter("EntityFilter"),
        *((_ref_filter("ItemFilter"),) if item_filter else ()),
        agg(
            "RefNumberFilter",
            F("MatchCriterion", "enum", choices=MATCH_CRITERION, required=True),
            S("RefNumber", required=True),
        ),
        agg("RefNumberRangeFilter", S("FromRefNumber"), S("ToRefNumber")),
        *((F("PaidStatus", "enum", choices=PAID_STATUS),) if paid_status else ()),
        F("IncludeLineItems", "bool"),
        *((F("IncludeLinkedTxns", "bool"),) if linked_txns else ()),
        S("IncludeRetElement", 50, repeat=True),
        S("OwnerID", repeat=True),
    )


DELETED_DATE_RANGE = agg("DeletedDateRangeFilter", F("FromDeletedDate", "datetime"), F("ToDeletedDate", "datetime"))
LIST_DELETED_QUERY = (
    F("ListDelType", "enum", choices=LIST_DEL_TYPES, repeat=True, required=True),
    DELETED_DATE_RANGE,
)
TXN_DELETED_QUERY = (
    F("TxnDelType", "enum", choices=TXN_DEL_TYPES, repeat=True, required=True),
    DELETED_DATE_RANGE,
)
LIST_DEL = (F("ListDelType", "enum", choices=LIST_DEL_TYPES, required=True), F("ListID", "id", required=True))
TXN_DEL = (F("TxnDelType", "enum", choices=TXN_DEL_TYPES, required=True), F("TxnID", "id", required=True))
TXN_VOID = (F("TxnVoidType", "enum", choices=TXN_VOID_TYPES, required=True), F("TxnID", "id", required=True))
