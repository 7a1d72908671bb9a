"""
Closing a client's connection without an answer, as a reset connection or a crashed front end does.

The view returns a streaming response whose first chunk shuts the socket down and raises ``ConnectionResetError``.
Nothing has been written by then: headers go out with the first chunk. Django's development server (``runserver``,
``live_server``) treats that error as a client that went away and ends the exchange silently; gunicorn closes the
socket on any ``OSError``. The socket itself is reached through ``wsgi.input`` where the server exposes it
(wsgiref's buffered socket file), so that the client sees the close at once instead of waiting for a keep-alive
connection to time out. Under Django's test client there is no socket and the error reaches the caller.
"""

import contextlib
import errno
import logging
import socket
from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse

logger = logging.getLogger(__name__)

# How wsgiref's input stream leads to its socket: LimitedStream._read is the bound read of a BufferedReader,
# whose raw SocketIO holds the socket in _sock.
_SOCKET_PATH = ("_read", "__self__", "raw", "_sock")


def _socket_of(stream: object) -> socket.socket | None:
    node = stream
    for attribute in _SOCKET_PATH:
        node = getattr(node, attribute, None)
    return node if isinstance(node, socket.socket) else None


def _abort(request: HttpRequest) -> Iterator[bytes]:
    connection = _socket_of(request.META.get("wsgi.input"))
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
    raise ConnectionResetError(errno.ECONNRESET, "Connection dropped by the QuickBooks sandbox")
    # Never reached: the yield makes this a generator, so that the code above runs when the server asks for the body.
    yield b""  # pragma: no cover


def dropped_connection_response(request: HttpRequest) -> StreamingHttpResponse:
    logger.info("Sandbox drops the connection of %s %s", request.method, request.path)
    return StreamingHttpResponse(_abort(request))
