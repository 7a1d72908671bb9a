"""Running parsed queries over Intuit-shaped JSON records: filtering, the active-only default, order, paging."""

import copy
from zoneinfo import ZoneInfo

import pytest

from apps.qbo_sandbox.query import NAME_LIST_ENTITIES, QueryResult, execute, parse

PACIFIC = ZoneInfo("America/Los_Angeles")

CUSTOMERS = [
    {
        "Id": "58",
        "DisplayName": "Basement Bar",
        "Active": True,
        "Balance": 1102.07,
        "MetaData": {"CreateTime": "2015-01-05T09:00:00-08:00", "LastUpdatedTime": "2015-11-22T10:11:12-08:00"},
    },
    {
        "Id": "9",
        "DisplayName": "O'Brien Plumbing",
        "Active": True,
        "Balance": "15.50",
        "MetaData": {"CreateTime": "2015-02-01T00:00:00Z", "LastUpdatedTime": "2015-11-22T18:11:13Z"},
    },
    {
        "Id": "100",
        "DisplayName": "bass & bait",
        "Active": "true",
        "Balance": "9.00",
        "ParentRef": {"value": "58", "name": "Basement Bar"},
        "MetaData": {"LastUpdatedTime": "2015-06-01T12:00:00+02:00"},
    },
    {
        "Id": "7",
        "DisplayName": "Zeta Zinc",
        "Active": False,
        "Balance": 0,
        "MetaData": {"LastUpdatedTime": "2014-12-31T23:59:59-08:00"},
    },
    # No Active at all: Intuit defaults it to true. No Balance, no MetaData.
    {"Id": "12", "DisplayName": "Mesa Mechanical"},
]

INVOICES = [
    {"Id": "1", "DocNumber": "1001", "TxnDate": "2015-01-15", "TotalAmt": 250.0, "Balance": "250.00",
     "CustomerRef": {"value": "58", "name": "Basement Bar"}},
    {"Id": "2", "DocNumber": "1002", "TxnDate": "2015-02-01", "TotalAmt": 99.99, "Balance": 0,
     "CustomerRef": {"value": "9"}},
    {"Id": "3", "DocNumber": "1003", "TxnDate": "2015-02-28", "TotalAmt": "1200", "Balance": "12345678901234567.89",
     "CustomerRef": {"value": "58"}},
]  # fmt: skip


def _ids(text: str, records=CUSTOMERS, **kwargs) -> list[str]:
    query = parse(text)
    kwargs.setdefault("name_list", query.entity in NAME_LIST_ENTITIES)
    return [record["Id"] for record in execute(query, records, **kwargs).records]


# Strings: equality, IN, LIKE and order compare case-insensitively (Intuit's behaviour here is undocumented).


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("DisplayName = 'Basement Bar'", ["58"]),
        ("DisplayName = 'BASEMENT BAR'", ["58"]),
        (r"DisplayName = 'o\'brien plumbing'", ["9"]),
        ("DisplayName = 'Basement'", []),
        ("DisplayName IN ('zeta zinc', 'Basement Bar', 'nobody')", ["7", "58"]),
        ("DisplayName LIKE 'Bas%'", ["58", "100"]),
        ("DisplayName LIKE '%bar'", ["58"]),
        ("DisplayName LIKE '%& B%'", ["100"]),
        ("DisplayName LIKE 'B%t%r'", ["58"]),
        ("DisplayName LIKE 'basement bar'", ["58"]),
        ("DisplayName LIKE 'Bas_ment%'", []),
        ("DisplayName LIKE '%'", ["7", "9", "12", "58", "100"]),
        ("DisplayName > 'm'", ["7", "9", "12"]),
        ("DisplayName <= 'Basement Bar'", ["58"]),
        ("DisplayName < 'bat'", ["58", "100"]),
        ("DisplayName != 'Basement Bar'", ["7", "9", "12", "100"]),
    ],
)
def test_string_conditions(where, expected):
    assert _ids(f"SELECT * FROM Customer WHERE {where} AND Active IN (true, false)") == expected


# Money: Decimal from JSON numbers and from strings alike, never float.


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Balance > '1000'", ["58"]),
        ("Balance > 1000", ["58"]),
        ("Balance = '1102.07'", ["58"]),
        ("Balance = 1102.07", ["58"]),
        ("Balance >= '9'", ["9", "58", "100"]),
        ("Balance < 10", ["7", "100"]),
        ("Balance = 0", ["7"]),
        ("Balance = '0'", ["7"]),
        ("Balance != '0'", ["9", "58", "100"]),
        ("Balance IN (15.5, 0)", ["7", "9"]),
        ("Balance <= '15.5'", ["7", "9", "100"]),
    ],
)
def test_number_conditions(where, expected):
    assert _ids(f"SELECT * FROM Customer WHERE {where} AND Active IN (true, false)") == expected


def test_numbers_keep_their_precision():
    assert _ids("SELECT * FROM Invoice WHERE Balance > '12345678901234567.88'", INVOICES) == ["3"]
    assert _ids("SELECT * FROM Invoice WHERE Balance = '12345678901234567.89'", INVOICES) == ["3"]
    assert _ids("SELECT * FROM Invoice WHERE TotalAmt = '99.99'", INVOICES) == ["2"]


def test_numeric_strings_compare_as_numbers_in_ranges_but_not_for_equality_of_text():
    records = [{"Id": "1", "DocNumber": "999"}, {"Id": "2", "DocNumber": "1000"}, {"Id": "3", "DocNumber": "007"}]
    assert _ids("SELECT * FROM Invoice WHERE DocNumber > '999'", records, name_list=False) == ["2"]
    assert _ids("SELECT * FROM Invoice WHERE DocNumber = '7'", records, name_list=False) == []
    assert _ids("SELECT * FROM Invoice WHERE DocNumber = 7", records, name_list=False) == ["3"]


# Times: compared as instants across offsets; a literal without an offset is read in the company's time zone.


@pytest.mark.parametrize(
    ("where", "tz", "expected"),
    [
        # 10:11:12-08:00 is 18:11:12Z; 18:11:13Z is one second later.
        ("MetaData.LastUpdatedTime > '2015-11-22T18:11:12Z'", PACIFIC, ["9"]),
        ("MetaData.LastUpdatedTime >= '2015-11-22T18:11:12Z'", PACIFIC, ["9", "58"]),
        ("MetaData.LastUpdatedTime = '2015-11-22T19:11:12+01:00'", PACIFIC, ["58"]),
        ("MetaData.LastUpdatedTime > '2015-11-22T10:11:12-08:00'", PACIFIC, ["9"]),
        ("MetaData.LastUpdatedTime = '2015-11-22T10:11:12'", PACIFIC, ["58"]),
        ("MetaData.LastUpdatedTime = '2015-11-22T10:11:12'", ZoneInfo("UTC"), []),
        ("MetaData.LastUpdatedTime = '2015-11-22T10:11:12.000-08:00'", PACIFIC, ["58"]),
        ("MetaData.LastUpdatedTime < '2015-01-01'", PACIFIC, ["7"]),
        # 2014-12-31T23:59:59-08:00 is already 2015 in UTC.
        ("MetaData.LastUpdatedTime < '2015-01-01'", ZoneInfo("UTC"), []),
        ("MetaData.LastUpdatedTime >= '2015-06-01' AND MetaData.LastUpdatedTime < '2015-11-01'", PACIFIC, ["100"]),
        ("MetaData.LastUpdatedTime IN ('2015-11-22T18:11:12Z', '2015-06-01T10:00:00Z')", PACIFIC, ["58", "100"]),
        ("Metadata.lastupdatedtime > '2015-11-01'", PACIFIC, ["9", "58"]),
        ("MetaData.CreateTime < '2015-02-01T00:00:00Z'", PACIFIC, ["58"]),
    ],
)
def test_time_conditions(where, tz, expected):
    assert _ids(f"SELECT * FROM Customer WHERE {where} AND Active IN (true, false)", tz=tz) == expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("TxnDate = '2015-02-01'", ["2"]),
        ("TxnDate >= '2015-02-01'", ["2", "3"]),
        ("TxnDate >= '2015-01-01' AND TxnDate <= '2015-01-31'", ["1"]),
        ("TxnDate > '2015-02-01T00:00:00-08:00'", ["3"]),
    ],
)
def test_date_conditions(where, expected):
    assert _ids(f"SELECT * FROM Invoice WHERE {where}", INVOICES, tz=PACIFIC) == expected


# Booleans, references, nested and missing properties.


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Active = true", ["9", "12", "58", "100"]),
        ("Active = True", ["9", "12", "58", "100"]),
        ("Active = false", ["7"]),
        ("Active = 'false'", ["7"]),
        ("Active IN (true, false)", ["7", "9", "12", "58", "100"]),
        ("Active != true", ["7"]),
    ],
)
def test_boolean_conditions(where, expected):
    # Customer 12 has no Active: a name-list record is active unless it says otherwise.
    assert _ids(f"SELECT * FROM Customer WHERE {where}") == expected


def test_a_missing_boolean_is_no_value_outside_name_lists():
    assert _ids("SELECT * FROM Customer WHERE Active = true", name_list=False) == ["9", "58", "100"]


def test_reference_compares_as_its_value():
    assert _ids("SELECT * FROM Invoice WHERE CustomerRef = '58'", INVOICES) == ["1", "3"]
    assert _ids("SELECT * FROM Invoice WHERE CustomerRef IN ('9', '10')", INVOICES) == ["2"]
    assert _ids("SELECT * FROM Invoice WHERE CustomerRef.value = '9'", INVOICES) == ["2"]
    assert _ids("SELECT * FROM Invoice WHERE CustomerRef.name = 'basement bar'", INVOICES) == ["1"]


def test_missing_properties_match_nothing_except_the_null_literal():
    assert _ids("SELECT * FROM Customer WHERE ParentRef = '58'") == ["100"]
    assert _ids("SELECT * FROM Customer WHERE ParentRef != '1'") == ["100"]
    assert _ids("SELECT * FROM Customer WHERE MetaData.CreateTime > '2000-01-01'") == ["9", "58"]
    assert _ids("SELECT * FROM Customer WHERE Nonexistent.Path = 'x'") == []
    # Intuit documents ' ' (a space in quotes) as null.
    assert _ids("SELECT * FROM Customer WHERE ParentRef = ' '") == ["9", "12", "58"]


# The active-only default of name-list entities.


def test_name_list_entities_answer_with_active_records_only_by_default():
    assert _ids("SELECT * FROM Customer") == ["9", "12", "58", "100"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * FROM Customer WHERE Active IN (true, false)", ["7", "9", "12", "58", "100"]),
        ("SELECT * FROM Customer WHERE Active = false", ["7"]),
        ("SELECT * FROM Customer WHERE DisplayName LIKE 'Z%'", []),
        ("SELECT * FROM Customer WHERE DisplayName LIKE 'Z%' AND Active IN (true, false)", ["7"]),
    ],
)
def test_a_condition_on_active_lifts_the_default(text, expected):
    assert _ids(text) == expected


def test_other_entities_have_no_active_default():
    assert _ids("SELECT * FROM Customer", name_list=False) == ["7", "9", "12", "58", "100"]


def test_count_respects_the_default():
    assert execute(parse("SELECT COUNT(*) FROM Customer"), CUSTOMERS, name_list=True).total_count == 4
    query = parse("SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)")
    assert execute(query, CUSTOMERS, name_list=True).total_count == 5


def test_name_list_entities():
    assert {"Account", "Customer", "Vendor", "Employee", "Item", "Term", "TaxCode", "TaxRate"} <= NAME_LIST_ENTITIES
    assert "Invoice" not in NAME_LIST_ENTITIES


# Order.


def test_default_order_is_by_id_numerically():
    assert _ids("SELECT * FROM Customer WHERE Active IN (true, false)") == ["7", "9", "12", "58", "100"]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("DisplayName", ["58", "100", "12", "9", "7"]),
        ("DisplayName ASC", ["58", "100", "12", "9", "7"]),
        ("DisplayName DESC", ["7", "9", "12", "100", "58"]),
        # Numbers sort as numbers whether stored as JSON numbers or strings ("9.00" < "15.50" < 1102.07).
        ("Balance", ["7", "100", "9", "58", "12"]),
        ("Balance DESC", ["58", "9", "100", "7", "12"]),
        # Times sort as instants across offsets; records without the property come last either way.
        ("MetaData.LastUpdatedTime", ["7", "100", "58", "9", "12"]),
        ("MetaData.LastUpdatedTime DESC", ["9", "58", "100", "7", "12"]),
        ("metadata.createtime desc", ["9", "58", "7", "12", "100"]),
        ("Active, DisplayName DESC", ["7", "9", "12", "100", "58"]),
        ("Id DESC", ["100", "58", "12", "9", "7"]),
    ],
)
def test_order_by(order_by, expected):
    records = [*CUSTOMERS[:4], {**CUSTOMERS[4], "Active": True}]
    assert _ids(f"SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY {order_by}", records) == expected


def test_ties_keep_id_order_in_both_directions():
    records = [{"Id": str(n), "Name": "same" if n % 2 else "other"} for n in (5, 3, 10, 1, 8)]
    assert _ids("SELECT * FROM Term ORDERBY Name", records, name_list=False) == ["8", "10", "1", "3", "5"]
    assert _ids("SELECT * FROM Term ORDERBY Name DESC", records, name_list=False) == ["1", "3", "5", "8", "10"]


def test_order_by_dates():
    assert _ids("SELECT * FROM Invoice ORDERBY TxnDate DESC", INVOICES) == ["3", "2", "1"]


# Paging.


def test_paging():
    records = [{"Id": str(n), "Name": f"Term {n}"} for n in range(1, 26)]
    first = execute(parse("SELECT * FROM Term STARTPOSITION 1 MAXRESULTS 10"), records, name_list=True)
    assert [r["Id"] for r in first.records] == [str(n) for n in range(1, 11)]
    assert (first.start_position, first.max_results) == (1, 10)
    last = execute(parse("SELECT * FROM Term STARTPOSITION 21 MAXRESULTS 10"), records, name_list=True)
    assert [r["Id"] for r in last.records] == [str(n) for n in range(21, 26)]
    # maxResults reports the records returned, not the number asked for.
    assert (last.start_position, last.max_results) == (21, 5)
    beyond = execute(parse("SELECT * FROM Term STARTPOSITION 26"), records, name_list=True)
    assert beyond.records == []


def test_default_page_is_one_hundred_records():
    records = [{"Id": str(n)} for n in range(1, 251)]
    result = execute(parse("SELECT * FROM Invoice"), records, name_list=False)
    assert len(result.records) == 100
    assert result.records[-1]["Id"] == "100"


def test_paging_applies_after_ordering():
    query = parse("SELECT * FROM Customer ORDERBY DisplayName DESC STARTPOSITION 2 MAXRESULTS 2")
    assert [r["Id"] for r in execute(query, CUSTOMERS, name_list=True).records] == ["12", "100"]


# COUNT(*), projections and the QueryResponse.


def test_count():
    result = execute(parse("SELECT COUNT(*) FROM Invoice WHERE Balance > '0' MAXRESULTS 1"), INVOICES, name_list=False)
    assert result.total_count == 2
    assert result.records == []
    assert result.as_query_response() == {"totalCount": 2}


def test_count_of_nothing_is_zero():
    result = execute(parse("SELECT COUNT(*) FROM Invoice WHERE DocNumber = 'x'"), INVOICES, name_list=False)
    assert result.as_query_response() == {"totalCount": 0}


def test_query_response_shapes():
    result = execute(parse("SELECT * FROM Invoice WHERE Balance = 0"), INVOICES, name_list=False)
    assert isinstance(result, QueryResult)
    assert result.as_query_response() == {"Invoice": [INVOICES[1]], "startPosition": 1, "maxResults": 1}
    empty = execute(parse("SELECT * FROM Invoice WHERE DocNumber = 'x'"), INVOICES, name_list=False)
    assert empty.as_query_response() == {}


def test_entity_key_is_the_canonical_name():
    query = parse("select * from invoice where Id = '1'", entities=["Invoice"])
    assert list(execute(query, INVOICES, name_list=False).as_query_response()) == [
        "Invoice",
        "startPosition",
        "maxResults",
    ]


def test_selected_fields_come_back_with_id_and_nothing_else():
    query = parse("SELECT DisplayName, MetaData.LastUpdatedTime, ParentRef FROM Customer WHERE Id IN ('58', '100')")
    records = execute(query, CUSTOMERS, name_list=True).records
    assert records == [
        {
            "Id": "58",
            "DisplayName": "Basement Bar",
            "MetaData": {"LastUpdatedTime": "2015-11-22T10:11:12-08:00"},
            "sparse": True,
        },
        {
            "Id": "100",
            "DisplayName": "bass & bait",
            "MetaData": {"LastUpdatedTime": "2015-06-01T12:00:00+02:00"},
            "ParentRef": {"value": "58", "name": "Basement Bar"},
            "sparse": True,
        },
    ]


def test_selected_fields_use_the_records_own_spelling_and_are_copies():
    records = copy.deepcopy(INVOICES)
    query = parse("SELECT docnumber, customerref FROM Invoice WHERE Id = '1'")
    (row,) = execute(query, records, name_list=False).records
    assert row == {
        "Id": "1",
        "DocNumber": "1001",
        "CustomerRef": {"value": "58", "name": "Basement Bar"},
        "sparse": True,
    }
    row["CustomerRef"]["value"] = "changed"
    assert records[0]["CustomerRef"]["value"] == "58"


def test_select_star_with_extra_fields_returns_whole_records():
    result = execute(parse("SELECT *, Sku FROM Invoice WHERE Id = '2'"), INVOICES, name_list=False)
    assert result.records == [INVOICES[1]]


def test_execution_never_changes_the_records():
    records = copy.deepcopy(CUSTOMERS)
    for text in (
        "SELECT * FROM Customer ORDERBY MetaData.LastUpdatedTime DESC",
        "SELECT DisplayName, MetaData FROM Customer WHERE Balance > '1'",
        "SELECT COUNT(*) FROM Customer WHERE ParentRef = '58'",
    ):
        execute(parse(text), records, name_list=True, tz=PACIFIC)
    assert records == CUSTOMERS


def test_records_may_be_any_iterable():
    assert _ids("SELECT * FROM Invoice WHERE Balance > 1", (record for record in INVOICES)) == ["1", "3"]


def test_queries_over_100000_records_return_the_right_page():
    records = [
        {
            "Id": str(n),
            "DisplayName": f"Customer {n}",
            "Active": n % 10 != 0,
            "Balance": f"{n}.25",
            "MetaData": {"LastUpdatedTime": f"2015-11-22T10:{n // 60 % 60:02d}:{n % 60:02d}-08:00"},
        }
        for n in range(100_000)
    ]
    lookup = parse("SELECT * FROM Customer WHERE DisplayName = 'customer 99999'")
    assert [r["Id"] for r in execute(lookup, records, name_list=True).records] == ["99999"]
    page = execute(parse("SELECT * FROM Customer STARTPOSITION 1001 MAXRESULTS 1000"), records, name_list=True)
    assert [page.records[0]["Id"], page.records[-1]["Id"], len(page.records)] == ["1112", "2222", 1000]
