"""How a qbXML request fails: a whole document QuickBooks cannot run, or one request with an error status."""

PARSE_HRESULT = "0x80040400"
PARSE_MESSAGE = "QuickBooks found an error when parsing the provided XML text stream."
NOT_OPEN_HRESULT = "0x80040401"
NOT_OPEN_MESSAGE = "Could not access QuickBooks: there is no open session with the company file."


class QbXmlError(Exception):
    """The request could not be run at all (what QBWC reports as an HRESULT, e.g. a parse error)."""

    def __init__(self, hresult: str = PARSE_HRESULT, message: str = PARSE_MESSAGE) -> None:
        super().__init__(f"{hresult}: {message}")
        self.hresult = hresult
        self.message = message


def parse_error() -> QbXmlError:
    return QbXmlError(PARSE_HRESULT, PARSE_MESSAGE)


class StatusError(Exception):
    """One request failed: its response carries ``statusCode``, ``statusSeverity`` and ``statusMessage``."""

    def __init__(self, code: int, message: str, severity: str = "Error") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.severity = severity
