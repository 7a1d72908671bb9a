"""
The errors QuickBooks Online answers a bad query with.

Intuit reports them as a ``ValidationFault``: syntax errors with code 4000 (``Error parsing query``, detail
``QueryParserError: ...``), well-formed queries it refuses with code 4001 (``Invalid query``, detail
``QueryValidationError: ...``). Both classes carry what the API layer needs to render that Fault.
"""

from typing import Any, ClassVar


class QueryParserError(Exception):
    """
    A query QuickBooks Online refuses to run; the base of every error this package raises.

    ``message``, ``detail`` and ``code`` are the Fault's ``Message``, ``Detail`` and ``code`` (a string, as Intuit
    sends it).
    """

    code: ClassVar[str] = "4000"
    message: ClassVar[str] = "Error parsing query"
    prefix: ClassVar[str] = "QueryParserError"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.detail = f"{self.prefix}: {reason}"
        super().__init__(self.detail)

    def as_fault(self) -> dict[str, Any]:
        """The ``Fault`` object of Intuit's error envelope."""
        return {
            "Error": [{"Message": self.message, "Detail": self.detail, "code": self.code}],
            "type": "ValidationFault",
        }


class QueryValidationError(QueryParserError):
    """A query that parses but that Intuit refuses: unknown entity, OR, out-of-range paging."""

    code: ClassVar[str] = "4001"
    message: ClassVar[str] = "Invalid query"
    prefix: ClassVar[str] = "QueryValidationError"
