"""A forbidden request is one log line: anonymous or unprivileged callers cannot fill the log with tracebacks."""

import io
import logging

import pytest

from apps.core.log_filters import ClientErrorsWithoutTraceback


@pytest.fixture
def console_output():
    """What the configured console handler (the one production logs through) writes during the test."""
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, ClientErrorsWithoutTraceback) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_a_forbidden_admin_page_is_logged_in_one_line_without_a_traceback(client, read_only_user, console_output):
    client.force_login(read_only_user)

    response = client.get("/admin/accounting/account/add/")

    assert response.status_code == 403
    logged = console_output.getvalue()
    assert "Forbidden (Permission denied): /admin/accounting/account/add/" in logged
    assert "Traceback" not in logged
    assert len(logged.strip().splitlines()) == 1


def test_a_server_error_keeps_its_traceback(console_output):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})

    assert "Traceback" in console_output.getvalue()
