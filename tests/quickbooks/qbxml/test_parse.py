import pytest

from apps.quickbooks.desktop.qbxml import QbXmlParseError, Response, response_document_parse


def _document(body: str, *, encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<?qbxml version="13.0"?>\n'
        f"<QBXML>\n<QBXMLMsgsRs>\n{body}\n</QBXMLMsgsRs>\n</QBXML>\n"
    )


def _customer_named(name: str) -> str:
    return (
        '<CustomerQueryRs statusCode="0" statusSeverity="Info">'
        f"<CustomerRet><Name>{name}</Name></CustomerRet></CustomerQueryRs>"
    )


CUSTOMER_RET = """
<CustomerRet>
  <ListID>80000001-1700000000</ListID>
  <TimeCreated>2024-01-05T10:00:00-05:00</TimeCreated>
  <TimeModified>2024-05-01T09:30:00-05:00</TimeModified>
  <EditSequence>1714570200</EditSequence>
  <Name>Job 1</Name>
  <FullName>Acme:Job 1</FullName>
  <IsActive>true</IsActive>
  <ParentRef><ListID>80000000-1</ListID><FullName>Acme</FullName></ParentRef>
  <Sublevel>1</Sublevel>
  <BillAddress><Addr1>1 Main St</Addr1><City>Springfield</City></BillAddress>
  <ShipToAddress><Name>Site A</Name><Addr1>5 Elm St</Addr1><DefaultShipTo>true</DefaultShipTo></ShipToAddress>
  <Balance>150.00</Balance>
  <Notes></Notes>
  <DataExtRet><OwnerID>0</OwnerID><DataExtName>Crew</DataExtName><DataExtType>STR255TYPE</DataExtType>
    <DataExtValue>Blue</DataExtValue></DataExtRet>
</CustomerRet>
"""


def test_several_responses_with_their_statuses():
    body = f"""
<CustomerAddRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
{CUSTOMER_RET}
</CustomerAddRs>
<CustomerQueryRs requestID="2" statusCode="1" statusSeverity="Info"
    statusMessage="A query request did not find a matching object in QuickBooks" retCount="0" />
<CustomerAddRs requestID="3" statusCode="3100" statusSeverity="Error"
    statusMessage="The name &quot;Acme&quot; of the list element is already in use." />
<CustomerModRs requestID="4" statusCode="3200" statusSeverity="Error"
    statusMessage="The provided edit sequence &quot;1&quot; is out-of-date. " />
"""

    added, nothing, duplicate, stale = response_document_parse(_document(body))

    assert (added.kind, added.request_id, added.status_code, added.severity) == ("CustomerAdd", "1", 0, "Info")
    assert added.message == "Status OK"
    assert (added.ok, added.found) == (True, True)
    assert [record["ListID"] for record in added.records] == ["80000001-1700000000"]
    assert added.record_types == ["CustomerRet"]

    assert (nothing.kind, nothing.status_code, nothing.records) == ("CustomerQuery", 1, [])
    assert (nothing.ok, nothing.found) == (True, False)

    assert (duplicate.status_code, duplicate.severity, duplicate.ok, duplicate.found) == (3100, "Error", False, False)
    assert duplicate.message == 'The name "Acme" of the list element is already in use.'
    assert duplicate.records == []

    assert (stale.kind, stale.status_code, stale.ok) == ("CustomerMod", 3200, False)
    assert (stale.iterator_id, stale.remaining) == ("", None)


def test_record_keeps_elements_under_their_names_with_repeated_ones_as_lists():
    (response,) = response_document_parse(
        _document(
            f'<CustomerQueryRs requestID="q" statusCode="0" statusSeverity="Info">{CUSTOMER_RET}</CustomerQueryRs>'
        )
    )

    assert response.records == [
        {
            "ListID": "80000001-1700000000",
            "TimeCreated": "2024-01-05T10:00:00-05:00",
            "TimeModified": "2024-05-01T09:30:00-05:00",
            "EditSequence": "1714570200",
            "Name": "Job 1",
            "FullName": "Acme:Job 1",
            "IsActive": "true",
            "ParentRef": {"ListID": "80000000-1", "FullName": "Acme"},
            "Sublevel": "1",
            "BillAddress": {"Addr1": "1 Main St", "City": "Springfield"},
            "ShipToAddress": [{"Name": "Site A", "Addr1": "5 Elm St", "DefaultShipTo": "true"}],
            "Balance": "150.00",
            "Notes": "",
            "DataExtRet": [
                {"OwnerID": "0", "DataExtName": "Crew", "DataExtType": "STR255TYPE", "DataExtValue": "Blue"}
            ],
        }
    ]


def test_iterator_attributes():
    body = f"""
<CustomerQueryRs requestID="9" statusCode="0" statusSeverity="Info" statusMessage="Status OK" retCount="1"
    iteratorRemainingCount="245" iteratorID="{{eb05f701-e727-472f-8ade-6753c4f67a46}}">{CUSTOMER_RET}</CustomerQueryRs>
"""

    (response,) = response_document_parse(_document(body))

    assert response.iterator_id == "{eb05f701-e727-472f-8ade-6753c4f67a46}"
    assert response.remaining == 245


def test_invoice_lines_links_and_groups_are_always_lists():
    body = """
<InvoiceQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK">
  <InvoiceRet>
    <TxnID>1A-1700</TxnID>
    <CustomerRef><ListID>80000001-1</ListID><FullName>Acme</FullName></CustomerRef>
    <RefNumber>1001</RefNumber>
    <ItemSalesTaxRef><FullName>State Tax</FullName></ItemSalesTaxRef>
    <LinkedTxn><TxnID>1B-1700</TxnID><TxnType>ReceivePayment</TxnType><Amount>-50.00</Amount></LinkedTxn>
    <InvoiceLineRet><TxnLineID>1C-1</TxnLineID><ItemRef><FullName>Labor</FullName></ItemRef>
      <Amount>100.00</Amount></InvoiceLineRet>
    <InvoiceLineGroupRet><TxnLineID>1D-1</TxnLineID>
      <InvoiceLineRet><TxnLineID>1E-1</TxnLineID><Amount>10.00</Amount></InvoiceLineRet>
    </InvoiceLineGroupRet>
    <InvoiceLineRet><TxnLineID>1F-1</TxnLineID><Amount>5.00</Amount></InvoiceLineRet>
  </InvoiceRet>
</InvoiceQueryRs>
"""

    ((invoice,),) = [response.records for response in response_document_parse(_document(body))]

    assert invoice["ItemSalesTaxRef"] == {"FullName": "State Tax"}  # one only, outside a sales tax group
    assert invoice["LinkedTxn"] == [{"TxnID": "1B-1700", "TxnType": "ReceivePayment", "Amount": "-50.00"}]
    assert [line["TxnLineID"] for line in invoice["InvoiceLineRet"]] == ["1C-1", "1F-1"]
    assert invoice["InvoiceLineGroupRet"] == [
        {"TxnLineID": "1D-1", "InvoiceLineRet": [{"TxnLineID": "1E-1", "Amount": "10.00"}]}
    ]


def test_payment_applied_to_txns_are_lists():
    body = """
<ReceivePaymentAddRs statusCode="0" statusSeverity="Info">
  <ReceivePaymentRet><TxnID>2A-1</TxnID><TotalAmount>50.00</TotalAmount>
    <AppliedToTxnRet><TxnID>1A-1700</TxnID><TxnType>Invoice</TxnType><Amount>50.00</Amount></AppliedToTxnRet>
  </ReceivePaymentRet>
</ReceivePaymentAddRs>
"""

    (response,) = response_document_parse(_document(body))

    assert response.records[0]["AppliedToTxnRet"] == [{"TxnID": "1A-1700", "TxnType": "Invoice", "Amount": "50.00"}]


def test_sales_tax_group_lists_its_items():
    body = """
<ItemQueryRs statusCode="0" statusSeverity="Info">
  <ItemServiceRet><ListID>10-1</ListID><Name>Labor</Name>
    <SalesOrPurchase><Price>75.00</Price><AccountRef><FullName>Income</FullName></AccountRef></SalesOrPurchase>
  </ItemServiceRet>
  <ItemSalesTaxGroupRet><ListID>11-1</ListID><Name>County</Name>
    <ItemSalesTaxRef><FullName>State Tax</FullName></ItemSalesTaxRef>
  </ItemSalesTaxGroupRet>
  <ItemServiceRet><ListID>12-1</ListID><Name>Travel</Name></ItemServiceRet>
</ItemQueryRs>
"""

    (response,) = response_document_parse(_document(body))

    assert response.record_types == ["ItemServiceRet", "ItemSalesTaxGroupRet", "ItemServiceRet"]
    assert [record["Name"] for record in response.records_of("ItemServiceRet")] == ["Labor", "Travel"]
    (group,) = response.records_of("ItemSalesTaxGroupRet")
    assert group["ItemSalesTaxRef"] == [{"FullName": "State Tax"}]
    assert response.records[0]["SalesOrPurchase"] == {"Price": "75.00", "AccountRef": {"FullName": "Income"}}


def test_deleted_lists_and_transactions():
    body = """
<ListDeletedQueryRs requestID="d1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
  <ListDeletedRet><ListDelType>Customer</ListDelType><ListID>80000007-1</ListID>
    <TimeCreated>2024-01-01T08:00:00-05:00</TimeCreated><TimeDeleted>2024-05-01T08:00:00-05:00</TimeDeleted>
    <FullName>Old Customer</FullName></ListDeletedRet>
</ListDeletedQueryRs>
<TxnDeletedQueryRs requestID="d2" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
  <TxnDeletedRet><TxnDelType>Invoice</TxnDelType><TxnID>3A-1</TxnID><RefNumber>1002</RefNumber></TxnDeletedRet>
  <TxnDeletedRet><TxnDelType>ReceivePayment</TxnDelType><TxnID>3B-1</TxnID></TxnDeletedRet>
</TxnDeletedQueryRs>
"""

    lists, txns = response_document_parse(_document(body))

    assert lists.kind == "ListDeletedQuery"
    assert lists.records == [
        {
            "ListDelType": "Customer",
            "ListID": "80000007-1",
            "TimeCreated": "2024-01-01T08:00:00-05:00",
            "TimeDeleted": "2024-05-01T08:00:00-05:00",
            "FullName": "Old Customer",
        }
    ]
    assert txns.record_types == ["TxnDeletedRet", "TxnDeletedRet"]
    assert [record["TxnID"] for record in txns.records] == ["3A-1", "3B-1"]


def test_list_del_result_is_its_one_record_and_error_recovery_is_skipped():
    body = """
<ListDelRs requestID="x" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
  <ListDelType>Customer</ListDelType><ListID>80000007-1</ListID>
  <TimeDeleted>2024-05-01T08:00:00-05:00</TimeDeleted><FullName>Old Customer</FullName>
</ListDelRs>
<CustomerAddRs statusCode="3100" statusSeverity="Error" statusMessage="In use">
  <ErrorRecovery><ListID>80000001-1</ListID><EditSequence>17</EditSequence></ErrorRecovery>
</CustomerAddRs>
"""

    deleted, failed = response_document_parse(_document(body))

    assert deleted.records == [
        {
            "ListDelType": "Customer",
            "ListID": "80000007-1",
            "TimeDeleted": "2024-05-01T08:00:00-05:00",
            "FullName": "Old Customer",
        }
    ]
    assert deleted.record_types == ["ListDelRs"]
    assert failed.records == []


def test_host_response_lists_supported_versions():
    body = """
<HostQueryRs statusCode="0" statusSeverity="Info">
  <HostRet><ProductName>QuickBooks Pro 2024</ProductName><MajorVersion>34</MajorVersion>
    <SupportedQBXMLVersion>13.0</SupportedQBXMLVersion></HostRet>
</HostQueryRs>
"""

    (response,) = response_document_parse(_document(body))

    assert response.records[0]["SupportedQBXMLVersion"] == ["13.0"]


def test_some_not_found_is_ok_and_found():
    body = """
<CustomerQueryRs statusCode="500" statusSeverity="Warn" statusMessage="The query request has not been fully completed.">
  <CustomerRet><ListID>1-1</ListID></CustomerRet>
</CustomerQueryRs>
"""

    (response,) = response_document_parse(_document(body))

    assert (response.ok, response.found) == (True, True)


@pytest.mark.parametrize(
    ("status_code", "severity", "ok", "found"),
    [
        (0, "", True, True),
        (1, "", True, False),
        (500, "", True, True),
        (3100, "", False, False),
        (530, "Warn", True, True),
    ],
)
def test_ok_and_found(status_code, severity, ok, found):
    response = Response(
        kind="CustomerQuery", request_id="", status_code=status_code, severity=severity, message="", records=[]
    )

    assert (response.ok, response.found) == (ok, found)


def test_unexpected_duplicates_are_kept():
    body = """
<CustomerQueryRs statusCode="0" statusSeverity="Info">
  <CustomerRet><ListID>1-1</ListID><Phone>555-0100</Phone><Phone>555-0101</Phone><Phone>555-0102</Phone></CustomerRet>
</CustomerQueryRs>
"""

    (response,) = response_document_parse(_document(body))

    assert response.records[0]["Phone"] == ["555-0100", "555-0101", "555-0102"]


def test_empty_responses():
    assert response_document_parse(_document("")) == []
    assert response_document_parse("<QBXML><QBXMLMsgsRs/></QBXML>") == []


def test_comments_and_stray_elements_are_ignored():
    body = """
<!-- a comment -->
<CustomerQueryRs statusCode="1" statusSeverity="Info"><!-- inside --></CustomerQueryRs>
"""

    (response,) = response_document_parse(_document(body))

    assert (response.kind, response.records) == ("CustomerQuery", [])


@pytest.mark.parametrize("encoding", ["windows-1252", "ISO-8859-1", "utf-8"])
def test_bytes_are_read_in_their_declared_encoding(encoding):
    name = "Café “Ümlaut” \u2013 €5" if encoding == "windows-1252" else "Café Ümlaut"
    body = _customer_named(name)
    document = _document(body, encoding=encoding).encode(encoding)

    (response,) = response_document_parse(document)

    assert response.records[0]["Name"] == name


def test_undeclared_bytes_that_are_not_utf8_are_read_as_windows_1252():
    document = (
        '<?xml version="1.0"?><QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode="0" statusSeverity="Info">'
        "<CustomerRet><Name>Müller \u2013 Söhne</Name></CustomerRet></CustomerQueryRs></QBXMLMsgsRs></QBXML>"
    ).encode("cp1252")

    (response,) = response_document_parse(document)

    assert response.records[0]["Name"] == "Müller \u2013 Söhne"


def test_a_string_is_taken_as_decoded_whatever_its_declaration_says():
    body = _customer_named("Café \u2013 €")

    (response,) = response_document_parse("\ufeff" + _document(body, encoding="windows-1252"))

    assert response.records[0]["Name"] == "Café \u2013 €"


def test_a_document_type_declaration_is_refused_not_read_with_its_entities_left_out():
    document = """<?xml version="1.0"?>
<!DOCTYPE QBXML [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode="0" statusSeverity="Info">
<CustomerRet><Name>&secret;</Name></CustomerRet></CustomerQueryRs></QBXMLMsgsRs></QBXML>"""

    with pytest.raises(QbXmlParseError, match="document type declaration, which FieldOffice refuses"):
        response_document_parse(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("", "empty"),
        (b"   ", "empty"),
        ("Internal Server Error", "not well-formed"),
        (b"\x00\x01\x02garbage", "not well-formed"),
        ("<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode='0'>", "not well-formed"),
        ("<html><body>Bad gateway</body></html>", "expected a QBXML document, got <html>"),
        (
            '<QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>',
            "no QBXMLMsgsRs",
        ),
        ("<QBXML><QBXMLMsgsRs><CustomerQueryRs statusSeverity='Info'/></QBXMLMsgsRs></QBXML>", "has no statusCode"),
        (
            "<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode='OK'/></QBXMLMsgsRs></QBXML>",
            "statusCode that is not a number",
        ),
        (
            "<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode='0' iteratorRemainingCount='many'/></QBXMLMsgsRs></QBXML>",
            "iteratorRemainingCount that is not a number",
        ),
        (None, "text or bytes"),
    ],
)
def test_garbage_is_a_parse_error(document, message):
    with pytest.raises(QbXmlParseError, match=message):
        response_document_parse(document)


def test_parse_error_is_a_value_error():
    assert issubclass(QbXmlParseError, ValueError)
