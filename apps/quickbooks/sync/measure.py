"""Counting what a run costs: SQL queries on every database connection of this thread."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.db import connections


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def sql_queries_counted() -> Iterator[QueryCounter]:
    counter = QueryCounter()
    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(counter))
        yield counter
