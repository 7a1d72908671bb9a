"""
The web server the benchmarks measure against: the whole project, pre-forked like a production server.

``bench_sandbox`` and ``bench_sync`` start it in a child process (``bench_sandbox --serve PORT``), so that what the
server spends is not counted as the benchmark's own, and stop it with its forked workers afterwards.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import requests
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections


class NoDelayRequestHandler(WSGIRequestHandler):
    """Sends small responses at once instead of waiting for the client's delayed ACK (about 40 ms a request)."""

    def setup(self) -> None:
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def project_serve(*, port: int, processes: int) -> None:
    """Serve the project on ``port`` from ``processes`` processes accepting on one socket (pre-fork); never returns."""
    server = ThreadedWSGIServer(("127.0.0.1", port), NoDelayRequestHandler)
    server.set_app(get_wsgi_application())
    connections.close_all()  # each process opens its own
    for _ in range(processes - 1):
        if os.fork() == 0:
            break
    server.serve_forever()


def project_server_start(*, port: int, processes: int) -> subprocess.Popen:
    """Start :func:`project_serve` in a child process of its own (``bench_sandbox --serve``)."""
    return subprocess.Popen(
        [sys.executable, sys.argv[0], "bench_sandbox", "--serve", str(port), "--server-processes", str(processes)],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so that its forked workers stop with it
    )


def project_server_stop(server: subprocess.Popen) -> None:
    """Stop a server :func:`project_server_start` started, with every process it forked."""
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def wait_until_up(url: str, *, timeout: float = 30.0) -> None:
    """Return once ``url`` answers 2xx; raise ``RuntimeError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The benchmark server did not start within {timeout:.0f} s.")
