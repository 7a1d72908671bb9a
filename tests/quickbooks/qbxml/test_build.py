from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from apps.quickbooks.desktop.qbxml import QBXML_VERSION, Request, request_document


def _parse(document: str):
    return etree.fromstring(document.encode("utf-8"))


def _requests(document: str) -> list:
    return list(_parse(document).find("QBXMLMsgsRq"))


def test_document_header_and_envelope():
    document = request_document([Request(kind="HostQuery", fields={})], on_error="stopOnError")

    assert QBXML_VERSION == "13.0"
    assert document.startswith('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n<QBXML>')
    root = _parse(document)
    assert root.tag == "QBXML"
    pi = root.getprevious()
    assert (pi.target, pi.text) == ("qbxml", 'version="13.0"')
    messages = root.find("QBXMLMsgsRq")
    assert messages.get("onError") == "stopOnError"
    assert [element.tag for element in messages] == ["HostQueryRq"]


def test_on_error_defaults_to_continue_and_is_checked():
    document = request_document([Request(kind="CompanyQuery", fields={})])

    assert _parse(document).find("QBXMLMsgsRq").get("onError") == "continueOnError"
    with pytest.raises(ValueError, match="onError"):
        request_document([Request(kind="CompanyQuery", fields={})], on_error="ignore")


def test_requests_keep_their_order_and_request_ids():
    document = request_document(
        [
            Request(kind="CustomerAdd", fields={"Name": "Acme"}, request_id="customer-1"),
            Request(kind="CustomerQuery", fields={"FullName": ["Acme"]}),
            Request(kind="InvoiceQuery", fields={"TxnID": ["12-345"]}, request_id="invoice-7"),
        ]
    )

    requests = _requests(document)
    assert [(element.tag, element.get("requestID")) for element in requests] == [
        ("CustomerAddRq", "customer-1"),
        ("CustomerQueryRq", None),
        ("InvoiceQueryRq", "invoice-7"),
    ]


def test_add_and_mod_wrap_their_fields_and_keep_include_ret_element_outside():
    document = request_document(
        [
            Request(kind="CustomerAdd", fields={"IncludeRetElement": ["ListID", "EditSequence"], "Name": "Acme"}),
            Request(
                kind="CustomerMod", fields={"EditSequence": "1700000000", "ListID": "80000001-1700000000", "Phone": ""}
            ),
        ]
    )

    add, mod = _requests(document)
    assert [element.tag for element in add] == ["CustomerAdd", "IncludeRetElement", "IncludeRetElement"]
    assert [element.text for element in add.findall("IncludeRetElement")] == ["ListID", "EditSequence"]
    assert [(element.tag, element.text) for element in add.find("CustomerAdd")] == [("Name", "Acme")]
    assert [(element.tag, element.text) for element in mod.find("CustomerMod")] == [
        ("ListID", "80000001-1700000000"),
        ("EditSequence", "1700000000"),
        ("Phone", None),  # "" clears the field
    ]


def test_queries_put_their_fields_directly_in_the_request():
    document = request_document(
        [
            Request(
                kind="CustomerQuery",
                fields={
                    "OwnerID": ["0"],
                    "FromModifiedDate": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
                    "ActiveStatus": "All",
                    "MaxReturned": 100,
                },
            )
        ]
    )

    (query,) = _requests(document)
    assert [(element.tag, element.text) for element in query] == [
        ("MaxReturned", "100"),
        ("ActiveStatus", "All"),
        ("FromModifiedDate", "2024-05-01T12:00:00+00:00"),
        ("OwnerID", "0"),
    ]


def test_plain_requests_such_as_list_del_are_not_wrapped():
    document = request_document([Request(kind="ListDel", fields={"ListID": "80000005-1", "ListDelType": "Customer"})])

    (request,) = _requests(document)
    assert [(element.tag, element.text) for element in request] == [
        ("ListDelType", "Customer"),
        ("ListID", "80000005-1"),
    ]


def test_nested_and_repeated_elements():
    fields = {
        "RefNumber": "1001",
        "InvoiceLineAdd": [
            {"Amount": Decimal("150.00"), "ItemRef": {"FullName": "Labor"}, "Quantity": Decimal("1.5")},
            {"Desc": "Parts", "ItemRef": {"ListID": "80000010-1"}, "Amount": Decimal("20")},
        ],
        "CustomerRef": {"FullName": "Acme:Job 1", "ListID": "80000001-1"},
        "TxnDate": date(2024, 5, 2),
        "IsPending": False,
    }

    (request,) = _requests(request_document([Request(kind="InvoiceAdd", fields=fields)]))

    invoice = request.find("InvoiceAdd")
    assert [element.tag for element in invoice] == [
        "CustomerRef",
        "TxnDate",
        "RefNumber",
        "IsPending",
        "InvoiceLineAdd",
        "InvoiceLineAdd",
    ]
    assert [(element.tag, element.text) for element in invoice.find("CustomerRef")] == [
        ("ListID", "80000001-1"),
        ("FullName", "Acme:Job 1"),
    ]
    assert invoice.findtext("TxnDate") == "2024-05-02"
    assert invoice.findtext("IsPending") == "false"
    first, second = invoice.findall("InvoiceLineAdd")
    assert [(element.tag, element.text) for element in first] == [
        ("ItemRef", None),
        ("Quantity", "1.5"),
        ("Amount", "150.00"),
    ]
    assert [element.tag for element in second] == ["ItemRef", "Desc", "Amount"]


def test_invoice_mod_lines_name_their_txn_line_id():
    fields = {
        "InvoiceLineMod": [
            {"Amount": Decimal("10.00"), "TxnLineID": "3-1"},
            {"ItemRef": {"FullName": "Labor"}, "TxnLineID": "-1"},
        ],
        "EditSequence": "17",
        "TxnID": "3-1700",
    }

    (request,) = _requests(request_document([Request(kind="InvoiceMod", fields=fields)]))

    mod = request.find("InvoiceMod")
    assert [element.tag for element in mod] == ["TxnID", "EditSequence", "InvoiceLineMod", "InvoiceLineMod"]
    assert [line.findtext("TxnLineID") for line in mod.findall("InvoiceLineMod")] == ["3-1", "-1"]
    assert [element.tag for element in mod.findall("InvoiceLineMod")[0]] == ["TxnLineID", "Amount"]


def test_none_values_and_empty_aggregates_are_left_out():
    fields = {
        "Name": "Acme",
        "CompanyName": None,
        "BillAddress": {"Addr1": None, "City": None},
        "ShipToAddress": [],
        "ParentRef": None,
    }

    (request,) = _requests(request_document([Request(kind="CustomerAdd", fields=fields)]))

    assert [element.tag for element in request.find("CustomerAdd")] == ["Name"]


def test_tuples_are_repeated_elements_too():
    fields = {"ListDelType": ("Customer", "ItemService")}

    (request,) = _requests(request_document([Request(kind="ListDeletedQuery", fields=fields)]))

    assert [element.text for element in request] == ["Customer", "ItemService"]


def test_escaping_of_text_and_attributes():
    name = "Smith & Sons <\"Plumbing\"> 'Ltd'"
    document = request_document(
        [Request(kind="CustomerAdd", fields={"Name": name, "Notes": "a < b && c > d"}, request_id='id "1" & <2>')]
    )

    assert "Smith &amp; Sons &lt;" in document
    (request,) = _requests(document)
    assert request.get("requestID") == 'id "1" & <2>'
    assert request.findtext("CustomerAdd/Name") == name
    assert request.findtext("CustomerAdd/Notes") == "a < b && c > d"


def test_text_is_made_storable_for_quickbooks():
    fields = {"Name": "Győr \u2013 “Nord”", "Notes": "first line\nsecond\x00line"}

    (request,) = _requests(request_document([Request(kind="CustomerAdd", fields=fields)]))

    assert request.findtext("CustomerAdd/Name") == 'Gyor - "Nord"'
    assert request.findtext("CustomerAdd/Notes") == "first line\nsecondline"


def test_iterator_attributes():
    document = request_document(
        [
            Request(kind="CustomerQuery", fields={"MaxReturned": 50}, iterator="Start", request_id="1"),
            Request(kind="CustomerQuery", fields={"MaxReturned": 50}, iterator="Continue", iterator_id="{abc-123}"),
            Request(kind="InvoiceQuery", fields={}, iterator="Stop", iterator_id="{def-456}"),
        ]
    )

    start, more, stop = _requests(document)
    assert dict(start.attrib) == {"requestID": "1", "iterator": "Start"}
    assert dict(more.attrib) == {"iterator": "Continue", "iteratorID": "{abc-123}"}
    assert dict(stop.attrib) == {"iterator": "Stop", "iteratorID": "{def-456}"}


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (Request(kind="CustomerAdd", fields={"Name": "A"}, iterator="Start"), "does not take an iterator"),
        (Request(kind="ListDeletedQuery", fields={}, iterator="Start"), "does not take an iterator"),
        (Request(kind="CustomerQuery", fields={}, iterator="Next"), "iterator must be one of"),
        (Request(kind="CustomerQuery", fields={}, iterator="Continue"), "needs the iteratorID"),
        (Request(kind="CustomerQuery", fields={}, iterator="Stop"), "needs the iteratorID"),
        (Request(kind="CustomerQuery", fields={}, iterator="Start", iterator_id="x"), "takes no iteratorID"),
        (Request(kind="CustomerQuery", fields={}, iterator_id="x"), "needs an iterator"),
    ],
)
def test_iterator_mistakes_are_refused(request_, message):
    with pytest.raises(ValueError, match=message):
        request_document([request_])


def test_request_id_is_at_most_50_characters():
    request_document([Request(kind="HostQuery", fields={}, request_id="x" * 50)])
    with pytest.raises(ValueError, match="longer than 50"):
        request_document([Request(kind="HostQuery", fields={}, request_id="x" * 51)])


def test_unknown_field_is_named():
    with pytest.raises(ValueError, match="CustomerAdd has no element 'Nmae'"):
        request_document([Request(kind="CustomerAdd", fields={"Nmae": "Acme"})])


def test_unknown_nested_field_is_named_with_its_path():
    fields = {"Name": "Acme", "BillAddress": {"Street": "1 Main St"}}

    with pytest.raises(ValueError, match="CustomerAdd/BillAddress has no element 'Street'"):
        request_document([Request(kind="CustomerAdd", fields=fields)])


def test_online_only_fields_are_unknown():
    # Mobile exists in QuickBooks Online's CustomerAdd only.
    with pytest.raises(ValueError, match="no element 'Mobile'"):
        request_document([Request(kind="CustomerAdd", fields={"Name": "Acme", "Mobile": "555"})])


def test_a_field_of_another_request_is_unknown():
    with pytest.raises(ValueError, match="CustomerQuery has no element 'Name'"):
        request_document([Request(kind="CustomerQuery", fields={"Name": "Acme"})])


def test_include_ret_element_is_unknown_where_the_request_has_none():
    fields = {"OwnerID": "0", "DataExtName": "Crew", "IncludeRetElement": ["DataExtValue"]}

    with pytest.raises(ValueError, match="DataExtAdd has no element 'IncludeRetElement'"):
        request_document([Request(kind="DataExtAdd", fields=fields)])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"Name": ["A", "B"]}, "CustomerAdd/Name cannot repeat"),
        ({"Name": "A", "BillAddress": "1 Main St"}, "CustomerAdd/BillAddress has elements of its own"),
        ({"Name": {"FullName": "A"}}, "CustomerAdd/Name holds a value"),
        ({"Name": "A", "ShipToAddress": ["Site"]}, "CustomerAdd/ShipToAddress has elements of its own"),
    ],
)
def test_shape_mistakes_are_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        request_document([Request(kind="CustomerAdd", fields=fields)])


def test_unsupported_value_types_are_refused():
    with pytest.raises(TypeError, match="float is not a qbXML value"):
        request_document([Request(kind="InvoiceAdd", fields={"InvoiceLineAdd": [{"Amount": 10.5}]})])


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        request_document([Request(kind="CustomerQuery", fields={"FromModifiedDate": datetime(2024, 1, 1)})])


def test_add_without_fields_is_refused():
    with pytest.raises(ValueError, match="CustomerAdd has no fields"):
        request_document([Request(kind="CustomerAdd", fields={"Name": None, "IncludeRetElement": ["ListID"]})])


def test_fields_must_be_a_dict():
    with pytest.raises(ValueError, match="fields must be a dict"):
        request_document([Request(kind="CustomerQuery", fields=[("MaxReturned", 1)])])


def test_unknown_request_kind_is_refused():
    with pytest.raises(ValueError, match="unsupported qbXML request 'CustomerDelete'"):
        request_document([Request(kind="CustomerDelete", fields={})])


def test_a_document_needs_a_request():
    with pytest.raises(ValueError, match="at least one request"):
        request_document([])
