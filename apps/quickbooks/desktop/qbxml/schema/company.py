"""The company file itself: host, company and preferences queries, deletions, and data extensions (custom fields)."""

from apps.quickbooks.desktop.qbxml.schema.base import (
    DELETED_DATE_RANGE_FILTER,
    INCLUDE_RET_ELEMENT,
    OWNER_ID,
    REF,
    VALUE,
    many,
    node,
    plain_request,
    wrapped_request,
)

HOST_QUERY = node(IncludeListMetaData=node(IncludeMaxCapacity=VALUE), IncludeRetElement=INCLUDE_RET_ELEMENT)
COMPANY_QUERY = node(IncludeRetElement=INCLUDE_RET_ELEMENT, OwnerID=OWNER_ID)
PREFERENCES_QUERY = node(IncludeRetElement=INCLUDE_RET_ELEMENT)

# Deleted records are queried by type (repeated) within dates; these queries take no iterator.
LIST_DELETED_QUERY = node(
    ListDelType=many(VALUE),
    DeletedDateRangeFilter=DELETED_DATE_RANGE_FILTER,
    IncludeRetElement=INCLUDE_RET_ELEMENT,
)
TXN_DELETED_QUERY = node(
    TxnDelType=many(VALUE),
    DeletedDateRangeFilter=DELETED_DATE_RANGE_FILTER,
    IncludeRetElement=INCLUDE_RET_ELEMENT,
)
LIST_DEL = node(ListDelType=VALUE, ListID=VALUE)
TXN_DEL = node(TxnDelType=VALUE, TxnID=VALUE)

DATA_EXT_DEF_ADD = node(
    OwnerID=VALUE,
    DataExtName=VALUE,
    DataExtType=VALUE,
    AssignToObject=many(VALUE),
    DataExtListRequire=VALUE,
    DataExtTxnRequire=VALUE,
    DataExtFormatString=VALUE,
)
DATA_EXT_DEF_QUERY = node(OwnerID=OWNER_ID, AssignToObject=many(VALUE), IncludeRetElement=INCLUDE_RET_ELEMENT)

# A data extension belongs to a list object (ListDataExtType + ListObjRef), a transaction or its line
# (TxnDataExtType + TxnID + TxnLineID), or the company (OtherDataExtType).
_DATA_EXT_TARGET = {
    "OwnerID": VALUE,
    "DataExtName": VALUE,
    "ListDataExtType": VALUE,
    "ListObjRef": REF,
    "TxnDataExtType": VALUE,
    "TxnID": VALUE,
    "TxnLineID": VALUE,
    "OtherDataExtType": VALUE,
}
DATA_EXT_ADD = node(**_DATA_EXT_TARGET, DataExtValue=VALUE)
DATA_EXT_MOD = DATA_EXT_ADD
DATA_EXT_DEL = node(**_DATA_EXT_TARGET)

REQUESTS = (
    plain_request("HostQuery", HOST_QUERY),
    plain_request("CompanyQuery", COMPANY_QUERY),
    plain_request("PreferencesQuery", PREFERENCES_QUERY),
    plain_request("ListDeletedQuery", LIST_DELETED_QUERY),
    plain_request("TxnDeletedQuery", TXN_DELETED_QUERY),
    plain_request("ListDel", LIST_DEL),
    plain_request("TxnDel", TXN_DEL),
    wrapped_request("DataExtDefAdd", DATA_EXT_DEF_ADD),
    plain_request("DataExtDefQuery", DATA_EXT_DEF_QUERY),
    wrapped_request("DataExtAdd", DATA_EXT_ADD, include_ret_element=False),
    wrapped_request("DataExtMod", DATA_EXT_MOD, include_ret_element=False),
    wrapped_request("DataExtDel", DATA_EXT_DEL, include_ret_element=False),
)
