"""The CI script and the Makefile: syntax, and that a run without tests cannot pass."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CI_SCRIPT = ROOT / ".ci" / "run"

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _junit_summary(tmp_path: Path, xml: str | None) -> subprocess.CompletedProcess:
    report = tmp_path / "report.xml"
    if xml is not None:
        report.write_text(xml)
    return subprocess.run(
        # Sourced, the script only defines its functions.
        ["bash", "-c", 'source "$1" && junit_summary "$2"', "bash", str(CI_SCRIPT), str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ci_script_is_executable_bash_that_runs_make_test():
    assert os.access(CI_SCRIPT, os.X_OK)
    text = CI_SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert "make test" in text


@needs_bash
def test_ci_script_parses():
    subprocess.run(["bash", "-n", str(CI_SCRIPT)], check=True, timeout=30)


@needs_bash
@pytest.mark.parametrize(
    "xml",
    [
        None,
        '<testsuites><testsuite name="pytest" tests="0" failures="0" errors="0" skipped="0"/></testsuites>',
        '<testsuites><testsuite name="pytest" tests="4" failures="0" errors="0" skipped="4"/></testsuites>',
    ],
    ids=["no report", "no tests collected", "all skipped"],
)
def test_a_run_without_tests_fails(tmp_path, xml):
    result = _junit_summary(tmp_path, xml)
    assert result.returncode == 3
    assert "no tests ran" in result.stdout


@needs_bash
def test_a_run_with_tests_reports_the_counts(tmp_path):
    xml = '<testsuites><testsuite name="pytest" tests="10" failures="1" errors="0" skipped="2"/></testsuites>'
    result = _junit_summary(tmp_path, xml)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "7 passed, 1 failed, 0 errors, 2 skipped"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_test_lints_then_runs_pytest_with_the_given_arguments():
    result = subprocess.run(
        ["make", "-n", "test", "PYTEST_ARGS=-x -k invoice"],
        cwd=ROOT,
        # The defaults, not those of a make this test runs under (CI's passes PYTEST_WORKERS on in MAKEFLAGS).
        env={
            name: value
            for name, value in os.environ.items()
            if name not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_WORKERS", "PYTEST_ARGS"}
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "ruff check ." in result.stdout
    assert ".venv/bin/pytest -x -k invoice -n 2" in result.stdout
    assert result.stdout.index("ruff check .") < result.stdout.index("pytest -x")


@needs_bash
def test_each_run_gets_only_the_variables_it_is_given(tmp_path):
    """Run 1 runs every test even when the caller exported FIELDOFFICE_DB_TESTS_ONLY; Run 2 is given it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_make = bin_dir / "make"
    # Writes what it was given and a report of one passed test where --junitxml points.
    fake_make.write_text(
        "#!/usr/bin/env bash\n"
        'echo "${FIELDOFFICE_DB_TESTS_ONLY:-unset} ${DATABASE_URL:-unset} ${@:1:2}" >> "$MAKE_LOG"\n'
        'all="$*"; report=${all##*--junitxml=}\n'
        'echo \'<testsuites><testsuite tests="1" failures="0" errors="0" skipped="0"/></testsuites>\' > "$report"\n'
    )
    fake_make.chmod(0o755)
    log = tmp_path / "make.log"
    script = (
        'source "$1" && run_tests one "$2/one.xml" && run_tests two "$2/two.xml" DATABASE_URL=postgres://x/y '
        "FIELDOFFICE_DB_TESTS_ONLY=1 && printf '%s\\n' \"${RESULTS[@]}\""
    )
    result = subprocess.run(
        ["bash", "-c", script, "bash", str(CI_SCRIPT), str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "MAKE_LOG": str(log), "PYTEST_ARGS": ""}
        | {"FIELDOFFICE_DB_TESTS_ONLY": "1", "DATABASE_URL": "postgres://leaked/db"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [
        "unset unset test PYTEST_WORKERS=4",
        "1 postgres://x/y test PYTEST_WORKERS=4",
    ]
    assert "one: passed" in result.stdout and "two: passed" in result.stdout


def test_the_postgresql_run_is_told_to_keep_only_database_and_cache_tests():
    text = CI_SCRIPT.read_text()
    run_lines = [line for line in text.splitlines() if "run_tests " in line and "#" not in line]
    run1 = text[text.index('run_tests "Run 1') :].split("\n")[0]
    run2 = text[text.index('run_tests "Run 2') :].split("\n\n")[0]
    assert len(run_lines) == 2
    assert "FIELDOFFICE_DB_TESTS_ONLY" not in run1
    assert "FIELDOFFICE_DB_TESTS_ONLY=1" in run2 and "DATABASE_URL=" in run2


def _pytest(arguments: list[str], **environment: str) -> subprocess.CompletedProcess:
    # On SQLite (its test database in memory), whatever the calling run uses.
    unset = ("PYTEST_XDIST", "FIELDOFFICE_DB_TESTS_ONLY", "DATABASE_URL", "REDIS_URL")
    env = {name: value for name, value in os.environ.items() if not name.startswith(unset)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", *arguments],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_database_run_collects_the_tests_that_ask_for_the_database_or_the_cache():
    files = ["tests/qbo_sandbox/test_rate_limits.py", "tests/quickbooks/qbxml/test_text.py"]
    everything = _pytest(["--collect-only", *files])
    database = _pytest(["--collect-only", *files], FIELDOFFICE_DB_TESTS_ONLY="1")

    def collected(result: subprocess.CompletedProcess) -> set[str]:
        assert result.returncode == 0, result.stdout + result.stderr
        return {line for line in result.stdout.splitlines() if "::" in line}

    kept = collected(database)
    # Every rate-limit test asks for the database or is marked uses_cache; the qbXML text tests reach neither.
    assert {test for test in collected(everything) if test.startswith(files[0])} <= kept
    assert kept and all(test.startswith(files[0]) for test in kept)
    assert any(test.startswith(files[1]) for test in collected(everything))
    assert re.search(r"\d+ deselected", database.stdout)


def test_a_test_that_reaches_a_cache_or_the_database_unasked_fails(tmp_path):
    tests = tmp_path / "test_reach.py"
    tests.write_text(
        "import pytest\n"
        "from django.contrib.auth.models import Group\n"
        "from django.core.cache import cache\n"
        "from django.db import connection\n\n\n"
        "def test_cache_unmarked():\n    cache.get('reach')\n\n\n"
        "@pytest.mark.uses_cache\ndef test_cache_marked():\n    cache.get('reach')\n\n\n"
        "def test_database_unblocked(django_db_blocker):\n"
        "    with django_db_blocker.unblock(), connection.cursor() as cursor:\n        cursor.execute('SELECT 1')\n\n\n"
        "def test_database_asked(db):\n    Group.objects.exists()\n    cache.get('reach')\n\n\n"
        "def test_neither():\n    pass\n"
    )
    # Beside a copy of tests/conftest.py, outside the suite's folders.
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    result = _pytest(["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), "-rE", str(tests)])
    errors = {line.split("::")[-1].split()[0] for line in result.stdout.splitlines() if line.startswith("ERROR ")}
    assert errors == {"test_cache_unmarked", "test_database_unblocked"}, result.stdout
    assert "5 passed, 2 errors" in result.stdout
