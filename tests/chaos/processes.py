"""
FieldOffice's own processes for the chaos tests: ``manage.py workers`` clusters and a web server, each in a process
group of its own (as on a machine of its own), on the test database (which is why these tests need PostgreSQL).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for processes started from the tests."""
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One ``manage.py workers`` in a process group of its own, as on a machine of its own."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        self.name = name
        self.log = log_dir / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "workers"],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_running(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while " running." not in self.text():
            assert self.process.poll() is None, f"{self.name} exited:\n{self.text()[-3000:]}"
            assert time.monotonic() < deadline, f"{self.name} did not start:\n{self.text()[-3000:]}"
            time.sleep(0.2)

    def runs_processed(self) -> set[int]:
        return set(self.run_deliveries())

    def run_deliveries(self) -> list[int]:
        """The runs whose task this cluster took, once per delivery."""
        marker = "processing quickbooks-run-"
        return [int(line.split(marker)[1].split()[0]) for line in self.text().splitlines() if marker in line]

    def kill_group(self, sig: int) -> None:
        os.killpg(self.process.pid, sig)

    def stop_time(self, timeout: float) -> float:
        started = time.monotonic()
        self.process.wait(timeout=timeout)
        return time.monotonic() - started

    def cleanup(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


class WebServer:
    """FieldOffice's web server (``runserver``, no reloader) on ``port``, in a process group of its own."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path, port: int):
        self.name = name
        self.url = f"http://127.0.0.1:{port}"
        self.log = log_dir / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_serving(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, f"{self.name} exited:\n{self.text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{self.url}{path}", timeout=5):
                    return
            except OSError:
                assert time.monotonic() < deadline, f"{self.name} did not start:\n{self.text()[-3000:]}"
                time.sleep(0.1)

    def kill(self) -> None:
        """Stop it at once, as a recycled or crashed web worker stops: whatever it was doing is gone."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def cleanup(self) -> None:
        if self.process.poll() is None:
            self.kill()
