"""
Queries run against stored rows: the SQL pushdown must give the evaluator's answer, and deep pages must stay cheap.

The reference answer of every query is ``execute`` over all the company's live rows of the entity, with no SQL help.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.qbo_sandbox import query_store, store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity
from apps.qbo_sandbox.query import NAME_LIST_ENTITIES, QueryResult, execute, parse
from apps.qbo_sandbox.seeding import SeedOptions

pytestmark = pytest.mark.django_db

START = datetime(2015, 3, 1, 17, 0, 0, tzinfo=UTC)


@pytest.fixture
def company() -> SandboxCompany:
    company = company_create(name="Store Co", options=SeedOptions(seed="empty"))
    names = ["Alpha", "beta", "Gamma Ray", "delta", "O'Brien", "Straße", "STRASSE", "2015-03-01", "Zed"]
    for number, name in enumerate(names):
        # Half a second apart: whole-second boundaries fall between some records and inside others.
        at = START + timedelta(milliseconds=500 * number)
        data = {"DisplayName": name, "Active": number % 3 != 2, "Balance": number * 10}
        store.entity_create(company, "Customer", data, at=at)
    for number, doc in enumerate(["1001", "1002", "A-7", "a-7", "01003"]):
        invoice = store.entity_create(company, "Invoice", {"DocNumber": doc, "TotalAmt": number}, at=START)
        if doc == "1002":
            store.entity_tombstone(invoice)
    store.entity_create(company, "Item", {"Name": "Labor", "Active": True, "Type": "Service"}, at=START)
    return company


def _reference(company: SandboxCompany, text: str) -> QueryResult:
    query = parse(text, entities=query_store.queryable_entities())
    rows = SandboxEntity.objects.filter(company=company, entity_type=query.entity, deleted_at__isnull=True)
    records = [entity.data for entity in rows]
    return execute(query, records, name_list=query.entity in NAME_LIST_ENTITIES, tz=ZoneInfo(company.time_zone))


QUERIES = [
    "SELECT * FROM Customer",
    "SELECT * FROM Customer ORDERBY Id DESC",
    "SELECT * FROM Customer STARTPOSITION 3 MAXRESULTS 2",
    "SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY Id DESC STARTPOSITION 2 MAXRESULTS 4",
    "SELECT * FROM Customer WHERE Active = true",
    "SELECT * FROM Customer WHERE Active = 'false'",
    "SELECT COUNT(*) FROM Customer",
    "SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)",
    "SELECT COUNT(*) FROM Customer WHERE DisplayName LIKE '%a%'",
    "SELECT * FROM Customer WHERE Id IN ('1', '4', 5, '7', '999') AND Active IN (true, false)",
    "SELECT * FROM Customer WHERE Id = 'x4'",
    "SELECT * FROM Customer WHERE DisplayName = 'ALPHA'",
    "SELECT * FROM Customer WHERE DisplayName IN ('gamma ray', 'Zed', 'nobody')",
    r"SELECT * FROM Customer WHERE DisplayName = 'o\'brien'",
    "SELECT * FROM Customer WHERE DisplayName = 'Straße' AND Active IN (true, false)",
    "SELECT * FROM Customer WHERE DisplayName = '2015-03-01T00:00:00'",
    "SELECT * FROM Customer WHERE DisplayName = ' '",
    "SELECT * FROM Customer WHERE Name = 'Alpha'",
    "SELECT * FROM Customer WHERE MetaData.LastUpdatedTime > '2015-03-01T09:00:01-08:00'",
    "SELECT * FROM Customer WHERE MetaData.LastUpdatedTime >= '2015-03-01T17:00:01.2Z'",
    "SELECT * FROM Customer WHERE MetaData.LastUpdatedTime < '2015-03-01T17:00:02.5Z'",
    "SELECT * FROM Customer WHERE MetaData.LastUpdatedTime <= '2015-03-01T09:00:02'",
    "SELECT * FROM Customer WHERE MetaData.LastUpdatedTime = '2015-03-01T17:00:03Z' AND Active IN (true, false)",
    "SELECT * FROM Customer WHERE MetaData.LastUpdatedTime = '2015-03-01T17:00:03.5Z'",
    "SELECT * FROM Customer WHERE MetaData.CreateTime > '2015-03-01' ORDERBY Id DESC MAXRESULTS 3",
    "SELECT * FROM Customer WHERE MetaData.LastUpdatedTime > '2015-03-01T17:00:01Z' ORDERBY DisplayName",
    "SELECT Id, DisplayName FROM Customer WHERE Balance > '20' STARTPOSITION 2",
    "SELECT * FROM Invoice",
    "SELECT * FROM Invoice WHERE DocNumber = 'a-7'",
    "SELECT * FROM Invoice WHERE DocNumber IN ('1001', '1002', '1003')",
    "SELECT * FROM Invoice WHERE DocNumber = 1003",
    "SELECT * FROM Invoice WHERE Active = true",
    "SELECT COUNT(*) FROM Invoice WHERE MetaData.LastUpdatedTime >= '2015-03-01T17:00:00Z'",
    "SELECT * FROM Item WHERE Name = 'LABOR'",
]


@pytest.mark.parametrize("text", QUERIES)
def test_answers_match_the_evaluator_over_every_row(company, text):
    assert query_store.query_run(company, text) == _reference(company, text)


def test_names_fold_case_as_the_stores_name_key_does(company):
    # The one known divergence from the evaluator alone, which casefolds 'Straße' to 'strasse' too.
    text = "SELECT * FROM Customer WHERE DisplayName = 'strasse' AND Active IN (true, false)"

    result = query_store.query_run(company, text)

    assert [record["DisplayName"] for record in result.records] == ["STRASSE"]
    assert [record["DisplayName"] for record in _reference(company, text).records] == ["Straße", "STRASSE"]


def test_a_deep_page_of_a_large_list_loads_only_that_page(company, django_assert_max_num_queries, monkeypatch):
    store.entities_bulk_create(company, "Customer", [{"DisplayName": f"Bulk {n}"} for n in range(1200)])
    seen: list[int] = []
    real_execute = query_store.execute

    def spying_execute(query, records, **kwargs):
        records = list(records)
        seen.append(len(records))
        return real_execute(query, records, **kwargs)

    monkeypatch.setattr(query_store, "execute", spying_execute)
    text = "SELECT * FROM Customer STARTPOSITION 1001 MAXRESULTS 150"

    with django_assert_max_num_queries(1):
        page = query_store.query_run(company, text)

    assert seen == [150]
    monkeypatch.undo()
    assert page == _reference(company, text)
    assert page.start_position == 1001


def test_a_count_of_a_large_list_is_counted_in_sql(company, monkeypatch):
    store.entities_bulk_create(company, "Customer", [{"DisplayName": f"Bulk {n}"} for n in range(300)])
    monkeypatch.setattr(query_store, "execute", None)

    result = query_store.query_run(company, "SELECT COUNT(*) FROM Customer WHERE MetaData.CreateTime > '2015-01-01'")

    assert result.total_count == 306


def test_a_row_the_columns_misdescribe_sends_the_query_to_the_evaluator(company):
    # Written around the store: the column says active, the JSON says "false".
    odd = SandboxEntity.objects.get(company=company, entity_type="Customer", name_key="alpha")
    SandboxEntity.objects.filter(pk=odd.pk).update(data={**odd.data, "Active": "false"})
    text = "SELECT * FROM Customer MAXRESULTS 3"

    result = query_store.query_run(company, text)

    assert "Alpha" not in [record["DisplayName"] for record in result.records]
    assert result == _reference(company, text)
