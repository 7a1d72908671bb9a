"""Parsing Intuit's query language: what it accepts, and the Fault it answers the rest with."""

from decimal import Decimal

import pytest

from apps.qbo_sandbox.query import (
    Condition,
    Field,
    Operator,
    Ordering,
    Query,
    QueryParserError,
    QueryValidationError,
    active_default_applies,
    parse,
    pushdown_filters,
)

ENTITIES = ["Customer", "Invoice", "Item", "Vendor", "Account", "Term", "Payment"]


def _cond(field: str, operator: Operator, *values) -> Condition:
    return Condition(Field.of(field), operator, tuple(values))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * FROM Customer", Query("Customer")),
        ("select * from Customer", Query("Customer")),
        (
            r"select * from Customer where DisplayName = 'O\'Brien'",
            Query("Customer", where=(_cond("DisplayName", Operator.EQ, "O'Brien"),)),
        ),
        (
            "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > '2015-01-01T00:00:00-08:00' "
            "ORDERBY MetaData.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000",
            Query(
                "Invoice",
                where=(_cond("MetaData.LastUpdatedTime", Operator.GT, "2015-01-01T00:00:00-08:00"),),
                order_by=(Ordering(Field.of("MetaData.LastUpdatedTime")),),
                start_position=1,
                max_results=1000,
            ),
        ),
        (
            "SELECT COUNT(*) FROM Item WHERE Type = 'Inventory'",
            Query("Item", count=True, where=(_cond("Type", Operator.EQ, "Inventory"),)),
        ),
        ("select count(*) from Customer", Query("Customer", count=True)),
        (
            "select * from Customer where Id in ('1','2')",
            Query("Customer", where=(_cond("Id", Operator.IN, "1", "2"),)),
        ),
        (
            "SELECT * FROM Customer WHERE DisplayName LIKE 'Bas%'",
            Query("Customer", where=(_cond("DisplayName", Operator.LIKE, "Bas%"),)),
        ),
        (
            "SELECT * FROM Customer WHERE Active IN (true, false)",
            Query("Customer", where=(_cond("Active", Operator.IN, True, False),)),
        ),
        # python-quickbooks writes Python booleans (True) and numbers unquoted.
        (
            "SELECT * FROM Customer WHERE Active = True AND Id = 58",
            Query("Customer", where=(_cond("Active", Operator.EQ, True), _cond("Id", Operator.EQ, Decimal("58")))),
        ),
        # python-quickbooks' Item.all() asks for "*, Sku": every property still comes back.
        ("SELECT *, Sku FROM Item MAXRESULTS 100", Query("Item")),
        # ... and its all() writes "ORDER BY" in two words, which Intuit's grammar also takes.
        (
            "SELECT * FROM Customer ORDER BY DisplayName DESC STARTPOSITION 101 MAXRESULTS 100",
            Query("Customer", order_by=(Ordering(Field.of("DisplayName"), descending=True),), start_position=101),
        ),
        (
            "SELECT * FROM Customer ORDERBY FamilyName ASC, GivenName DESC",
            Query(
                "Customer",
                order_by=(Ordering(Field.of("FamilyName")), Ordering(Field.of("GivenName"), descending=True)),
            ),
        ),
        (
            "SELECT Id, SyncToken FROM Invoice WHERE Id = '5'",
            Query("Invoice", fields=(Field.of("Id"), Field.of("SyncToken")), where=(_cond("Id", Operator.EQ, "5"),)),
        ),
        (
            "SELECT * FROM Invoice WHERE TxnDate >= '2015-01-01' AND TxnDate <= '2015-12-31'",
            Query(
                "Invoice",
                where=(_cond("TxnDate", Operator.GE, "2015-01-01"), _cond("TxnDate", Operator.LE, "2015-12-31")),
            ),
        ),
        # Undocumented, yet sent by clients in production (e.g. "Balance != '0'" for open invoices).
        ("SELECT * FROM Invoice WHERE Balance != '0'", Query("Invoice", where=(_cond("Balance", Operator.NE, "0"),))),
        (
            "SELECT * FROM Invoice WHERE Balance > -1.5",
            Query("Invoice", where=(_cond("Balance", Operator.GT, Decimal("-1.5")),)),
        ),
        (
            "SELECT * FROM Invoice WHERE CustomerRef = '58'",
            Query("Invoice", where=(_cond("CustomerRef", Operator.EQ, "58"),)),
        ),
        # The docs' "value_without_quote", and the null literal ' '.
        ("SELECT * FROM Item WHERE Type = Service", Query("Item", where=(_cond("Type", Operator.EQ, "Service"),))),
        (
            "SELECT * FROM Customer WHERE ParentRef = ' '",
            Query("Customer", where=(_cond("ParentRef", Operator.EQ, " "),)),
        ),
        # No spaces around operators; a backslash escapes any character.
        (
            r"SELECT * FROM Customer WHERE DisplayName='a\\b\'c'",
            Query("Customer", where=(_cond("DisplayName", Operator.EQ, "a\\b'c"),)),
        ),
        # A POST body (application/text) may span lines and carry tabs.
        (
            "SELECT *\n  FROM Customer\r\n\tWHERE Active = false\n  MAXRESULTS 10\n",
            Query("Customer", where=(_cond("Active", Operator.EQ, False),), max_results=10),
        ),
    ],
)
def test_valid_queries(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM Customer WHERE MetaData.CreateTime >= '2015-01-01T10:20:30-07:00'",
        "SELECT * FROM Customer WHERE Metadata.LastUpdatedTime > '2015-01-01T10:20:30'",
        "select * from Customer where CompanyName = 'Wild Garden Restaurant' startposition 1 maxresults 1000",
        "SELECT * FROM Account WHERE AccountType = 'Income' AND Active IN (true, false)",
        "SELECT * FROM Term WHERE Name LIKE '%30%'",
        "SELECT * FROM Payment WHERE TotalAmt >= '100.00' ORDERBY TxnDate DESC",
        "sElEcT * FrOm Vendor WhErE DisplayName LIKE '%Supply' oRdErBy DisplayName",
    ],
)
def test_more_valid_queries_parse(text):
    assert isinstance(parse(text, entities=ENTITIES), Query)


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        ("", "4000", 'QueryParserError: Encountered "<EOF>" at line 0, column 0.\nWas expecting:\n    "select" ...\n'),
        ("hello world", "4000", 'Encountered " <IDENTIFIER> "hello "" at line 1, column 1.'),
        ("SELECT * FROM Customer JOIN Invoice", "4000", 'Encountered " <IDENTIFIER> "JOIN "" at line 1, column 24.'),
        ("SELECT * FROM Customer GROUP BY Name", "4000", 'Encountered " <IDENTIFIER> "GROUP "" at line 1, column 24.'),
        ("SELECT * FROM Customer, Invoice", "4000", 'Encountered " "," ", "" at line 1, column 23.'),
        ("SELECT * FROM Customer WHERE (Active = true)", "4000", 'Encountered " "(" "( ""'),
        ("SELECT * FROM Customer WHERE Active = true AND (Id = '1')", "4000", 'Encountered " "(" "( ""'),
        ("SELECT * FROM Customer WHERE Name = 'a' AND", "4000", 'Encountered "<EOF>" at line 1, column 43.'),
        ("SELECT * FROM Customer WHERE Name", "4000", "Was expecting one of:"),
        ("SELECT * FROM Customer WHERE Balance <> 0", "4000", 'Encountered " ">" "> ""'),
        ("SELECT * FROM Customer WHERE Name LIKE Bas", "4000", "Was expecting:\n    <STRING> ...\n"),
        ("SELECT * FROM Customer WHERE Name IS NULL", "4000", 'Encountered " <IDENTIFIER> "IS ""'),
        ("SELECT * FROM Customer WHERE Name NOT LIKE 'a%'", "4000", 'Encountered " <IDENTIFIER> "NOT ""'),
        (
            "SELECT * FROM Customer MAXRESULTS 10 STARTPOSITION 5",
            "4000",
            'Encountered " "startposition" "STARTPOSITION ""',
        ),
        ("SELECT * FROM Customer MAXRESULTS ten", "4000", "Was expecting:\n    <NUMBER> ...\n"),
        ("SELECT * FROM Customer MAXRESULTS 1.5", "4000", "Was expecting:\n    <NUMBER> ...\n"),
        ("SELECT * FROM Customer STARTPOSITION -1", "4000", "Was expecting:\n    <NUMBER> ...\n"),
        ("SELECT * FROM Customer;", "4000", 'Lexical error at line 1, column 23.  Encountered: ";" (59), after : ""'),
        ('SELECT * FROM Customer WHERE Name = "Bob"', "4000", 'Encountered: "\\"" (34), after : ""'),
        ("SELECT * FROM Account WHERE AccountSubType = %Inventory%", "4000", 'Encountered: "%" (37), after : ""'),
        ("SELECT * FROM Customer WHERE Balance ! 0", "4000", 'Encountered: "!" (33)'),
        ("SELECT * FROM Customer WHERE DisplayName = 'abc", "4000", 'Encountered: <EOF> after : "\\\'abc"'),
        ("SELECT * FROM Customer WHERE DisplayName = 'abc\\'", "4000", "Encountered: <EOF> after :"),
        ("SELECT COUNT(Id) FROM Customer", "4000", 'Encountered " <IDENTIFIER> "Id ""'),
        ("SELECT FROM Customer", "4000", 'Encountered " "from" "FROM ""'),
        ("SELECT * FROM MetaData.Customer", "4000", "Was expecting:\n    <IDENTIFIER> ...\n"),
        (
            "SELECT * FROM Customer WHERE Active = true OR Id = '1'",
            "4001",
            "QueryValidationError: OR operation is not supported",
        ),
        ("SELECT * FROM Widget", "4001", "QueryValidationError: Metadata not found for Entity: Widget"),
        (
            "SELECT * FROM Customer MAXRESULTS 1001",
            "4001",
            "QueryValidationError: value 1001 is too large. Max allowed value is 1000",
        ),
        (
            "SELECT * FROM Customer STARTPOSITION 1 MAXRESULTS 1500",
            "4001",
            "value 1500 is too large. Max allowed value is 1000",
        ),
        ("SELECT COUNT(*) FROM Customer MAXRESULTS 5000", "4001", "value 5000 is too large"),
        (
            "SELECT * FROM Customer STARTPOSITION 0",
            "4001",
            "QueryValidationError: value 0 is too small. Min allowed value is 1",
        ),
        ("SELECT * FROM Customer MAXRESULTS 0", "4001", "value 0 is too small"),
    ],
)
def test_invalid_queries(text, code, detail):
    with pytest.raises(QueryParserError) as raised:
        parse(text, entities=ENTITIES)
    assert raised.value.code == code
    assert detail in raised.value.detail


def test_codes_and_messages_are_intuits():
    with pytest.raises(QueryParserError) as syntax:
        parse("SELECT * FROM Customer WHERE")
    assert (syntax.value.code, syntax.value.message) == ("4000", "Error parsing query")
    assert syntax.value.detail.startswith("QueryParserError: ")
    with pytest.raises(QueryValidationError) as invalid:
        parse("SELECT * FROM TaxService", entities=ENTITIES)
    assert (invalid.value.code, invalid.value.message) == ("4001", "Invalid query")
    assert isinstance(invalid.value, QueryParserError)


def test_fault_renders_as_intuit_sends_it():
    with pytest.raises(QueryParserError) as raised:
        parse("SELECT * FROM Widget", entities=ENTITIES)
    assert raised.value.as_fault() == {
        "Error": [
            {
                "Message": "Invalid query",
                "Detail": "QueryValidationError: Metadata not found for Entity: Widget",
                "code": "4001",
            }
        ],
        "type": "ValidationFault",
    }


def test_syntax_error_lists_what_could_follow_a_condition():
    # An unescaped quote in a name, as node-quickbooks once sent it; Intuit reports the token after the string.
    text = "select * from vendor where DisplayName = 'Cutlery 'R Us' startposition 1 maxresults 1000"
    with pytest.raises(QueryParserError) as raised:
        parse(text)
    assert raised.value.detail == (
        'QueryParserError: Encountered " <IDENTIFIER> "R "" at line 1, column 52.\n'
        "Was expecting one of:\n"
        "    <EOF> \n"
        "    <AND> ...\n"
        "    <OR> ...\n"
        '    "maxresults" ...\n'
        '    "order" ...\n'
        '    "orderby" ...\n'
        '    "startposition" ...\n'
    )


def test_error_position_counts_lines_of_a_multi_line_body():
    with pytest.raises(QueryParserError) as raised:
        parse("SELECT *\nFROM Customer\nWHERE Active = true\nGROUP BY Name")
    assert "at line 4, column 1." in raised.value.detail


def test_syntax_errors_win_over_validation_errors():
    # Intuit validates only a query that parsed: the OR and the unknown entity are not what it reports here.
    with pytest.raises(QueryParserError) as raised:
        parse("SELECT * FROM Widget WHERE A = '1' OR B = '2' GROUP BY C", entities=ENTITIES)
    assert raised.value.code == "4000"


@pytest.mark.parametrize("spelling", ["Customer", "customer", "CUSTOMER"])
def test_entity_matches_case_insensitively_and_comes_back_canonical(spelling):
    # node-quickbooks sends "select * from customer"; Intuit answers with QueryResponse.Customer.
    assert parse(f"select * from {spelling}", entities=ENTITIES).entity == "Customer"


def test_without_an_entity_list_any_entity_parses():
    assert parse("SELECT * FROM Anything").entity == "Anything"


def test_keywords_are_case_insensitive():
    lower = parse("select * from Customer where Active = true orderby DisplayName desc startposition 2 maxresults 3")
    upper = parse("SELECT * FROM Customer WHERE Active = TRUE ORDERBY DisplayName DESC STARTPOSITION 2 MAXRESULTS 3")
    assert lower == upper


def test_defaults():
    query = parse("SELECT * FROM Customer")
    assert (query.start_position, query.max_results, query.count, query.fields) == (1, 100, False, ())


def test_query_knows_whether_it_filters_on_a_property():
    query = parse("SELECT * FROM Customer WHERE active IN (true, false)")
    assert query.filters_on("Active")
    assert not query.filters_on("DisplayName")


def test_pushdown_returns_only_conditions_storage_can_apply_in_canonical_spelling():
    query = parse(
        "SELECT * FROM Invoice WHERE metadata.lastupdatedtime > '2015-01-01T00:00:00-08:00' "
        "AND docnumber IN ('1001', '1002') AND Balance > '0' AND Id = 58 AND DisplayName LIKE 'a%' "
        "AND Name != 'x' AND MetaData.CreateTime <= '2015-06-01'"
    )
    assert pushdown_filters(query) == [
        _cond("MetaData.LastUpdatedTime", Operator.GT, "2015-01-01T00:00:00-08:00"),
        _cond("DocNumber", Operator.IN, "1001", "1002"),
        _cond("Id", Operator.EQ, Decimal("58")),
        _cond("MetaData.CreateTime", Operator.LE, "2015-06-01"),
    ]


def test_pushdown_of_a_query_without_conditions_is_empty():
    assert pushdown_filters(parse("SELECT * FROM Customer")) == []


@pytest.mark.parametrize(
    ("text", "name_list", "applies"),
    [
        ("SELECT * FROM Customer", True, True),
        ("SELECT * FROM Customer WHERE DisplayName = 'x'", True, True),
        ("SELECT * FROM Customer WHERE Active = false", True, False),
        ("SELECT * FROM Customer WHERE active IN (true, false)", True, False),
        ("SELECT * FROM Invoice", False, False),
    ],
)
def test_storage_learns_when_it_may_load_active_rows_only(text, name_list, applies):
    assert active_default_applies(parse(text), name_list=name_list) is applies
