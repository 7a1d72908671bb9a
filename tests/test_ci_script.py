"""The CI script and the Makefile: syntax, and that a run without tests cannot pass."""

import os
import shutil
import subprocess
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
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "ruff check ." in result.stdout
    assert ".venv/bin/pytest -x -k invoice -n 2" in result.stdout
    assert result.stdout.index("ruff check .") < result.stdout.index("pytest -x")
