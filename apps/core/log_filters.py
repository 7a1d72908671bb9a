"""Logging filters that keep what anonymous callers can provoke to one line each."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """
    Log a client error (a 4xx answer: 403, 404, a refused request) as its one message line, without the traceback
    Django attaches to ``PermissionDenied`` and friends.

    A caller who may not do something is not a fault of the server; a traceback per forged request would let anyone
    fill the log. Server errors (5xx) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if status_code is not None and status_code < 500:
            record.exc_info = None
            record.exc_text = None
        return True
